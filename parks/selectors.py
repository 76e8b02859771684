"""Reads shared by pages, the API and reports. The scope rules live here and nowhere else.

A user sees the parks of their scope: office staff every park; subdistrict staff the parks of
their subdistrict; park managers, liaisons and instructors their park; observers and member-unit
staff the park or subdistrict they are given, or the whole district when given neither.
Everything else (grid zones, facilities, organisations) is visible through its park.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from .choices import Role
from .db import chinese_order
from .models import (
    Activity,
    ActivityPhoto,
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)


def parks_visible_to(user) -> QuerySet[Park]:
    parks = Park.objects.all()
    if not user.is_authenticated or not user.is_active:
        return parks.none()
    if user.is_office:
        return parks
    if user.park_id:
        return parks.filter(pk=user.park_id)
    if user.subdistrict_id:
        return parks.filter(subdistrict_id=user.subdistrict_id)
    if user.role in (Role.OBSERVER, Role.MEMBER_UNIT):
        return parks
    return parks.none()


def grid_zones_visible_to(user) -> QuerySet[GridZone]:
    return GridZone.objects.filter(park__in=parks_visible_to(user))


def facilities_visible_to(user) -> QuerySet[Facility]:
    return Facility.objects.filter(park__in=parks_visible_to(user))


def subdistricts_visible_to(user) -> QuerySet[Subdistrict]:
    # Subdistricts are the district's public structure; every signed-in user may read them.
    if not user.is_authenticated:
        return Subdistrict.objects.none()
    return Subdistrict.objects.all()


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """District-level bodies for everyone; park bodies only with their park."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_office:
        return Organisation.objects.all()
    return Organisation.objects.filter(Q(park__isnull=True) | Q(park__in=parks_visible_to(user)))


def user_can_manage_park(user, park) -> bool:
    """Office staff manage every park; a park manager manages their own park's zones and rooms."""
    if user.is_office:
        return True
    return user.role == Role.PARK_MANAGER and user.park_id == park.pk


def user_can_create_parks(user) -> bool:
    return user.is_authenticated and user.is_office


def user_can_manage_people(user) -> bool:
    return user.is_authenticated and user.is_office


# --- Lists ----------------------------------------------------------------------------------


def park_list(*, user) -> QuerySet[Park]:
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


def grid_zones_of_park(park):
    return park.grid_zones.select_related("liaison").order_by("code")


def facilities_of_park(park):
    return park.facilities.order_by("kind", chinese_order("name"))


def liaisons_visible_to(user) -> QuerySet[User]:
    """Liaisons of the parks the user sees: the people a zone's liaison may be chosen from."""
    return User.objects.filter(role=Role.LIAISON, park__in=parks_visible_to(user))


def liaisons_for_park(park):
    """People who may be made liaison of a grid zone in this park."""
    return User.objects.filter(park=park, role=Role.LIAISON, is_active=True).order_by(
        chinese_order("display_name"), "username"
    )


def people_list(*, search="", role="") -> QuerySet[User]:
    """Everyone, for the office's people page: by name in pinyin order, with their scope."""
    people = User.objects.select_related("organisation", "subdistrict", "park")
    if role:
        people = people.filter(role=role)
    if search:
        people = people.filter(Q(display_name__icontains=search) | Q(username__icontains=search))
    return people.order_by(chinese_order("display_name"), "username")


# --- The grid log -----------------------------------------------------------------------------


def activities_visible_to(user) -> QuerySet[Activity]:
    return Activity.objects.filter(park__in=parks_visible_to(user))


def grid_zones_user_can_log(user) -> QuerySet[GridZone]:
    """Zones the user may log activities in: a liaison their own zones, a park manager every
    zone of their park, office staff every zone."""
    zones = GridZone.objects.all()
    if not user.is_authenticated or not user.is_active:
        return zones.none()
    if user.is_office:
        return zones
    if user.role == Role.PARK_MANAGER:
        return zones.filter(park_id=user.park_id)
    if user.role == Role.LIAISON:
        return zones.filter(liaison=user, park_id=user.park_id)
    return zones.none()


def parks_user_can_log_park_wide(user) -> QuerySet[Park]:
    """Parks where the user may log an activity for the whole park rather than one zone."""
    if not user.is_authenticated or not user.is_active:
        return Park.objects.none()
    if user.is_office:
        return Park.objects.all()
    if user.role == Role.PARK_MANAGER:
        return Park.objects.filter(pk=user.park_id)
    return Park.objects.none()


def user_can_log_activity(user, *, park, grid_zone=None) -> bool:
    if grid_zone is not None:
        return (
            grid_zone.park_id == park.pk
            and grid_zones_user_can_log(user).filter(pk=grid_zone.pk).exists()
        )
    return parks_user_can_log_park_wide(user).filter(pk=park.pk).exists()


def activity_edit_deadline(activity):
    return activity.created_at + timedelta(hours=settings.ACTIVITY_EDIT_HOURS)


def user_can_edit_activity(user, activity) -> bool:
    """Office staff and the park's manager correct any entry; a liaison their own entry, in
    their own zone, within ACTIVITY_EDIT_HOURS of saving it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_office:
        return True
    if user.role == Role.PARK_MANAGER:
        return user.park_id == activity.park_id
    if user.role == Role.LIAISON:
        return (
            activity.logged_by_id == user.pk
            and timezone.now() <= activity_edit_deadline(activity)
            and user_can_log_activity(user, park=activity.park, grid_zone=activity.grid_zone)
        )
    return False


def activity_list(*, user) -> QuerySet[Activity]:
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


def coverage(*, zones: QuerySet[GridZone], first_week: date, weeks: int) -> dict:
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


def idle_grid_zones(*, zones: QuerySet[GridZone], since: date) -> QuerySet[GridZone]:
    """Zones that have logged no activity since `since` (this week, this month…)."""
    start = datetime.combine(since, time.min, tzinfo=timezone.get_current_timezone())
    logged = Activity.objects.filter(grid_zone=OuterRef("pk"), occurred_at__gte=start)
    return (
        zones.annotate(logged=Exists(logged))
        .filter(logged=False)
        .select_related("park", "liaison")
        .order_by(*COVERAGE_ZONE_ORDER)
    )
