"""Writes through the services: who may do what, and what gets saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from knox.models import AuthToken

from parks.structure import services
from parks.structure.choices import Role
from parks.structure.jobs import purge_expired_api_tokens
from parks.structure.models import GridZone, Park, User
from tests.factories import IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_office_staff_create_a_park_with_industries(office_user, subdistrict):
    seafood = IndustryFactory(name="水产")
    park = services.park_save(
        park=Park(name="新园区", subdistrict=subdistrict, pilot_status="candidate"),
        industries=[seafood],
        actor=office_user,
    )
    assert list(park.industries.values_list("name", flat=True)) == ["水产"]


def test_a_park_manager_may_not_create_parks(park_manager, subdistrict):
    with pytest.raises(PermissionDenied):
        services.park_save(park=Park(name="新园区", subdistrict=subdistrict), actor=park_manager)
    assert not Park.objects.filter(name="新园区").exists()


def test_a_park_manager_edits_their_own_park_but_not_another(park_manager, park, other_park):
    park.address = "锡沪西路"
    services.park_save(park=park, actor=park_manager)
    other_park.address = "别处"
    with pytest.raises(PermissionDenied):
        services.park_save(park=other_park, actor=park_manager)
    other_park.refresh_from_db()
    assert other_park.address != "别处"


def test_a_liaison_may_not_add_grid_zones(liaison, park):
    with pytest.raises(PermissionDenied):
        services.grid_zone_save(
            grid_zone=GridZone(park=park, code="G09", name="九区"), actor=liaison
        )


def test_grid_codes_are_stored_upper_case_so_case_variants_clash(office_user, park):
    services.grid_zone_save(
        grid_zone=GridZone(park=park, code="g01", name="一区"), actor=office_user
    )
    with pytest.raises(ValidationError) as error:
        services.grid_zone_save(
            grid_zone=GridZone(park=park, code="G01", name="二区"), actor=office_user
        )
    assert "code" in error.value.message_dict
    assert list(park.grid_zones.values_list("code", flat=True)) == ["G01"]


def test_the_liaison_of_a_grid_zone_must_be_a_liaison_of_that_park(office_user, park, other_park):
    outsider = UserFactory(role=Role.LIAISON, park=other_park)
    with pytest.raises(ValidationError) as error:
        services.grid_zone_save(
            grid_zone=GridZone(park=park, code="G02", name="二区", liaison=outsider),
            actor=office_user,
        )
    assert "liaison" in error.value.message_dict


def test_only_office_staff_manage_people(park_manager, office_user, park):
    with pytest.raises(PermissionDenied):
        services.user_save(user=User(username="new", role=Role.OBSERVER), actor=park_manager)
    person = services.user_save(
        user=User(username="new", role=Role.LIAISON, park=park), actor=office_user, password="x9"
    )
    assert person.check_password("x9")


def test_an_office_user_cannot_be_tied_to_a_park(office_user, park):
    with pytest.raises(ValidationError):
        services.user_save(user=User(username="o2", role=Role.OFFICE, park=park), actor=office_user)


def test_a_token_is_stored_hashed_and_expires(liaison):
    token, key = services.api_token_create(owner=liaison, actor=liaison, days=7)
    assert key not in token.digest
    assert timedelta(days=6) < token.expiry - timezone.now() <= timedelta(days=7)


def test_only_office_staff_make_tokens_for_others(liaison, park_manager, office_user):
    with pytest.raises(PermissionDenied):
        services.api_token_create(owner=park_manager, actor=liaison)
    token, _key = services.api_token_create(owner=park_manager, actor=office_user)
    assert token.user == park_manager


def test_a_token_lifetime_outside_the_allowed_range_is_refused(liaison):
    with pytest.raises(ValidationError):
        services.api_token_create(owner=liaison, actor=liaison, days=0)
    with pytest.raises(ValidationError):
        services.api_token_create(owner=liaison, actor=liaison, days=10_000)


def test_the_hourly_job_purges_expired_tokens_only(liaison):
    live, _ = services.api_token_create(owner=liaison, actor=liaison, days=3)
    expired, _ = services.api_token_create(owner=liaison, actor=liaison, days=3)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(minutes=1))
    assert purge_expired_api_tokens() == 1
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]
