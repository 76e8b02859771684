"""Queries compiled once per process (parks.core.prepared) answer what the plain ORM path
answers (issue 14): the API token's lookup and a grievance's detail.

The detail is read twice — compiled once, then through DRF's own get_object with the plain
queryset — by each role, masked and unmasked, in Chinese and in English, with the same queries,
the same unmasked views logged, and the same 404 outside the user's scope; a plan never serves
another scope, a subdistrict that gained a park, or a user whose park changed.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.generics import GenericAPIView
from rest_framework.test import APIClient

import parks.core.api.authentication as authentication
from grievances.api.views.grievances import GrievanceViewSet
from grievances.models import Attachment, Grievance, PersonalDataView
from parks.core import prepared as prepared_module
from parks.core.prefetched import prefetch_planned
from parks.core.prepared import PreparedQuery, prepared
from parks.structure import services
from parks.structure.models import Park
from tests.factories import GrievanceFactory, ParkFactory
from tests.page_helpers import as_django_writes_it
from tests.parks.test_fast_reading import USERS, _answers, _paths
from tests.parks.test_fast_reading import varied as varied_rows  # noqa: F401, F811 (a fixture)

pytestmark = pytest.mark.django_db


def _plain(key, build, *values, using="default"):
    return build(*values).using(using)


def _plain_path(monkeypatch):
    monkeypatch.setattr(prepared_module, "prepared", _plain)  # the detail: prepared_get
    monkeypatch.setattr(authentication, "prepared", _plain)
    monkeypatch.setattr(GrievanceViewSet, "get_object", GenericAPIView.get_object)


def _details(varied):
    prefix = "/api/v1/grievances/"
    paths = [path for path in _paths(varied) if path[len(prefix) :][:1].isdigit()]
    return [*paths, "/api/v1/grievances/999999999/", f"/api/v1/grievances/{2**63}/"]


def _logged_and_answers(client, paths, language):
    before = PersonalDataView.objects.count()
    with CaptureQueriesContext(connection) as queries:
        answers = _answers(client, paths, language)
    logged = sorted(
        PersonalDataView.objects.order_by("pk")[before:].values_list("grievance_id", "via")
    )
    return answers, logged, [as_django_writes_it(query["sql"]) for query in queries]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_a_detail_compiled_once_answers_what_drfs_get_object_answers(
    request,
    api_as,
    varied_rows,  # noqa: F811 (the fixture)
    monkeypatch,
    who,
    language,
):
    client = api_as(request.getfixturevalue(who))
    paths = _details(varied_rows)
    fast = _logged_and_answers(client, paths, language)
    again = _logged_and_answers(client, paths, language)  # from the plan made above
    _plain_path(monkeypatch)
    plain = _logged_and_answers(client, paths, language)
    assert fast == again == plain
    statuses = {status for _path, status, _body in fast[0]}
    assert 200 in statuses and 404 in statuses


def test_a_token_compiled_once_signs_in_its_own_user_and_refuses_the_rest(
    office_user, liaison, park, other_park
):
    _token, office_key = services.api_token_create(owner=office_user, actor=office_user)
    expiring, liaison_key = services.api_token_create(owner=liaison, actor=liaison)
    elsewhere = GrievanceFactory(park=other_park)
    client = APIClient()

    def get(key, url=f"/api/v1/grievances/{elsewhere.pk}/"):
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.get(url).status_code

    # The same plan serves both tokens, each with its own user and scope.
    assert [get(office_key), get(liaison_key), get(office_key)] == [200, 404, 200]
    assert get(liaison_key, "/api/v1/parks/") == 200
    assert get(liaison_key[:15] + "0" * (len(liaison_key) - 15)) == 401
    type(expiring).objects.filter(pk=expiring.pk).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    assert get(liaison_key, "/api/v1/parks/") == 401
    office_user.is_active = False
    office_user.save(update_fields=["is_active"])
    assert get(office_key) == 401


def test_a_plan_follows_the_scope_it_was_made_for(api_as, subdistrict_user, park_manager, park):
    """A subdistrict's plan is keyed on its parks as read, a user's on their scope."""
    elsewhere = GrievanceFactory(park=ParkFactory(name="无锡新区园"))
    url = f"/api/v1/grievances/{elsewhere.pk}/"
    assert api_as(subdistrict_user).get(url).status_code == 404
    elsewhere.park.subdistrict = subdistrict_user.subdistrict
    elsewhere.park.save()
    assert api_as(subdistrict_user).get(url).status_code == 200

    assert api_as(park_manager).get(url).status_code == 404
    park_manager.park = elsewhere.park
    park_manager.save()
    assert api_as(park_manager).get(url).status_code == 200
    assert (
        api_as(park_manager)
        .get(f"/api/v1/grievances/{GrievanceFactory(park=park).pk}/")
        .status_code
        == 404
    )


def test_the_api_still_throttles(api_throttles, office_user):
    api_throttles["user"] = "2/minute"
    _token, key = services.api_token_create(owner=office_user, actor=office_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/v1/grievances/{GrievanceFactory().pk}/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


# --- The mechanism ------------------------------------------------------------------------------


def _by_title(title, pk):
    return Grievance.objects.filter(title=title, pk__gte=pk).order_by("pk")


def test_prepared_rows_are_the_builds_rows_with_this_uses_values(park):
    rows = [GrievanceFactory(park=park, title=title) for title in ("欠薪", "欠薪", "工伤")]
    first = rows[0].pk
    for title, pk in (("欠薪", first), ("欠薪", first + 1), ("工伤", first), ("无", first)):
        found = prepared(("test", "by title"), _by_title, title, pk)
        assert isinstance(found.query, PreparedQuery)
        with CaptureQueriesContext(connection) as fast:
            fast_rows = list(found)
        with CaptureQueriesContext(connection) as plain:
            plain_rows = list(_by_title(title, pk))
        assert fast_rows == plain_rows
        assert [query["sql"] for query in fast] == [query["sql"] for query in plain]


def test_a_chained_prepared_queryset_is_an_ordinary_one(park):
    rows = [GrievanceFactory(park=park, title="欠薪") for _ in range(3)]
    found = prepared(("test", "by title"), _by_title, "欠薪", rows[0].pk)
    narrowed = found.filter(pk=rows[1].pk)
    assert not isinstance(narrowed.query, PreparedQuery)
    assert list(narrowed) == [rows[1]]
    assert found.count() == 3
    assert list(found) == rows


def test_values_django_rewrites_are_compiled_afresh_each_time(park):
    rows = [GrievanceFactory(park=park, title=title) for title in ("拖欠工资", "工伤")]

    def containing(text):
        return Grievance.objects.filter(title__contains=text).order_by("pk")

    assert list(prepared(("test", "contains"), containing, "工资")) == [rows[0]]
    assert prepared_module._PLANS[(("test", "contains"), "default", False)] is None
    assert list(prepared(("test", "contains"), containing, "工伤")) == [rows[1]]


def test_an_empty_build_reads_nothing(park):
    GrievanceFactory(park=park)

    def nothing(pk):
        return Grievance.objects.none().filter(pk__gte=pk)

    with CaptureQueriesContext(connection) as queries:
        assert list(prepared(("test", "none"), nothing, 1)) == []
    assert len(queries) == 0


def test_a_prepared_prefetch_leaves_what_prefetch_related_leaves(park):
    grievance = GrievanceFactory(park=park)
    for n in range(2):
        Attachment.objects.create(
            grievance=grievance,
            file=ContentFile(b"%PDF", name=f"{n}.pdf"),
            original_name=f"{n}",
            size=4,
        )

    with CaptureQueriesContext(connection) as plain:
        [expected] = Grievance.objects.filter(pk=grievance.pk).prefetch_related("attachments")
    found = Grievance.objects.get(pk=grievance.pk)
    with CaptureQueriesContext(connection) as fast:
        prefetch_planned([found], ("attachments",), ("test", "attachments"))
    assert as_django_writes_it(fast[0]["sql"]) == plain[1]["sql"]
    with CaptureQueriesContext(connection) as later:
        assert list(found.attachments.all()) == list(expected.attachments.all())
        assert all(attachment.grievance is found for attachment in found.attachments.all())
        assert found.attachments.count() == 2
    assert len(later) == 0


# Found in review: a value shifted a little, a condition Django drops for a value outside its
# column's range, and the parts of the first build beyond its SQL.


def test_a_value_shifted_a_little_is_not_taken_for_another_value(park):
    parks = [park, ParkFactory(), ParkFactory()]
    ids = sorted(p.pk for p in parks)

    def before(pk, other):  # `other` is the next stand-in's neighbour in a naive set
        return Park.objects.filter(pk=pk - 1).exclude(pk=other).order_by("pk")

    for pk in ids:
        assert list(prepared(("test", "shifted"), before, pk, 99)) == list(before(pk, 99))

    def day_after(start, end):
        return Grievance.objects.filter(
            received_at__lt=start + timedelta(days=1), received_at__gte=end
        ).order_by("pk")

    grievance = GrievanceFactory(park=park)
    start = grievance.received_at - timedelta(hours=12)
    end = grievance.received_at - timedelta(days=30)
    assert list(prepared(("test", "day after"), day_after, start, end)) == [grievance]
    assert list(prepared(("test", "day after"), day_after, start - timedelta(days=2), end)) == []


def test_a_small_integer_condition_is_kept_with_its_stand_in(park):
    ParkFactory(designation_year=2019)
    ParkFactory(designation_year=2022)

    def designated_since(year):
        return Park.objects.filter(designation_year__gte=year).order_by("pk")

    for year in (2020, 2023):
        assert list(prepared(("test", "since"), designated_since, year)) == list(
            designated_since(year)
        )


def test_a_related_managers_or_prefetching_queryset_is_built_afresh(park):
    grievances = [GrievanceFactory(park=park) for _ in range(2)]

    def of_park(least):  # a related manager's queryset knows its park, beyond its SQL
        return park.grievances.filter(pk__gte=least)

    for _use in range(2):
        found = prepared(("test", "related"), of_park, grievances[0].pk)
        assert not isinstance(found.query, PreparedQuery)
        assert sorted(g.pk for g in found) == sorted(g.pk for g in grievances)
    assert prepared_module._PLANS[(("test", "related"), "default", False)] is None


def _from_title(title):
    return Grievance.objects.filter(title=title).order_by("pk")


def test_a_window_of_a_plan_is_the_builds_slice(park):
    for _ in range(5):
        GrievanceFactory(park=park, title="欠薪")
    for low, high in ((0, 2), (2, 4), (4, 6), (3, 1000)):
        found = prepared(("test", "window"), _from_title, "欠薪", window=(low, high))
        assert isinstance(found.query, PreparedQuery)
        with CaptureQueriesContext(connection) as fast:
            fast_rows = list(found)
        with CaptureQueriesContext(connection) as plain:
            plain_rows = list(_from_title("欠薪")[low:high])
        assert fast_rows == plain_rows
        assert [query["sql"] for query in fast] == [query["sql"] for query in plain]
    # One plan serves every window; a chained window is an ordinary slice.
    assert len([key for key in prepared_module._PLANS if key[0] == ("test", "window")]) == 1
    assert found.count() == _from_title("欠薪")[3:1000].count() == 2


def test_an_empty_window_reads_nothing_and_a_sliced_build_is_not_windowed(park):
    GrievanceFactory(park=park, title="欠薪")
    with CaptureQueriesContext(connection) as queries:
        assert list(prepared(("test", "empty"), _from_title, "欠薪", window=(0, 0))) == []
    assert len(queries) == 0

    def first_ones(title):
        return _from_title(title)[:10]

    found = prepared(("test", "sliced"), first_ones, "欠薪", window=(0, 1))
    assert not isinstance(found.query, PreparedQuery)
    assert len(found) == 1
    assert prepared_module._PLANS[(("test", "sliced"), "default", True)] is None
