"""Reads of grievances shared by pages, the API, exports, reminders and reports.

Deadline flags are computed in SQL here, once, for every caller; the rates (三率 and the others)
are defined and counted in grievances.rates and applied to a scope here.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from grievances import rates as grievance_rates
from grievances.choices import AWAITING_RESPONSE, FINAL_STATUSES
from grievances.deadlines import next_due_at
from grievances.funnel import FUNNEL, planned_rates_and_funnel
from grievances.funnel import rates_and_funnel as rates_and_funnel  # re-exported
from grievances.funnel import survey_funnel as survey_funnel  # re-exported
from grievances.models import Grievance, Mediation, SurveyCampaign
from parks import access
from parks.core.compiled import compiled_once
from parks.core.dates import local_day_start
from parks.core.db import chinese_order
from parks.core.prepared import prepared
from parks.core.privacy import mask_phone
from parks.core.recent import Recent
from parks.structure.models import GridZone, Organisation, Park, Subdistrict, User

# --- Scope ----------------------------------------------------------------------------------


def grievances_visible_to(user: User | AnonymousUser) -> QuerySet[Grievance]:
    """The grievances the user sees (the rule: parks.access.grievances_visible)."""
    return access.grievances_visible(user, Grievance.objects.all())


def surveys_visible_to(user: User | AnonymousUser) -> QuerySet[SurveyCampaign]:
    return access.surveys_visible(user, SurveyCampaign.objects.all())


# The office logs anywhere; liaisons and park managers log in their own park.
user_can_log_grievances = access.may_log_grievances


def may_log_grievances_somewhere(user: User) -> bool:
    """Whether the user may log a grievance in any park they see (the "log" buttons): the rule
    (access.may_log_grievances) asked of each visible park in turn.

    The parks are read with their ids alone (a field the rule reads besides is loaded when it
    reads it), by a query compiled once per scope (parks.core.prepared: the visible parks
    depend on nothing else), instead of every column of every park on each inbox."""
    parks = prepared(
        ("parks_to_log_in", access.scope_key(user)),
        lambda: access.parks_visible_to(user).only("pk"),
    )
    # The rows made into parks one at a time, as iterating the queryset makes them all (the
    # same query, read whole): the office may log in the first, and 49 parks went unasked.
    # (django-stubs types the iterable class without its __iter__; ModelIterable has one.)
    made = parks._iterable_class(parks)
    return any(user_can_log_grievances(user, park) for park in made)  # type: ignore[attr-defined]


def user_may_see_personal_data(user: User, grievance: Grievance) -> bool:
    """Who needs a complainant's name and phone: the office and the unit handling the case."""
    return access.handles(user, grievance)


def may_unmask(user: User, grievance: Grievance, *, asked: bool) -> bool:
    """Whether a page, an API answer or an export shows this grievance's personal data in the
    clear: only when the user asked for it (`unmask`) and may see it. Even the office and the
    handling unit must ask, so each view is deliberate and logged (services.personal_data_reveal).
    """
    return asked and user_may_see_personal_data(user, grievance)


# --- Masking --------------------------------------------------------------------------------
# Personal data: the complainant's name, phone and employer, and a mediation's parties (named
# people). Every page, API answer, export and admin page shows them through these functions.

PERSONAL_FIELDS = Grievance.PERSONAL_FIELDS


def has_complainant_data(grievance: Grievance) -> bool:
    """The worker left a name, a phone or an employer (an anonymous grievance has none)."""
    return any(getattr(grievance, field) for field in PERSONAL_FIELDS)


def complainant_shown(grievance: Grievance, *, revealed: bool) -> dict[str, str]:
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


def parties_shown(mediation: Mediation, *, revealed: bool) -> str:
    """A mediation's parties as shown: in the clear only when revealed, like the complainant."""
    return mediation.parties if revealed else mask_text(mediation.parties)


def mask_text(text: str) -> str:
    """Free text that names or points to people (an employer, the parties) -> ***."""
    return "***" if text else ""


def mask_name(name: str) -> str:
    """张三丰 -> 张**; empty stays empty."""
    return f"{name[0]}**" if name else ""


# --- Deadlines ------------------------------------------------------------------------------


def deadline_moments(now: datetime | None = None) -> tuple[datetime, datetime, datetime]:
    """The moments the deadline flags compare with: `now` (default: the present), and the
    starts of the response and resolution warning windows after it."""
    now = now or timezone.now()
    return (
        now,
        now + timedelta(hours=settings.GRIEVANCE_RESPONSE_WARN_HOURS),
        now + timedelta(days=settings.GRIEVANCE_RESOLUTION_WARN_DAYS),
    )


def with_deadline_flags(
    grievances: QuerySet[Grievance],
    *,
    now: datetime | None = None,
    moments: tuple[datetime, datetime, datetime] | None = None,
) -> QuerySet[Grievance]:
    """Annotate `response_breached`, `resolution_breached`, `due_soon` and `deadline_flag`.

    A response is breached when the unit has not accepted by `response_due_at`, or accepted
    late; a resolution when the reply has not come by `resolution_due_at`, or came late.
    `due_soon`: still open, not breached, and the next deadline is within the warning window
    (GRIEVANCE_RESPONSE_WARN_HOURS before the response limit, GRIEVANCE_RESOLUTION_WARN_DAYS
    before the resolution limit). `deadline_flag` is breached / due_soon / ok / done.
    `moments`, when given, are deadline_moments' (a caller that compiles its whole query once,
    parks.core.prepared, passes them as its values).
    """
    # The SQL is built and compiled once per process; each request only brings its moments.
    return compiled_once(
        grievances, _deadline_flags, moments or deadline_moments(now), key="deadline_flags"
    )


def _deadline_flags(
    grievances: QuerySet[Grievance],
    now: datetime,
    response_warn: datetime,
    resolution_warn: datetime,
) -> QuerySet[Grievance]:
    """The definition of with_deadline_flags' four annotations, at `now` and its two warning
    moments."""
    is_open = ~Q(status__in=FINAL_STATUSES)
    # The IS NOT NULL halves keep these false rather than NULL (NULL > x is NULL in SQL), so
    # `response_breached=False` filters and the API's booleans see every on-time row.
    response_breached = Q(
        responded_at__isnull=True,
        response_due_at__lt=now,
        status__in=AWAITING_RESPONSE,
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


def with_next_deadline(grievances: QuerySet[Grievance]) -> QuerySet[Grievance]:
    """Annotate `next_due_at` (grievances.deadlines.next_due_at): the limit that runs now — the
    response limit until the unit accepts, then the resolution limit until the reply; none once
    replied or closed. The inbox shows it ("next deadline") and sorts by it, and so does the
    workbench."""
    # Compiled once per process: the expression has no values of its own.
    return compiled_once(grievances, _next_deadline, (), key="next_due_at")


def _next_deadline(grievances: QuerySet[Grievance]) -> QuerySet[Grievance]:
    return grievances.annotate(next_due_at=next_due_at())


# Most urgent first: the next deadline, soonest (overdue ones first), then what has none. The
# index grievance_next_deadline serves it (its first page reads 25 or 50 index entries).
NEXT_DEADLINE_ORDER = (F("next_due_at").asc(nulls_last=True), "resolution_due_at", "pk")

# The columns the inbox sorts by (`?ordering=<key>` or `-<key>`): key -> the order_by terms.
INBOX_ORDERINGS: dict[str, tuple[Any, ...]] = {
    "deadline": NEXT_DEADLINE_ORDER,
    "received": ("received_at", "pk"),
    "status": ("status", "next_due_at", "pk"),
    "unit": (chinese_order("handling_unit__name"), "next_due_at", "pk"),
}


def inbox(
    *,
    user: User,
    now: datetime | None = None,
    ordering: str = "",
    moments: tuple[datetime, datetime, datetime] | None = None,
) -> QuerySet[Grievance]:
    """Visible grievances with flags and what list rows show, most urgent deadline first, or
    sorted by one of INBOX_ORDERINGS (a leading "-" reverses it). `moments`, when given, are
    deadline_moments' (with_deadline_flags)."""
    grievances = with_next_deadline(
        with_deadline_flags(
            grievances_visible_to(user).select_related(
                "park", "grid_zone", "handling_unit", "handler"
            ),
            now=now,
            moments=moments,
        )
    )
    key = ordering.removeprefix("-")
    terms = INBOX_ORDERINGS.get(key, NEXT_DEADLINE_ORDER)
    if ordering.startswith("-") and key in INBOX_ORDERINGS:
        terms = tuple(_reversed(term) for term in terms)
    return grievances.order_by(*terms)


def _reversed(term: Any) -> Any:
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    if hasattr(term, "descending"):  # an OrderBy: flip it, keeping NULLs last
        expression = term.expression
        return (
            expression.asc(nulls_last=True) if term.descending else expression.desc(nulls_last=True)
        )
    return term.desc(nulls_last=True)


# --- The rates ------------------------------------------------------------------------------
# What each figure counts, and the SQL that counts it, live in grievances.rates; these apply it
# to a scope. rate_counts, with_rates and survey_funnel (grievances.funnel) are re-exported for
# the other apps.

rate_counts = grievance_rates.rate_counts
with_rates = grievance_rates.with_rates
no_grievances = grievance_rates.no_grievances
only_counted = grievance_rates.only_counted
# Each figure's definition (Measure), for the reports that declare and explain them.
RATE_MEASURES = grievance_rates.MEASURES
RATE_PENDING = grievance_rates.PENDING
FUNNEL_MEASURES = FUNNEL
BACKLOG_MEASURES = grievance_rates.BACKLOG
backlog_counts = grievance_rates.backlog_counts
backlog_candidates = grievance_rates.backlog_candidates


def grievances_in_period(
    grievances: QuerySet[Grievance], *, start: date | None = None, end: date | None = None
) -> QuerySet[Grievance]:
    """Grievances received in [start, end) — dates in the portal's time zone, compared as
    instants so the index on received_at serves the range (parks.core.dates)."""
    return grievances_received(
        grievances,
        since=local_day_start(start) if start else None,
        before=local_day_start(end) if end else None,
    )


def grievances_received(
    grievances: QuerySet[Grievance],
    *,
    since: datetime | None = None,
    before: datetime | None = None,
) -> QuerySet[Grievance]:
    """Grievances received in [since, before): grievances_in_period's condition, on instants."""
    if since is not None:
        grievances = grievances.filter(received_at__gte=since)
    if before is not None:
        grievances = grievances.filter(received_at__lt=before)
    return grievances


def rates(grievances: QuerySet[Grievance], *, now: datetime | None = None) -> dict[str, Any]:
    """Every grievance figure (grievances.rates) over a queryset of grievances, in one query."""
    counted = only_counted(grievances).order_by()
    return with_rates(counted.aggregate(**rate_counts(now, counted_only=True)))


# Grouping keys the rates can be broken down by, with the label column of each.
RATE_GROUPS = {
    "park": ("park", "park__name"),
    "grid_zone": ("grid_zone", "grid_zone__code"),
    "unit": ("handling_unit", "handling_unit__name"),
    "month": ("month", None),
}


def rates_by(
    grievances: QuerySet[Grievance], group: str, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Every grievance figure per park, grid zone, handling unit or month, in one grouped
    query."""
    from django.db.models.functions import TruncMonth

    key, label = RATE_GROUPS[group]
    rows: QuerySet[Any, Any]
    if group == "month":
        rows = grievances.order_by().annotate(month=TruncMonth("received_at")).values("month")
    else:
        rows = grievances.order_by().values(*(key,) if label is None else (key, label))
    return [with_rates(row) for row in rows.annotate(**rate_counts(now)).order_by(key)]


@dataclass(frozen=True)
class RateScope:
    """Which grievances the rates count: any of a park, a subdistrict, a grid zone and a
    handling unit, and the days of receipt from `start` to `last`, both inclusive, in the
    portal's time zone. Left empty: the user's whole scope, all time."""

    park: Park | None = None
    subdistrict: Subdistrict | None = None
    grid_zone: GridZone | None = None
    unit: Organisation | None = None
    start: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class Rates:
    """The grievance figures of a scope and period, and its survey funnel."""

    grievances: QuerySet[Grievance]  # the grievances counted, to break them down (rates_by)
    totals: dict[str, Any]
    funnel: dict[str, int]
    now: datetime  # the moment pending was judged at: break the figures down at the same one


def rates_for(user: User, scope: RateScope, *, now: datetime | None = None) -> Rates:
    """The grievance figures (the three rates 三率 and the others of grievances.rates) and the
    survey funnel over the grievances and surveys `user` may see, narrowed to `scope`: what the
    rates page and /api/v1/grievances/rates/ both show.

    The funnel counts the survey campaigns held in the period in the parks of the scope.
    Surveys are held per park, so a grid zone's funnel counts its park's surveys; a handling
    unit narrows the opinions counted, not the surveys.

    Both queries are built and compiled once per scope of the user and set of narrowings given
    (grievances.funnel.planned_rates_and_funnel): their SQL depends on nothing else, and the
    narrowings' values (ids, the period's instants and days, the moment) are put in afresh.
    """
    given = _narrowings(scope)
    names, values = tuple(given), tuple(given.values())
    grievances, _surveys = _rated(user, names, *values)
    now = now or timezone.now()
    totals, funnel = planned_rates_and_funnel(
        ("rates_for", access.scope_key(user), names),
        partial(_rated, user, names),
        values,
        now=now,
    )
    return Rates(grievances=grievances, totals=totals, funnel=funnel, now=now)


def _narrowings(scope: RateScope) -> dict[str, Any]:
    """{narrowing: value} of those `scope` gives, as the queries take them (_rated)."""
    given: dict[str, Any] = {}
    if scope.park is not None:
        given["park"] = scope.park.pk
    if scope.subdistrict is not None:
        given["subdistrict"] = scope.subdistrict.pk
    if scope.grid_zone is not None:
        given["grid_zone"] = scope.grid_zone.pk
        given["grid_zone_park"] = scope.grid_zone.park_id
    if scope.unit is not None:
        given["unit"] = scope.unit.pk
    if scope.start:
        given["received_from"] = local_day_start(scope.start)
        given["held_from"] = scope.start
    if scope.last:
        given["received_before"] = local_day_start(scope.last + timedelta(days=1))
        given["held_to"] = scope.last
    return given


def _rated(
    user: User, names: tuple[str, ...], *values: Any
) -> tuple[QuerySet[Grievance], QuerySet[SurveyCampaign]]:
    """The grievances and the survey campaigns rates_for counts: the user's, narrowed by the
    named values (_narrowings)."""
    given = dict(zip(names, values, strict=True))
    grievances = grievances_visible_to(user)
    surveys = surveys_visible_to(user)
    if "park" in given:
        grievances = grievances.filter(park=given["park"])
        surveys = surveys.filter(park=given["park"])
    if "subdistrict" in given:
        grievances = grievances.filter(park__subdistrict=given["subdistrict"])
        surveys = surveys.filter(park__subdistrict=given["subdistrict"])
    if "grid_zone" in given:
        grievances = grievances.filter(grid_zone=given["grid_zone"])
        surveys = surveys.filter(park_id=given["grid_zone_park"])
    if "unit" in given:
        grievances = grievances.filter(handling_unit=given["unit"])
    grievances = grievances_received(
        grievances, since=given.get("received_from"), before=given.get("received_before")
    )
    if "held_from" in given:
        surveys = surveys.filter(held_on__gte=given["held_from"])
    if "held_to" in given:
        surveys = surveys.filter(held_on__lte=given["held_to"])
    return grievances, surveys


def assignable_units(user: User) -> QuerySet[Organisation]:
    """The units `user` may send a grievance to: the active ones they see, by kind and name.

    A copy (`.all()`) of the queryset built once per scope (access.scope_key: users with equal
    keys get the same conditions), as mediators_for: the assign form sets it on its field on
    every request, and building it cost a quarter of the form."""
    scope = access.scope_key(user)
    return _UNITS.kept(scope, lambda: _assignable_units(user)).all()


# scope key -> assignable_units' queryset, never evaluated itself (only its copies are).
_UNITS = Recent(1024)


def _active_units(user: User) -> QuerySet[Organisation]:
    """The units a grievance may be sent to: the active ones the user sees."""
    return access.organisations_visible_to(user).filter(is_active=True)


def _assignable_units(user: User) -> QuerySet[Organisation]:
    return _active_units(user).order_by("kind", chinese_order("name"))


def assignable_people(user: User) -> QuerySet[User]:
    """The people of those units, who may be named to handle it, by unit and name."""
    units = _active_units(user)
    return (
        User.objects.filter(is_active=True, organisation__in=units)
        .select_related("organisation")
        .order_by(chinese_order("organisation__name"), chinese_order("display_name"))
    )


def assignable_units_listed(user: User) -> list[Organisation]:
    """assignable_units' rows by its query compiled once per scope (parks.core.prepared: the
    key, access.scope_key, holds all its SQL depends on; it has no other value): compiling the
    two queries of the assign form cost ~2 ms of a new grievance's page, the office's most
    opened one."""
    key = ("assignable_units", access.scope_key(user))
    return list(prepared(key, lambda: assignable_units(user)))


def assignable_people_listed(user: User) -> list[User]:
    """assignable_people's rows, as assignable_units_listed reads assignable_units'."""
    return list(
        prepared(("assignable_people", access.scope_key(user)), lambda: assignable_people(user))
    )


def mediators_for(grievance: Grievance) -> QuerySet[User]:
    """Who may mediate: office staff, the handling unit's staff and the park's own people.

    A copy (`.all()`) of the queryset built once per process for the park and the unit, the only
    values it is made of: building it (three conditions, the pinyin order) cost ~0.5 ms of a
    grievance page, whose mediation form sets it on its field on every request."""
    park_id, unit_id = grievance.park_id, grievance.handling_unit_id
    return _MEDIATORS.kept((park_id, unit_id), lambda: _mediators(park_id, unit_id)).all()


# (park id, unit id) -> mediators_for's queryset, never evaluated itself (only its copies are).
_MEDIATORS = Recent(1024)


def _mediators(park_id: int | None, unit_id: int | None) -> QuerySet[User]:
    scope = (
        access.office_staff_condition() | Q(park_id=park_id) | access.unit_staff_condition(unit_id)
    )
    return User.objects.filter(scope, is_active=True).order_by(
        chinese_order("display_name"), "username"
    )


def mediators_listed(grievance: Grievance) -> list[User] | None:
    """mediators_for(grievance)'s rows, by its query compiled once per process
    (parks.core.prepared): for a page that lists them. The key holds what shapes the SQL
    besides the park and the unit (whether there is a unit: none drops its condition). None
    for a grievance without a park, whose query the caller runs as it is."""
    if grievance.park_id is None:
        return None
    if grievance.handling_unit_id is None:
        return list(prepared(("mediators", False), _mediators_of_park, grievance.park_id))
    values = (grievance.park_id, grievance.handling_unit_id)
    return list(prepared(("mediators", True), _mediators_of_park_and_unit, *values))


def _mediators_of_park(park_id: int) -> QuerySet[User]:
    return mediators_for(Grievance(park_id=park_id, handling_unit_id=None))


def _mediators_of_park_and_unit(park_id: int, unit_id: int) -> QuerySet[User]:
    return mediators_for(Grievance(park_id=park_id, handling_unit_id=unit_id))
