"""Reads of grievances shared by pages, the API, exports, reminders and reports.

Deadline flags and the three rates (三率) are computed in SQL here, once, for every caller.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from parks.choices import Role
from parks.db import chinese_order
from parks.models import User
from parks.selectors import parks_visible_to

from .choices import FINAL_STATUSES, SATISFIED_LEVELS, Channel, Status
from .models import Grievance, SurveyCampaign

# --- Scope ----------------------------------------------------------------------------------


def grievances_visible_to(user) -> QuerySet[Grievance]:
    """Office staff see all; others the grievances of parks they see or assigned to their unit."""
    grievances = Grievance.objects.all()
    if not user.is_authenticated or not user.is_active:
        return grievances.none()
    if user.is_office:
        return grievances
    visible = Q(park__in=parks_visible_to(user))
    if user.organisation_id:
        visible |= Q(handling_unit_id=user.organisation_id)
    return grievances.filter(visible)


def surveys_visible_to(user) -> QuerySet[SurveyCampaign]:
    return SurveyCampaign.objects.filter(park__in=parks_visible_to(user))


def user_is_handling_unit(user, grievance) -> bool:
    return user.organisation_id is not None and user.organisation_id == grievance.handling_unit_id


def user_can_handle(user, grievance) -> bool:
    """The office, and staff of the unit it is assigned to, take the unit's steps."""
    return user.is_office or user_is_handling_unit(user, grievance)


def user_can_log_grievances(user, park) -> bool:
    """The office logs anywhere; liaisons and park managers log in their own park."""
    if user.is_office:
        return True
    return user.role in (Role.LIAISON, Role.PARK_MANAGER) and user.park_id == park.pk


def user_may_see_personal_data(user, grievance) -> bool:
    """Who needs a complainant's name and phone: the office and the unit handling the case."""
    return user.is_office or user_is_handling_unit(user, grievance)


def may_unmask(user, grievance, *, asked: bool) -> bool:
    """Whether a page, an API answer or an export shows this grievance's personal data in the
    clear: only when the user asked for it (`unmask`) and may see it. Even the office and the
    handling unit must ask, so each view is deliberate and logged (services.personal_data_reveal).
    """
    return asked and user_may_see_personal_data(user, grievance)


# --- Masking --------------------------------------------------------------------------------
# Personal data: the complainant's name, phone and employer, and a mediation's parties (named
# people). Every page, API answer, export and admin page shows them through these functions.

PERSONAL_FIELDS = ("complainant_name", "complainant_phone", "complainant_employer")


def has_complainant_data(grievance) -> bool:
    """The worker left a name, a phone or an employer (an anonymous grievance has none)."""
    return any(getattr(grievance, field) for field in PERSONAL_FIELDS)


def complainant_shown(grievance, *, revealed: bool) -> dict[str, str]:
    """The complainant's name, phone and employer as shown: in the clear only when revealed."""
    if revealed:
        return {
            "name": grievance.complainant_name,
            "phone": grievance.complainant_phone,
            "employer": grievance.complainant_employer,
        }
    return {
        "name": mask_name(grievance.complainant_name),
        "phone": mask_phone(grievance.complainant_phone),
        # The employer narrows down who complained, so it is shown only with the rest.
        "employer": mask_text(grievance.complainant_employer),
    }


def parties_shown(mediation, *, revealed: bool) -> str:
    """A mediation's parties as shown: in the clear only when revealed, like the complainant."""
    return mediation.parties if revealed else mask_text(mediation.parties)


def mask_text(text: str) -> str:
    """Free text that names or points to people (an employer, the parties) -> ***."""
    return "***" if text else ""


def mask_name(name: str) -> str:
    """张三丰 -> 张**; empty stays empty."""
    return f"{name[0]}**" if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 -> 138****5678; shorter numbers keep only their last two digits.

    (3 + 4 visible characters of an 8-digit landline would give away all but one digit.)
    """
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * (len(phone) - 2) + phone[-2:]


# --- Deadlines ------------------------------------------------------------------------------


def with_deadline_flags(grievances: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """Annotate `response_breached`, `resolution_breached`, `due_soon` and `deadline_flag`.

    A response is breached when the unit has not accepted by `response_due_at`, or accepted
    late; a resolution when the reply has not come by `resolution_due_at`, or came late.
    `due_soon`: still open, not breached, and the next deadline is within the warning window
    (GRIEVANCE_RESPONSE_WARN_HOURS before the response limit, GRIEVANCE_RESOLUTION_WARN_DAYS
    before the resolution limit). `deadline_flag` is breached / due_soon / ok / done.
    """
    now = now or timezone.now()
    response_warn = now + timedelta(hours=settings.GRIEVANCE_RESPONSE_WARN_HOURS)
    resolution_warn = now + timedelta(days=settings.GRIEVANCE_RESOLUTION_WARN_DAYS)
    is_open = ~Q(status__in=FINAL_STATUSES)
    # The IS NOT NULL halves keep these false rather than NULL (NULL > x is NULL in SQL), so
    # `response_breached=False` filters and the API's booleans see every on-time row.
    response_breached = Q(
        responded_at__isnull=True,
        response_due_at__lt=now,
        status__in=[Status.RECEIVED, Status.ASSIGNED, Status.RETURNED],
    ) | Q(responded_at__isnull=False, responded_at__gt=F("response_due_at"))
    resolution_breached = (Q(resolved_at__isnull=True, resolution_due_at__lt=now) & is_open) | Q(
        resolved_at__isnull=False, resolved_at__gt=F("resolution_due_at")
    )
    due_soon = is_open & (
        Q(responded_at__isnull=True, response_due_at__gte=now, response_due_at__lte=response_warn)
        | Q(
            resolved_at__isnull=True,
            resolution_due_at__gte=now,
            resolution_due_at__lte=resolution_warn,
        )
    )
    return grievances.annotate(
        response_breached=ExpressionWrapper(response_breached, output_field=BooleanField()),
        resolution_breached=ExpressionWrapper(resolution_breached, output_field=BooleanField()),
        due_soon=ExpressionWrapper(due_soon, output_field=BooleanField()),
    ).annotate(
        deadline_flag=Case(
            When(Q(response_breached=True) | Q(resolution_breached=True), then=Value("breached")),
            When(status__in=FINAL_STATUSES, then=Value("done")),
            When(due_soon=True, then=Value("due_soon")),
            default=Value("ok"),
            output_field=CharField(),
        )
    )


def inbox(*, user, now: datetime | None = None) -> QuerySet[Grievance]:
    """Visible grievances with flags and what list rows show, most urgent deadline first."""
    return with_deadline_flags(
        grievances_visible_to(user).select_related("park", "grid_zone", "handling_unit", "handler"),
        now=now,
    ).order_by("resolution_due_at", "pk")


# --- The three rates ------------------------------------------------------------------------

RATE_DEFINITIONS = {
    "response_rate": "responded within the time limit ÷ received",
    "resolution_rate": "resolved (replied to the worker) ÷ received",
    "satisfaction_rate": "satisfied + basically satisfied ÷ followed up",
}


def rate_counts():
    """The aggregate expressions behind the three rates. Withdrawn grievances are not counted."""
    counted = ~Q(status=Status.WITHDRAWN)
    return {
        "received": Count("pk", filter=counted),
        "responded_in_time": Count(
            "pk", filter=counted & Q(responded_at__lte=F("response_due_at"))
        ),
        "resolved": Count("pk", filter=counted & Q(resolved_at__isnull=False)),
        "resolved_in_time": Count(
            "pk", filter=counted & Q(resolved_at__lte=F("resolution_due_at"))
        ),
        "followed_up": Count("pk", filter=counted & ~Q(satisfaction="")),
        "satisfied": Count("pk", filter=counted & Q(satisfaction__in=SATISFIED_LEVELS)),
    }


def with_rates(row: dict) -> dict:
    def ratio(part, whole):
        return round(100 * row[part] / row[whole], 1) if row[whole] else None

    return {
        **row,
        "response_rate": ratio("responded_in_time", "received"),
        "resolution_rate": ratio("resolved", "received"),
        "satisfaction_rate": ratio("satisfied", "followed_up"),
    }


def grievances_in_period(grievances: QuerySet, *, start=None, end=None) -> QuerySet:
    """Grievances received in [start, end) — dates in the portal's time zone."""
    if start:
        grievances = grievances.filter(received_at__date__gte=start)
    if end:
        grievances = grievances.filter(received_at__date__lt=end)
    return grievances


def rates(grievances: QuerySet) -> dict:
    """The three rates over a queryset of grievances, in one query."""
    return with_rates(grievances.order_by().aggregate(**rate_counts()))


# Grouping keys the rates can be broken down by, with the label column of each.
RATE_GROUPS = {
    "park": ("park", "park__name"),
    "grid_zone": ("grid_zone", "grid_zone__code"),
    "unit": ("handling_unit", "handling_unit__name"),
    "month": ("month", None),
}


def rates_by(grievances: QuerySet, group: str) -> list[dict]:
    """The three rates per park, grid zone, handling unit or month, in one grouped query."""
    from django.db.models.functions import TruncMonth

    key, label = RATE_GROUPS[group]
    rows = grievances.order_by()
    if group == "month":
        rows = rows.annotate(month=TruncMonth("received_at")).values("month")
    else:
        rows = rows.values(key, label)
    return [with_rates(row) for row in rows.annotate(**rate_counts()).order_by(key)]


def survey_funnel(*, surveys: QuerySet, grievances: QuerySet) -> dict:
    """Handed out → returned → opinions → rectified, for the surveys and grievances given."""
    totals = surveys.order_by().aggregate(
        handed_out=Sum("handed_out", default=0), returned=Sum("returned", default=0)
    )
    opinions = (
        grievances.filter(channel=Channel.SURVEY)
        .order_by()
        .aggregate(opinions=Count("pk"), rectified=Count("pk", filter=Q(rectified=True)))
    )
    return {**totals, **opinions}


def mediators_for(grievance: Grievance):
    """Who may mediate: office staff, the handling unit's staff and the park's own people."""
    scope = Q(role=Role.OFFICE) | Q(park_id=grievance.park_id)
    if grievance.handling_unit_id:
        scope |= Q(organisation_id=grievance.handling_unit_id)
    return User.objects.filter(scope, is_active=True).order_by(
        chinese_order("display_name"), "username"
    )
