"""The API's filter backend builds no FilterSet for a request that names no filter (issue 14),
and filters as before when one is named, or anything else is asked."""

import pytest
from django_filters.rest_framework import DjangoFilterBackend

from grievances.choices import Status
from tests.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch):
    """The query strings a FilterSet was built for."""
    seen = []
    original = DjangoFilterBackend.get_filterset

    def recording(self, request, queryset, view):
        seen.append(request.query_params.urlencode())
        return original(self, request, queryset, view)

    monkeypatch.setattr(DjangoFilterBackend, "get_filterset", recording)
    return seen


@pytest.fixture
def grievances(park):
    return [GrievanceFactory(park=park), GrievanceFactory(park=park, status=Status.WITHDRAWN)]


def test_paging_ordering_and_unmasking_build_no_filterset(api_as, office_user, grievances, built):
    client = api_as(office_user)
    for query in ("", "?page=1", "?page_size=10&ordering=received_at", "?unmask=1"):
        response = client.get(f"/api/v1/grievances/{query}")
        assert response.status_code == 200
        assert response.json()["count"] == 2
    assert client.get("/api/v1/tasks/?page=1").status_code == 200
    assert built == []


def test_a_named_filter_still_filters(api_as, office_user, grievances, built):
    response = api_as(office_user).get("/api/v1/grievances/?status=withdrawn&page=1")
    assert [row["id"] for row in response.json()["results"]] == [grievances[1].pk]
    assert built == ["status=withdrawn&page=1"]


def test_any_other_parameter_goes_through_the_filterset(api_as, office_user, grievances, built):
    response = api_as(office_user).get("/api/v1/grievances/?park=abc")
    assert response.status_code == 400
    api_as(office_user).get("/api/v1/activities/?whatever=1")
    assert built == ["park=abc", "whatever=1"]
