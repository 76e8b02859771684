"""The database refuses rows that break the parks app's invariants, whoever writes them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from parks.structure.choices import PilotStatus, Role
from parks.structure.models import Facility, GridZone, Park, User
from tests.factories import GridZoneFactory, ParkFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db


def _refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_it_refuses_two_grid_zones_with_one_code_in_a_park(park):
    GridZone.objects.create(park=park, code="G01", name="一区")
    _refused(lambda: GridZone.objects.create(park=park, code="G01", name="二区"))


def test_it_allows_the_same_grid_code_in_two_parks(park, other_park):
    GridZone.objects.create(park=park, code="G01", name="一区")
    GridZone.objects.create(park=other_park, code="G01", name="一区")
    assert GridZone.objects.filter(code="G01").count() == 2


def test_it_refuses_a_grid_code_with_spaces(park):
    _refused(lambda: GridZone.objects.create(park=park, code="G 01", name="一区"))


def test_it_refuses_a_facility_with_no_or_negative_area(park):
    _refused(lambda: Facility.objects.create(park=park, kind="other", name="甲", area_m2=0))
    _refused(lambda: Facility.objects.create(park=park, kind="other", name="乙", area_m2=-5))


def test_it_refuses_an_unknown_facility_kind(park):
    _refused(lambda: Facility.objects.create(park=park, kind="garage", name="甲", area_m2=10))


def test_it_refuses_a_pilot_park_without_a_designation_year():
    subdistrict = SubdistrictFactory()
    _refused(
        lambda: Park.objects.create(
            name="园区", subdistrict=subdistrict, pilot_status=PilotStatus.PILOT
        )
    )


def test_a_candidate_park_needs_no_designation_year():
    park = ParkFactory(pilot_status=PilotStatus.CANDIDATE, designation_year=None)
    assert park.pk


def test_it_refuses_an_implausible_designation_year():
    _refused(lambda: ParkFactory(designation_year=1899))


def test_it_refuses_a_blank_park_name():
    _refused(lambda: ParkFactory(name="   "))


def test_it_refuses_two_parks_with_one_name():
    ParkFactory(name="无锡盛阳食品城")
    _refused(lambda: ParkFactory(name="无锡盛阳食品城"))


@pytest.mark.parametrize("role", [Role.LIAISON, Role.PARK_MANAGER, Role.INSTRUCTOR])
def test_it_refuses_a_park_role_without_a_park(role):
    _refused(lambda: User.objects.create(username="x", role=role))


def test_it_refuses_subdistrict_staff_without_a_subdistrict():
    _refused(lambda: User.objects.create(username="x", role=Role.SUBDISTRICT))


def test_it_refuses_member_unit_staff_without_an_organisation():
    _refused(lambda: User.objects.create(username="x", role=Role.MEMBER_UNIT))


def test_it_refuses_a_user_scoped_to_both_a_park_and_a_subdistrict(park, subdistrict):
    _refused(
        lambda: User.objects.create(
            username="x", role=Role.OBSERVER, park=park, subdistrict=subdistrict
        )
    )


def test_it_refuses_a_subdistrict_office_without_its_subdistrict():
    from parks.structure.models import Organisation

    _refused(lambda: Organisation.objects.create(name="某街道产改办", kind="subdistrict_office"))


def test_deleting_a_park_with_grid_zones_is_refused(park):
    from django.db.models import ProtectedError

    GridZoneFactory(park=park)
    with pytest.raises(ProtectedError):
        park.delete()


def test_full_clean_names_the_field_of_a_duplicate_grid_code(park):
    from django.core.exceptions import ValidationError

    GridZone.objects.create(park=park, code="G01", name="一区")
    with pytest.raises(ValidationError) as error:
        GridZone(park=park, code="G01", name="二区").full_clean()
    assert "code" in error.value.message_dict


def test_facility_area_keeps_one_decimal(park):
    facility = Facility.objects.create(
        park=park, kind="nursing_room", name="母婴室", area_m2="12.5"
    )
    facility.refresh_from_db()
    assert facility.area_m2 == Decimal("12.5")
