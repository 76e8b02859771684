"""The grid log's writes: correcting an entry, by whom, when and where to."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from parks.gridlog import services
from parks.gridlog.models import Activity
from parks.structure.choices import Role
from tests.factories import GridZoneFactory, ParkFactory, UserFactory
from tests.parks import activity_services_helpers as shared
from tests.parks.activity_services_helpers import NOW, logged

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
neighbour = shared.neighbour
neighbour_zone = shared.neighbour_zone


pytestmark = pytest.mark.django_db


# --- Corrections ------------------------------------------------------------------------------


def test_a_correction_changes_only_the_given_fields(liaison, grid_zone, park_manager):
    activity = logged(liaison, grid_zone=grid_zone)
    stale = Activity.objects.get(pk=activity.pk)
    services.activity_update(
        activity=activity, actor=park_manager, fields={"description": "现场发放宣传册。"}
    )

    services.activity_update(activity=stale, actor=liaison, fields={"participants": 12})

    activity.refresh_from_db()
    assert activity.participants == 12
    assert activity.description == "现场发放宣传册。"  # the other correction survives
    assert activity.title == "走访经营户"


@pytest.mark.django_db(transaction=True)
def test_two_corrections_at_once_of_different_fields_both_stay():
    liaison = UserFactory(role=Role.LIAISON, park=ParkFactory())
    manager = UserFactory(role=Role.PARK_MANAGER, park=liaison.park)
    zone = GridZoneFactory(park=liaison.park, liaison=liaison)
    activity = logged(liaison, grid_zone=zone)
    start = threading.Barrier(2)
    errors = []

    def correct(actor, fields):
        try:
            start.wait(timeout=10)
            services.activity_update(
                activity=Activity.objects.get(pk=activity.pk), actor=actor, fields=fields
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=correct, args=(liaison, {"participants": 40})),
        threading.Thread(target=correct, args=(manager, {"place": "东门广场"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    activity.refresh_from_db()
    assert (activity.participants, activity.place) == (40, "东门广场")


def test_fields_outside_the_entry_cannot_be_changed(liaison, grid_zone, office_user):
    activity = logged(liaison, grid_zone=grid_zone)

    for field, value in [("logged_by", office_user), ("client_id", uuid.uuid4())]:
        with pytest.raises(ValidationError):
            services.activity_update(activity=activity, actor=office_user, fields={field: value})

    activity.refresh_from_db()
    assert activity.logged_by == liaison and activity.client_id is None


def test_a_correction_is_checked_like_a_new_entry(liaison, grid_zone):
    activity = logged(liaison, grid_zone=grid_zone)

    with pytest.raises(ValidationError) as error:
        services.activity_update(
            activity=activity,
            actor=liaison,
            fields={"participants": -5, "occurred_at": NOW + timedelta(days=1)},
        )

    assert set(error.value.message_dict) == {"participants", "occurred_at"}
    activity.refresh_from_db()
    assert activity.participants == 6


def test_a_liaison_corrects_their_entry_within_the_edit_window_only(
    liaison, grid_zone, settings, time_machine
):
    activity = logged(liaison, grid_zone=grid_zone)
    window = timedelta(hours=settings.ACTIVITY_EDIT_HOURS)

    time_machine.move_to(NOW + window - timedelta(minutes=1), tick=False)
    services.activity_update(activity=activity, actor=liaison, fields={"participants": 7})
    time_machine.move_to(NOW + window + timedelta(minutes=1), tick=False)
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, actor=liaison, fields={"participants": 8})
    with pytest.raises(PermissionDenied):
        services.activity_delete(activity=activity, actor=liaison)

    activity.refresh_from_db()
    assert activity.participants == 7


def test_managers_and_office_correct_any_time(
    liaison, grid_zone, park_manager, office_user, time_machine
):
    activity = logged(liaison, grid_zone=grid_zone)
    time_machine.move_to(NOW + timedelta(days=365), tick=False)

    services.activity_update(activity=activity, actor=park_manager, fields={"place": "A"})
    services.activity_update(activity=activity, actor=office_user, fields={"place": "B"})

    activity.refresh_from_db()
    assert activity.place == "B"


@pytest.mark.parametrize("role", ["neighbour", "other_manager", "subdistrict", "member"])
def test_others_may_not_correct_or_delete_an_entry(
    role, liaison, grid_zone, neighbour, subdistrict_user, member_unit_user
):
    activity = logged(liaison, grid_zone=grid_zone)
    actor = {
        "neighbour": neighbour,
        "other_manager": UserFactory(role=Role.PARK_MANAGER, park=ParkFactory()),
        "subdistrict": subdistrict_user,
        "member": member_unit_user,
    }[role]

    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, actor=actor, fields={"participants": 99})
    with pytest.raises(PermissionDenied):
        services.activity_delete(activity=activity, actor=actor)

    activity.refresh_from_db()
    assert activity.participants == 6


def test_a_liaison_cannot_correct_an_entry_whose_zone_was_handed_over(
    liaison, grid_zone, neighbour
):
    activity = logged(liaison, grid_zone=grid_zone)
    grid_zone.liaison = neighbour
    grid_zone.save()

    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, actor=liaison, fields={"participants": 9})


def test_the_stored_entry_decides_who_may_correct_it(liaison, grid_zone, neighbour, park):
    # The liaison's zone went to the neighbour; a form bound to the old entry has already put
    # it, in memory, into the liaison's new zone. The stored entry is no longer theirs to move.
    activity = logged(liaison, grid_zone=grid_zone)
    grid_zone.liaison = neighbour
    grid_zone.save()
    new_zone = GridZoneFactory(park=park, code="G03", liaison=liaison)
    activity.grid_zone = new_zone

    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, actor=liaison, fields={"grid_zone": new_zone})
    with pytest.raises(PermissionDenied):
        services.activity_delete(activity=activity, actor=liaison)

    activity.refresh_from_db()
    assert activity.grid_zone == grid_zone


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("liaison", "neighbour_zone"),
        ("liaison", "park_wide"),
        ("liaison", "other_park_zone"),
        ("manager", "other_park_zone"),
    ],
)
def test_an_entry_cannot_be_moved_where_its_corrector_may_not_log(
    role, target, liaison, park_manager, grid_zone, neighbour_zone, other_grid_zone
):
    activity = logged(liaison, grid_zone=grid_zone)
    actor = {"liaison": liaison, "manager": park_manager}[role]
    zone = {"neighbour_zone": neighbour_zone, "park_wide": None, "other_park_zone": other_grid_zone}

    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, actor=actor, fields={"grid_zone": zone[target]})

    activity.refresh_from_db()
    assert activity.grid_zone == grid_zone


def test_a_manager_makes_a_zone_entry_park_wide(liaison, park_manager, grid_zone, park):
    activity = logged(liaison, grid_zone=grid_zone)

    services.activity_update(activity=activity, actor=park_manager, fields={"grid_zone": None})

    activity.refresh_from_db()
    assert activity.grid_zone is None and activity.park == park


def test_an_entry_moved_to_another_parks_zone_moves_to_that_park(
    liaison, office_user, grid_zone, other_grid_zone, other_park
):
    activity = logged(liaison, grid_zone=grid_zone)

    services.activity_update(
        activity=activity, actor=office_user, fields={"grid_zone": other_grid_zone}
    )

    activity.refresh_from_db()
    assert activity.grid_zone == other_grid_zone and activity.park == other_park
