"""Reads shared by pages, the API and reports. The scope rules live here and nowhere else.

A user sees the parks of their scope: office staff every park; subdistrict staff the parks of
their subdistrict; park managers, liaisons and instructors their park; observers and member-unit
staff the park or subdistrict they are given, or the whole district when given neither.
Everything else (grid zones, facilities, organisations) is visible through its park.
"""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from .choices import Role
from .db import chinese_order
from .models import Facility, GridZone, Industry, Organisation, Park, Subdistrict, User


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
