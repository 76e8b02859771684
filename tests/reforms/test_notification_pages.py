"""Notifications: the list and the bell in the navbar."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.notices.choices import NoticeKind
from parks.notices.models import Notification
from parks.notices.services import announce
from tests.factories import UserFactory
from tests.reforms import pages_helpers as shared
from tests.reforms.pages_helpers import _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_first_of_june = shared.on_the_first_of_june


def tell(recipient, title, url=""):
    (notification,) = announce(
        kind=NoticeKind.TASK_WARNING, recipients=[recipient], title=title, url=url
    )
    return notification


pytestmark = pytest.mark.django_db


# --- Notifications ---------------------------------------------------------------------------


def test_notifications_are_listed_newest_first_with_the_unread_count_in_the_navbar(
    client, member_unit_user, time_machine
):
    announce(
        kind=NoticeKind.TASK_WARNING,
        recipients=[member_unit_user],
        title="Overdue: T-OLD",
        url="/reforms/tasks/",
    )
    time_machine.shift(timedelta(minutes=5))
    tell(member_unit_user, title="At risk: T-NEW")
    tell(UserFactory(), title="Someone else's")
    client.force_login(member_unit_user)
    html = _html(client.get(reverse("parks:notifications")))
    assert html.index("T-NEW") < html.index("T-OLD")
    assert "Someone else" not in html
    assert html.count("notification-unread") == 2
    assert re.search(r'id="unread-count">2<', html)


def test_mark_all_read_clears_the_bell(client, member_unit_user):
    tell(member_unit_user, title="Overdue: T-1")
    (other,) = announce(
        kind=NoticeKind.TASK_WARNING, recipients=[UserFactory()], title="Someone else's"
    )
    client.force_login(member_unit_user)
    assert client.get(reverse("parks:notifications_mark_read")).status_code == 405
    response = client.post(reverse("parks:notifications_mark_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=member_unit_user, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None
    html = _html(client.get(reverse("parks:notifications")))
    assert 'id="unread-count"' not in html and "notification-unread" not in html


def test_the_bell_costs_one_query(client, member_unit_user):
    client.force_login(member_unit_user)
    url = reverse("parks:notifications")
    tell(member_unit_user, title="Overdue: T-0")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 6):
        announce(
            kind=NoticeKind.TASK_WARNING, recipients=[member_unit_user], title=f"Overdue: T-{n}"
        )
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(one) == len(five)
    assert sum("read_at" in q["sql"] and "COUNT" in q["sql"] for q in five.captured_queries) == 1
