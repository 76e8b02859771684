"""The filter bars' selects read in one query and kept while their tables are unchanged
(parks.core.watched): each kind of write to a watched table makes a new version, in its
transaction; the rows kept are the plain query's rows; a page shows a change at once and runs
the same queries whether its rows were kept or not."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grievances.views.inbox import INBOX_FILTERS, filtered_grievances
from parks.core import filter_bar, watched
from parks.core.watched import WATCHED, kept_rows
from parks.gridlog.models import Activity
from parks.gridlog.views.office import SELECT_FILTERS, filtered_activities
from parks.structure.models import GridZone, Organisation, Park, Subdistrict, User
from tests.factories import GridZoneFactory, OrganisationFactory, ParkFactory, UserFactory
from tests.parks.test_filter_bar_choices import varied  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

BAR = re.compile(r'<form method="get" class="card card-body.*?</form>', re.S)


def _version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {watched.VERSION_TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


def test_every_table_a_bar_lists_is_watched():
    models = (Park, Subdistrict, GridZone, User, Organisation)
    assert {model._meta.db_table for model in models} == set(WATCHED)


@pytest.mark.parametrize(
    "write",
    [
        lambda park: ParkFactory(subdistrict=park.subdistrict),
        lambda park: Park.objects.filter(pk=park.pk).update(name="改名园区"),
        lambda park: GridZoneFactory(park=park),
        lambda park: UserFactory(),
        lambda park: User.objects.filter(pk__in=[]).update(display_name="x") or UserFactory(),
        lambda park: OrganisationFactory().delete(),
        lambda park: Subdistrict.objects.filter(pk=park.subdistrict_id).update(name="新街道"),
    ],
)
def test_each_write_to_a_watched_table_makes_a_new_version(park, write):
    before = _version()
    write(park)
    assert _version() > before


def test_a_statement_writing_no_row_keeps_the_version(park):
    before = _version()
    Park.objects.filter(pk=-1).update(name="无")
    User.objects.filter(pk=-1).delete()
    assert _version() == before


def test_a_truncate_makes_a_new_version(park):
    before = _version()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE parks_gridzone CASCADE")
    assert _version() > before


def test_a_rolled_back_version_is_never_given_again(park):
    before = _version()
    try:
        with transaction.atomic():
            ParkFactory(subdistrict=park.subdistrict)
            rolled_back = _version()
            raise RuntimeError
    except RuntimeError:
        pass
    assert _version() == before
    ParkFactory(subdistrict=park.subdistrict)
    assert _version() not in (before, rolled_back)


def _plain_rows(fields, names):
    return {
        name: tuple(fields[name].queryset.values_list("pk", *fields[name].label_columns[0]))
        for name in names
    }


def _feed_fields(request):
    return filtered_activities(request, Activity.objects.none(), data={})[0].form.fields


def _inbox_fields(request):
    return filtered_grievances(request)[0].form.fields


@pytest.mark.parametrize("user_name", ["office_user", "liaison", "subdistrict_user"])
@pytest.mark.parametrize(
    ("fields_of", "selects", "kept"),
    [
        (_feed_fields, SELECT_FILTERS, {"park", "subdistrict", "grid_zone", "logged_by"}),
        (_inbox_fields, INBOX_FILTERS, {"park", "grid_zone", "handling_unit"}),
    ],
)
def test_the_kept_rows_are_the_plain_querys_rows(
    rf,
    request,
    varied,  # noqa: F811 (the fixture imported above)
    user_name,
    fields_of,
    selects,
    kept,
):
    http = rf.get("/")
    http.user = request.getfixturevalue(user_name)
    for change in (
        None,
        lambda: GridZoneFactory(park=varied),
        lambda: GridZone.objects.filter(park=varied).delete(),
        lambda: Park.objects.filter(pk=varied.pk).update(name="另一个名字"),
    ):
        if change:
            change()
        fields = fields_of(http)
        names = [name for name in selects if name in kept]
        key = ("test", user_name, fields_of.__name__)
        rows = {name: filter_bar._column_rows(fields[name]) for name in names}
        read = kept_rows(key, names, lambda rows=rows: rows)
        assert set(read) == kept
        assert read == _plain_rows(fields, names)
        # Read again unchanged: the rows kept (no rows came back).
        again = kept_rows(key, names, lambda rows=rows: rows)
        assert all(again[name] is read[name] for name in names)


def test_a_select_reading_a_table_not_watched_is_read_by_its_own_query(park):
    names = ("park", "activity")
    read = kept_rows(
        ("test", "unwatched"),
        names,
        lambda: {
            "park": Park.objects.values_list("pk", "name"),
            "activity": Activity.objects.values_list("pk", "title"),
        },
    )
    assert set(read) == {"park"}


@pytest.mark.parametrize("url_name", ["parks:activity_feed", "grievances:inbox"])
def test_a_page_shows_a_change_at_once_with_the_same_queries(
    client, office_user, park, other_park, url_name
):
    client.force_login(office_user)
    url = reverse(url_name)

    def bar():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return BAR.findall(response.content.decode())[0], len(queries)

    watched._ROWS.clear()
    cold, count = bar()
    assert bar() == (cold, count)  # the rows kept: no query more or less
    Park.objects.filter(pk=park.pk).update(name="新名字园区")
    renamed, renamed_count = bar()
    assert "新名字园区" in renamed and park.name not in renamed
    assert renamed_count == count


@pytest.mark.parametrize("url_name", ["parks:activity_feed", "grievances:inbox"])
def test_a_pages_bar_is_the_bar_of_its_selects_own_queries(
    client,
    office_user,
    park,
    other_park,
    varied,  # noqa: F811 (the fixture imported above)
    monkeypatch,
    url_name,
):
    client.force_login(office_user)
    url = reverse(url_name)
    kept = BAR.findall(client.get(url).content.decode())[0]
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    monkeypatch.setattr(filter_bar, "kept_rows", lambda *args: {})
    with CaptureQueriesContext(connection) as plain_queries:
        plainly = BAR.findall(client.get(url).content.decode())[0]
    assert kept == plainly
    # One query for the selects of watched rows instead of one per select.
    selects = 4 if url_name == "parks:activity_feed" else 3
    assert len(plain_queries) == len(queries) + selects - 1
