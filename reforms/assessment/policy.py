"""Who may do what now in the assessment (考核). The pages, the API and the services ask these
functions; the scope rules (who sees which score) are parks.access's
assessment_scores_visible."""

from django.utils.translation import gettext_lazy as _

from parks import access
from parks.access import AnyUser
from reforms.assessment.choices import SchemeStatus
from reforms.assessment.models import Scheme, Score


def may_write_schemes(user: AnyUser) -> bool:
    """Writing schemes, computing, adjusting and publishing is the district office's."""
    return access.may_run_assessment(user)


def may_edit_scheme(user: AnyUser, scheme: Scheme) -> bool:
    """A draft or a scheme in force may be edited (a scheme in force gets a new version; the
    scores already computed keep the rules they were computed with); a retired one may not."""
    return may_write_schemes(user) and scheme.status != SchemeStatus.RETIRED


def may_activate_scheme(user: AnyUser, scheme: Scheme) -> bool:
    return may_write_schemes(user) and scheme.status == SchemeStatus.DRAFT


def may_retire_scheme(user: AnyUser, scheme: Scheme) -> bool:
    return may_write_schemes(user) and scheme.status == SchemeStatus.ACTIVE


def may_compute(user: AnyUser, scheme: Scheme) -> bool:
    """Computing a period now (on demand) or recomputing it: only with a scheme in force."""
    return may_write_schemes(user) and scheme.status == SchemeStatus.ACTIVE


def may_adjust(user: AnyUser, score: Score) -> bool:
    """Applying a bonus or deduction, or withdrawing one, published or not (a correction after
    publication is recorded in the history like any other)."""
    return may_write_schemes(user)


def may_publish(user: AnyUser) -> bool:
    return may_write_schemes(user)


def may_export_ranking(user: AnyUser) -> bool:
    """A period's whole ranking as a workbook or a Word notice (every subject's score, published
    or not) is the office's."""
    return may_write_schemes(user)


# Why a step is refused, for the pages' messages and the API's 409 answers.
NOT_IN_FORCE = _("Only a scheme in force can score a period.")
NOT_DRAFT = _("Only a draft scheme can be put in force.")
RETIRED = _("A retired scheme cannot be changed.")
