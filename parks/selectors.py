"""Reads shared by pages, the API and reports.

Who sees what is parks.access; the `*_visible_to` and `user_can_*` names below are that
module's answers, kept here because many pages, views and tests read them from here.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from . import access
from .access import AnyUser
from .access import activities_visible_to as activities_visible_to
from .access import activity_edit_deadline as activity_edit_deadline
from .access import facilities_visible_to as facilities_visible_to
from .access import grid_zones_user_can_log as grid_zones_user_can_log
from .access import grid_zones_visible_to as grid_zones_visible_to
from .access import liaisons_visible_to as liaisons_visible_to
from .access import organisations_visible_to as organisations_visible_to
from .access import parks_user_can_log_park_wide as parks_user_can_log_park_wide
from .access import parks_visible_to as parks_visible_to
from .access import subdistricts_visible_to as subdistricts_visible_to
from .db import chinese_order
from .models import (
    Activity,
    ActivityPhoto,
    AuditEvent,
    Facility,
    GridZone,
    Industry,
    Park,
    User,
)

# The grid-log pages and their tests ask this by its old name.
user_can_edit_activity = access.may_edit_activity


# --- Lists ----------------------------------------------------------------------------------


def park_list(*, user: AnyUser) -> QuerySet[Park]:
    """Visible parks with zone count and facility area, in Chinese order. Fixed query count."""
    # Counted in subqueries: joining zones and facilities together would multiply the rows.
    zone_count = (
        GridZone.objects.filter(park=OuterRef("pk"))
        .order_by()
        .values("park")
        .annotate(n=Count("pk"))
        .values("n")
    )
    facility_area = (
        Facility.objects.filter(park=OuterRef("pk"))
        .order_by()
        .values("park")
        .annotate(total=Sum("area_m2"))
        .values("total")
    )
    parks = (
        parks_visible_to(user)
        .select_related("subdistrict")
        .prefetch_related(Prefetch("industries", queryset=Industry.objects.order_by("name")))
        .annotate(
            grid_zone_count=Coalesce(Subquery(zone_count), 0),
            facility_area=Subquery(facility_area),
        )
    )
    return parks.order_by(chinese_order("name"), "pk")


def grid_zones_of_park(park: Park) -> QuerySet[GridZone]:
    return park.grid_zones.select_related("liaison").order_by("code")


def facilities_of_park(park: Park) -> QuerySet[Facility]:
    return park.facilities.order_by("kind", chinese_order("name"))


def liaisons_for_park(park: Park) -> QuerySet[User]:
    """People who may be made liaison of a grid zone in this park."""
    return access.liaisons_of_park(park).order_by(chinese_order("display_name"), "username")


def people_list(*, search: str = "", role: str = "") -> QuerySet[User]:
    """Everyone, for the office's people page: by name in pinyin order, with their scope."""
    people = User.objects.select_related("organisation", "subdistrict", "park")
    if role:
        people = people.filter(role=role)
    if search:
        people = people.filter(Q(display_name__icontains=search) | Q(username__icontains=search))
    return people.order_by(chinese_order("display_name"), "username")


# --- The grid log -----------------------------------------------------------------------------


def activity_list(*, user: AnyUser) -> QuerySet[Activity]:
    """The feed: visible activities, newest first, with what a row shows. Fixed query count."""
    return (
        activities_visible_to(user)
        .select_related("park", "grid_zone", "logged_by")
        .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("pk")))
        .order_by("-occurred_at", "-pk")
    )


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in (weeks run Monday to Sunday, as in China)."""
    return day - timedelta(days=day.weekday())


def coverage(*, zones: QuerySet[GridZone], first_week: date, weeks: int) -> dict[str, Any]:
    """Activities per grid zone per week, counted in SQL, for `weeks` weeks from `first_week`.

    Returns {"weeks": [monday, …], "zones": [zone, …], "counts": {(zone_id, monday): n}} where a
    missing key means the zone logged nothing that week. Park-wide activities cover no zone.
    """
    first_week = week_start(first_week)
    mondays = [first_week + timedelta(weeks=n) for n in range(weeks)]
    tz = timezone.get_current_timezone()
    start = datetime.combine(first_week, time.min, tzinfo=tz)
    end = datetime.combine(first_week + timedelta(weeks=weeks), time.min, tzinfo=tz)
    rows = (
        Activity.objects.filter(
            grid_zone__in=zones.values("pk"), occurred_at__gte=start, occurred_at__lt=end
        )
        .annotate(week=TruncWeek("occurred_at", tzinfo=tz))
        .values("grid_zone", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(row["grid_zone"], row["week"].date()): row["n"] for row in rows}
    zone_list = list(zones.select_related("park", "liaison").order_by(*COVERAGE_ZONE_ORDER))
    return {"weeks": mondays, "zones": zone_list, "counts": counts}


COVERAGE_ZONE_ORDER = (chinese_order("park__name"), "park_id", "code")


def zone_logged(since: datetime, until: datetime | None = None) -> Exists:
    """Grid coverage (网格覆盖), defined once: a grid zone is covered over [since, until) when it
    logged at least one grid-log entry then; park-wide entries cover no zone. A condition on
    grid zones (`OuterRef("pk")`): one probe of the activity_zone_time index per zone, where a
    join would drag every activity along. The coverage rate is parks.figures.percent(covered,
    zones) over the zones that exist."""
    logged = Activity.objects.filter(grid_zone=OuterRef("pk"), occurred_at__gte=since)
    if until is not None:
        logged = logged.filter(occurred_at__lt=until)
    return Exists(logged)


def idle_grid_zones(*, zones: QuerySet[GridZone], since: date) -> QuerySet[GridZone]:
    """Zones that have logged no activity since `since` (this week, this month…): not covered."""
    start = datetime.combine(since, time.min, tzinfo=timezone.get_current_timezone())
    return (
        zones.annotate(logged=zone_logged(start))
        .filter(logged=False)
        .select_related("park", "liaison")
        .order_by(*COVERAGE_ZONE_ORDER)
    )


# --- The audit log ----------------------------------------------------------------------------

# An object page shows this many of its latest changes; the office's audit page has them all.
HISTORY_LIMIT = 20


def audit_events() -> QuerySet[AuditEvent]:
    """The audit log, newest first, with what every row of a page shows (no query per row)."""
    return AuditEvent.objects.select_related("actor", "content_type").order_by("-at", "-pk")


def _of_type(model: type[Model]) -> Q:
    # Joined rather than looked up, so a page costs the same queries with a cold or warm
    # content-type cache.
    return Q(
        content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name
    )


def type_history(model: type[Model], *, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The latest writes to any record of one kind, for a page that lists them all (the time
    limits, the report schedules); index audit_by_type."""
    return list(audit_events().filter(_of_type(model))[:limit])


def object_history(instance: Model, *, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The latest writes to one record, for its page's history panel (index
    audit_object_history). Whoever sees the page sees its history: masked fields stay masked."""
    events = audit_events().filter(_of_type(type(instance)), object_id=instance.pk)
    return list(events[:limit])
