"""The inbox and the feed with their queries compiled once (parks.core.prepared: the
unfiltered pages' rows, the feed's photos, the inbox's likely duplicates and log button, the
session) and their filter bars' rows kept (parks.core.watched) print, byte for byte
and in as many queries, what the same pages print with every query built afresh, every select's
rows read again and every {% memo %} drawn plainly: for every role, in both languages, filtered
or not, whoever asked first."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grievances import selectors
from grievances.views.inbox import filtered_grievances
from parks.access.context_processors import unread_notifications
from parks.core import prepared as prepared_module
from parks.core import watched
from parks.core.recent import Recent
from parks.core.view_helpers import unfiltered
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog.views.office import filtered_activities
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
    # A second page of each, shorter than the first.
    GrievanceFactory.create_batch(20, park=park, title="食堂饭菜太咸", received_at=NOW)
    ActivityFactory.create_batch(25, park=park, logged_by=liaison)


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
    """Every prepared query built afresh, as before it was compiled once, and every select's
    rows read again (none kept)."""
    monkeypatch.setattr(prepared_module, "_plan", lambda *arguments: None)
    prepared_module.forget()
    monkeypatch.setattr(watched, "_ROWS", Recent(0))


PATHS = (
    reverse("grievances:inbox"),
    reverse("grievances:inbox") + "?page=2",
    reverse("grievances:inbox") + "?group=all&ordering=-received",
    reverse("grievances:inbox") + "?group=closed&ordering=unit",
    reverse("grievances:inbox") + "?park=1&grid_zone=1&flag=ok",
    reverse("parks:activity_feed"),
    reverse("parks:activity_feed") + "?page=2",
    reverse("parks:activity_feed") + "?page=2&park=1",
    reverse("parks:activity_feed") + "?kind=visit&kind=care",
    reverse("parks:activity_calendar"),
    reverse("parks:activity_calendar") + "?kind=visit",
)


def test_the_pages_compiled_once_are_the_pages_built_afresh(client, people, rows, monkeypatch):
    prepared_module.forget()
    kept = _pages(client, people, PATHS)
    assert kept == _pages(client, people, PATHS)  # their plans made, then reused
    made = {key[0] for (key, *_where), plan in prepared_module._PLANS.items() if plan is not None}
    assert {
        "duplicate_counts",
        "parks_to_log_in",
        "session",
        "inbox_rows",
        "feed_rows",
        "feed_photos",
    } <= made
    kept_selects = {name for (key, name, _using) in watched._ROWS if key[0] == "filter_bar"}
    assert {"park", "subdistrict", "grid_zone", "logged_by", "handling_unit"} <= kept_selects
    _plain(monkeypatch)
    with memo.drawn_plainly():
        assert kept == _pages(client, people, PATHS)


def test_a_filter_set_given_no_values_leaves_its_queryset_as_it_was(office_user, rows):
    """The premise of the unfiltered pages' plans (parks.core.view_helpers.unfiltered)."""
    request = RequestFactory().get("/", {"page": "2", "group": "all", "ordering": "unit"})
    request.user = office_user
    grievance_filter, grievances, _in_group, _group = filtered_grievances(request)
    assert unfiltered(grievance_filter)
    plain = selectors.inbox(user=office_user, ordering="unit")
    assert str(grievances.query) == str(plain.query)
    activity_filter, activities = filtered_activities(
        request, gridlog_selectors.activity_list(user=office_user), data=request.GET
    )
    assert unfiltered(activity_filter)
    plain = gridlog_selectors.activity_list(user=office_user)
    assert str(activities.query) == str(plain.query)
    for narrowed in ({"q": "x"}, {"flag": "ok"}, {"rectified": "false"}, {"park": "0"}):
        request = RequestFactory().get("/", narrowed)
        request.user = office_user
        assert not unfiltered(filtered_grievances(request)[0]), narrowed
    for narrowed in ({"kind": "visit"}, {"park_wide": "true"}, {"date_from": "2026-01-01"}):
        request = RequestFactory().get("/", narrowed)
        request.user = office_user
        activity_filter, _activities = filtered_activities(
            request, gridlog_selectors.activity_list(user=office_user), data=request.GET
        )
        assert not unfiltered(activity_filter), narrowed


def test_the_bells_count_is_the_count_of_unread_notifications(people, rf):
    """parks.access.context_processors: a query compiled once, for whoever asks first."""
    office, *others = people
    for n, person in enumerate(others):
        for k in range(n):
            person.notifications.create(title=f"t{k}", body="b")
        if n:
            person.notifications.create(title="read", body="b", read_at=NOW)
    prepared_module.forget()
    for person in [office, *others, office]:
        request = rf.get("/")
        request.user = person
        shown = unread_notifications(request)["unread_notification_count"]()
        assert shown == person.notifications.filter(read_at__isnull=True).count()
        assert shown == others.index(person) if person in others else shown == 0
