"""The grid log's writes: who may log where, values checked on their field, and an entry sent twice
logged once."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from parks.gridlog import services
from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure.choices import Role
from tests.factories import GridZoneFactory, ParkFactory, UserFactory
from tests.parks import activity_services_helpers as shared
from tests.parks.activity_services_helpers import NOW, logged, new, photo

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
neighbour = shared.neighbour
neighbour_zone = shared.neighbour_zone


pytestmark = pytest.mark.django_db


# --- Who may log where ------------------------------------------------------------------------


@pytest.fixture
def people(park, liaison, park_manager, office_user, subdistrict_user, member_unit_user):
    return {
        "liaison": liaison,
        "manager": park_manager,
        "office": office_user,
        "subdistrict": subdistrict_user,
        "member": member_unit_user,
        "observer": UserFactory(role=Role.OBSERVER),
        "instructor": UserFactory(role=Role.INSTRUCTOR, park=park),
        "other_manager": UserFactory(role=Role.PARK_MANAGER, park=ParkFactory()),
    }


@pytest.fixture
def places(park, other_park, grid_zone, neighbour_zone, other_grid_zone):
    return {
        "own_zone": {"grid_zone": grid_zone},
        "neighbour_zone": {"grid_zone": neighbour_zone},
        "park_wide": {"park": park},
        "other_park_zone": {"grid_zone": other_grid_zone},
        "other_park_wide": {"park": other_park},
    }


ALLOWED = {
    "liaison": {"own_zone"},
    "manager": {"own_zone", "neighbour_zone", "park_wide"},
    "office": {"own_zone", "neighbour_zone", "park_wide", "other_park_zone", "other_park_wide"},
    "subdistrict": set(),
    "member": set(),
    "observer": set(),
    "instructor": set(),
    "other_manager": set(),
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize(
    "place", ["own_zone", "neighbour_zone", "park_wide", "other_park_zone", "other_park_wide"]
)
def test_who_may_log_where(people, places, role, place):
    actor = people[role]
    if place in ALLOWED[role]:
        activity, created = services.activity_create(activity=new(**places[place]), actor=actor)
        assert created and activity.logged_by == actor
        expected_park = places[place].get("park") or places[place]["grid_zone"].park
        assert activity.park == expected_park
    else:
        with pytest.raises(PermissionDenied):
            services.activity_create(activity=new(**places[place]), actor=actor)
        assert not Activity.objects.exists()


def test_an_inactive_liaison_logs_nothing(liaison, grid_zone):
    liaison.is_active = False
    liaison.save()

    with pytest.raises(PermissionDenied):
        services.activity_create(activity=new(grid_zone=grid_zone), actor=liaison)


def test_a_liaison_moved_to_another_park_no_longer_logs_in_the_old_zone(liaison, grid_zone):
    liaison.park = ParkFactory()
    liaison.save()

    with pytest.raises(PermissionDenied):
        services.activity_create(activity=new(grid_zone=grid_zone), actor=liaison)


def test_a_zone_paired_with_another_park_is_refused(office_user, grid_zone, other_park):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            activity=new(grid_zone=grid_zone, park=other_park), actor=office_user
        )

    assert "grid_zone" in error.value.message_dict
    assert not Activity.objects.exists()


def test_neither_park_nor_zone_is_refused_on_the_park(office_user):
    with pytest.raises(ValidationError) as error:
        services.activity_create(activity=new(), actor=office_user)

    assert "park" in error.value.message_dict


# --- What is refused --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_at": NOW + timedelta(minutes=11)}, "occurred_at"),
        ({"occurred_at": NOW + timedelta(days=30)}, "occurred_at"),
        ({"occurred_at": datetime(1999, 12, 31, tzinfo=UTC)}, "occurred_at"),
        ({"participants": -1}, "participants"),
        ({"participants": 100_001}, "participants"),
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
        ({"description": "长" * 5001}, "description"),
    ],
)
def test_bad_values_are_refused_on_their_field(liaison, grid_zone, fields, field):
    with pytest.raises(ValidationError) as error:
        services.activity_create(activity=new(grid_zone=grid_zone, **fields), actor=liaison)

    assert list(error.value.message_dict) == [field]
    assert not Activity.objects.exists()


def test_the_future_message_says_why(liaison, grid_zone):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            activity=new(grid_zone=grid_zone, occurred_at=NOW + timedelta(hours=1)), actor=liaison
        )

    assert error.value.message_dict["occurred_at"] == [
        "An activity is logged once it has happened, not ahead."
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"occurred_at": "yesterday"}, "occurred_at"), ({"participants": "many"}, "participants")],
)
def test_values_of_the_wrong_type_are_refused_on_their_field(liaison, grid_zone, fields, field):
    with pytest.raises(ValidationError) as error:
        services.activity_create(activity=new(grid_zone=grid_zone, **fields), actor=liaison)

    assert list(error.value.message_dict) == [field]


def test_a_time_without_a_zone_is_taken_as_wuxi_time(liaison, grid_zone):
    naive = datetime(2026, 6, 10, 8, 0)  # noqa: DTZ001 - what a careless client sends
    activity = logged(liaison, grid_zone=grid_zone, occurred_at=naive)

    activity.refresh_from_db()
    assert activity.occurred_at == datetime(2026, 6, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("ahead", [timedelta(minutes=3), timedelta(minutes=10)])
def test_a_phone_clock_a_few_minutes_ahead_is_accepted(liaison, grid_zone, ahead):
    activity = logged(liaison, grid_zone=grid_zone, occurred_at=NOW + ahead)

    assert activity.occurred_at == NOW + ahead


@pytest.mark.parametrize("participants", [0, 100_000])
def test_participants_at_the_bounds_are_accepted(liaison, grid_zone, participants):
    assert logged(liaison, grid_zone=grid_zone, participants=participants).participants == (
        participants
    )


# --- Retries by client id ---------------------------------------------------------------------


def test_the_same_entry_sent_twice_is_logged_once(liaison, grid_zone):
    client_id = uuid.uuid4()
    first, created = services.activity_create(
        activity=new(grid_zone=grid_zone, client_id=client_id), actor=liaison, photos=[photo()]
    )
    again, created_again = services.activity_create(
        activity=new(grid_zone=grid_zone, client_id=client_id, title="重发"),
        actor=liaison,
        photos=[photo()],
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.title == "走访经营户"
    assert Activity.objects.count() == 1 and ActivityPhoto.objects.count() == 1


def test_another_persons_client_id_is_refused(liaison, grid_zone, park_manager):
    client_id = uuid.uuid4()
    logged(liaison, grid_zone=grid_zone, client_id=client_id)

    with pytest.raises(ValidationError) as error:
        services.activity_create(
            activity=new(grid_zone=grid_zone, client_id=client_id), actor=park_manager
        )

    assert "client_id" in error.value.message_dict
    assert Activity.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_entry_racing_make_one_row(time_machine):
    liaison = UserFactory(role=Role.LIAISON, park=ParkFactory())
    zone = GridZoneFactory(park=liaison.park, liaison=liaison)
    client_id = uuid.uuid4()
    first_saved, first_may_commit = threading.Event(), threading.Event()
    outcomes = []

    def first():
        # Holds its row uncommitted so the second send misses it and runs into the unique index.
        try:
            with transaction.atomic():
                outcomes.append(
                    services.activity_create(
                        activity=new(grid_zone=zone, client_id=client_id), actor=liaison
                    )
                )
                first_saved.set()
                first_may_commit.wait(timeout=10)
        except Exception as error:  # reported by the assertion below
            outcomes.append(error)
            first_saved.set()
        finally:
            connection.close()

    def second():
        try:
            first_saved.wait(timeout=10)
            threading.Timer(0.5, first_may_commit.set).start()
            outcomes.append(
                services.activity_create(
                    activity=new(grid_zone=zone, client_id=client_id), actor=liaison
                )
            )
        except Exception as error:  # reported by the assertion below
            outcomes.append(error)
            first_may_commit.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert sorted(created for _activity, created in outcomes) == [False, True]
    assert len({activity.pk for activity, _created in outcomes}) == 1
    assert Activity.objects.filter(client_id=client_id).count() == 1
