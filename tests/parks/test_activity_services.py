"""The grid log's writes: who may log, correct and delete what; what is refused; retries and
races that must not make duplicates; photos whose files follow their rows."""

import io
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from grievances.models import Grievance
from parks import services
from parks.choices import ActivityKind, Role
from parks.models import Activity, ActivityPhoto
from tests.factories import (
    CarePaymentFactory,
    GridZoneFactory,
    GrievanceFactory,
    ParkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 12:00 in Wuxi
EARLIER = NOW - timedelta(hours=3)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def neighbour(park):
    """Another liaison of the same park, with a zone of their own."""
    return UserFactory(username="neighbour", role=Role.LIAISON, park=park)


@pytest.fixture
def neighbour_zone(park, neighbour):
    return GridZoneFactory(park=park, code="G02", name="灯具区", liaison=neighbour)


def jpeg(size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "JPEG")
    return out.getvalue()


def photo(name="p.jpg"):
    return SimpleUploadedFile(name, jpeg())


def new(*, grid_zone=None, park=None, **fields) -> Activity:
    values = {
        "kind": ActivityKind.VISIT,
        "occurred_at": EARLIER,
        "title": "走访经营户",
        "participants": 6,
        **fields,
    }
    return Activity(grid_zone=grid_zone, park=park, **values)


def logged(actor, **fields):
    activity, created = services.activity_create(activity=new(**fields), actor=actor)
    assert created
    return activity


def file_exists(name) -> bool:
    return default_storage.exists(name)


def stored_files(path="activity-photos") -> set[str]:
    try:
        folders, files = default_storage.listdir(path)
    except FileNotFoundError:
        return set()
    found = {f"{path}/{name}" for name in files}
    for folder in folders:
        found |= stored_files(f"{path}/{folder}")
    return found


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


# --- Photos of an entry -----------------------------------------------------------------------


def test_photos_per_entry_count_those_already_there(liaison, grid_zone, settings):
    settings.ACTIVITY_PHOTOS_PER_ENTRY = 3
    activity, _created = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo(), photo()]
    )

    with pytest.raises(ValidationError) as error:
        services.activity_update(
            activity=activity, actor=liaison, fields={}, photos=[photo(), photo()]
        )
    assert error.value.error_dict["photos"][0].code == "too_many_photos"
    assert activity.photos.count() == 2

    first = activity.photos.first()
    services.activity_update(
        activity=activity,
        actor=liaison,
        fields={},
        photos=[photo("c.jpg"), photo("d.jpg")],
        remove_photos=[first],
    )
    assert activity.photos.count() == 3


def test_too_many_photos_at_once_are_refused(liaison, grid_zone, settings):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            activity=new(grid_zone=grid_zone),
            actor=liaison,
            photos=[photo() for _ in range(settings.ACTIVITY_PHOTOS_PER_ENTRY + 1)],
        )

    assert "At most 9 photos" in error.value.message_dict["photos"][0]
    assert not Activity.objects.exists()


def test_a_removed_photo_loses_its_files_once_saved(
    liaison, grid_zone, django_capture_on_commit_callbacks
):
    activity, _created = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo(), photo()]
    )
    gone, kept = activity.photos.order_by("pk")
    names = [gone.image.name, gone.thumbnail.name]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.activity_update(activity=activity, actor=liaison, fields={}, remove_photos=[gone])
    assert all(file_exists(name) for name in names)  # not before the commit
    for callback in callbacks:
        callback()

    assert not any(file_exists(name) for name in names)
    assert file_exists(kept.image.name) and file_exists(kept.thumbnail.name)
    assert list(activity.photos.all()) == [kept]


def test_a_rolled_back_removal_keeps_the_files(
    liaison, grid_zone, django_capture_on_commit_callbacks
):
    activity, _created = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo()]
    )
    kept = activity.photos.get()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.activity_update(
                activity=activity, actor=liaison, fields={}, remove_photos=[kept]
            )
            raise RuntimeError("the request failed after the service")

    assert activity.photos.get() == kept
    assert file_exists(kept.image.name) and file_exists(kept.thumbnail.name)


def test_a_refused_new_photo_keeps_the_ones_being_removed(
    liaison, grid_zone, django_capture_on_commit_callbacks
):
    activity, _created = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo()]
    )
    kept = activity.photos.get()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.activity_update(
            activity=activity,
            actor=liaison,
            fields={"participants": 50},
            photos=[SimpleUploadedFile("x.jpg", b"MZ" + b"\x00" * 100)],
            remove_photos=[kept],
        )

    activity.refresh_from_db()
    assert activity.participants == 6
    assert activity.photos.get() == kept and file_exists(kept.image.name)


def test_photo_files_written_before_a_failure_do_not_stay_behind(liaison, grid_zone, monkeypatch):
    before = stored_files()
    saved = []

    def second_save_fails(row, *args, **kwargs):
        if saved:
            raise OSError("disk full")
        saved.append(row)
        original_save(row, *args, **kwargs)

    original_save = ActivityPhoto.save
    monkeypatch.setattr(ActivityPhoto, "save", second_save_fails)

    with pytest.raises(OSError, match="disk full"):
        services.activity_create(
            activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo(), photo()]
        )

    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()
    assert stored_files() == before


def test_a_photo_of_another_entry_is_not_removed_through_this_one(liaison, grid_zone):
    mine, _created = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo()]
    )
    theirs, _created = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo()]
    )

    services.activity_update(
        activity=mine, actor=liaison, fields={}, remove_photos=[theirs.photos.get()]
    )

    assert theirs.photos.count() == 1 and mine.photos.count() == 1


def test_deleting_an_entry_deletes_its_photo_files_and_keeps_what_refers_to_it(
    liaison, grid_zone, park, django_capture_on_commit_callbacks
):
    activity, _created = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo(), photo()]
    )
    names = [name for p in activity.photos.all() for name in (p.image.name, p.thumbnail.name)]
    grievance = GrievanceFactory(park=park, source_activity=activity)
    payment = CarePaymentFactory(park=park, activity=activity)

    with django_capture_on_commit_callbacks(execute=True):
        services.activity_delete(activity=activity, actor=liaison)

    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()
    assert not any(file_exists(name) for name in names)
    assert Grievance.objects.get(pk=grievance.pk).source_activity is None
    payment.refresh_from_db()
    assert payment.activity is None


def test_deleting_an_entry_twice_is_not_an_error(liaison, grid_zone):
    activity = logged(liaison, grid_zone=grid_zone)
    again = Activity.objects.get(pk=activity.pk)

    services.activity_delete(activity=activity, actor=liaison)
    services.activity_delete(activity=again, actor=liaison)

    assert not Activity.objects.exists()


# --- A batch from another system ----------------------------------------------------------------


def batch(zone, n, **fields):
    return [
        new(grid_zone=zone, title=f"走访{i}", client_id=uuid.uuid4(), **fields) for i in range(n)
    ]


def test_a_valid_batch_is_saved_whole_in_order(liaison, grid_zone):
    activities = batch(grid_zone, 5)

    results = services.activities_bulk_create(activities=activities, actor=liaison)

    assert [(a.title, created) for a, created in results] == [(f"走访{i}", True) for i in range(5)]
    assert all(a.pk for a, _created in results)
    saved = Activity.objects.filter(logged_by=liaison)
    assert saved.count() == 5 and {a.park_id for a in saved} == {grid_zone.park_id}


def test_a_batch_with_bad_items_saves_nothing_and_names_exactly_those(
    liaison, grid_zone, neighbour_zone
):
    activities = batch(grid_zone, 9)
    activities[1].occurred_at = NOW + timedelta(days=2)
    activities[3].grid_zone = neighbour_zone
    activities[4].participants = -3
    activities[5].participants = 100_001
    activities[6].occurred_at = datetime(1999, 12, 31, tzinfo=UTC)
    activities[7].description = "长" * 5001

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    errors = error.value.item_errors
    assert list(errors) == [1, 3, 4, 5, 6, 7]
    assert {index: list(fields) for index, fields in errors.items()} == {
        1: ["occurred_at"],
        3: ["grid_zone"],
        4: ["participants"],
        5: ["participants"],
        6: ["occurred_at"],
        7: ["description"],
    }
    assert errors[5]["participants"] == ["Participants must be between 0 and 100,000."]
    assert "6 items" in error.value.messages[0]
    assert not Activity.objects.exists()


def test_a_client_id_twice_in_one_batch_is_named_by_index(liaison, grid_zone):
    activities = batch(grid_zone, 4)
    activities[2].client_id = activities[0].client_id

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert list(error.value.item_errors) == [2]
    assert list(error.value.item_errors[2]) == ["client_id"]
    assert not Activity.objects.exists()


def test_a_batch_sent_again_is_found_not_logged_again(liaison, grid_zone):
    activities = batch(grid_zone, 3)
    first = services.activities_bulk_create(activities=activities, actor=liaison)
    resent = [
        new(grid_zone=grid_zone, title=a.title, client_id=a.client_id) for a in activities
    ] + batch(grid_zone, 1)

    again = services.activities_bulk_create(activities=resent, actor=liaison)

    assert [created for _a, created in again] == [False, False, False, True]
    assert [a.pk for a, _c in again[:3]] == [a.pk for a, _c in first]
    assert Activity.objects.count() == 4


def test_a_batch_reusing_another_persons_client_id_is_refused(liaison, grid_zone, office_user):
    theirs = logged(office_user, grid_zone=grid_zone, client_id=uuid.uuid4())
    activities = batch(grid_zone, 2)
    activities[1].client_id = theirs.client_id

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert list(error.value.item_errors) == [1]
    assert "client_id" in error.value.item_errors[1]
    assert Activity.objects.count() == 1


def test_a_batch_over_the_limit_is_refused_before_any_item_is_checked(liaison, grid_zone):
    activities = [new(grid_zone=grid_zone) for _ in range(10_000)]

    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert "At most 500 activities" in error.value.messages[0]
    assert len(queries) == 0
    assert not Activity.objects.exists()


def test_the_batch_limit_is_the_settings(liaison, grid_zone, settings):
    settings.ACTIVITY_BULK_MAX = 3

    with pytest.raises(ValidationError):
        services.activities_bulk_create(activities=batch(grid_zone, 4), actor=liaison)
    assert len(services.activities_bulk_create(activities=batch(grid_zone, 3), actor=liaison)) == 3


def test_a_park_wide_item_where_the_actor_may_not_log_is_named_on_the_park(
    liaison, grid_zone, park
):
    activities = batch(grid_zone, 1) + [new(park=park, client_id=uuid.uuid4())]

    with pytest.raises(services.BulkValidationError) as error:
        services.activities_bulk_create(activities=activities, actor=liaison)

    assert error.value.item_errors == {
        1: {"park": ["You may not log activities in this park or grid zone."]}
    }


def test_a_batch_mixing_zones_and_park_wide_entries_of_two_parks(
    office_user, park, other_park, grid_zone, other_grid_zone
):
    activities = [
        new(grid_zone=grid_zone),
        new(park=park),
        new(grid_zone=other_grid_zone),
        new(park=other_park),
    ]

    results = services.activities_bulk_create(activities=activities, actor=office_user)

    assert [(a.park, a.grid_zone) for a, _created in results] == [
        (park, grid_zone),
        (park, None),
        (other_park, other_grid_zone),
        (other_park, None),
    ]
    assert Activity.objects.count() == 4


def test_a_big_batch_is_checked_in_a_bounded_number_of_queries(
    park_manager, park, grid_zone, neighbour_zone
):
    def queries_for(n):
        zones = [grid_zone, neighbour_zone] * n
        activities = [
            new(grid_zone=zones[i], title=f"走访{i}", client_id=uuid.uuid4()) for i in range(n)
        ]
        with CaptureQueriesContext(connection) as queries:
            services.activities_bulk_create(activities=activities, actor=park_manager)
        return len(queries)

    assert queries_for(50) == queries_for(4)
