"""The grid log's writes: photos added and removed with their files, and deleting an entry."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from grievances.models import Grievance
from parks.gridlog import services
from parks.gridlog.models import Activity, ActivityPhoto
from tests.factories import CarePaymentFactory, GrievanceFactory
from tests.parks import activity_services_helpers as shared
from tests.parks.activity_services_helpers import logged, new, photo

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now


pytestmark = pytest.mark.django_db


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
