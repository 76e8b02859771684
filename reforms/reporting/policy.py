"""Who may ask for which progress report, and what someone asking for one out of their reach is
told. The rule itself is parks.access's (may_request_report, requestable_targets); the service
(reforms.reporting.services) enforces it, and the request form and the API narrow their choices
with the same functions and word their refusals with the same messages.

A park or a subdistrict outside the asker's reach is answered as one that does not exist: a 400
naming the field, worded as for a made-up id, so the answer never tells whether it exists (issue
12). Only a role that asks for no reports at all (liaisons, instructors, observers, member
units) is refused outright (PermissionDenied, a 403).
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from parks import access
from parks.structure.models import Park, Subdistrict
from reforms.reporting.choices import ReportScope

NO_SUCH_PARK = gettext_lazy("No such park.")
NO_SUCH_SUBDISTRICT = gettext_lazy("No such subdistrict.")
SCOPE_OUT_OF_REACH = gettext_lazy("You may not ask for a report of this scope.")


def user_can_request_report(
    user: access.AnyUser,
    *,
    scope: str,
    subdistrict: Subdistrict | None = None,
    park: Park | None = None,
) -> bool:
    """Whether the user may ask for this report (the rule: parks.access.may_request_report)."""
    return access.may_request_report(user, scope=scope, subdistrict=subdistrict, park=park)


def requestable_targets(
    user: access.AnyUser,
) -> tuple[list[ReportScope], QuerySet[Subdistrict], QuerySet[Park]]:
    """What a user may ask reports for, for forms: (scopes, subdistricts, parks)."""
    levels, subdistricts, parks = access.requestable_targets(user)
    return [ReportScope(level) for level in levels], subdistricts, parks


def user_may_request_reports(user: access.AnyUser) -> bool:
    """Whether the user's role asks for reports at all (which ones: requestable_targets)."""
    return user.is_authenticated and bool(requestable_targets(user)[0])


def check_within_reach(
    user: access.AnyUser,
    *,
    scope: str,
    subdistrict: Subdistrict | None = None,
    park: Park | None = None,
) -> None:
    """Refuse a report out of the user's reach as the forms refuse one that does not exist:
    the park's or the subdistrict's field, or the scope's when the user asks for no report of
    that kind (a park manager's district report)."""
    if user_can_request_report(user, scope=scope, subdistrict=subdistrict, park=park):
        return
    if scope not in requestable_targets(user)[0]:
        raise ValidationError({"scope": SCOPE_OUT_OF_REACH})
    if scope == ReportScope.PARK:
        raise ValidationError({"park": NO_SUCH_PARK})
    raise ValidationError({"subdistrict": NO_SUCH_SUBDISTRICT})
