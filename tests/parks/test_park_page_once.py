"""The park page's own rows, their queries compiled once (parks.structure.views: the park
within the user's scope per access.scope_key, its industries, grid zones, facilities and
organisations), draw the page byte for byte as the plain queries did (get_object_or_404 over
the user's parks, the park's related managers), in as many queries, for every role and both
languages."""

import pytest
from django.db import connection
from django.shortcuts import get_object_or_404
from django.test.utils import CaptureQueriesContext

from parks import access
from parks.core.db import chinese_order
from parks.structure import selectors as structure_selectors
from parks.structure import views
from tests.factories import (
    FacilityFactory,
    GridZoneFactory,
    IndustryFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.page_helpers import page_as

pytestmark = pytest.mark.django_db


def _plain_park(user, pk):
    return get_object_or_404(access.parks_visible_to(user).select_related("subdistrict"), pk=pk)


def _zones(park):
    return structure_selectors.grid_zones_of_park(park.pk).select_related("liaison")


def _plain_rows(park):
    return (
        list(park.industries.all()),
        tuple(
            views.ZoneRow.of(zone)
            for zone in structure_selectors.grid_zones_of_park(park.pk).select_related("liaison")
        ),
        list(park.facilities.order_by("kind", chinese_order("name"))),
        park.organisations.order_by("kind"),
    )


def _furnish(park, liaison):
    park.industries.set(IndustryFactory.create_batch(3))
    park.honours = "省级试点\n优秀园区"
    park.description = "第一段。\n\n第二段。"
    park.save()
    GridZoneFactory(park=park, code="G02", name="无人网格", liaison=None)
    GridZoneFactory(park=park, code="G01", name="有人网格", liaison=liaison)
    for name in ("乙楼", "甲楼"):
        FacilityFactory(park=park, name=name)
    OrganisationFactory(name=f"{park.name}党委", kind="park_committee", park=park)
    OrganisationFactory(name=f"{park.name}工会", kind="union_federation", park=park)


def test_the_park_page_is_byte_for_byte_the_plain_one(
    client, request, park, other_park, liaison, monkeypatch, fresh_plans
):
    _furnish(park, liaison)
    _furnish(other_park, None)
    names = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")
    users = [request.getfixturevalue(name) for name in names]
    users.append(UserFactory(username="root", is_superuser=True, role="observer"))
    fast_park, fast_rows = views._visible_park, views._park_rows
    shown = 0
    for language in ("zh-hans", "en"):
        for user in users:
            for pk in (park.pk, other_park.pk, other_park.pk + 1000, 2**63, 2**70):
                url = f"/parks/{pk}/"
                for _twice in range(2):
                    monkeypatch.setattr(views, "_visible_park", _plain_park)
                    monkeypatch.setattr(views, "_park_rows", _plain_rows)
                    plain = page_as(client, user, url, language)
                    monkeypatch.setattr(views, "_visible_park", fast_park)
                    monkeypatch.setattr(views, "_park_rows", fast_rows)
                    fast = page_as(client, user, url, language)
                    assert fast[:2] == plain[:2]
                    assert len(fast[2]) == len(plain[2])
                    shown += fast[0] == 200
    # Both parks for the office, the superuser and a district reader; their own for the others.
    assert shown == 2 * 2 * (3 * 2 + 3)


def test_the_industries_read_once_are_the_related_managers(park, other_park, fresh_plans):
    """views._park_rows reads a park's industries by the SQL park.industries.all() runs, the
    same rows in the same order, each time."""
    _furnish(park, None)
    other_park.industries.set([park.industries.last()])
    for pk in (park.pk, other_park.pk, park.pk):
        plain = type(park).objects.get(pk=pk)
        with CaptureQueriesContext(connection) as plain_sql:
            listed = list(plain.industries.all())
        with CaptureQueriesContext(connection) as fast_sql:
            fast = views._park_rows(plain)[0]
        assert fast_sql[0]["sql"] == plain_sql[0]["sql"]
        assert [(i.pk, i.name) for i in fast] == [(i.pk, i.name) for i in listed]


def test_a_zone_read_as_columns_is_the_row_its_model_makes(park, liaison, fresh_plans):
    """views.ZoneRow.of_columns over the page's zone columns (views._park_rows) is ZoneRow.of
    over the zones structure_selectors.grid_zones_of_park reads: a liaison named, one known by
    the username alone, none."""
    unnamed = UserFactory(username="unnamed-liaison", display_name="")
    GridZoneFactory(park=park, code="G03", name="甲", liaison=liaison)
    GridZoneFactory(park=park, code="G01", name="乙", liaison=unnamed)
    GridZoneFactory(park=park, code="G02", name="丙 <&>", liaison=None)
    plain = tuple(
        views.ZoneRow.of(zone)
        for zone in structure_selectors.grid_zones_of_park(park.pk).select_related("liaison")
    )
    for _twice in range(2):
        assert views._park_rows(park)[1] == plain
    assert [row.liaison for row in plain] == ["unnamed-liaison", None, str(liaison)]
