"""parks.access: each role's scope, and each "may see / may change" question it answers."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from grievances.models import Grievance
from parks import access
from parks.access import Area, Level
from parks.structure.choices import Role
from reforms.reporting.models import Report
from reforms.tasks.models import Plan, Task
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return OrganisationFactory(name="区人社局")


@pytest.fixture
def people(park, subdistrict, unit):
    """One person of each role, placed as the portal places them."""
    return {
        "office": UserFactory(role=Role.OFFICE),
        "superuser": UserFactory(role=Role.OBSERVER, park=park, is_superuser=True),
        "subdistrict": UserFactory(role=Role.SUBDISTRICT, subdistrict=subdistrict),
        "park_manager": UserFactory(role=Role.PARK_MANAGER, park=park),
        "liaison": UserFactory(role=Role.LIAISON, park=park),
        "instructor": UserFactory(role=Role.INSTRUCTOR, park=park),
        "observer": UserFactory(role=Role.OBSERVER),
        "observer_of_subdistrict": UserFactory(role=Role.OBSERVER, subdistrict=subdistrict),
        "member_unit": UserFactory(role=Role.MEMBER_UNIT, organisation=unit),
    }


# --- The scope ------------------------------------------------------------------------------


def test_each_role_becomes_one_area(people, park, subdistrict):
    areas = {name: access.scope_of(user).area for name, user in people.items()}
    assert areas == {
        "office": Area(Level.DISTRICT),
        "superuser": Area(Level.DISTRICT),
        "subdistrict": Area(Level.SUBDISTRICT, subdistrict_id=subdistrict.pk),
        "park_manager": Area(Level.PARK, park_id=park.pk),
        "liaison": Area(Level.PARK, park_id=park.pk),
        "instructor": Area(Level.PARK, park_id=park.pk),
        "observer": Area(Level.DISTRICT),
        "observer_of_subdistrict": Area(Level.SUBDISTRICT, subdistrict_id=subdistrict.pk),
        "member_unit": Area(Level.DISTRICT),
    }


def test_anonymous_and_inactive_users_reach_nothing(park):
    for user in (AnonymousUser(), UserFactory(role=Role.OFFICE, is_active=False)):
        scope = access.scope_of(user)
        assert scope.area == access.NOWHERE and not scope.office
        assert not access.parks_visible_to(user).exists()
        assert not access.may_manage_park(user, park)
        assert not access.may_see_dashboard(user)


def test_the_scope_follows_a_changed_user_row(park, other_park):
    # Not cached on the user: a form that moves someone sees the new scope at once.
    user = UserFactory(role=Role.PARK_MANAGER, park=park)
    assert list(access.parks_visible_to(user)) == [park]
    user.park = other_park
    assert list(access.parks_visible_to(user)) == [other_park]


def test_only_office_staff_and_superusers_are_the_district_office(people):
    office = {name for name, user in people.items() if access.is_district_office(user)}
    assert office == {"office", "superuser"}


# --- Seeing -----------------------------------------------------------------------------------


def test_park_bodies_are_seen_with_their_park_and_district_bodies_by_all(people, park, other_park):
    district_body = OrganisationFactory(kind="member_unit")
    own_committee = OrganisationFactory(kind="park_committee", park=park)
    other_committee = OrganisationFactory(kind="park_committee", park=other_park)
    seen = set(access.organisations_visible_to(people["liaison"]))
    assert {district_body, own_committee} <= seen and other_committee not in seen
    assert other_committee in access.organisations_visible_to(people["office"])


def test_tasks_are_seen_through_park_unit_and_the_area_without_a_park(
    people, park, other_park, subdistrict, unit
):
    in_park = TaskFactory(park=park)
    elsewhere = TaskFactory(park=other_park)
    led = TaskFactory(park=other_park, lead_unit=unit)
    supported = TaskFactory(park=other_park)
    supported.supporting_units.add(unit, OrganisationFactory())
    subdistrict_wide = TaskFactory(plan=PlanFactory(scope="subdistrict", subdistrict=subdistrict))

    def seen(user):
        return set(access.tasks_visible(user, Task.objects.all()))

    assert seen(people["park_manager"]) == {in_park}
    assert seen(people["subdistrict"]) == {in_park, subdistrict_wide}
    assert seen(people["office"]) == {in_park, elsewhere, led, supported, subdistrict_wide}
    # The unit reads the whole district: every task, each once.
    visible = access.tasks_visible(people["member_unit"], Task.objects.all())
    assert visible.count() == 5
    unit_in_a_park = UserFactory(role=Role.MEMBER_UNIT, organisation=unit, park=park)
    assert seen(unit_in_a_park) == {in_park, led, supported}
    assert set(
        access.plans_visible(
            unit_in_a_park, Plan.objects.all(), visible_tasks=Task.objects.filter(pk=led.pk)
        )
    ) == {in_park.plan, led.plan, supported.plan, elsewhere.plan}  # district plans, all


def test_reports_are_read_within_the_area_and_the_districts_by_its_readers(
    people, park, other_park, subdistrict
):
    def report(scope, **target):
        return Report.objects.create(
            scope=scope,
            period_kind="month",
            period_start=timezone.localdate().replace(day=1),
            period_end=timezone.localdate(),
            **target,
        )

    district = report("district")
    own_subdistrict = report("subdistrict", subdistrict=subdistrict)
    own_park = report("park", park=park)
    other = report("park", park=other_park)

    def read(user):
        return set(access.reports_visible(user, Report.objects.all()))

    assert read(people["office"]) == {district, own_subdistrict, own_park, other}
    assert read(people["subdistrict"]) == {own_subdistrict, own_park}
    assert read(people["liaison"]) == {own_park}
    assert read(people["observer_of_subdistrict"]) == {district, own_subdistrict, own_park}
    assert read(UserFactory(role=Role.OBSERVER, park=park)) == {district, own_park}


def test_grievances_are_seen_through_the_park_or_as_their_handling_unit(
    people, park, other_park, unit
):
    own = GrievanceFactory(park=park)
    handed = GrievanceFactory(park=other_park, handling_unit=unit)
    unit_in_a_park = UserFactory(role=Role.MEMBER_UNIT, organisation=unit, park=park)
    assert set(access.grievances_visible(unit_in_a_park, Grievance.objects.all())) == {own, handed}
    assert set(access.grievances_visible(people["liaison"], Grievance.objects.all())) == {own}
    assert access.handles(unit_in_a_park, handed) and not access.handles(people["liaison"], own)
    assert access.handles(people["office"], own)


# --- Changing -----------------------------------------------------------------------------------


def test_a_park_is_managed_by_the_office_and_its_own_manager(people, park, other_park):
    managers = {n for n, u in people.items() if access.may_manage_park(u, park)}
    assert managers == {"office", "superuser", "park_manager"}
    assert not access.may_manage_park(people["park_manager"], other_park)
    assert not access.may_change_park_designation(people["park_manager"])


def test_a_liaison_logs_in_their_own_zones_and_corrects_their_entry_for_a_while(
    people, park, settings
):
    liaison = people["liaison"]
    own = GridZoneFactory(park=park, liaison=liaison)
    colleagues = GridZoneFactory(park=park)
    assert set(access.grid_zones_user_can_log(liaison)) == {own}
    assert set(access.grid_zones_user_can_log(people["park_manager"])) == {own, colleagues}
    assert not access.may_log_activity(liaison, park=park)  # park-wide is the manager's
    entry = ActivityFactory(grid_zone=own, logged_by=liaison)
    assert access.editable_activities(liaison, [entry]) == {
        entry.pk: entry.created_at + timedelta(hours=settings.ACTIVITY_EDIT_HOURS)
    }
    assert access.editable_activities(people["park_manager"], [entry]) == {entry.pk: None}
    assert access.editable_activities(people["instructor"], [entry]) == {}
    entry.created_at -= timedelta(hours=settings.ACTIVITY_EDIT_HOURS + 1)
    assert not access.may_edit_activity(liaison, entry)


def test_ledgers_are_kept_by_the_office_and_the_parks_manager(people, park, other_park):
    writers = {n for n, u in people.items() if access.may_record_ledgers(u)}
    assert writers == {"office", "superuser", "park_manager"}
    assert access.may_write_ledger(people["park_manager"], park)
    assert not access.may_write_ledger(people["park_manager"], other_park)
    assert not access.may_write_ledger(people["park_manager"], None)  # district-wide
    assert access.may_write_ledger(people["office"], None)


def test_reports_are_asked_for_within_the_area_by_the_office_subdistricts_and_managers(
    people, park, other_park, subdistrict
):
    sub, manager = people["subdistrict"], people["park_manager"]
    assert access.may_request_report(sub, scope="subdistrict", subdistrict=subdistrict)
    assert access.may_request_report(sub, scope="park", park=park)
    assert not access.may_request_report(sub, scope="park", park=other_park)
    assert not access.may_request_report(sub, scope="district")
    assert access.may_request_report(manager, scope="park", park=park)
    assert not access.may_request_report(people["observer_of_subdistrict"], scope="park", park=park)
    scopes, subdistricts, parks = access.requestable_targets(sub)
    assert scopes == [Level.SUBDISTRICT, Level.PARK]
    assert list(subdistricts) == [subdistrict] and list(parks) == [park]
    assert access.requestable_targets(people["liaison"])[0] == []


def test_every_placed_user_has_a_dashboard_of_their_area(people):
    assert all(access.may_see_dashboard(user) for user in people.values())


def test_qr_posters_are_printed_by_the_office_the_park_and_its_subdistrict(
    people, park, other_park
):
    printers = {n for n, u in people.items() if access.may_print_posters(u, park)}
    assert printers == {
        "office",
        "superuser",
        "subdistrict",
        "park_manager",
        "liaison",
        "instructor",
    }
    assert not access.may_print_posters(people["subdistrict"], other_park)


def test_grievances_are_logged_by_the_office_and_the_parks_field_staff(people, park, other_park):
    loggers = {n for n, u in people.items() if access.may_log_grievances(u, park)}
    assert loggers == {"office", "superuser", "park_manager", "liaison"}
    assert not access.may_log_grievances(people["liaison"], other_park)


def test_tasks_are_reported_on_by_their_owner_and_lead_unit(people, unit):
    task = TaskFactory(lead_unit=unit, owner=people["liaison"])
    updaters = {n for n, u in people.items() if access.may_update_task(u, task)}
    assert updaters == {"office", "superuser", "liaison", "member_unit"}
    assert not access.may_manage_tasks(people["member_unit"])
