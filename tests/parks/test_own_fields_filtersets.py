"""parks.core.filtersets: a FilterSet's first form takes the fields its filters made for it,
uncopied; another form of the same FilterSet gets copies, as Django's forms do; FilterSets of
different requests share nothing, and what they filter is what Django's copying forms filter."""

import copy

import pytest
from django.test import RequestFactory

from grievances.filters import GrievanceFilter
from grievances.models import Grievance
from parks.core import filtersets
from parks.gridlog.filters import ActivityFilter
from parks.gridlog.models import Activity

pytestmark = pytest.mark.django_db


def _request(user, **data):
    request = RequestFactory().get("/", data)
    request.user = user
    return request


@pytest.mark.parametrize("filter_class", [GrievanceFilter, ActivityFilter])
def test_the_first_form_takes_the_filters_fields_and_a_second_copies_them(
    filter_class, office_user
):
    request = _request(office_user)
    found = filter_class(request.GET, request=request)
    first = found.form
    assert all(first.fields[name] is found.filters[name].field for name in first.fields)
    second = found.get_form_class()(request.GET)
    assert all(second.fields[name] is not first.fields[name] for name in first.fields)
    other = filter_class(request.GET, request=request).form
    assert all(other.fields[name] is not first.fields[name] for name in first.fields)


@pytest.mark.parametrize(
    ("filter_class", "model", "data"),
    [
        (GrievanceFilter, Grievance, {"q": "x", "channel": "phone", "status": ["received"]}),
        (GrievanceFilter, Grievance, {"park": "0"}),
        (ActivityFilter, Activity, {"kind": ["visit", "care"], "date_from": "2026-01-01"}),
        (ActivityFilter, Activity, {}),
    ],
)
def test_the_forms_clean_and_filter_as_copying_forms_do(
    filter_class, model, data, office_user, park, monkeypatch
):
    request = _request(office_user, **data)
    own = filter_class(request.GET, queryset=model.objects.all(), request=request)
    assert isinstance(type(own.form).base_fields, filtersets._OwnFields)  # made before the patch
    monkeypatch.setattr(
        filtersets._OwnFields,
        "__deepcopy__",
        lambda self, memo: {name: copy.deepcopy(field, memo) for name, field in self.items()},
    )
    copied = filter_class(request.GET, queryset=model.objects.all(), request=request)
    assert own.errors == copied.errors
    assert own.form.cleaned_data == copied.form.cleaned_data
    assert str(own.qs.query) == str(copied.qs.query)
