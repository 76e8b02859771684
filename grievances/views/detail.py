"""A grievance's page and the forms that move it: workflow steps, extensions, mediation.

The page offers only the steps this user may take in this status (office steps to the office,
unit steps to the unit handling it). Every step still goes through grievances.services, which
refuses a step the status no longer allows; the refusal comes back as a message on the form.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parks.downloads import stored_file_response

from .. import selectors, services
from ..choices import (
    ALLOWED_TRANSITIONS,
    DISPUTE_CATEGORIES,
    FINAL_STATUSES,
    OFFICE_ACTIONS,
    SATISFIED_LEVELS,
    UNIT_ACTIONS,
    Action,
    DataView,
    ExtensionState,
    Status,
)
from ..forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MediationConcludeForm,
    MediationOpenForm,
    MediationSessionForm,
    action_form,
)
from ..models import Attachment, ExtensionRequest, Mediation, PersonalDataView
from .common import next_deadline, save_form, visible_grievance

# The order the buttons are drawn in: forward steps first, withdrawing last.
ACTION_ORDER = [
    Action.ASSIGN,
    Action.ACCEPT,
    Action.START,
    Action.REPLY,
    Action.RETURN,
    Action.FOLLOW_UP,
    Action.CLOSE,
    Action.REOPEN,
    Action.WITHDRAW,
]
# Steps that need nothing typed are a single button; the others open a small form.
ONE_CLICK_ACTIONS = {Action.ACCEPT, Action.START, Action.CLOSE}
ACTION_STYLES = {
    Action.ASSIGN: "primary",
    Action.ACCEPT: "primary",
    Action.START: "outline-primary",
    Action.REPLY: "primary",
    Action.RETURN: "outline-warning",
    Action.FOLLOW_UP: "primary",
    Action.CLOSE: "success",
    Action.REOPEN: "outline-warning",
    Action.WITHDRAW: "outline-danger",
}
# Timeline entries that are not workflow steps.
EVENT_LABELS = {
    **dict(Action.choices),
    "receive": gettext_lazy("Received"),
    "extension_requested": gettext_lazy("More time requested"),
    "extension_approved": gettext_lazy("Extension approved"),
    "extension_rejected": gettext_lazy("Extension rejected"),
    "mediation_opened": gettext_lazy("Mediation opened"),
    "mediation_concluded": gettext_lazy("Mediation concluded"),
}
RECENT_DATA_VIEWS = 10
HANDLING = (Status.ACCEPTED, Status.IN_PROGRESS)


def may_take(user, grievance, action) -> bool:
    """Whether the user's role lets them take this step at all (the service's rule)."""
    if action in OFFICE_ACTIONS:
        return user.is_office
    return selectors.user_can_handle(user, grievance)


def available_actions(user, grievance):
    """The workflow steps this user may take on this grievance now."""
    is_unit = selectors.user_is_handling_unit(user, grievance)
    actions = []
    for action in ACTION_ORDER:
        sources, _target = ALLOWED_TRANSITIONS[action]
        if grievance.status not in sources:
            continue
        if action in OFFICE_ACTIONS and not user.is_office:
            continue
        if action in UNIT_ACTIONS and not is_unit:
            continue
        # Closing needs a satisfied worker; an unsatisfied one is reopened instead.
        if action == Action.CLOSE and grievance.satisfaction not in SATISFIED_LEVELS:
            continue
        actions.append(action)
    return actions


def _action_buttons(user, grievance):
    return [
        {
            "action": action,
            "label": Action(action).label,
            "style": ACTION_STYLES[action],
            "submit_style": ACTION_STYLES[action].removeprefix("outline-"),
            "one_click": action in ONE_CLICK_ACTIONS,
            "form": None
            if action in ONE_CLICK_ACTIONS
            else action_form(action, grievance=grievance, user=user),
        }
        for action in available_actions(user, grievance)
    ]


def _mediation_of(grievance):
    try:
        return grievance.mediation
    except Mediation.DoesNotExist:
        return None


def _mediation_panel(user, grievance, today):
    if grievance.category not in DISPUTE_CATEGORIES:
        return None
    mediation = _mediation_of(grievance)
    if mediation is None and grievance.status in FINAL_STATUSES:
        return None
    can_mediate = selectors.user_can_handle(user, grievance)
    panel = {"mediation": mediation, "can_mediate": can_mediate}
    if mediation is None:
        panel["can_open"] = can_mediate
        panel["open_form"] = MediationOpenForm(grievance=grievance) if panel["can_open"] else None
        return panel
    deadline = mediation.applied_on + timedelta(days=settings.GRIEVANCE_MEDIATION_DAYS)
    panel.update(
        deadline=deadline,
        days_left=(deadline - today).days,
        may_seek_arbitration=not mediation.outcome and today > deadline,
        sessions=list(mediation.sessions.order_by("held_at")),
        can_add=can_mediate and not mediation.outcome,
    )
    if panel["can_add"]:
        panel["session_form"] = MediationSessionForm()
        panel["conclude_form"] = MediationConcludeForm()
    return panel


def _personal_data(request, grievance, mediation):
    """The complainant's details and the mediation's parties as this user may see them: masked
    unless the office or the handling unit asks (`?unmask=1`), and then the view is logged."""
    revealed = grievance.pk in services.personal_data_reveal(
        viewer=request.user,
        grievances=[grievance],
        asked=request.GET.get("unmask") == "1",
        via=DataView.PAGE,
    )
    return {
        "allowed": selectors.user_may_see_personal_data(request.user, grievance),
        "revealed": revealed,
        **selectors.complainant_shown(grievance, revealed=revealed),
        "parties": selectors.parties_shown(mediation, revealed=revealed) if mediation else "",
        "any": selectors.has_complainant_data(grievance),
    }


@login_required
def grievance_detail(request, pk):
    grievance = visible_grievance(request, pk)
    user = request.user
    today = timezone.localdate()
    mediation = _mediation_panel(user, grievance, today)
    personal = _personal_data(request, grievance, mediation and mediation["mediation"])
    events = [
        {"event": event, "label": EVENT_LABELS.get(event.action, event.action)}
        for event in grievance.events.select_related("actor").order_by("at", "pk")
    ]
    extensions = list(
        grievance.extensions.select_related("requested_by", "decided_by").order_by(
            "-requested_at", "-pk"
        )
    )
    pending = next((e for e in extensions if e.state == ExtensionState.PENDING), None)
    is_unit = selectors.user_is_handling_unit(user, grievance)
    response = render(
        request,
        "grievances/grievance_detail.html",
        {
            "nav": "grievances",
            "grievance": grievance,
            "deadline": next_deadline(grievance),
            "personal": personal,
            "events": events,
            "attachments": grievance.attachments.order_by("pk"),
            "actions": _action_buttons(user, grievance),
            "extensions": extensions,
            "pending_extension": pending,
            "extension_form": ExtensionRequestForm()
            if is_unit and pending is None and grievance.status in HANDLING
            else None,
            "can_decide_extension": user.is_office and pending is not None,
            "mediation": mediation,
            "data_views": PersonalDataView.objects.filter(grievance=grievance)
            .select_related("viewer")
            .order_by("-at")[:RECENT_DATA_VIEWS]
            if user.is_office
            else None,
            "today": today,
            "mediation_days": settings.GRIEVANCE_MEDIATION_DAYS,
        },
    )
    if personal["revealed"]:
        # A page with a worker's name and phone is not kept by the browser or a proxy.
        response["Cache-Control"] = "private, no-store"
    return response


def _step_page(request, grievance, form, *, title, submit, action_url, status=200):
    return render(
        request,
        "grievances/step_form.html",
        {
            "nav": "grievances",
            "grievance": grievance,
            "form": form,
            "title": title,
            "submit": submit,
            "action_url": action_url,
        },
        status=status,
    )


@login_required
def grievance_act(request, pk, action):
    """One workflow step. The detail page posts here; a refused step comes back with why."""
    grievance = visible_grievance(request, pk)
    if action not in Action.values:
        raise Http404
    if not may_take(request.user, grievance, action):
        raise PermissionDenied
    post = request.method == "POST"
    form = action_form(
        action, grievance=grievance, user=request.user, data=request.POST if post else None
    )
    if post and form.is_valid():
        data = form.cleaned_data
        moved = save_form(
            form,
            lambda: services.grievance_act(
                grievance=grievance,
                action=action,
                actor=request.user,
                note=data.get("note", ""),
                unit=data.get("unit"),
                handler=data.get("handler"),
                satisfaction=data.get("satisfaction", ""),
                rectified=data.get("rectified") if action == Action.FOLLOW_UP else None,
            ),
        )
        if moved:
            messages.success(
                request,
                _("%(code)s is now “%(status)s”.")
                % {"code": moved.tracking_code, "status": moved.get_status_display()},
            )
            return redirect(moved)
    elif not post and action not in available_actions(request.user, grievance):
        messages.info(request, _("This step is not open to you now."))
        return redirect(grievance)
    return _step_page(
        request,
        grievance,
        form,
        title=Action(action).label,
        submit=Action(action).label,
        action_url=reverse("grievances:grievance_act", args=[grievance.pk, action]),
    )


@login_required
def extension_request(request, pk):
    grievance = visible_grievance(request, pk)
    if not selectors.user_can_handle(request.user, grievance):
        raise PermissionDenied
    post = request.method == "POST"
    form = ExtensionRequestForm(request.POST if post else None)
    if post and form.is_valid():
        saved = save_form(
            form,
            lambda: services.extension_request(
                grievance=grievance,
                actor=request.user,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if saved:
            messages.success(request, _("The request for more time was sent to the office."))
            return redirect(grievance)
    return _step_page(
        request,
        grievance,
        form,
        title=_("Ask for more time"),
        submit=_("Send request"),
        action_url=reverse("grievances:extension_request", args=[grievance.pk]),
    )


@login_required
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(
            grievance__in=selectors.grievances_visible_to(request.user)
        ).select_related("grievance"),
        pk=pk,
    )
    if not request.user.is_office:
        raise PermissionDenied
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or reject the request."))
        return redirect(extension.grievance)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.extension_decide(
            extension=extension,
            actor=request.user,
            approve=approve,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Extension approved: the resolution deadline moved by %(days)d days.")
            % {"days": extension.days}
            if approve
            else _("Extension rejected: the deadline stays."),
        )
    return redirect(extension.grievance)


def _mediating(request, pk):
    grievance = visible_grievance(request, pk)
    if not selectors.user_can_handle(request.user, grievance):
        raise PermissionDenied
    return grievance


@login_required
def mediation_open(request, pk):
    grievance = _mediating(request, pk)
    post = request.method == "POST"
    form = MediationOpenForm(request.POST if post else None, grievance=grievance)
    if post and form.is_valid():
        saved = save_form(
            form,
            lambda: services.mediation_open(
                grievance=grievance, actor=request.user, **form.cleaned_data
            ),
        )
        if saved:
            messages.success(request, _("Mediation opened."))
            return redirect(f"{grievance.get_absolute_url()}#mediation")
    return _step_page(
        request,
        grievance,
        form,
        title=_("Open mediation"),
        submit=_("Open mediation"),
        action_url=reverse("grievances:mediation_open", args=[grievance.pk]),
    )


def _open_mediation(grievance):
    mediation = _mediation_of(grievance)
    if mediation is None:
        raise Http404
    return mediation


@login_required
def mediation_session_add(request, pk):
    grievance = _mediating(request, pk)
    mediation = _open_mediation(grievance)
    post = request.method == "POST"
    form = MediationSessionForm(request.POST if post else None)
    if post and form.is_valid():
        saved = save_form(
            form,
            lambda: services.mediation_session_add(
                mediation=mediation, actor=request.user, **form.cleaned_data
            ),
        )
        if saved:
            messages.success(request, _("Mediation session recorded."))
            return redirect(f"{grievance.get_absolute_url()}#mediation")
    return _step_page(
        request,
        grievance,
        form,
        title=_("Record a mediation session"),
        submit=_("Save session"),
        action_url=reverse("grievances:mediation_session_add", args=[grievance.pk]),
    )


@login_required
def mediation_conclude(request, pk):
    grievance = _mediating(request, pk)
    mediation = _open_mediation(grievance)
    post = request.method == "POST"
    form = MediationConcludeForm(request.POST if post else None)
    if post and form.is_valid():
        saved = save_form(
            form,
            lambda: services.mediation_conclude(
                mediation=mediation, actor=request.user, **form.cleaned_data
            ),
        )
        if saved:
            messages.success(
                request,
                _("Mediation concluded: %(outcome)s.") % {"outcome": saved.get_outcome_display()},
            )
            return redirect(f"{grievance.get_absolute_url()}#mediation")
    return _step_page(
        request,
        grievance,
        form,
        title=_("Conclude the mediation"),
        submit=_("Conclude"),
        action_url=reverse("grievances:mediation_conclude", args=[grievance.pk]),
    )


@login_required
def attachment_download(request, pk):
    """An attachment, only for someone who may see its grievance; saved under its own name."""
    attachment = get_object_or_404(
        Attachment.objects.filter(grievance__in=selectors.grievances_visible_to(request.user)),
        pk=pk,
    )
    return stored_file_response(attachment.file, attachment.original_name)
