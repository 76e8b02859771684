"""Charts follow the window in a real Chromium: a page opened on a desktop and then narrowed to
a phone (or the other way round) lays its charts out exactly as the page opened at that width
does, and they fit the screen. Before the shared chart module (static/js/charts.js) a narrowed
chart kept its desktop layout: the coverage heat map squeezed its cells into a sliver beside
260-pixel zone names."""

import json

import pytest
from django.urls import reverse

from parks.structure.choices import Role
from tests.factories import GridZoneFactory, ParkFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}

# Every chart of the page as ECharts holds it (functions left out) and its drawn size.
CHARTS = """() => Object.fromEntries([...document.querySelectorAll('[_echarts_instance_]')]
  .map((element) => {
    const canvas = element.querySelector('canvas');
    const option = echarts.getInstanceByDom(element).getOption();
    return [element.id, {option: JSON.stringify(option), width: canvas.clientWidth}];
  }))"""


@pytest.fixture
def office():
    """The office, and two parks with long names and a few grid zones each."""
    for name in ("无锡华夏家居港建材市场", "无锡盛阳食品城"):
        park = ParkFactory(name=name)
        for number, zone in enumerate(["瓷砖区", "卫浴区", "地板区", "门窗区"], start=1):
            GridZoneFactory(park=park, code=f"G{number:02d}", name=zone)
    return UserFactory(username="office", role=Role.OFFICE)


def charts_at(page, url, size):
    page.set_viewport_size(size)
    page.goto(url)
    page.wait_for_function("() => document.querySelector('[data-drawn=true] canvas')")
    return page.evaluate(CHARTS)


def charts_after_resize(page, size):
    page.set_viewport_size(size)
    # The module redraws on the frame after the chart's box changes size.
    page.wait_for_function(
        "(width) => [...document.querySelectorAll('[_echarts_instance_] canvas')]"
        ".every((canvas) => canvas.clientWidth <= width)",
        arg=size["width"],
    )
    page.wait_for_timeout(100)
    return page.evaluate(CHARTS)


@pytest.mark.parametrize("url_name", ["parks:coverage", "reforms:dashboard"])
@pytest.mark.parametrize(("start", "end"), [(DESKTOP, PHONE), (PHONE, DESKTOP)])
def test_a_resized_chart_looks_as_if_opened_at_its_new_width(
    page, live_server, sign_in, office, url_name, start, end
):
    sign_in(office)
    url = f"{live_server.url}{reverse(url_name)}"
    opened_there = charts_at(page, url, end)
    charts_at(page, url, start)

    resized = charts_after_resize(page, end)

    assert resized.keys() == opened_there.keys() and resized
    for chart_id, chart in resized.items():
        assert json.loads(chart["option"]) == json.loads(opened_there[chart_id]["option"]), chart_id
        assert chart["width"] == opened_there[chart_id]["width"] <= end["width"]
