"""Every list page's filter bar (templates/_filter_bar.html, parks.core.filter_bar): a select's
empty choice reads 全部 ("All"), never "---------", and after filtering the bar shows what was
chosen."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class FilterBar(HTMLParser):
    """The search box's value and each select's options (value, text, selected) on a page."""

    def __init__(self):
        super().__init__()
        self.selects: dict[str, list[dict]] = {}
        self.inputs: dict[str, str] = {}
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = self.selects.setdefault(attrs["name"], [])
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
            }
            self._select.append(self._option)
        elif tag == "input" and attrs.get("type") == "search":
            self.inputs[attrs["name"]] = attrs.get("value", "")

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data.strip()

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None


def read_bar(client, url, query):
    response = client.get(url, query)
    assert response.status_code == 200
    bar = FilterBar()
    bar.feed(response.content.decode())
    return bar


def list_pages(park, subdistrict):
    """Each list page with one filter to choose and the value it is chosen with."""
    return [
        ("parks:park_list", "subdistrict", str(subdistrict.pk)),
        ("parks:people_list", "role", "office"),
        ("parks:audit", "action", "update"),
        ("parks:activity_feed", "park", str(park.pk)),
        ("parks:activity_calendar", "park", str(park.pk)),
        ("parks:coverage", "park", str(park.pk)),
        ("reforms:task_list", "park", str(park.pk)),
        ("reforms:ledgers", "park", str(park.pk)),
        ("reforms:care_payment_list", "park", str(park.pk)),
        ("grievances:inbox", "park", str(park.pk)),
        ("reforms:report_list", "park", str(park.pk)),
    ]


def test_every_list_pages_empty_choice_says_all(client, office_user, park, other_park):
    client.force_login(office_user)
    for name, _filter, _value in list_pages(park, park.subdistrict):
        bar = read_bar(client, reverse(name), {})
        assert bar.selects, name
        for select, options in bar.selects.items():
            if select == "weeks":  # the coverage page's span has no "all"
                continue
            assert options[0] == {"value": "", "text": "全部", "selected": False}, (name, select)
            assert all(option["text"] != "---------" for option in options), (name, select)


def test_every_list_pages_bar_keeps_the_chosen_value(client, office_user, park, other_park):
    client.force_login(office_user)
    for name, chosen, value in list_pages(park, park.subdistrict):
        bar = read_bar(client, reverse(name), {chosen: value})
        selected = [option["value"] for option in bar.selects[chosen] if option["selected"]]
        assert selected == [value], name


@pytest.mark.parametrize(
    "name", ["parks:park_list", "parks:people_list", "reforms:task_list", "grievances:inbox"]
)
def test_the_search_box_keeps_what_was_typed(client, office_user, name):
    client.force_login(office_user)

    bar = read_bar(client, reverse(name), {"q": "华夏"})

    assert bar.inputs == {"q": "华夏"}
