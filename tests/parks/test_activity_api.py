"""REST API for the grid log: /api/v1/activities/, photos, and the all-or-none bulk endpoint."""

import io
import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from parks.choices import ActivityKind, Role
from parks.models import Activity, ActivityPhoto
from tests.factories import ActivityFactory, GridZoneFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/activities/"
BULK = "/api/v1/activities/bulk/"


def detail(activity):
    return f"{LIST}{activity.pk}/"


def _jpeg(size=(800, 600), colour="red"):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def _yesterday():
    return (timezone.now() - timedelta(days=1)).isoformat()


def _entry(**fields):
    return {
        "kind": ActivityKind.VISIT,
        "occurred_at": _yesterday(),
        "title": "走访瓷砖区商户",
        "participants": 6,
        **fields,
    }


@pytest.fixture
def observer():
    return UserFactory(role=Role.OBSERVER)


@pytest.fixture
def other_liaison(other_park, other_grid_zone):
    liaison = UserFactory(username="other-liaison", role=Role.LIAISON, park=other_park)
    other_grid_zone.liaison = liaison
    other_grid_zone.save()
    return liaison


@pytest.fixture
def neighbour_zone(park):
    """A zone of the liaison's park that someone else looks after."""
    return GridZoneFactory(
        park=park,
        code="G02",
        name="灯具区",
        liaison=UserFactory(role=Role.LIAISON, park=park),
    )


@pytest.fixture
def entry_in_zone(grid_zone, liaison):
    return ActivityFactory(grid_zone=grid_zone, logged_by=liaison, title="瓷砖区走访")


@pytest.fixture
def entry_elsewhere(other_grid_zone):
    return ActivityFactory(grid_zone=other_grid_zone, title="水产区走访")


def _titles(response):
    assert response.status_code == 200, response.json()
    return sorted(row["title"] for row in response.json()["results"])


# --- Reading ----------------------------------------------------------------------------------


def test_anonymous_clients_are_refused(api_client):
    assert api_client.get(LIST).status_code == 401


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("office_user", ["水产区走访", "瓷砖区走访"]),
        ("member_unit_user", ["水产区走访", "瓷砖区走访"]),
        ("observer", ["水产区走访", "瓷砖区走访"]),
        ("subdistrict_user", ["瓷砖区走访"]),
        ("park_manager", ["瓷砖区走访"]),
        ("liaison", ["瓷砖区走访"]),
        ("other_liaison", ["水产区走访"]),
    ],
)
def test_each_role_lists_the_entries_of_its_scope(
    request, api_as, entry_in_zone, entry_elsewhere, who, sees
):
    assert _titles(api_as(request.getfixturevalue(who)).get(LIST)) == sees


def test_an_entry_shows_its_park_zone_kind_and_author(api_as, office_user, entry_in_zone):
    body = api_as(office_user).get(detail(entry_in_zone)).json()
    assert body["park"] == entry_in_zone.park_id
    assert body["park_name"] == "无锡华夏家居港建材市场"
    assert body["grid_zone_label"] == "G01 瓷砖区"
    assert body["kind"] == "visit" and body["kind_display"]
    assert body["logged_by_name"] == str(entry_in_zone.logged_by)
    assert body["photos"] == []


def test_a_liaison_of_another_park_gets_404_for_every_method(api_as, other_liaison, entry_in_zone):
    client = api_as(other_liaison)
    assert client.get(detail(entry_in_zone)).status_code == 404
    assert client.patch(detail(entry_in_zone), {"title": "x"}).status_code == 404
    assert client.delete(detail(entry_in_zone)).status_code == 404
    assert Activity.objects.get(pk=entry_in_zone.pk).title == "瓷砖区走访"


def test_the_list_filters_by_kind_zone_and_period(api_as, office_user, grid_zone, neighbour_zone):
    ActivityFactory(grid_zone=grid_zone, kind=ActivityKind.CARE, title="送清凉")
    ActivityFactory(grid_zone=neighbour_zone, kind=ActivityKind.CARE, title="中医理疗")
    ActivityFactory(grid_zone=grid_zone, kind=ActivityKind.LECTURE, title="主题宣讲")
    client = api_as(office_user)
    assert _titles(client.get(LIST, {"kind": "care"})) == ["中医理疗", "送清凉"]
    assert _titles(client.get(LIST, {"kind": "care", "grid_zone": grid_zone.pk})) == ["送清凉"]
    assert _titles(client.get(LIST, {"date_from": "2026-06-04"})) == []


def test_a_hidden_park_cannot_be_used_as_a_filter(api_as, liaison, other_park):
    response = api_as(liaison).get(LIST, {"park": other_park.pk})
    assert response.status_code == 400
    assert "park" in response.json()


def test_the_list_runs_the_same_queries_for_2_and_50_entries(api_as, office_user, park):
    zones = [GridZoneFactory(park=park, liaison=UserFactory(role=Role.LIAISON, park=park))]
    client = api_as(office_user)

    def count_queries(n):
        Activity.objects.all().delete()
        for index in range(n):
            zone = zones[0] if index % 2 else None
            activity = ActivityFactory(park=park, grid_zone=zone, logged_by=UserFactory())
            for _photo in range(2):
                ActivityPhoto.objects.create(
                    activity=activity,
                    image=ContentFile(_jpeg((4, 4)), name="a.jpg"),
                    thumbnail=ContentFile(_jpeg((2, 2)), name="t.jpg"),
                    width=4,
                    height=4,
                )
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(LIST).json()["results"]
        assert len(rows) == n and all(len(row["photos"]) == 2 for row in rows)
        return len(queries)

    assert count_queries(2) == count_queries(50)


# --- Logging ----------------------------------------------------------------------------------


def test_a_liaison_logs_in_their_own_zone_and_the_zone_decides_the_park(
    api_as, liaison, grid_zone, park
):
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk))
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get()
    assert activity.park == park and activity.grid_zone == grid_zone
    assert activity.logged_by == liaison
    assert response.json()["id"] == activity.pk


def test_a_liaison_may_not_log_in_a_neighbours_zone_or_park_wide(
    api_as, liaison, neighbour_zone, park
):
    client = api_as(liaison)
    assert client.post(LIST, _entry(grid_zone=neighbour_zone.pk)).status_code == 403
    assert client.post(LIST, _entry(park=park.pk)).status_code == 403
    assert not Activity.objects.exists()


def test_a_zone_of_a_park_the_user_cannot_see_reads_as_nonexistent(
    api_as, liaison, other_grid_zone
):
    client = api_as(liaison)
    hidden = client.post(LIST, _entry(grid_zone=other_grid_zone.pk))
    missing = client.post(LIST, _entry(grid_zone=999_999))
    assert hidden.status_code == missing.status_code == 400
    assert list(hidden.json()) == ["grid_zone"]
    # The same answer for a hidden zone as for one that does not exist, but for its id.
    assert hidden.json()["grid_zone"][0].replace(str(other_grid_zone.pk), "?") == missing.json()[
        "grid_zone"
    ][0].replace("999999", "?")
    assert not Activity.objects.exists()


def test_a_park_manager_logs_in_any_zone_of_their_park_and_park_wide(
    api_as, park_manager, neighbour_zone, park, other_park
):
    client = api_as(park_manager)
    assert client.post(LIST, _entry(grid_zone=neighbour_zone.pk)).status_code == 201
    park_wide = client.post(LIST, _entry(park=park.pk, kind="lecture"))
    assert park_wide.status_code == 201
    assert park_wide.json()["grid_zone"] is None and park_wide.json()["grid_zone_label"] is None
    # Another park is not in their scope at all.
    assert client.post(LIST, _entry(park=other_park.pk)).status_code == 400
    assert Activity.objects.count() == 2


def test_office_staff_log_anywhere(api_as, office_user, other_grid_zone, park):
    client = api_as(office_user)
    assert client.post(LIST, _entry(grid_zone=other_grid_zone.pk)).status_code == 201
    assert client.post(LIST, _entry(park=park.pk)).status_code == 201


@pytest.mark.parametrize("who", ["observer", "member_unit_user", "subdistrict_user"])
def test_readers_may_not_log(request, api_as, grid_zone, park, who):
    client = api_as(request.getfixturevalue(who))
    assert client.post(LIST, _entry(grid_zone=grid_zone.pk)).status_code == 403
    assert client.post(LIST, _entry(park=park.pk)).status_code == 403
    assert not Activity.objects.exists()


def test_a_zone_and_a_park_that_do_not_match_are_refused(
    api_as, office_user, grid_zone, other_park
):
    response = api_as(office_user).post(LIST, _entry(grid_zone=grid_zone.pk, park=other_park.pk))
    assert response.status_code == 400
    assert "grid_zone" in response.json()


def test_an_entry_needs_a_park_or_a_zone(api_as, office_user):
    response = api_as(office_user).post(LIST, _entry())
    assert response.status_code == 400
    assert "park" in response.json()


def test_a_future_date_is_refused(api_as, liaison, grid_zone):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk, occurred_at=tomorrow))
    assert response.status_code == 400
    assert list(response.json()) == ["occurred_at"]
    assert not Activity.objects.exists()


def test_negative_participants_are_refused(api_as, liaison, grid_zone):
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk, participants=-3))
    assert response.status_code == 400
    assert list(response.json()) == ["participants"]
    assert not Activity.objects.exists()


def test_resending_an_entry_with_its_client_id_returns_the_first_one(api_as, liaison, grid_zone):
    client = api_as(liaison)
    payload = _entry(grid_zone=grid_zone.pk, client_id=str(uuid.uuid4()))
    first = client.post(LIST, payload)
    again = client.post(LIST, {**payload, "title": "重发"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "走访瓷砖区商户"
    assert Activity.objects.count() == 1


def test_a_client_id_logged_by_someone_else_is_refused(api_as, liaison, park_manager, grid_zone):
    client_id = str(uuid.uuid4())
    ActivityFactory(grid_zone=grid_zone, logged_by=park_manager, client_id=client_id)
    response = api_as(liaison).post(LIST, _entry(grid_zone=grid_zone.pk, client_id=client_id))
    assert response.status_code == 400
    assert "client_id" in response.json()
    assert Activity.objects.count() == 1


# --- Photos -----------------------------------------------------------------------------------


def _post_with_photos(client, zone, *photos):
    return client.post(
        LIST, {**_entry(grid_zone=zone.pk), "photos": list(photos)}, format="multipart"
    )


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


# --- Correcting and deleting ------------------------------------------------------------------


def test_a_liaison_corrects_their_own_entry_and_only_the_fields_sent_change(
    api_as, liaison, entry_in_zone
):
    # Someone else changed the description after the liaison read the entry.
    Activity.objects.filter(pk=entry_in_zone.pk).update(description="店主反映停车难")
    response = api_as(liaison).patch(detail(entry_in_zone), {"participants": 9})
    assert response.status_code == 200, response.json()
    entry_in_zone.refresh_from_db()
    assert entry_in_zone.participants == 9
    assert entry_in_zone.description == "店主反映停车难"


def test_a_liaison_cannot_correct_after_the_edit_window(api_as, liaison, entry_in_zone):
    past = timezone.now() - timedelta(hours=settings.ACTIVITY_EDIT_HOURS + 1)
    Activity.objects.filter(pk=entry_in_zone.pk).update(created_at=past)
    client = api_as(liaison)
    assert client.patch(detail(entry_in_zone), {"title": "改"}).status_code == 403
    assert client.delete(detail(entry_in_zone)).status_code == 403
    assert Activity.objects.get(pk=entry_in_zone.pk).title == "瓷砖区走访"


def test_a_liaison_cannot_correct_someone_elses_entry(api_as, liaison, grid_zone):
    entry = ActivityFactory(grid_zone=grid_zone, logged_by=UserFactory(role=Role.OFFICE))
    assert api_as(liaison).patch(detail(entry), {"title": "改"}).status_code == 403


def test_a_liaison_cannot_move_an_entry_to_a_neighbours_zone(
    api_as, liaison, entry_in_zone, neighbour_zone
):
    response = api_as(liaison).patch(detail(entry_in_zone), {"grid_zone": neighbour_zone.pk})
    assert response.status_code == 403
    assert Activity.objects.get(pk=entry_in_zone.pk).grid_zone_id == entry_in_zone.grid_zone_id


def test_a_park_manager_corrects_any_entry_of_their_park_and_makes_it_park_wide(
    api_as, park_manager, entry_in_zone, park
):
    response = api_as(park_manager).patch(
        detail(entry_in_zone), {"grid_zone": None, "park": park.pk}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["grid_zone"] is None
    assert Activity.objects.get(pk=entry_in_zone.pk).park == park


def test_an_entry_moves_to_another_park_only_through_one_of_its_zones(
    api_as, office_user, entry_in_zone, other_park, other_grid_zone
):
    client = api_as(office_user)
    refused = client.patch(detail(entry_in_zone), {"park": other_park.pk})
    assert refused.status_code == 400 and "park" in refused.json()
    moved = client.patch(detail(entry_in_zone), {"grid_zone": other_grid_zone.pk})
    assert moved.status_code == 200
    assert moved.json()["park"] == other_park.pk


@pytest.mark.parametrize("who", ["observer", "member_unit_user", "subdistrict_user"])
def test_readers_may_not_correct_or_delete(request, api_as, entry_in_zone, who):
    client = api_as(request.getfixturevalue(who))
    assert client.patch(detail(entry_in_zone), {"title": "改"}).status_code == 403
    assert client.delete(detail(entry_in_zone)).status_code == 403
    assert Activity.objects.filter(pk=entry_in_zone.pk, title="瓷砖区走访").exists()


def test_photos_are_added_and_removed_by_a_correction(api_as, liaison, grid_zone):
    client = api_as(liaison)
    created = _post_with_photos(client, grid_zone, SimpleUploadedFile("a.jpg", _jpeg()))
    entry_id, old_photo = created.json()["id"], created.json()["photos"][0]["id"]
    response = client.patch(
        f"{LIST}{entry_id}/",
        {"photos": [SimpleUploadedFile("b.jpg", _jpeg((50, 40)))], "remove_photos": [old_photo]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert [(p["width"], p["height"]) for p in response.json()["photos"]] == [(50, 40)]
    unknown = client.patch(f"{LIST}{entry_id}/", {"remove_photos": [old_photo]})
    assert unknown.status_code == 400 and "remove_photos" in unknown.json()


def test_put_is_not_offered(api_as, office_user, entry_in_zone):
    assert api_as(office_user).put(detail(entry_in_zone), _entry()).status_code == 405


def test_a_liaison_deletes_their_own_entry_with_its_photos(api_as, liaison, grid_zone):
    client = api_as(liaison)
    created = _post_with_photos(client, grid_zone, SimpleUploadedFile("a.jpg", _jpeg()))
    assert client.delete(f"{LIST}{created.json()['id']}/").status_code == 204
    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()


# --- Bulk -------------------------------------------------------------------------------------


def test_a_valid_batch_is_logged_whole(api_as, park_manager, grid_zone, neighbour_zone, park):
    items = [
        _entry(grid_zone=grid_zone.pk, title="一"),
        _entry(grid_zone=neighbour_zone.pk, title="二", kind="care"),
        _entry(park=park.pk, title="三", client_id=str(uuid.uuid4())),
    ]
    response = api_as(park_manager).post(BULK, {"activities": items})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 3 and body["existing"] == 0
    assert [row["index"] for row in body["results"]] == [0, 1, 2]
    saved = {a.pk: a.title for a in Activity.objects.all()}
    assert [saved[row["id"]] for row in body["results"]] == ["一", "二", "三"]
    assert all(a.logged_by == park_manager for a in Activity.objects.all())


def test_one_bad_item_refuses_the_whole_batch_and_is_named_by_index(api_as, liaison, grid_zone):
    items = [
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=grid_zone.pk, participants=-1),
    ]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert [e["index"] for e in body["errors"]] == [2]
    assert list(body["errors"][0]["errors"]) == ["participants"]
    assert not Activity.objects.exists()


def test_rule_errors_in_a_batch_are_reported_by_index_and_nothing_is_saved(
    api_as, liaison, grid_zone, neighbour_zone
):
    tomorrow = (timezone.now() + timedelta(days=2)).isoformat()
    items = [
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=grid_zone.pk, occurred_at=tomorrow),
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=neighbour_zone.pk),
    ]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    errors = {e["index"]: e["errors"] for e in response.json()["errors"]}
    assert list(errors) == [1, 3]
    assert list(errors[1]) == ["occurred_at"]
    assert list(errors[3]) == ["grid_zone"]
    assert not Activity.objects.exists()


def test_an_item_in_another_park_is_a_per_item_error(
    api_as, liaison, grid_zone, other_grid_zone, other_park
):
    items = [
        _entry(grid_zone=grid_zone.pk),
        _entry(grid_zone=other_grid_zone.pk),
        _entry(park=other_park.pk),
        _entry(grid_zone="G01"),
    ]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    errors = {e["index"]: e["errors"] for e in response.json()["errors"]}
    assert list(errors) == [1, 2, 3]
    assert list(errors[1]) == ["grid_zone"]
    assert list(errors[2]) == ["park"]
    assert list(errors[3]) == ["grid_zone"]
    assert not Activity.objects.exists()


def test_a_batch_can_be_resent_after_a_failure_without_duplicates(api_as, liaison, grid_zone):
    items = [_entry(grid_zone=grid_zone.pk, client_id=str(uuid.uuid4())) for _n in range(3)]
    client = api_as(liaison)
    first = client.post(BULK, {"activities": items[:2]})
    assert first.status_code == 201
    again = client.post(BULK, {"activities": items})
    assert again.status_code == 201
    assert again.json()["created"] == 1 and again.json()["existing"] == 2
    assert [row["id"] for row in again.json()["results"][:2]] == [
        row["id"] for row in first.json()["results"]
    ]
    assert Activity.objects.count() == 3


def test_the_same_client_id_twice_in_a_batch_is_refused(api_as, liaison, grid_zone):
    client_id = str(uuid.uuid4())
    items = [_entry(grid_zone=grid_zone.pk, client_id=client_id) for _n in range(2)]
    response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [1]
    assert list(errors[0]["errors"]) == ["client_id"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"activities": []}, {"activities": "all"}, [1, 2]],
    ids=["no-list", "empty", "not-a-list", "bare-list"],
)
def test_a_malformed_batch_is_a_clear_400(api_as, liaison, body):
    response = api_as(liaison).post(BULK, body)
    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["errors"] == []


def test_items_that_are_not_objects_are_errors_of_their_index(api_as, liaison, grid_zone):
    response = api_as(liaison).post(BULK, {"activities": [_entry(grid_zone=grid_zone.pk), "x"]})
    assert response.status_code == 400
    assert [e["index"] for e in response.json()["errors"]] == [1]


def test_a_batch_of_501_is_refused_before_any_item_is_checked(api_as, liaison, grid_zone):
    items = [_entry(grid_zone=grid_zone.pk)] * 500 + [{"nonsense": True}]
    with CaptureQueriesContext(connection) as queries:
        response = api_as(liaison).post(BULK, {"activities": items})
    assert response.status_code == 400
    body = response.json()
    assert "500" in body["detail"] and "501" in body["detail"]
    assert body["errors"] == []
    assert len(queries) == 0
    assert not Activity.objects.exists()


def test_a_batch_of_10000_small_items_is_a_clear_json_400(api_as, liaison, grid_zone):
    items = [{"grid_zone": grid_zone.pk, "kind": "visit", "title": "走访"}] * 10_000
    body = json.dumps({"activities": items})
    assert len(body) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # read, then refused by its length
    response = api_as(liaison).post(BULK, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "10000" in response.json()["detail"]
    assert not Activity.objects.exists()


def test_a_batch_of_10000_full_items_is_refused_by_its_size_as_json(api_as, liaison, grid_zone):
    items = [_entry(grid_zone=grid_zone.pk, description="店主反映" * 20)] * 10_000
    body = json.dumps({"activities": items})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_as(liaison).post(BULK, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "500" in response.json()["detail"]
    assert not Activity.objects.exists()


def test_a_full_batch_of_500_is_logged(api_as, park_manager, park):
    zones = [
        GridZoneFactory(
            park=park, code=f"Z{n:02d}", liaison=UserFactory(role=Role.LIAISON, park=park)
        )
        for n in range(10)
    ]
    items = [_entry(grid_zone=zones[n % 10].pk, title=f"走访{n}") for n in range(500)]
    response = api_as(park_manager).post(BULK, {"activities": items})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 500
    assert Activity.objects.count() == 500


def test_a_batch_costs_the_same_queries_for_3_and_300_items(api_as, park_manager, park):
    zones = [
        GridZoneFactory(
            park=park, code=f"Z{n:02d}", liaison=UserFactory(role=Role.LIAISON, park=park)
        )
        for n in range(3)
    ]
    client = api_as(park_manager)

    def count_queries(n):
        items = [_entry(grid_zone=zones[i % 3].pk, client_id=str(uuid.uuid4())) for i in range(n)]
        items[0] = _entry(park=park.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(BULK, {"activities": items}).status_code == 201
        return len(queries)

    assert count_queries(3) == count_queries(300)


def test_the_bulk_endpoint_takes_json_only(api_as, liaison, grid_zone):
    response = api_as(liaison).post(
        BULK, {"activities": json.dumps([_entry(grid_zone=grid_zone.pk)])}, format="multipart"
    )
    assert response.status_code == 415
    assert not Activity.objects.exists()


def test_the_schema_documents_the_activities_api(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = (tmp_path / "s.yml").read_text()
    assert "/api/v1/activities/bulk/" in schema
    assert "/api/v1/activities/{id}/photos/{photo_id}/" in schema
    assert "All or none" in schema
    assert "Idempotent by `client_id`" in schema


def test_an_oversized_form_is_refused_as_json_not_as_an_html_page(api_as, liaison, grid_zone):
    # Django stops reading form fields past DATA_UPLOAD_MAX_MEMORY_SIZE (files do not count).
    description = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = api_as(liaison).post(
        LIST, _entry(grid_zone=grid_zone.pk, description=description), format="multipart"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert not Activity.objects.exists()
