"""Every write to grievances goes through here: intake, the workflow, extensions, mediation,
surveys, reminders and the personal-data log.

The workflow follows choices.ALLOWED_TRANSITIONS in one function, grievance_act, which locks
the row (select_for_update) so two people acting at once are applied one after the other and a
step that no longer fits the status is refused. Each step writes its timeline event in the same
transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.choices import Role
from parks.models import Organisation, User
from parks.services import notify
from parks.uploads import check_upload

from .choices import (
    ACTIONS_NEEDING_NOTE,
    ALLOWED_TRANSITIONS,
    DISPUTE_CATEGORIES,
    OFFICE_ACTIONS,
    SATISFIED_LEVELS,
    Action,
    Channel,
    ExtensionState,
    ReminderLevel,
    Satisfaction,
    Status,
)
from .models import (
    Attachment,
    ExtensionRequest,
    Grievance,
    GrievanceEvent,
    GrievanceReminder,
    Mediation,
    MediationSession,
    PersonalDataView,
    SurveyCampaign,
    TimeLimitPolicy,
)
from .selectors import (
    has_complainant_data,
    may_unmask,
    mediators_for,
    user_can_handle,
    user_can_log_grievances,
    with_deadline_flags,
)

# What a worker may attach: photos and PDFs, checked by their first bytes as well as the name.
ATTACHMENT_SIGNATURES = {
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".pdf": b"%PDF",
}
MAX_ATTACHMENTS = 5


def validate_attachment(upload) -> None:
    """Refuse an attachment that is too big, not a photo or PDF, or not what its name says."""
    check_upload(
        upload,
        signatures=ATTACHMENT_SIGNATURES,
        max_bytes=settings.GRIEVANCE_ATTACHMENT_MAX_BYTES,
        refusal=_("“%(name)s”: only photos (JPG, PNG) and PDF files can be attached."),
    )


def deadlines_for(category: str, received_at):
    """(respond by, resolve by) for a grievance of `category` received at `received_at`."""
    policy = TimeLimitPolicy.objects.filter(category=category).first()
    hours = policy.respond_within_hours if policy else settings.GRIEVANCE_DEFAULT_RESPOND_HOURS
    days = policy.resolve_within_days if policy else settings.GRIEVANCE_DEFAULT_RESOLVE_DAYS
    return received_at + timedelta(hours=hours), received_at + timedelta(days=days)


def _event(grievance, *, actor, action, from_status, note=""):
    GrievanceEvent.objects.create(
        grievance=grievance,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=grievance.status,
        note=note,
    )


@transaction.atomic
def grievance_receive(
    *,
    grievance: Grievance,
    actor: User | None,
    files=(),
) -> Grievance:
    """Take in a grievance: check it, compute its deadlines from the policy, save it.

    `actor` is None for a worker on the public page (channel online); otherwise the office,
    or a liaison or park manager of the grievance's park, logs it.
    """
    if actor is not None and not user_can_log_grievances(actor, grievance.park):
        raise PermissionDenied
    if actor is None:
        grievance.channel = Channel.ONLINE
    if grievance.grid_zone_id and grievance.grid_zone.park_id != grievance.park_id:
        raise ValidationError({"grid_zone": _("This grid zone belongs to another park.")})
    if grievance.survey_id and grievance.survey.park_id != grievance.park_id:
        raise ValidationError({"survey": _("This survey was held in another park.")})
    if grievance.source_activity_id and grievance.source_activity.park_id != grievance.park_id:
        raise ValidationError({"source_activity": _("This activity was logged in another park.")})
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS}})
    for upload in files:
        try:
            validate_attachment(upload)
        except ValidationError as error:
            raise ValidationError({"attachments": error.messages}) from error
    grievance.status = Status.RECEIVED
    grievance.logged_by = actor
    grievance.received_at = grievance.received_at or timezone.now()
    grievance.response_due_at, grievance.resolution_due_at = deadlines_for(
        grievance.category, grievance.received_at
    )
    grievance.full_clean()
    grievance.save()
    for upload in files:
        Attachment.objects.create(
            grievance=grievance, file=upload, original_name=upload.name[:200], size=upload.size
        )
    _event(grievance, actor=actor, action="receive", from_status="")
    return grievance


@transaction.atomic
def grievance_act(
    *,
    grievance: Grievance,
    action: str,
    actor: User,
    note: str = "",
    unit: Organisation | None = None,
    handler: User | None = None,
    satisfaction: str = "",
    rectified: bool | None = None,
) -> Grievance:
    """Take one workflow step. Raises ValidationError for a step the status does not allow."""
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    if action not in ALLOWED_TRANSITIONS:
        raise ValidationError({"action": _("Unknown action.")})
    sources, target = ALLOWED_TRANSITIONS[action]
    if action in OFFICE_ACTIONS:
        if not actor.is_office:
            raise PermissionDenied(_("Only the district reform office takes this step."))
    elif not user_can_handle(actor, grievance):
        raise PermissionDenied(_("Only the unit handling this grievance takes this step."))
    if grievance.status not in sources:
        raise ValidationError(
            _("A grievance that is “%(status)s” cannot be given the step “%(action)s”.")
            % {"status": Status(grievance.status).label, "action": Action(action).label}
        )
    note = (note or "").strip()
    if action in ACTIONS_NEEDING_NOTE and not note:
        raise ValidationError({"note": _("Say why, or what the worker is told.")})

    now = timezone.now()
    from_status = grievance.status
    if action == Action.ASSIGN:
        if unit is None or not unit.is_active:
            raise ValidationError({"unit": _("Choose an active unit to handle it.")})
        if handler is not None and handler.organisation_id != unit.pk:
            raise ValidationError({"handler": _("The handler must work in the chosen unit.")})
        grievance.handling_unit, grievance.handler = unit, handler
        note = note or str(unit)
    elif action == Action.ACCEPT:
        grievance.responded_at = grievance.responded_at or now
        grievance.handler = grievance.handler or actor
    elif action == Action.RETURN:
        grievance.handler = None
    elif action == Action.REPLY:
        grievance.resolved_at = now
        grievance.reply = note
    elif action == Action.FOLLOW_UP:
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": _("Record how satisfied the worker is.")})
        grievance.satisfaction = satisfaction
        if rectified is not None:
            grievance.rectified = rectified
    elif action == Action.CLOSE:
        if grievance.satisfaction not in SATISFIED_LEVELS:
            raise ValidationError(
                _("The worker was not satisfied: reopen the grievance instead of closing it.")
            )
        grievance.closed_at = now
    elif action == Action.REOPEN:
        grievance.resolved_at = None
        grievance.satisfaction = ""
    grievance.status = target
    # The step's own checks above cover what a user can get wrong; the database still enforces
    # every constraint, and re-checking each one here would cost a query apiece.
    grievance.full_clean(validate_constraints=False)
    grievance.save()
    _event(grievance, actor=actor, action=action, from_status=from_status, note=note)
    return grievance


@transaction.atomic
def grievance_withdraw_by_worker(*, tracking_code: str, note: str = "") -> Grievance:
    """The worker withdraws their own grievance from the tracking page."""
    grievance = Grievance.objects.select_for_update().get(tracking_code=tracking_code)
    sources, target = ALLOWED_TRANSITIONS[Action.WITHDRAW]
    if grievance.status not in sources:
        raise ValidationError(_("This grievance can no longer be withdrawn."))
    from_status = grievance.status
    grievance.status = target
    grievance.save(update_fields=["status", "updated_at"])
    _event(grievance, actor=None, action=Action.WITHDRAW, from_status=from_status, note=note)
    return grievance


@transaction.atomic
def extension_request(*, grievance: Grievance, actor: User, days: int, reason: str):
    """The handling unit asks the office for more days to resolve."""
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    if not user_can_handle(actor, grievance):
        raise PermissionDenied
    if grievance.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
        raise ValidationError(_("More time can be asked only while the grievance is handled."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why more time is needed.")})
    # Checked before full_clean, whose generic constraint message would hide this one.
    if grievance.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError(_("An extension request is already waiting for approval."))
    extension = ExtensionRequest(grievance=grievance, requested_by=actor, days=days, reason=reason)
    extension.full_clean()
    try:
        with transaction.atomic():
            extension.save()
    except IntegrityError as error:
        raise ValidationError(_("An extension request is already waiting for approval.")) from error
    _event(
        grievance,
        actor=actor,
        action="extension_requested",
        from_status=grievance.status,
        note=f"+{days}: {reason}",
    )
    return extension


@transaction.atomic
def extension_decide(*, extension: ExtensionRequest, actor: User, approve: bool, note: str = ""):
    """The office approves (moving the resolution deadline) or rejects an extension."""
    if not actor.is_office:
        raise PermissionDenied
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(_("This request has already been decided."))
    grievance = Grievance.objects.select_for_update().get(pk=extension.grievance_id)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        grievance.resolution_due_at += timedelta(days=extension.days)
        grievance.save(update_fields=["resolution_due_at", "updated_at"])
        # A new deadline deserves new warnings.
        GrievanceReminder.objects.filter(
            grievance=grievance,
            level__in=[ReminderLevel.RESOLUTION_DUE_SOON, ReminderLevel.RESOLUTION_BREACHED],
        ).delete()
    _event(
        grievance,
        actor=actor,
        action="extension_approved" if approve else "extension_rejected",
        from_status=grievance.status,
        note=note,
    )
    return extension


@transaction.atomic
def mediation_open(*, grievance: Grievance, actor: User, applied_on, parties: str, mediator: User):
    if not user_can_handle(actor, grievance):
        raise PermissionDenied
    if grievance.category not in DISPUTE_CATEGORIES:
        raise ValidationError(_("Only disputes go to mediation."))
    if not mediators_for(grievance).filter(pk=mediator.pk).exists():
        raise ValidationError(
            {"mediator": _("The mediator is office staff, the handling unit's or the park's.")}
        )
    mediation = Mediation(
        grievance=grievance, applied_on=applied_on, parties=parties, mediator=mediator
    )
    mediation.full_clean()
    mediation.save()
    _event(grievance, actor=actor, action="mediation_opened", from_status=grievance.status)
    return mediation


@transaction.atomic
def mediation_session_add(*, mediation: Mediation, actor: User, held_at, place="", notes=""):
    if not user_can_handle(actor, mediation.grievance):
        raise PermissionDenied
    if mediation.outcome:
        raise ValidationError(_("This mediation has concluded."))
    session = MediationSession(mediation=mediation, held_at=held_at, place=place, notes=notes)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def mediation_conclude(
    *, mediation: Mediation, actor: User, outcome: str, concluded_on, amount_agreed=None
):
    mediation = Mediation.objects.select_for_update().get(pk=mediation.pk)
    if not user_can_handle(actor, mediation.grievance):
        raise PermissionDenied
    if mediation.outcome:
        raise ValidationError(_("This mediation has concluded."))
    mediation.outcome, mediation.concluded_on = outcome, concluded_on
    mediation.amount_agreed = amount_agreed
    mediation.full_clean()
    mediation.save()
    _event(
        mediation.grievance,
        actor=actor,
        action="mediation_concluded",
        from_status=mediation.grievance.status,
        note=mediation.get_outcome_display(),
    )
    return mediation


def survey_save(*, survey: SurveyCampaign, actor: User) -> SurveyCampaign:
    if not user_can_log_grievances(actor, survey.park):
        raise PermissionDenied
    survey.full_clean()
    survey.save()
    return survey


def policy_save(*, policy: TimeLimitPolicy, actor: User) -> TimeLimitPolicy:
    """Office staff set time limits; they apply to grievances received from now on."""
    if not actor.is_office:
        raise PermissionDenied
    policy.full_clean()
    policy.save()
    return policy


def record_personal_data_views(*, grievances, viewer: User, via: str) -> None:
    """Log that `viewer` saw the unmasked name and phone of these grievances."""
    PersonalDataView.objects.bulk_create(
        [PersonalDataView(grievance=g, viewer=viewer, via=via) for g in grievances]
    )


def personal_data_reveal(*, viewer: User, grievances, asked: bool, via: str) -> set[int]:
    """The ids of `grievances` whose personal data a page or an API answer shows `viewer` in
    the clear (selectors.may_unmask), each such view logged.

    One log row per grievance with something personal on it: the complainant's details or a
    mediation's parties (an anonymous worker's dispute still names its parties). A grievance
    with neither shows nothing, so nothing is logged. At most one query besides the insert.
    """
    shown = [g for g in grievances if may_unmask(viewer, g, asked=asked)]
    seen = [g for g in shown if has_complainant_data(g)]
    anonymous = [g.pk for g in shown if not has_complainant_data(g)]
    if anonymous:
        with_parties = set(
            Mediation.objects.filter(grievance__in=anonymous)
            .exclude(parties="")
            .values_list("grievance_id", flat=True)
        )
        seen += [g for g in shown if g.pk in with_parties]
    if seen:
        record_personal_data_views(grievances=seen, viewer=viewer, via=via)
    return {g.pk for g in shown}


def _reminder_targets(grievance):
    """Who hears about a grievance: its handler, else its unit's staff, else the office."""
    if grievance.handler_id:
        return [grievance.handler]
    if grievance.handling_unit_id:
        staff = list(
            User.objects.filter(organisation_id=grievance.handling_unit_id, is_active=True)
        )
        if staff:
            return staff
    return list(User.objects.filter(role=Role.OFFICE, is_active=True))


def send_grievance_reminders(*, now=None) -> int:
    """Warn before a time limit and escalate to the office when one is breached.

    Each grievance gets each level once (a unique constraint), however often the job runs.
    """
    now = now or timezone.now()
    candidates = (
        with_deadline_flags(
            Grievance.objects.exclude(status__in=[Status.CLOSED, Status.WITHDRAWN]), now=now
        )
        .filter(deadline_flag__in=["breached", "due_soon"])
        .select_related("handler", "handling_unit")
    )
    office = None
    sent = 0
    for grievance in candidates:
        levels = []
        if grievance.responded_at is None:
            if grievance.response_due_at < now:
                levels.append(ReminderLevel.RESPONSE_BREACHED)
            # Not `due_soon`: that flag is also set when only the resolution limit is near.
            elif grievance.response_due_at <= now + timedelta(
                hours=settings.GRIEVANCE_RESPONSE_WARN_HOURS
            ):
                levels.append(ReminderLevel.RESPONSE_DUE_SOON)
        if grievance.resolved_at is None:
            if grievance.resolution_due_at < now:
                levels.append(ReminderLevel.RESOLUTION_BREACHED)
            elif grievance.resolution_due_at <= now + timedelta(
                days=settings.GRIEVANCE_RESOLUTION_WARN_DAYS
            ):
                levels.append(ReminderLevel.RESOLUTION_DUE_SOON)
        for level in levels:
            with transaction.atomic():
                _row, created = GrievanceReminder.objects.get_or_create(
                    grievance=grievance, level=level
                )
                if not created:
                    continue
                recipients = _reminder_targets(grievance)
                if level in (ReminderLevel.RESPONSE_BREACHED, ReminderLevel.RESOLUTION_BREACHED):
                    if office is None:
                        office = list(User.objects.filter(role=Role.OFFICE, is_active=True))
                    recipients = {*recipients, *office}  # breaches escalate to the office
                for recipient in recipients:
                    notify(
                        recipient=recipient,
                        title=f"{ReminderLevel(level).label}: {grievance.title}",
                        body=_("Tracking code %(code)s.") % {"code": grievance.tracking_code},
                        url=grievance.get_absolute_url(),
                    )
                sent += 1
    return sent
