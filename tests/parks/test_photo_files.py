"""A photo whose file cannot be written (a full disk) leaves no file behind: not the empty file
the failed write started, nor the photos written before it."""

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage

from parks.gridlog import services
from parks.gridlog.models import Activity, ActivityPhoto
from tests.parks.activity_services_helpers import frozen_now, new, photo  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def disk_full_after(monkeypatch):
    """The disk fills up after `n` files: the next one is created, then its write fails."""

    def fill_after(n):
        real_save = FileSystemStorage._save
        saved = []

        def save(storage, name, content):
            if len(saved) >= n:
                # What FileSystemStorage does on a full disk: the file is made, the write fails.
                os.makedirs(os.path.dirname(storage.path(name)), exist_ok=True)
                descriptor = os.open(storage.path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                os.close(descriptor)
                raise OSError(errno.ENOSPC, "No space left on device")
            saved.append(name)
            return real_save(storage, name, content)

        monkeypatch.setattr(FileSystemStorage, "_save", save)

    return fill_after


@pytest.mark.parametrize("written_before", [0, 1, 3])
def test_a_photo_write_that_fails_leaves_no_file(
    liaison, grid_zone, media, disk_full_after, written_before
):
    disk_full_after(written_before)
    with pytest.raises(OSError, match="No space left"):
        services.activity_create(
            activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo(), photo()]
        )
    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()
    assert _files(media) == []  # no empty file where the failed write began


def test_a_photo_added_to_an_entry_that_fails_leaves_no_file(
    liaison, grid_zone, media, disk_full_after
):
    activity, _ = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo()]
    )
    before = _files(media)
    disk_full_after(0)
    with pytest.raises(OSError, match="No space left"):
        services.activity_update(activity=activity, actor=liaison, fields={}, photos=[photo()])
    assert activity.photos.count() == 1
    assert _files(media) == before


@pytest.mark.django_db(transaction=True)
def test_a_file_that_cannot_be_removed_after_the_commit_leaves_the_saved_photos_whole(
    liaison, grid_zone, media, monkeypatch
):
    """Review finding: the clean-up sat outside the transaction, so an error from an on-commit
    hook (the old photo's files could not be deleted) deleted the new photo's committed file."""
    activity, _ = services.activity_create(
        activity=new(grid_zone=grid_zone), actor=liaison, photos=[photo()]
    )
    old = activity.photos.get()
    real_delete = FileSystemStorage.delete

    def delete(storage, name):
        if name in (old.image.name, old.thumbnail.name):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_delete(storage, name)

    monkeypatch.setattr(FileSystemStorage, "delete", delete)
    services.activity_update(
        activity=activity, actor=liaison, fields={}, photos=[photo()], remove_photos=[old]
    )

    photos = list(ActivityPhoto.objects.filter(activity=activity))
    assert len(photos) == 1 and photos[0].pk != old.pk
    assert (media / photos[0].image.name).is_file()
    assert (media / photos[0].thumbnail.name).is_file()
