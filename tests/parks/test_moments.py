"""`{{ moment|minute }}` (parks.templatetags.moments) prints what `{{ moment|date:"Y-m-d H:i" }}`
prints, in every time zone, with the template's time zone switched off or on, in both languages,
and for what is not a datetime (nothing, a text, a date)."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

BOTH = (
    "{% load moments %}{{ moment|minute }}|{{ moment|date:'Y-m-d H:i' }}"
    "{% localtime off %}|{{ moment|minute }}|{{ moment|date:'Y-m-d H:i' }}{% endlocaltime %}"
    "{% timezone 'America/New_York' %}|{{ moment|minute }}|{{ moment|date:'Y-m-d H:i' }}"
    "{% endtimezone %}"
)
MOMENTS = [
    datetime(2026, 1, 1, 0, 5, tzinfo=UTC),
    datetime(2026, 6, 30, 16, 59, 59, 12, UTC),
    datetime(2000, 2, 29, 23, 0, tzinfo=UTC),
    datetime(999, 12, 31, 23, 59, tzinfo=UTC),
    datetime(2026, 3, 8, 7, 30),  # noqa: DTZ001 a naive one, as a template may be given
    None,
    "",
    "2026-01-01 10:00",
]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_minute_is_the_date_filter(language, zone):
    with translation.override(language), timezone.override(zone):
        for moment in MOMENTS:
            printed = Template("{% load tz %}" + BOTH).render(Context({"moment": moment}))
            pairs = printed.split("|")
            assert pairs[0::2] == pairs[1::2], (moment, printed)


def test_a_date_fails_as_the_date_filter_fails():
    # A day has no hour: the date filter refuses it, and so does minute, the same way.
    template = "{% load moments %}{{ moment|FILTER }}"
    errors = []
    for written in ("minute", "date:'Y-m-d H:i'"):
        with pytest.raises(TypeError) as error:
            Template(template.replace("FILTER", written)).render(
                Context({"moment": date(2026, 5, 1)})
            )
        errors.append(str(error.value))
    assert errors[0] == errors[1]
