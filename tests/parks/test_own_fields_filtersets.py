"""parks.core.filtersets: a FilterSet copies its filters without deepcopy, and its first form
takes the fields its filters made for it, uncopied; another form of the same FilterSet gets
copies, as Django's forms do; FilterSets of different requests share nothing, and what they
filter is what deep-copied filters and copying forms filter. (The inbox's and the feed's
FilterSets build their fields once per scope: here they build them each time, as a FilterSet
without a `fields_key` does; tests/parks/test_scoped_filter_fields.py pins the kept ones.)"""

import copy

import pytest
from django.test import RequestFactory

from grievances.filters import GrievanceFilter
from grievances.models import Grievance
from parks.access.lists import ScopedFieldsFilterSet
from parks.core import filtersets
from parks.gridlog.filters import ActivityFilter
from parks.gridlog.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def built_each_time(monkeypatch):
    monkeypatch.setattr(ScopedFieldsFilterSet, "fields_key", lambda self: None)


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

    def deep(self, memo):
        return {name: copy.deepcopy(item, memo) for name, item in self.items()}

    monkeypatch.setattr(filtersets._OwnFields, "__deepcopy__", deep)
    monkeypatch.setattr(filtersets._Filters, "__deepcopy__", deep)
    copied = filter_class(request.GET, queryset=model.objects.all(), request=request)
    assert own.errors == copied.errors
    assert own.form.cleaned_data == copied.form.cleaned_data
    assert str(own.qs.query) == str(copied.qs.query)


@pytest.mark.parametrize("filter_class", [GrievanceFilter, ActivityFilter])
@pytest.mark.parametrize("schema_first", [False, True])
def test_each_filterset_has_filters_of_its_own(
    filter_class, schema_first, office_user, park_manager
):
    if schema_first:  # as drf-spectacular does for choice filters
        for base in filter_class.base_filters.values():
            if "choices" in base.extra:
                assert base.field is not None
    one = filter_class(_request(office_user).GET, request=_request(office_user))
    other = filter_class(_request(park_manager).GET, request=_request(park_manager))
    assert one.form.fields and other.form.fields  # building them writes each filter's extra
    for name, base in filter_class.base_filters.items():
        assert one.filters[name] is not base and one.filters[name] is not other.filters[name]
        assert one.filters[name].extra is not base.extra
        assert one.filters[name].parent is one and other.filters[name].parent is other
        assert "parent" not in base.__dict__
        if "_field" in base.__dict__:  # built by the API schema: copied, as deepcopy copies it
            assert type(one.filters[name].field) is type(base.field)
            assert one.filters[name].field is not base.field
        method = one.filters[name].__dict__.get("filter")
        if method is not None:  # a `method` filter calls its own FilterSet's method
            assert method.f is one.filters[name]
    # The request's queryset went into the copies' arguments, never the class's.
    assert callable(filter_class.base_filters["park"].extra["queryset"])
