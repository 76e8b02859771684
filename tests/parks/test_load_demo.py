"""`manage.py load_demo`: the seed parks, their zones and rooms, and one account per role."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import override_settings

from parks.management.commands.load_demo import DEMO_PASSWORD, HUAXIA, SHENGYANG
from parks.structure.choices import Role
from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)

pytestmark = pytest.mark.django_db

MODELS = [Subdistrict, Industry, Organisation, Park, User, GridZone, Facility, Group]


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo():
    load_demo()


def test_it_creates_both_seed_parks(demo):
    shengyang = Park.objects.get(name=SHENGYANG)
    huaxia = Park.objects.get(name=HUAXIA)
    assert shengyang.motto == "买水产到盛阳"
    assert len(shengyang.honour_list) == 2
    assert set(huaxia.industries.values_list("name", flat=True)) == {"家居服务", "建材"}
    assert huaxia.subdistrict.name == "广益街道"


@pytest.mark.parametrize("park_name", [SHENGYANG, HUAXIA])
def test_it_gives_each_park_ten_zones_each_with_a_liaison_of_that_park(demo, park_name):
    zones = GridZone.objects.filter(park__name=park_name).select_related("liaison")
    assert sorted(zone.code for zone in zones) == [f"G{n:02d}" for n in range(1, 11)]
    for zone in zones:
        assert zone.liaison.role == Role.LIAISON
        assert zone.liaison.park_id == zone.park_id
    assert len({zone.liaison_id for zone in zones}) == 10


def test_it_gives_huaxia_more_than_200_square_metres_of_facilities(demo):
    total = Facility.objects.filter(park__name=HUAXIA).aggregate(total=Sum("area_m2"))["total"]
    assert total > 200


def test_it_creates_a_user_for_every_role(demo):
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_the_demo_passwords_work(demo):
    users = User.objects.all()
    assert users.count() == 7 + 20
    for user in users:
        assert user.check_password(DEMO_PASSWORD), user.username


def test_the_office_account_can_use_the_admin(demo):
    office = User.objects.get(username="office")
    assert office.is_staff
    assert office.has_perm("parks.change_park")
    assert office.has_perm("parks.add_user")


def test_running_twice_creates_no_duplicates_and_changes_nothing(demo):
    before = counts()
    stamps = dict(Park.objects.values_list("name", "updated_at"))

    output = load_demo()

    assert counts() == before
    assert dict(Park.objects.values_list("name", "updated_at")) == stamps
    assert " 0 created, 0 updated" in output
    assert " created" not in output.replace(" 0 created", "")


def test_running_again_repairs_a_changed_row(demo):
    GridZone.objects.filter(code="G01", park__name=HUAXIA).update(liaison=None)
    observer = User.objects.get(username="observer")
    observer.set_password("changed")
    observer.save()

    load_demo()

    assert GridZone.objects.get(code="G01", park__name=HUAXIA).liaison.username == "liaison_hx01"
    observer.refresh_from_db()
    assert observer.check_password(DEMO_PASSWORD)


@override_settings(PORTAL_DEMO_DATA_ALLOWED=False)
def test_it_refuses_where_settings_do_not_allow_demo_data():
    with pytest.raises(CommandError, match="PORTAL_DEMO_DATA_ALLOWED"):
        load_demo()
    assert Park.objects.count() == 0


def test_production_settings_do_not_allow_demo_data():
    import ast
    from pathlib import Path

    from config.settings import base

    production = Path(base.__file__).with_name("production.py").read_text()
    assert base.PORTAL_DEMO_DATA_ALLOWED is False
    assert "PORTAL_DEMO_DATA_ALLOWED" not in {
        target.id
        for node in ast.walk(ast.parse(production))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
