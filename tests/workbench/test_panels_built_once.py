"""A related panel built once per set of what it shows (parks.core.related.built_once) is the
panel built plainly on every request: every provider of every kind of page and the workbench,
for every role, both languages, two time zones, before and after their rows change, panel for
panel; and each page that draws them byte for byte, in as many queries."""

from datetime import timedelta
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from parks.core import related
from parks.core.related import Panel, PanelItem
from parks.templatetags import memo
from tests.factories import ActivityFactory, GrievanceFactory, TaskFactory
from tests.page_helpers import page_as
from tests.workbench import helpers
from tests.workbench.test_park_panels_once import _more_rows, _users

day = helpers.day
frozen_now = helpers.frozen_now

pytestmark = pytest.mark.django_db

# 23:30 in UTC is the next day in Shanghai: a panel's days are printed in the ambient time zone.
TIME_ZONES = ("Asia/Shanghai", "UTC")


def _subjects(day, park, grid_zone):
    task = TaskFactory(park=park, lead_unit=day["union"], due_date=helpers.TODAY)
    return {
        "park": park,
        "grid_zone": grid_zone,
        "unit": day["union"],
        "task": task,
        "grievance": day["assigned"],
        "workbench": None,
    }


def _every_panel(users, subjects):
    """(kind, user, panel) for every provider, user and subject, in every language and zone."""
    for language in ("zh-hans", "en"):
        for zone in TIME_ZONES:
            with translation.override(language), timezone.override(zone):
                for user in users:
                    for kind, subject in subjects.items():
                        for key, (_order, provider) in related._PROVIDERS[kind].items():
                            yield (
                                (kind, key, user, language, zone),
                                partial(provider, user, subject),
                            )


def test_each_panel_built_once_is_the_panel_built_plainly(
    request, day, park, other_park, grid_zone, office_user, fresh_plans
):
    users = _users(request, park)
    subjects = _subjects(day, park, grid_zone)
    ActivityFactory(park=park, grid_zone=grid_zone, occurred_at=helpers.NOW - timedelta(hours=3))
    ActivityFactory(park=park, grid_zone=None, occurred_at=helpers.NOW.replace(hour=23, minute=30))
    for round_ in range(3):
        for where, build in _every_panel(users, subjects):
            first, kept = build(), build()
            with memo.drawn_plainly():
                plain = build()
            assert first == kept == plain, where
            assert first is None or first.drawn == plain.drawn, where
        if round_ == 0:
            _more_rows(park, other_park, office_user, day["union"])
        elif round_ == 1:  # a panel built once reads the rows of now: only its building is kept
            GrievanceFactory.create_batch(2, park=park)
            ActivityFactory(park=park, grid_zone=grid_zone, title="新的巡查")


def test_a_panel_is_built_once_per_values_language_and_time_zone(fresh_plans):
    built = []

    def build(count, moment):
        built.append(count)
        return Panel(
            key="k",
            title=str(translation.gettext("See all")),
            count=count,
            url="/",
            items=[PanelItem(text=str(timezone.localtime(moment).date()), url="/")],
        )

    moment = helpers.NOW.replace(hour=23, minute=30)
    with translation.override("en"), timezone.override("UTC"):
        utc = related.built_once("test", build, 3, moment)
        assert related.built_once("test", build, 3, moment) is utc
        assert related.built_once("test", build, 4, moment) is not utc
    with translation.override("en"), timezone.override("Asia/Shanghai"):
        shanghai = related.built_once("test", build, 3, moment)
    with translation.override("zh-hans"), timezone.override("UTC"):
        chinese = related.built_once("test", build, 3, moment)
    assert built == [3, 4, 3, 3]
    assert utc.items[0].text != shanghai.items[0].text
    assert utc.title != chinese.title


def test_each_page_of_panels_is_byte_for_byte_the_plain_one(
    client, request, day, park, other_park, grid_zone, office_user, fresh_plans
):
    _more_rows(park, other_park, office_user, day["union"])
    subjects = _subjects(day, park, grid_zone)
    urls = [
        subject.get_absolute_url()
        for kind, subject in subjects.items()
        if kind not in ("unit", "workbench")
    ]
    urls += [reverse("workbench:unit_detail", args=[day["union"].pk]), reverse("workbench:home")]
    users = _users(request, park)
    for language in ("zh-hans", "en"):
        for user in users:
            for url in urls:
                for _twice in range(2):
                    with memo.drawn_plainly():
                        status, plain, plain_queries = page_as(client, user, url, language)
                    fast_status, fast, fast_queries = page_as(client, user, url, language)
                    assert (fast_status, fast) == (status, plain), (url, user)
                    assert len(fast_queries) == len(plain_queries), (url, user)
