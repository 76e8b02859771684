"""A grievance's page: its facts, timeline, extensions and mediation, with the steps this user
may take now, and the office's decision on a request for more time.

What is offered comes from grievances.policy, the rules the services enforce; the step forms
post to the step pages (views.steps), where a step the status no longer allows comes back as
a message on the form.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grievances import policy, selectors, services
from grievances.choices import (
    DISPUTE_CATEGORIES,
    EVENT_LABELS,
    FINAL_STATUSES,
    Action,
    DataView,
    ExtensionState,
    Status,
)
from grievances.forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MediationConcludeForm,
    MediationOpenForm,
    MediationSessionForm,
    action_form,
)
from grievances.models import Attachment, ExtensionRequest
from grievances.views import detail_cards as cards
from grievances.views import detail_reads as reads
from grievances.views.common import next_deadline, visible_grievance
from grievances.views.merge import duplicates_panel
from parks.core.dates import minute_text
from parks.core.downloads import stored_file_response

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


STATUS_LABELS = dict(Status.choices)


@dataclass(frozen=True)
class TimelineRow:
    """A timeline entry as the page prints it, as values `{% memo %}` can key: the timeline is
    drawn once per set of its entries (and language and time zone), not some fifteen template
    nodes an entry on every request. Its labels are looked up when it is drawn, in the page's
    language, as the model's get_…_display and EVENT_LABELS give them."""

    action: str
    from_status: str
    to_status: str
    at: str  # when, as |minute prints it in the current time zone
    actor: str | None  # the actor's name (User.__str__); None for the worker or the system
    note: str

    @classmethod
    def of(cls, event) -> "TimelineRow":
        actor = event.actor
        return cls(
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            at=minute_text(event.at),
            actor=None if actor is None else str(actor),
            note=event.note,
        )

    @property
    def label(self):
        return EVENT_LABELS.get(self.action, self.action)

    # GrievanceEvent.get_from_status_display and get_to_status_display.
    @property
    def from_label(self):
        return STATUS_LABELS.get(self.from_status, self.from_status)

    @property
    def to_label(self):
        return STATUS_LABELS.get(self.to_status, self.to_status)


def _action_buttons(user, grievance):
    return [
        {
            "action": action,
            "url": step_url(grievance.pk, action),
            # In the request's language now: a plain text the modal's {% memo %} can key.
            "label": str(Action(action).label),
            "style": ACTION_STYLES[action],
            "submit_style": ACTION_STYLES[action].removeprefix("outline-"),
            "one_click": action in ONE_CLICK_ACTIONS,
            "form": None
            if action in ONE_CLICK_ACTIONS
            else action_form(action, grievance=grievance, user=user),
        }
        for action in policy.offered_steps(user, grievance)
    ]


# (step, URL conf, script prefix, language) -> the step's address around the grievance's id
_STEP_URLS: dict[tuple, tuple[str, str]] = {}
_STAND_IN, _CHECK = 987654321987, 13


def step_url(pk: int, action: str) -> str:
    """`{% url 'grievances:grievance_act' pk action %}`, reversed once per step (as
    parks.core.row_urls.pk_url does for one id; reverse() costs some 0.2 ms here): keyed on all
    reverse() reads besides the id, kept only if it answers as reverse() for a second id."""
    key = (action, get_urlconf(), get_script_prefix(), get_language())
    split = _STEP_URLS.get(key)
    if split is None:
        url = reverse("grievances:grievance_act", args=[_STAND_IN, action])
        head, found, tail = url.partition(str(_STAND_IN))
        checked = reverse("grievances:grievance_act", args=[_CHECK, action])
        if not found or str(_STAND_IN) in tail or f"{head}{_CHECK}{tail}" != checked:
            return reverse("grievances:grievance_act", args=[pk, action])
        split = _STEP_URLS[key] = (head, tail)
    return f"{split[0]}{int(pk)}{split[1]}"


@dataclass(frozen=True)
class Facts:
    """What the facts card prints of the grievance's related rows and labels, as plain values
    (None where the card prints its stand-in): the card is kept per set of them and the ambient
    inputs ({% memo facts=facts %}, parks.templatetags.memo). Each is the value the card's old
    template read, so it prints the same (tests/grievances/test_grievance_page_kept.py)."""

    park: str
    zone: tuple | None  # code, name
    channel: str
    survey: str | None
    activity: tuple | None  # address, title
    category: str
    unit: str
    handler: str | None
    logged_by: str | None


def facts_of(grievance) -> Facts:
    # Related rows are tested as the template tested them (a row is true, None is not); a label
    # in the language of the request, as the template printed it.
    zone, survey, activity = grievance.grid_zone, grievance.survey, grievance.source_activity
    unit, handler, logged_by = grievance.handling_unit, grievance.handler, grievance.logged_by
    return Facts(
        park=grievance.park.name,
        zone=(zone.code, zone.name) if zone else None,
        channel=str(grievance.get_channel_display()),
        survey=str(survey) if survey else None,
        activity=(activity.get_absolute_url(), activity.title) if activity else None,
        category=str(grievance.get_category_display()),
        unit=unit.name if unit else "",
        handler=str(handler) if handler else None,
        logged_by=str(logged_by) if logged_by else None,
    )


def _mediation_panel(user, grievance, today):
    if grievance.category not in DISPUTE_CATEGORIES:
        return None
    mediation = reads.mediation_of(grievance)
    if mediation is None and grievance.status in FINAL_STATUSES:
        return None
    panel = {"mediation": mediation, "can_mediate": policy.may_mediate(user, grievance)}
    if mediation is None:
        panel["can_open"] = policy.mediation_open_refusal(user, grievance) is None
        panel["open_form"] = MediationOpenForm(grievance=grievance) if panel["can_open"] else None
        return panel
    mediation.grievance = grievance  # the policy asks who handles it; no second query
    opens_on = policy.arbitration_opens_on(mediation)
    panel.update(
        last_day=policy.mediation_last_day(mediation),
        arbitration_opens_on=opens_on,
        days_left=(opens_on - today).days,
        may_seek_arbitration=policy.may_seek_arbitration(mediation, today=today),
        sessions=list(mediation.sessions.order_by("held_at")),
        can_add=policy.mediation_record_refusal(user, mediation) is None,
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
    allowed = selectors.user_may_see_personal_data(request.user, grievance)
    return {
        "allowed": allowed,
        "revealed": revealed,
        # The "show personal data" buttons (the complainant's, the mediation's parties).
        "offers_reveal": allowed and not revealed,
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
    timeline = tuple(TimelineRow.of(event) for event in reads.events_of(grievance))
    extensions = reads.extensions_of(grievance)
    pending = next((e for e in extensions if e.state == ExtensionState.PENDING), None)
    offers_extension = policy.offers_extension_request(
        user, grievance, has_pending=pending is not None
    )
    can_decide = pending is not None and policy.extension_decision_refusal(user, pending) is None
    response = render(
        request,
        "grievances/grievance_detail.html",
        {
            "nav": "grievances",
            "grievance": grievance,
            "facts": facts_of(grievance),
            "deadline": next_deadline(grievance),
            "personal": personal,
            "timeline": timeline,
            # Every call is kept, a reopened grievance's earlier answers too (grievances.rates).
            "follow_ups": reads.follow_ups_of(grievance),
            "attachments": reads.attachments_of(grievance),
            "actions": _action_buttons(user, grievance),
            "extensions": cards.extension_rows(extensions, can_decide=can_decide),
            "offers_extension": offers_extension,
            "extension_form": ExtensionRequestForm() if offers_extension else None,
            "mediation": mediation,
            "mediation_card": mediation
            and cards.mediation_card(
                mediation, grievance, personal, settings.GRIEVANCE_MEDIATION_DAYS
            ),
            "duplicates": duplicates_panel(user, grievance),
            "data_views": cards.data_view_rows(
                reads.data_views_of(grievance) if policy.sees_personal_data_log(user) else None
            ),
        },
    )
    if personal["revealed"]:
        # A page with a worker's name and phone is not kept by the browser or a proxy.
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(
            grievance__in=selectors.grievances_visible_to(request.user)
        ).select_related("grievance"),
        pk=pk,
    )
    if not policy.may_decide_extensions(request.user):
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


@login_required
def attachment_download(request, pk):
    """An attachment, only for someone who may see its grievance; saved under its own name."""
    attachment = get_object_or_404(
        Attachment.objects.filter(grievance__in=selectors.grievances_visible_to(request.user)),
        pk=pk,
    )
    return stored_file_response(attachment.file, attachment.original_name)
