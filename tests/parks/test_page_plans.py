"""The inbox and the feed with their queries compiled once (parks.core.prepared: the filter
bars' selects, the inbox's likely duplicates and log button, the session) print, byte for byte
and in as many queries, what the same pages print with every query built afresh and every
{% memo %} drawn plainly: for every role, in both languages, filtered or not, whoever asked
first."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.core import prepared as prepared_module
from parks.templatetags import memo
from tests.factories import (
    ActivityFactory,
    GridZoneFactory,
    GrievanceFactory,
    UserFactory,
)
from tests.grievances.pages_helpers import NOW

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
ROLES = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")
AC = "车间空调坏了三天"


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def people(request):
    staff = UserFactory(role=request.getfixturevalue("office_user").role, display_name="管 <员>")
    return [staff, *(request.getfixturevalue(role) for role in ROLES)]


@pytest.fixture
def rows(park, other_park, grid_zone, liaison):
    """Grievances (some likely duplicates of each other) and grid-log entries in two parks."""
    GridZoneFactory(park=other_park, code="Z9", name="东区 <&> 西区")
    for n, where in enumerate((park, other_park, park)):
        for days, title in enumerate((AC, "车间空调坏了三天！", "食堂饭菜太咸")):
            GrievanceFactory(
                park=where,
                grid_zone=grid_zone if where == park and n else None,
                title=title,
                received_at=NOW - timedelta(days=days, hours=n),
            )
        ActivityFactory.create_batch(2, park=where, logged_by=liaison)


def _pages(client, people, paths):
    found = []
    for person in people:
        client.force_login(person)
        for language in ("zh-hans", "en"):
            client.cookies["django_language"] = language
            for path in paths:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                assert response.status_code == 200, path
                body = CSRF.sub("", response.content.decode())
                found.append((person.username, language, path, len(queries), body))
    return found


def _plain(monkeypatch):
    """Every prepared query built afresh, as before it was compiled once."""
    monkeypatch.setattr(prepared_module, "_plan", lambda build, values, using: None)
    prepared_module.forget()


PATHS = (
    reverse("grievances:inbox"),
    reverse("grievances:inbox") + "?group=all&ordering=-received",
    reverse("grievances:inbox") + "?park=1&grid_zone=1&flag=ok",
    reverse("parks:activity_feed"),
    reverse("parks:activity_feed") + "?page=2&park=1",
    reverse("parks:activity_calendar"),
)


def test_the_pages_compiled_once_are_the_pages_built_afresh(client, people, rows, monkeypatch):
    prepared_module.forget()
    kept = _pages(client, people, PATHS)
    assert kept == _pages(client, people, PATHS)  # their plans made, then reused
    made = {key[0] for (key, _db), plan in prepared_module._PLANS.items() if plan is not None}
    assert {"filter_bar", "duplicate_counts", "parks_to_log_in", "session"} <= made
    _plain(monkeypatch)
    with memo.drawn_plainly():
        assert kept == _pages(client, people, PATHS)
