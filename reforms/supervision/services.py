"""Every write to supervision orders goes through here: issuing one (`order_issue`), and every
later step — reply, urge, accept, send back — through the one `order_act`, which moves the order
only along ALLOWED_TRANSITIONS (reforms.supervision.choices) as reforms.supervision.policy allows.

Each step locks the order row (select_for_update), so two people acting at once are applied one
after the other and the second is judged on the first's result ("already closed"), writes its
timeline row (OrderEvent) and its audit row in the same transaction, and announces the hand-off
through parks.notices.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, timedelta
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.models import Grievance
from grievances.selectors import grievances_visible_to
from parks import access
from parks.core.files import files_undone_on_error
from parks.history import audit
from parks.notices.choices import NoticeKind
from parks.notices.services import announce
from parks.structure.models import Organisation, User
from reforms.supervision import policy
from reforms.supervision.choices import (
    ACTIONS_NEEDING_TEXT,
    ALLOWED_TRANSITIONS,
    AWAITING_REPLY,
    OrderAction,
    OrderColour,
    OrderReminderLevel,
)
from reforms.supervision.models import (
    OrderEvent,
    OrderReminder,
    OrderReply,
    OrderReplyFile,
    SupervisionOrder,
)
from reforms.tasks.models import Task
from reforms.tasks.selectors import tasks_visible_to
from reforms.tasks.services import validate_evidence_file

MAX_REPLY_FILES = 10
REQUIREMENT_MAX_CHARS = 4000
# How many days before its reply date the unit is reminded (the daily job).
DUE_SOON_DAYS = 2
# How often to try the next number when two orders are issued at the same moment.
NUMBER_ATTEMPTS = 5


def default_unit(
    *, task: Task | None = None, grievance: Grievance | None = None
) -> Organisation | None:
    """The unit an order goes to unless the office says otherwise: the task's lead (owner) unit,
    the grievance's handling unit."""
    if task is not None:
        return task.lead_unit
    if grievance is not None:
        return grievance.handling_unit
    return None


def _check_subject(actor: User, task: Task | None, grievance: Grievance | None) -> None:
    if (task is None) == (grievance is None):
        raise ValidationError(_("An order is about one reform task or one grievance."))
    visible = (
        tasks_visible_to(actor).filter(pk=task.pk)
        if task is not None
        else grievances_visible_to(actor).filter(pk=cast(Grievance, grievance).pk)
    )
    if not visible.exists():
        raise ValidationError(
            _("You cannot issue an order about this task: it is outside your scope.")
            if task is not None
            else _("You cannot issue an order about this grievance: it is outside your scope.")
        )


def _next_number(year: int) -> int:
    latest = SupervisionOrder.objects.filter(year=year).aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


@transaction.atomic
def order_issue(
    *,
    actor: User,
    unit: Organisation | None,
    colour: str,
    requirement: str,
    reply_due: date,
    task: Task | None = None,
    grievance: Grievance | None = None,
) -> SupervisionOrder:
    """Issue an order about `task` or `grievance` to `unit` (None: the default unit), numbered
    督办〔year〕n号 in the year's sequence, and tell the unit's staff."""
    if not policy.may_issue(actor):
        raise PermissionDenied(_("Only the district reform office issues supervision orders."))
    _check_subject(actor, task, grievance)
    unit = unit or default_unit(task=task, grievance=grievance)
    errors: dict[str, str] = {}
    if unit is None:
        errors["unit"] = _("The grievance has no handling unit yet: choose the unit to supervise.")
    if colour not in OrderColour.values:
        errors["colour"] = _("Choose yellow or red.")
    requirement = (requirement or "").strip()
    if not requirement:
        errors["requirement"] = _("Say what the unit must do.")
    elif len(requirement) > REQUIREMENT_MAX_CHARS:
        errors["requirement"] = _("At most %(n)d characters.") % {"n": REQUIREMENT_MAX_CHARS}
    today = timezone.localdate()
    if reply_due is None or reply_due < today:
        errors["reply_due"] = _("The reply date must be today or later.")
    if errors:
        raise ValidationError(errors)
    year = today.year
    for attempt in range(NUMBER_ATTEMPTS):
        order = SupervisionOrder(
            year=year,
            number=_next_number(year),
            task=task,
            grievance=grievance,
            unit=unit,
            colour=colour,
            requirement=requirement,
            reply_due=reply_due,
            issued_by=actor,
        )
        try:
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            # Someone took the number meanwhile: try the next one.
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    OrderEvent.objects.create(
        order=order, actor=actor, action=OrderAction.ISSUE, to_status=order.status
    )
    audit.record_save(actor=actor, instance=order, before=None)
    _announce_to_unit(
        order,
        kind=NoticeKind.ORDER_ISSUED,
        title=_("%(code)s: %(colour)s supervision order on “%(subject)s”"),
        body=_("%(requirement)s\nReply by %(due)s.") % _facts(order),
    )
    return order


def _facts(order: SupervisionOrder) -> dict:
    return {
        "code": order.code,
        "colour": OrderColour(order.colour).label,
        "subject": str(order.subject),
        "requirement": order.requirement,
        "due": order.reply_due.isoformat(),
        "count": order.urge_count,
    }


def _announce_to_unit(order: SupervisionOrder, *, kind: NoticeKind, title: str, body: str) -> None:
    announce(
        kind=kind,
        recipients=list(access.staff_of_unit(order.unit_id)),
        title=title % _facts(order),
        body=body,
        url=order.get_absolute_url(),
    )


def _locked(order: SupervisionOrder) -> SupervisionOrder:
    return (
        SupervisionOrder.objects.select_for_update(of=("self",))
        .select_related("task", "grievance", "unit")
        .get(pk=order.pk)
    )


@transaction.atomic
def order_act(
    *,
    order: SupervisionOrder,
    action: str,
    actor: User,
    text: str = "",
    files: Iterable[UploadedFile] = (),
) -> SupervisionOrder:
    """Take one step on an order: `reply` (the unit's staff, with `text` and `files`), `urge`,
    `accept` or `send_back` (the office; a send-back's `text` is its reason).

    A step the order's status does not allow (a reply to a closed order, urging a closed order,
    accepting twice) is refused with a ValidationError saying why, and nothing is changed.
    """
    order = _locked(order)
    policy.check_action(actor, order, action)
    text = (text or "").strip()
    if action in ACTIONS_NEEDING_TEXT and not text:
        raise ValidationError(
            {
                "text": _("Write the reply.")
                if action == OrderAction.REPLY
                else _("Say why the reply is sent back.")
            }
        )
    uploads = list(files) if action == OrderAction.REPLY else []
    _check_files(uploads)
    before = copy.copy(order)
    from_status = order.status
    now = timezone.now()
    to_status = ALLOWED_TRANSITIONS[action][1] or order.status
    order.status = to_status
    fields = ["status"]
    if action == OrderAction.REPLY:
        order.replied_at = now
        order.first_replied_at = order.first_replied_at or now
        fields += ["replied_at", "first_replied_at"]
        _save_reply(order, actor, text, uploads)
    elif action == OrderAction.URGE:
        order.urge_count += 1
        order.last_urged_at = now
        fields += ["urge_count", "last_urged_at"]
    elif action == OrderAction.ACCEPT:
        order.accepted_at = now
        fields.append("accepted_at")
    order.save(update_fields=fields)
    OrderEvent.objects.create(
        order=order,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=text if action != OrderAction.REPLY else "",
    )
    audit.record_save(actor=actor, instance=order, before=before)
    _announce_step(order, action, text)
    return order


def _check_files(uploads: list[UploadedFile]) -> None:
    if len(uploads) > MAX_REPLY_FILES:
        raise ValidationError(
            {"files": _("At most %(n)d files per reply.") % {"n": MAX_REPLY_FILES}}
        )
    for upload in uploads:
        try:
            validate_evidence_file(upload)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error


def _save_reply(order: SupervisionOrder, actor: User, text: str, uploads: list) -> OrderReply:
    reply = OrderReply.objects.create(order=order, author=actor, text=text)
    with files_undone_on_error() as written:
        for upload in uploads:
            name = upload.name or ""  # check_upload refused a file without a name
            row = OrderReplyFile(reply=reply, original_name=name[:200], size=upload.size)
            written.save(row.file, name, upload)
            row.save()
    return reply


def _announce_step(order: SupervisionOrder, action: str, text: str) -> None:
    if action == OrderAction.REPLY:
        announce(
            kind=NoticeKind.ORDER_ANSWERED,
            recipients=list(access.office_staff()),
            title=_("%(code)s answered by %(unit)s") % {"code": order.code, "unit": order.unit},
            body=text,
            url=order.get_absolute_url(),
        )
    elif action == OrderAction.URGE:
        _announce_to_unit(
            order,
            kind=NoticeKind.ORDER_URGED,
            title=_("Urged (%(count)d×): %(code)s on “%(subject)s”"),
            body=_("%(requirement)s\nReply by %(due)s.") % _facts(order),
        )
    elif action == OrderAction.ACCEPT:
        _announce_to_unit(
            order,
            kind=NoticeKind.ORDER_ACCEPTED,
            title=_("%(code)s accepted and closed"),
            body="",
        )
    else:
        _announce_to_unit(
            order,
            kind=NoticeKind.ORDER_SENT_BACK,
            title=_("%(code)s: reply sent back"),
            body=_("Reason: %(reason)s\nReply again by %(due)s.")
            % {"reason": text, "due": order.reply_due.isoformat()},
        )


def send_order_reminders(*, today: date | None = None) -> int:
    """Remind the unit's staff of orders whose reply date is near (within DUE_SOON_DAYS) or
    passed while a reply is owed; once per order and level (OrderReminder's unique constraint),
    however often the job runs. Returns how many reminders went out."""
    today = today or timezone.localdate()
    owing = SupervisionOrder.objects.filter(
        status__in=AWAITING_REPLY, reply_due__lte=today + timedelta(days=DUE_SOON_DAYS)
    ).select_related("task", "grievance")
    sent = 0
    for order in owing:
        level = (
            OrderReminderLevel.OVERDUE if order.reply_due < today else OrderReminderLevel.DUE_SOON
        )
        with transaction.atomic():
            _row, created = OrderReminder.objects.get_or_create(order=order, level=level)
            if not created:
                continue
            _announce_to_unit(
                order,
                kind=NoticeKind.ORDER_DUE,
                title=(
                    _("Reply overdue: %(code)s on “%(subject)s”")
                    if level == OrderReminderLevel.OVERDUE
                    else _("Reply due soon: %(code)s on “%(subject)s”")
                ),
                body=_("%(requirement)s\nReply by %(due)s.") % _facts(order),
            )
            sent += 1
    return sent
