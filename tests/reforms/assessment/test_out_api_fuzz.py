"""The assessment API's filters under bad input: an unknown kind, an impossible date, a number
too large for the database, garbage text — a 400 naming the filter, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import OrganisationFactory
from tests.reforms.assessment.factories_out import SchemeFactory, make_score

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment/"
LISTS = ("scores/", "rankings/", "schemes/")
BAD = {
    "period_kind": ["week", "custom", "MONTH", "月", "month\x00"],
    "period_start": ["2026-02-30", "2026-13-01", "yesterday", "10/2026", "0000-01-01", "1e9"],
    "scheme": ["abc", "-1", "0", "1.5", "9" * 30, "1e99", "²", "NaN"],
    "subject": ["x", "-7", "99999999999999999999", "2.5", "Infinity"],
    "subject_kind": ["member_unit", "UNIT", "单位"],
    "year": ["1999", "2101", "two", "2026.5", "9" * 25],
    "published": ["maybe", "2"],
}
# Which list reads which filter.
READS = {
    "scores/": set(BAD),
    "rankings/": {"period_kind", "period_start", "scheme", "subject_kind", "year"},
    "schemes/": {"subject_kind", "year"},
}


@pytest.fixture
def scored(office_user):
    scheme = SchemeFactory()
    make_score(scheme, OrganisationFactory(), rank=1, points={"task_on_time": 50})
    return scheme


@pytest.mark.parametrize("path", LISTS)
def test_each_bad_filter_value_is_a_400_naming_it(api_as, office_user, scored, path):
    api = api_as(office_user)
    for name in sorted(READS[path]):
        for value in BAD[name]:
            response = api.get(f"{URL}{path}", {name: value})
            where = f"{path}?{name}={value!r}"
            assert response.status_code == 400, (where, response.status_code)
            assert name in response.json(), where


@pytest.mark.parametrize("path", LISTS)
def test_good_values_are_accepted(api_as, office_user, scored, path):
    api = api_as(office_user)
    good = {
        "period_kind": "quarter",
        "period_start": "2026-10-01",
        "scheme": str(scored.pk),
        "subject": "1",
        "subject_kind": "park",
        "year": "2026",
        "published": "true",
    }
    for name in READS[path]:
        assert api.get(f"{URL}{path}", {name: good[name]}).status_code == 200, name


@pytest.mark.parametrize("path", LISTS)
def test_no_query_string_makes_the_api_fail(api_as, office_user, scored, path):
    api = api_as(office_user)
    names = st.sampled_from(sorted(set(BAD) | {"ordering", "page", "page_size", "q"}))
    values = st.one_of(
        st.text(max_size=30),
        st.integers().map(str),
        st.floats(allow_nan=True).map(str),
        st.dates().map(str),
    )

    @settings(
        max_examples=60,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(query=st.dictionaries(names, values, max_size=4))
    def check(query):
        response = api.get(f"{URL}{path}", query)
        assert response.status_code in (200, 400, 404), (query, response.status_code)
        assert response["Content-Type"].startswith("application/json")

    check()
