"""Every write to grievances goes through here: intake, the workflow, extensions, mediation,
surveys, reminders and the personal-data log.

The workflow's step services (grievance_assign ... grievance_withdraw, STEP_SERVICES) live in
grievances.workflow; this module holds the rest.

Each change is one keyword-only service in one transaction. Whether it may happen now (who,
in which status, on which clock) is asked of grievances.policy, the same functions the pages
and the API read to show or hide it; the services are where it is enforced.
"""

import copy
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances import handoffs, policy
from grievances.choices import (
    ALLOWED_TRANSITIONS,
    FINAL_STATUSES,
    Action,
    Channel,
    ExtensionState,
    ReminderLevel,
    Status,
    TimelineEntry,
)
from grievances.models import (
    Attachment,
    ExtensionRequest,
    Grievance,
    GrievanceReminder,
    Mediation,
    MediationSession,
    PersonalDataView,
    SurveyCampaign,
    TimeLimitPolicy,
)
from grievances.selectors import (
    has_complainant_data,
    may_unmask,
    mediators_for,
    user_can_log_grievances,
    with_deadline_flags,
)
from grievances.workflow import _event
from parks import access
from parks.core.uploads import check_upload
from parks.history import audit
from parks.notices.choices import NoticeKind
from parks.notices.services import announce
from parks.structure.models import User

# What a worker may attach: photos and PDFs, checked by their first bytes as well as the name.
ATTACHMENT_SIGNATURES = {
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".pdf": b"%PDF",
}
MAX_ATTACHMENTS = 5


def validate_attachment(upload: UploadedFile) -> None:
    """Refuse an attachment that is too big, not a photo or PDF, or not what its name says."""
    check_upload(
        upload,
        signatures=ATTACHMENT_SIGNATURES,
        max_bytes=settings.GRIEVANCE_ATTACHMENT_MAX_BYTES,
        refusal=_("“%(name)s”: only photos (JPG, PNG) and PDF files can be attached."),
    )


def deadlines_for(category: str, received_at: datetime) -> tuple[datetime, datetime]:
    """(respond by, resolve by) for a grievance of `category` received at `received_at`."""
    policy = TimeLimitPolicy.objects.filter(category=category).first()
    hours = policy.respond_within_hours if policy else settings.GRIEVANCE_DEFAULT_RESPOND_HOURS
    days = policy.resolve_within_days if policy else settings.GRIEVANCE_DEFAULT_RESOLVE_DAYS
    return received_at + timedelta(hours=hours), received_at + timedelta(days=days)


@transaction.atomic
def grievance_receive(
    *,
    grievance: Grievance,
    actor: User | None,
    files: Iterable[UploadedFile] = (),
) -> Grievance:
    """Take in a grievance: check it, compute its deadlines from the policy, save it.

    `actor` is None for a worker on the public page (channel online); otherwise the office,
    or a liaison or park manager of the grievance's park, logs it.
    """
    if actor is not None and not user_can_log_grievances(actor, grievance.park):
        raise PermissionDenied
    if actor is None:
        grievance.channel = Channel.ONLINE
    if grievance.grid_zone is not None and grievance.grid_zone.park_id != grievance.park_id:
        raise ValidationError({"grid_zone": _("This grid zone belongs to another park.")})
    if grievance.survey is not None and grievance.survey.park_id != grievance.park_id:
        raise ValidationError({"survey": _("This survey was held in another park.")})
    activity = grievance.source_activity
    if activity is not None and activity.park_id != grievance.park_id:
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
            grievance=grievance,
            file=upload,
            original_name=(upload.name or "")[:200],
            size=upload.size or 0,
        )
    _event(grievance, actor=actor, action=TimelineEntry.RECEIVE, from_status="")
    attached = [(upload.name or "")[:200] for upload in files]
    audit.record_save(
        actor=actor, instance=grievance, before=None, extra={"attachments": ([], attached)}
    )
    return grievance


@transaction.atomic
def grievance_withdraw_by_worker(*, tracking_code: str, note: str = "") -> Grievance:
    """The worker withdraws their own grievance from the tracking page."""
    grievance = Grievance.objects.select_for_update().get(tracking_code=tracking_code)
    if not policy.worker_may_withdraw(grievance):
        raise ValidationError(_("This grievance can no longer be withdrawn."))
    from_status, before = grievance.status, copy.copy(grievance)
    grievance.status = ALLOWED_TRANSITIONS[Action.WITHDRAW][1]
    grievance.save(update_fields=["status", "updated_at"])
    _event(grievance, actor=None, action=Action.WITHDRAW, from_status=from_status, note=note)
    audit.record_save(actor=None, instance=grievance, before=before, only=("status",))
    return grievance


@transaction.atomic
def extension_request(
    *, grievance: Grievance, actor: User, days: int, reason: str
) -> ExtensionRequest:
    """The handling unit asks the office for more days to resolve."""
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    # The pending check comes before full_clean, whose generic constraint message would hide it.
    refusal = policy.extension_request_refusal(
        actor,
        grievance,
        has_pending=grievance.extensions.filter(state=ExtensionState.PENDING).exists(),
    )
    if refusal is not None:
        raise refusal
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why more time is needed.")})
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
        action=TimelineEntry.EXTENSION_REQUESTED,
        from_status=grievance.status,
        note=f"+{days}: {reason}",
    )
    return extension


@transaction.atomic
def extension_decide(
    *, extension: ExtensionRequest, actor: User, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The office approves (moving the resolution deadline) or rejects an extension."""
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    refusal = policy.extension_decision_refusal(actor, extension)
    if refusal is not None:
        raise refusal
    grievance = Grievance.objects.select_for_update().get(pk=extension.grievance_id)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        before = copy.copy(grievance)
        grievance.resolution_due_at += timedelta(days=extension.days)
        grievance.save(update_fields=["resolution_due_at", "updated_at"])
        audit.record_save(
            actor=actor, instance=grievance, before=before, only=("resolution_due_at",)
        )
        # A new deadline deserves new warnings.
        GrievanceReminder.objects.filter(
            grievance=grievance,
            level__in=[ReminderLevel.RESOLUTION_DUE_SOON, ReminderLevel.RESOLUTION_BREACHED],
        ).delete()
    _event(
        grievance,
        actor=actor,
        action=TimelineEntry.EXTENSION_APPROVED if approve else TimelineEntry.EXTENSION_REJECTED,
        from_status=grievance.status,
        note=note,
    )
    return extension


@transaction.atomic
def mediation_open(
    *, grievance: Grievance, actor: User, applied_on: date, parties: str, mediator: User
) -> Mediation:
    """Open mediation of a dispute; the 15-day clock runs from `applied_on` (policy)."""
    grievance = Grievance.objects.select_for_update().get(pk=grievance.pk)
    refusal = policy.mediation_open_refusal(actor, grievance)
    if refusal is not None:
        raise refusal
    if not mediators_for(grievance).filter(pk=mediator.pk).exists():
        raise ValidationError(
            {"mediator": _("The mediator is office staff, the handling unit's or the park's.")}
        )
    mediation = Mediation(
        grievance=grievance, applied_on=applied_on, parties=parties, mediator=mediator
    )
    mediation.full_clean()
    mediation.save()
    _event(
        grievance, actor=actor, action=TimelineEntry.MEDIATION_OPENED, from_status=grievance.status
    )
    return mediation


@transaction.atomic
def mediation_session_add(
    *, mediation: Mediation, actor: User, held_at: datetime, place: str = "", notes: str = ""
) -> MediationSession:
    """Record one session of an open mediation."""
    mediation = (
        Mediation.objects.select_for_update().select_related("grievance").get(pk=mediation.pk)
    )
    refusal = policy.mediation_record_refusal(actor, mediation)
    if refusal is not None:
        raise refusal
    session = MediationSession(mediation=mediation, held_at=held_at, place=place, notes=notes)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def mediation_conclude(
    *,
    mediation: Mediation,
    actor: User,
    outcome: str,
    concluded_on: date,
    amount_agreed: Decimal | None = None,
) -> Mediation:
    """Record how the mediation ended: agreement, referred to arbitration, or withdrawn."""
    mediation = (
        Mediation.objects.select_for_update().select_related("grievance").get(pk=mediation.pk)
    )
    refusal = policy.mediation_record_refusal(actor, mediation)
    if refusal is not None:
        raise refusal
    mediation.outcome, mediation.concluded_on = outcome, concluded_on
    mediation.amount_agreed = amount_agreed
    mediation.full_clean()
    mediation.save()
    _event(
        mediation.grievance,
        actor=actor,
        action=TimelineEntry.MEDIATION_CONCLUDED,
        from_status=mediation.grievance.status,
        note=mediation.get_outcome_display(),
    )
    return mediation


@transaction.atomic
def survey_save(*, survey: SurveyCampaign, actor: User) -> SurveyCampaign:
    """Record a survey campaign, or change one: the office anywhere, a liaison or park manager
    in their own park. A survey whose opinions were logged stays in its park (policy)."""
    if not policy.may_write_survey(actor, survey.park):
        raise PermissionDenied
    if survey.pk is not None:
        # FOR UPDATE waits for, and then holds off, an opinion being logged from this survey
        # (its insert takes a key-share lock on the row), so the check below stays true.
        stored = SurveyCampaign.objects.select_for_update().select_related("park").get(pk=survey.pk)
        if not policy.may_write_survey(actor, stored.park):
            raise PermissionDenied
        refusal = policy.survey_move_refusal(stored, survey.park)
        if refusal is not None:
            raise refusal
    else:
        stored = None
    survey.full_clean()
    survey.save()
    audit.record_save(actor=actor, instance=survey, before=stored)
    return survey


@transaction.atomic
def survey_delete(*, survey: SurveyCampaign, actor: User) -> None:
    """Delete a survey campaign that has no opinions logged (policy)."""
    # Locked like survey_save: no opinion can be logged from it between the check and delete.
    survey = SurveyCampaign.objects.select_for_update().select_related("park").get(pk=survey.pk)
    if not policy.may_write_survey(actor, survey.park):
        raise PermissionDenied
    refusal = policy.survey_delete_refusal(survey)
    if refusal is not None:
        raise refusal
    audit.record_delete(actor=actor, instance=survey)
    survey.delete()


def policy_save(*, policy: TimeLimitPolicy, actor: User) -> TimeLimitPolicy:
    """Office staff set time limits; they apply to grievances received from now on."""
    if not access.may_edit_time_limits(actor):
        raise PermissionDenied
    policy.full_clean()
    with transaction.atomic():
        before = audit.stored(policy)
        policy.save()
        audit.record_save(actor=actor, instance=policy, before=before)
    return policy


def record_personal_data_views(
    *, grievances: Iterable[Grievance] = (), viewer: User, via: str, ids: Iterable[int] = ()
) -> None:
    """Log that `viewer` saw the unmasked name and phone of these grievances (or of the
    grievances with these `ids`: an export logs 100k rows, and a Grievance made for each id
    would draw a tracking code it never uses)."""
    chosen = [*(grievance.pk for grievance in grievances), *ids]
    PersonalDataView.objects.bulk_create(
        [PersonalDataView(grievance_id=pk, viewer=viewer, via=via) for pk in chosen]
    )


def personal_data_reveal(
    *, viewer: User, grievances: Iterable[Grievance], asked: bool, via: str
) -> set[int]:
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


def _reminder_targets(grievance: Grievance) -> list[User]:
    """Who is warned of a grievance's time limits: whoever works on it (its handler, else its
    unit's staff: handoffs.handling_people), else, when nobody does, the office."""
    return handoffs.handling_people(grievance) or list(access.office_staff())


def send_grievance_reminders(*, now: datetime | None = None) -> int:
    """Warn before a time limit and escalate to the office when one is breached.

    Each grievance gets each level once (a unique constraint), however often the job runs.
    """
    now = now or timezone.now()
    candidates = (
        with_deadline_flags(Grievance.objects.exclude(status__in=FINAL_STATUSES), now=now)
        .filter(deadline_flag__in=["breached", "due_soon"])  # type: ignore[misc]  # annotated
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
                        office = list(access.office_staff())
                    # Breaches escalate to the office; someone both handler and office hears once.
                    recipients = list({*recipients, *office})
                announce(
                    kind=NoticeKind.GRIEVANCE_DEADLINE,
                    recipients=recipients,
                    title=f"{ReminderLevel(level).label}: {grievance.title}",
                    body=_("Tracking code %(code)s.") % {"code": grievance.tracking_code},
                    url=grievance.get_absolute_url(),
                )
                sent += 1
    return sent
