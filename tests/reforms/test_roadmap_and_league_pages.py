"""The roadmap and the league table of units."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tests.factories import MilestoneFactory, TaskFactory
from tests.reforms import pages_helpers as shared
from tests.reforms.pages_helpers import _codes, _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_first_of_june = shared.on_the_first_of_june
tasks = shared.tasks
union = shared.union


pytestmark = pytest.mark.django_db


# --- Roadmap and league table ----------------------------------------------------------------


def test_the_roadmap_of_a_park_carries_its_tasks_and_milestones(client, liaison, tasks, park):
    MilestoneFactory(task=tasks["red"], order=1, title="发放问卷", done_on=date(2026, 3, 1))
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:park_roadmap", args=[park.pk])))
    data = re.search(r'<script id="roadmap-data" type="application/json">(.*?)</script>', html)
    assert data and "T-RED" in data.group(1) and "T-YELLOW" in data.group(1)
    assert "T-GREEN" not in data.group(1)
    assert "js/roadmap.js" in html and "vendor/echarts/echarts.min.js" in html
    assert 'id="roadmap-table"' in html and "发放问卷" in html


def test_the_roadmap_of_a_hidden_park_is_not_found(client, liaison, other_park):
    client.force_login(liaison)
    url = reverse("reforms:park_roadmap", args=[other_park.pk])
    assert client.get(url).status_code == 404


def test_the_district_roadmap_shows_tasks_without_a_park(client, office_user, tasks):
    TaskFactory(code="T-DISTRICT", park=None)
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:district_roadmap")))
    assert "T-DISTRICT" in html and "T-RED" not in html


def test_the_league_table_counts_each_units_tasks_worst_first(client, office_user, tasks, union):
    # 区总工会: T-RED (red), T-GREEN (green), plus one done on time.
    TaskFactory(
        lead_unit=union,
        status="done",
        progress=100,
        start_date=date(2026, 1, 1),
        due_date=date(2026, 5, 31),
        done_on=date(2026, 5, 20),
    )
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:unit_league")))
    rows = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', html, re.S)
    counts = {
        unit: [int(n) for n in re.findall(r">(\d+)(?:%)?<", cells)][:6] for unit, cells in rows
    }
    # total, done on time, done late, yellow, red, open
    assert [unit for unit, _cells in rows] == ["区总工会", "区人社局"]
    assert counts["区总工会"] == [3, 1, 0, 0, 1, 2]
    assert counts["区人社局"] == [2, 0, 1, 1, 0, 1]
    assert 'id="league-data"' in html and "js/league.js" in html


def test_a_league_row_links_to_the_tasks_that_unit_leads(client, office_user, tasks, union):
    # 区总工会 also supports T-YELLOW, which another unit leads: not part of its league row.
    tasks["yellow"].supporting_units.add(union)
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:unit_league")))
    link = re.search(rf'<tr data-unit="{union.name}">\s*<td><a href="([^"]+)"', html).group(1)

    listed = _codes(_html(client.get(link.replace("&amp;", "&"))))

    assert f"lead_unit={union.pk}" in link
    assert sorted(listed) == ["T-GREEN", "T-RED"]


def test_the_league_table_counts_only_visible_tasks(client, liaison, tasks):
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:unit_league")))
    assert re.findall(r'<tr data-unit="([^"]+)">', html) == ["区总工会", "区人社局"]
    assert "T-LATE" not in html
