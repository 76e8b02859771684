"""`{% memo %}` (parks/templatetags/memo.py): a fragment drawn once per set of its inputs prints
what drawing it every time in the page's whole context prints, for every role and language; its
body sees only what it names."""

import re
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from parks.core.dates import day_text, iso_text, minute_text
from parks.templatetags import memo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, path, language):
    client.cookies["django_language"] = language
    response = client.get(path, follow=True)  # a liaison's workbench is their grid zones
    assert response.status_code == 200, path
    return CSRF.sub("", response.content.decode())


def _drawn_three_ways(client, path, language):
    """Missed, then kept, then the plain path: all three the same page."""
    first = _page(client, path, language)
    kept = _page(client, path, language)
    with memo.drawn_plainly():
        plain = _page(client, path, language)
    assert first == kept == plain, (path, language)
    return first


@pytest.fixture
def people(office_user, park_manager, liaison, subdistrict_user, member_unit_user):
    staff = UserFactory(role=office_user.role, is_staff=True, display_name="管理 <员>")
    return [office_user, staff, park_manager, liaison, subdistrict_user, member_unit_user]


PAGES = ("workbench:home", "parks:park_list", "parks:activity_feed", "grievances:inbox")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_layout_is_the_same_kept_or_drawn_for_every_role(client, people, language):
    for person in people:
        client.force_login(person)
        for name in PAGES:
            _drawn_three_ways(client, reverse(name), language)


def test_a_kept_menu_follows_the_unread_count_the_name_and_the_page(client, office_user):
    client.force_login(office_user)
    page = _drawn_three_ways(client, reverse("parks:park_list"), "en")
    assert 'id="unread-count"' not in page
    office_user.notifications.create(title="t", body="b")
    office_user.display_name = "Renamed <office>"
    office_user.save()
    page = _drawn_three_ways(client, reverse("parks:park_list"), "en")
    assert '<span class="badge rounded-pill text-bg-warning" id="unread-count">1</span>' in page
    assert "Renamed &lt;office&gt;" in page


def test_a_body_sees_only_what_it_names():
    template = Template("{% load memo %}{% memo a=a %}{{ a }}|{{ b }}{% endmemo %}")
    with translation.override("en"):
        assert template.render(Context({"a": "<x>", "b": "y"})) == "&lt;x&gt;|"
        assert template.render(Context({"a": "<x>", "b": "z"})) == "&lt;x&gt;|"
        with memo.drawn_plainly():
            assert template.render(Context({"a": "<x>", "b": "z"})) == "&lt;x&gt;|z"


def test_a_value_that_cannot_be_kept_is_drawn_every_time():
    template = Template("{% load memo %}{% memo a=a %}{{ a.0 }}{% endmemo %}")
    assert template.render(Context({"a": [1]})) == "1"
    assert template.render(Context({"a": [2]})) == "2"


def test_equal_values_that_print_differently_are_kept_apart():
    template = Template("{% load memo %}{% memo a=a %}{{ a }}{% endmemo %}")
    assert template.render(Context({"a": 1})) == "1"
    assert template.render(Context({"a": True})) == "True"
    assert template.render(Context({"a": "<b>"})) == "&lt;b&gt;"
    assert template.render(Context({"a": mark_safe("<b>")})) == "<b>"  # noqa: S308 a literal


def test_the_language_is_part_of_the_key():
    template = Template('{% load i18n memo %}{% memo %}{% translate "Parks" %}{% endmemo %}')
    with translation.override("en"):
        english = template.render(Context())
    with translation.override("zh-hans"):
        chinese = template.render(Context())
    assert english == "Parks"
    assert chinese != english


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_minute_and_iso_texts_are_the_date_filters(language):
    template = Template('{{ moment|date:"Y-m-d H:i" }}|{{ moment|date:"c" }}')
    moments = [datetime(2026, 1, 1, 0, 5, tzinfo=UTC), datetime(2026, 6, 30, 16, 59, 59, 12, UTC)]
    with translation.override(language):
        for moment in [*moments, datetime(2000, 2, 29, 23, 0, tzinfo=UTC)]:
            expected = template.render(Context({"moment": moment}))
            assert f"{minute_text(moment)}|{iso_text(moment)}" == expected
    days = Template('{{ day|date:"Y-m-d" }}')
    with translation.override(language):
        for day in (date(2026, 1, 5), date(999, 12, 31), None):
            assert day_text(day) == days.render(Context({"day": day}))


def test_a_long_text_is_drawn_every_time_and_never_kept():
    # Found in review: the inbox's header is keyed on the query string as the request sent it;
    # kept, every long query string of one user's making would stay in the worker's memory.
    template = Template("{% load memo %}{% memo a=a %}{{ a|length }}{% endmemo %}")
    long_text = "x" * (memo.LONGEST_KEPT_TEXT + 1)
    before = len(memo._drawn)
    assert template.render(Context({"a": long_text})) == str(len(long_text))
    assert len(memo._drawn) == before
    assert template.render(Context({"a": "short"})) == "5"
    assert len(memo._drawn) == before + 1


def test_a_long_tuple_is_drawn_every_time_and_never_kept():
    # Found in review: a filter's values repeated in the query string (?status=…&status=…)
    # reach the filter bar's key as one tuple; kept, a request could make it as long as it likes.
    template = Template("{% load memo %}{% memo a=a %}{{ a|length }}{% endmemo %}")
    long_tuple = ("x",) * (memo.LONGEST_KEPT_TUPLE + 1)
    before = len(memo._drawn)
    assert template.render(Context({"a": long_tuple})) == str(len(long_tuple))
    assert template.render(Context({"a": (long_tuple,)})) == "1"
    assert len(memo._drawn) == before
    assert template.render(Context({"a": long_tuple[:-1]})) == str(len(long_tuple) - 1)
    assert len(memo._drawn) == before + 1
