"""Likely duplicates on a grievance's page, and the office merging one case into another."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grievances import policy, selectors
from grievances.duplicates import duplicates_of
from grievances.forms import MergeForm
from grievances.merging import grievance_merge
from grievances.models import Grievance


def duplicates_panel(user, grievance: Grievance) -> dict:
    """What the grievance page shows about duplicates: the case it was merged into, the cases
    merged into it, and its likely duplicates in the user's scope (one query each)."""
    visible = selectors.grievances_visible_to(user)
    return {
        "merged_into": visible.filter(pk=grievance.merged_into_id).first()
        if grievance.merged_into_id
        else None,
        "merged_in": list(visible.filter(merged_into=grievance).order_by("received_at", "pk")),
        "candidates": list(duplicates_of(visible, grievance)[:10]),
        "can_merge": policy.may_merge(user),
    }


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
