"""REST API for the grid log: photos uploaded, re-encoded, served within scope, and refused when
bad."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parks.gridlog.models import Activity, ActivityPhoto
from tests.parks import activity_api_helpers as shared
from tests.parks.activity_api_helpers import _jpeg, _post_with_photos, detail

# The shared fixtures, bound here so pytest finds them by name.
entry_elsewhere = shared.entry_elsewhere
entry_in_zone = shared.entry_in_zone
other_liaison = shared.other_liaison


pytestmark = pytest.mark.django_db


def test_photos_are_uploaded_reencoded_and_served_to_who_sees_the_entry(
    api_as, liaison, grid_zone, other_liaison, office_user
):
    response = _post_with_photos(
        api_as(liaison),
        grid_zone,
        SimpleUploadedFile("IMG_0001.jpg", _jpeg((3000, 2000)), content_type="image/jpeg"),
        SimpleUploadedFile("IMG_0002.jpg", _jpeg((600, 800), "blue"), content_type="image/jpeg"),
    )
    assert response.status_code == 201, response.json()
    photos = response.json()["photos"]
    assert [(p["width"], p["height"]) for p in photos] == [(1600, 1067), (600, 800)]
    photo = photos[0]
    assert "/media/" not in photo["url"] and "/media/" not in photo["thumbnail_url"]
    assert photo["url"].startswith("http")

    full = api_as(office_user).get(photo["url"])
    assert full.status_code == 200
    assert full["Content-Type"] == "image/jpeg"
    content = b"".join(full.streaming_content)
    assert Image.open(io.BytesIO(content)).size == (1600, 1067)

    thumb = api_as(office_user).get(photo["thumbnail_url"])
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 360

    # A liaison of another park cannot fetch it, even with the exact address.
    assert api_as(other_liaison).get(photo["url"]).status_code == 404
    assert api_as(other_liaison).get(photo["thumbnail_url"]).status_code == 404


def test_a_photo_id_of_another_entry_is_not_served_through_this_one(
    api_as, office_user, entry_in_zone, entry_elsewhere
):
    photo = ActivityPhoto.objects.create(
        activity=entry_elsewhere,
        image=ContentFile(_jpeg((4, 4)), name="a.jpg"),
        thumbnail=ContentFile(_jpeg((2, 2)), name="t.jpg"),
        width=4,
        height=4,
    )
    url = f"{detail(entry_in_zone)}photos/{photo.pk}/"
    assert api_as(office_user).get(url).status_code == 404
    bad_size = api_as(office_user).get(f"{detail(entry_elsewhere)}photos/{photo.pk}/?size=huge")
    assert bad_size.status_code == 400


def _bomb():
    # 400 million pixels in a small file: the header alone must get it refused.
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(
            lambda: SimpleUploadedFile("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 4096),
            id="renamed-executable",
        ),
        pytest.param(lambda: SimpleUploadedFile("huge.png", _bomb()), id="decompression-bomb"),
        pytest.param(
            lambda: SimpleUploadedFile("big.jpg", _jpeg() + b"\x00" * (30 * 1024 * 1024)),
            id="30-MB-file",
        ),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_saved(api_as, liaison, grid_zone, upload):
    good = SimpleUploadedFile("ok.jpg", _jpeg())
    response = _post_with_photos(api_as(liaison), grid_zone, good, upload())
    assert response.status_code == 400
    assert list(response.json()) == ["photos"]
    assert not Activity.objects.exists()
    assert not ActivityPhoto.objects.exists()


def test_too_many_photos_are_refused(api_as, liaison, grid_zone):
    photos = [SimpleUploadedFile(f"{n}.jpg", _jpeg((20, 20))) for n in range(10)]
    response = _post_with_photos(api_as(liaison), grid_zone, *photos)
    assert response.status_code == 400
    assert "photos" in response.json()
    assert not Activity.objects.exists()
