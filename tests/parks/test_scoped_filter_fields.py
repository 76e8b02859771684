"""The inbox's and the feed's FilterSets build their form class once per scope
(parks.access.lists.ScopedFieldsFilterSet, parks.core.filtersets): each form's fields are its
own, and a form of kept fields draws, cleans, reports and filters what a form of fields built
for its request does, for every role, valid values, values that are no choice and bad dates,
whichever scope asked first."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from grievances.filters import GrievanceFilter
from grievances.models import Grievance
from parks.access.lists import ScopedFieldsFilterSet
from parks.core import filtersets
from parks.gridlog.filters import ActivityFilter
from parks.gridlog.models import Activity
from tests.factories import GridZoneFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user")
CASES = [
    (GrievanceFilter, Grievance, {}),
    (GrievanceFilter, Grievance, {"q": "x", "channel": "phone", "status": ["received"]}),
    (GrievanceFilter, Grievance, {"park": "own", "grid_zone": "999999", "flag": "nope"}),
    (GrievanceFilter, Grievance, {"handling_unit": "own", "received_after": "2026-02-30"}),
    (ActivityFilter, Activity, {}),
    (ActivityFilter, Activity, {"kind": ["visit", "care"], "date_from": "2026-01-01"}),
    (ActivityFilter, Activity, {"park": "own", "logged_by": "999999", "kind": "nope"}),
    (ActivityFilter, Activity, {"grid_zone": "own", "date_to": "x", "park_wide": "true"}),
]


@pytest.fixture
def rows(park, other_park, grid_zone, liaison):
    GridZoneFactory(park=other_park, code="Z9", name="东区 <&> 西区")
    OrganisationFactory(name="区总工会 & 人社局")
    UserFactory(display_name="王<五>", role="liaison", park=other_park)


def _data(data, park, grid_zone, unit):
    own = {"park": park.pk, "grid_zone": grid_zone.pk, "handling_unit": unit}
    return {name: own[name] if value == "own" else value for name, value in data.items()}


def _seen(filter_class, model, data, user):
    request = RequestFactory().get("/", data)
    request.user = user
    found = filter_class(request.GET, queryset=model.objects.all(), request=request)
    form = found.form
    return found, (
        str(form),
        {name: [str(error) for error in errors] for name, errors in found.errors.items()},
        form.cleaned_data if form.is_valid() else None,
        str(found.qs.query),
        [
            (name, type(field), str(field.label), field.required)
            for name, field in form.fields.items()
        ],
    )


@pytest.mark.parametrize(("filter_class", "model", "data"), CASES)
def test_a_form_of_kept_fields_is_the_form_built_for_its_request(
    request, rows, park, grid_zone, member_unit_user, filter_class, model, data, monkeypatch
):
    filtersets._FORM_CLASSES.clear()
    data = _data(data, park, grid_zone, member_unit_user.organisation_id)
    people = [request.getfixturevalue(role) for role in ROLES]
    kept = []
    for user in (*people, *reversed(people)):
        kept.append(_seen(filter_class, model, data, user)[1])
    assert filtersets._FORM_CLASSES  # kept, and read back by the second round
    monkeypatch.setattr(ScopedFieldsFilterSet, "fields_key", lambda self: None)
    built = [_seen(filter_class, model, data, user)[1] for user in (*people, *reversed(people))]
    assert kept == built


@pytest.mark.parametrize("filter_class", [GrievanceFilter, ActivityFilter])
def test_each_form_has_fields_and_widgets_of_its_own(filter_class, office_user, park):
    request = RequestFactory().get("/")
    request.user = office_user
    one = filter_class(request.GET, request=request).form
    other = filter_class(request.GET, request=request).form
    assert type(one) is type(other)  # the form class kept
    for name, field in one.fields.items():
        assert field is not other.fields[name]
        assert field.widget is not other.fields[name].widget
        if getattr(field, "queryset", None) is not None:
            assert field.queryset is not other.fields[name].queryset


def test_a_filterset_without_a_request_builds_its_fields():
    found = ActivityFilter({})
    assert found.fields_key() is None
    assert not isinstance(type(found.form).base_fields, filtersets._CopiedFields)


@pytest.mark.parametrize(
    ("filter_class", "model", "data"), [CASES[1], CASES[3], CASES[5], CASES[7]]
)
def test_a_kept_form_speaks_each_requests_language(
    rows, park, grid_zone, office_user, member_unit_user, filter_class, model, data, monkeypatch
):
    # Reviewing the round: the form class is kept per scope, not per language; a label made in
    # the first request's language would print in every later one.
    filtersets._FORM_CLASSES.clear()
    data = _data(data, park, grid_zone, member_unit_user.organisation_id)
    kept = []
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            kept.append(_seen(filter_class, model, data, office_user)[1])
    monkeypatch.setattr(ScopedFieldsFilterSet, "fields_key", lambda self: None)
    built = []
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            built.append(_seen(filter_class, model, data, office_user)[1])
    assert kept == built
    assert kept[0] != kept[1]
