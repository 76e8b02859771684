"""Reads of the park structure and people shared by pages, the API and reports.

Who sees what is parks.access; the `*_visible_to` and `user_can_*` names below are that
module's answers, kept here because many pages, views and tests read them from here.
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from parks import access
from parks.access import AnyUser
from parks.access import activities_visible_to as activities_visible_to
from parks.access import activity_edit_deadline as activity_edit_deadline
from parks.access import facilities_visible_to as facilities_visible_to
from parks.access import grid_zones_user_can_log as grid_zones_user_can_log
from parks.access import grid_zones_visible_to as grid_zones_visible_to
from parks.access import liaisons_visible_to as liaisons_visible_to
from parks.access import organisations_visible_to as organisations_visible_to
from parks.access import parks_user_can_log_park_wide as parks_user_can_log_park_wide
from parks.access import parks_visible_to as parks_visible_to
from parks.access import subdistricts_visible_to as subdistricts_visible_to
from parks.core.db import chinese_order
from parks.structure.models import Facility, GridZone, Organisation, Park, User

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
        .prefetch_related("industries")  # in Industry's order
        .annotate(
            grid_zone_count=Coalesce(Subquery(zone_count), 0),
            facility_area=Subquery(facility_area),
        )
    )
    return parks.order_by(chinese_order("name"), "pk")


def grid_zones_of_park(park_id: int) -> QuerySet[GridZone]:
    """A park's grid zones as its page lists them: by code (the SQL park.grid_zones runs)."""
    return GridZone.objects.filter(park_id=park_id).order_by("code")


def facilities_of_park(park_id: int) -> QuerySet[Facility]:
    """A park's facilities as its page lists them (the SQL park.facilities runs)."""
    return Facility.objects.filter(park_id=park_id).order_by("kind", chinese_order("name"))


def organisations_of_park(park_id: int) -> QuerySet[Organisation]:
    """A park's organisations as its page lists them (the SQL park.organisations runs)."""
    return Organisation.objects.filter(park_id=park_id).order_by("kind")


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
