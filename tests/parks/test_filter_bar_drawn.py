"""The filter bar drawn once per process for each set of what it prints (the {% memo %} of
templates/_filter_bar.html over parks.core.filter_bar.plain_bar) is the bar drawn plainly: on
every list page, with nothing chosen, a value chosen, a value that is no choice (the form's
error), a search needing escaping, in both languages, drawn fresh and from the memo."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from parks.core import filter_bar
from parks.core.filter_bar import PlainBar, kept_options, plain_bar
from parks.templatetags import memo
from tests.parks.test_filter_bar import list_pages

pytestmark = pytest.mark.django_db

BAR = re.compile(r'<form method="get" class="card card-body.*?</form>', re.S)


def _bar(client, url, query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, url
    found = BAR.findall(response.content.decode())
    assert len(found) == 1, url
    return found[0]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_list_pages_bar_is_the_bar_drawn_plainly(
    client, office_user, park, other_park, language
):
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name, chosen, value in list_pages(park, park.subdistrict):
        url = reverse(name)
        for query in ({}, {chosen: value}, {chosen: "999999999"}, {"q": '<b>"华夏" & 园区</b>'}):
            with memo.drawn_plainly():
                plainly = _bar(client, url, query)
            assert _bar(client, url, query) == plainly, (name, query)
            assert _bar(client, url, query) == plainly, (name, query)  # from the memo
            assert memo.HOLE_MARK not in plainly


def test_a_number_names_one_markup_and_options_drawn_each_time_are_not_named():
    kept = filter_bar._numbered_options([("1", "甲"), ("2", "乙")], {"2"}, None)
    again = filter_bar._numbered_options([("1", "甲"), ("2", "乙")], {"2"}, None)
    other = filter_bar._numbered_options([("1", "甲"), ("2", "乙")], {"1"}, None)
    assert again == kept and again[0] is kept[0]
    assert other[1] != kept[1] and other[0] != kept[0]
    # A label that is neither text nor a lazy text: drawn each time, never numbered.
    assert filter_bar._numbered_options([("1", 3)], set(), None)[1] is None


def _control(name, options, number):
    return {
        "name": name,
        "id": f"id_{name}",
        "label": name,
        "options": options,
        "options_number": number,
        "errors": [],
    }


def test_the_plain_bar_keys_on_the_number_and_prints_the_markup():
    markup = mark_safe('<option value="1">甲</option>')  # noqa: S308 a literal
    bar = {
        "search": None,
        "selects": [_control("park", markup, 7)],
        "dates": [],
        "hidden": [{"name": "group", "value": "open"}],
        "non_field_errors": [],
    }
    plain = plain_bar(bar)
    assert isinstance(plain, PlainBar)
    assert plain.drawn[1] == (("park", "id_park", "park", 7, ()),)
    # The fragment holds a hole where the options go; kept_options gives their markup there.
    assert plain.selects[0]["options"] == 7 and plain.selects[0]["kept"] is True
    assert kept_options(plain, 7) is markup
    assert plain.hidden == [{"name": "group", "value": "open"}]
    assert plain.dates_alone.drawn == (None, (), (), (), ())
    # Options drawn each time are keyed as their markup: a long one is never kept by a memo.
    drawn = plain_bar({**bar, "selects": [_control("park", markup, None)]})
    assert drawn.drawn[1][0][3] is markup and drawn.selects[0]["options"] is markup
    assert drawn.selects[0]["kept"] is False
