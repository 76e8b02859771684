"""Likely duplicates on a grievance's page, and the office merging one case into another."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grievances import policy, selectors
from grievances.choices import FINAL_STATUSES
from grievances.duplicates import candidates_between, received_window
from grievances.forms import MergeForm
from grievances.merging import grievance_merge
from grievances.models import Grievance
from parks import access
from parks.core.prepared import prepared

# The likely duplicates a grievance's page lists, the most similar first.
DUPLICATES_SHOWN = 10


def duplicates_panel(user, grievance: Grievance) -> dict:
    """What the grievance page shows about duplicates: the case it was merged into, the cases
    merged into it, and its likely duplicates in the user's scope (one query each).

    Each query is the one `visible.filter(…)` / `duplicates_of` builds, compiled once per scope
    (parks.core.prepared): its key holds all the SQL depends on besides the values it is sent
    with (access.scope_key; the similarity, a constant of its SQL)."""
    scope = access.scope_key(user)
    merged_into = None
    if grievance.merged_into_id:
        found = prepared(
            ("grievance_merged_into", scope), _merged_into(user), grievance.merged_into_id
        )
        merged_into = next(iter(found), None)
    candidates = []
    if grievance.status not in FINAL_STATUSES:
        start, end = received_window(grievance.received_at)
        key = ("grievance_duplicates", scope, settings.GRIEVANCE_DUPLICATE_SIMILARITY)
        values = (grievance.park_id, grievance.title, start, end, grievance.pk)
        candidates = list(prepared(key, _candidates(user), *values))
    return {
        "merged_into": merged_into,
        "merged_in": list(prepared(("grievance_merged_in", scope), _merged_in(user), grievance.pk)),
        "candidates": candidates,
        "can_merge": policy.may_merge(user),
    }


# The queries of duplicates_panel as Django builds them, for `user` (whose scope is the key),
# reading only the columns grievances/_duplicates.html prints (and the id).
SHOWN = ("tracking_code", "title", "received_at", "status")


def _merged_into(user):
    def build(pk):
        found = selectors.grievances_visible_to(user).filter(pk=pk).only(*SHOWN)
        return (found if found.ordered else found.order_by("pk"))[:1]  # as .first() reads it

    return build


def _merged_in(user):
    def build(pk):
        visible = selectors.grievances_visible_to(user)
        return visible.filter(merged_into=pk).only(*SHOWN).order_by("received_at", "pk")

    return build


def _candidates(user):
    def build(park_id, title, start, end, pk):
        visible = selectors.grievances_visible_to(user)
        found = candidates_between(
            visible, park_id=park_id, title=title, start=start, end=end, exclude_pk=pk
        )
        return found.only(*SHOWN)[:DUPLICATES_SHOWN]

    return build


@login_required
@require_POST
def grievance_merge_view(request, pk):
    """Merge grievance `pk` into the one named by `into`; back to the case that goes on."""
    visible = selectors.grievances_visible_to(request.user)
    duplicate = get_object_or_404(visible, pk=pk)
    if not policy.may_merge(request.user):
        raise PermissionDenied
    form = MergeForm(request.POST, grievances=visible)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(duplicate)
    try:
        survivor = grievance_merge(
            duplicate=duplicate,
            survivor=form.cleaned_data["into"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(duplicate)
    messages.success(
        request,
        _("%(duplicate)s was merged into %(survivor)s; its worker's tracking code follows it.")
        % {"duplicate": duplicate.tracking_code, "survivor": survivor.tracking_code},
    )
    return redirect(survivor)
