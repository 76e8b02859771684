"""The benchmark's raw-SQL floors return what their endpoints return, on a small district.

`make bench` checks each floor against its endpoint before timing it; this runs the same
checks in `make test` (it is not marked bench), so a change to an endpoint's rows, order or
figures shows up here, beside the change, rather than as a failed benchmark later.
"""

import json

import pytest
from django.db import connection

from parks.structure.models import User
from tests.bench import prepare, report_data
from tests.bench.run import ENDPOINTS, check

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bench.urls")]

# Enough rows for a second page of every list (50 a page in the API, 25 on pages).
TINY = report_data.Sizes(
    parks=3,
    zones_per_park=3,
    subdistricts=2,
    units=4,
    activities=300,
    grievances=200,
    tasks=120,
    surveys=6,
    care_payments=6,
    publicity=6,
    trainings=6,
    proposals=6,
    idle_zones=1,
)


class DjangoClient:
    """tests.bench.run.check's client, over Django's test client: the token for the API and
    its floors, the session for pages."""

    def __init__(self, client, token: str):
        self.client = client
        self.token = token

    def get(self, path: str) -> tuple[int, bytes]:
        api = path.startswith(("/api/", "/bench-floor/api/"))
        headers = {"HTTP_AUTHORIZATION": f"Token {self.token}"} if api else {}
        response = self.client.get(path, **headers)
        return response.status_code, response.content

    def json(self, path: str) -> dict:
        status, data = self.get(path)
        assert status == 200, f"GET {path} answered {status}: {data[:300]!r}"
        return json.loads(data)


def _load() -> dict:
    # The loader alters the tables it fills: the structural rows' deferred foreign-key checks
    # must have run first, as they have on the committed database `make bench` fills.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return prepare.load(TINY, vacuum=False)


def test_each_floor_returns_its_endpoints_rows_count_and_figures(client):
    facts = _load()
    client.force_login(User.objects.get(username=facts["username"]))
    checker = DjangoClient(client, facts["token"])
    checked = []
    for endpoint in ENDPOINTS:
        # The tiny district has two or three pages where the benchmark's has fifty.
        portal = endpoint.portal.format(**facts).replace("page=50", "page=2")
        floor = "/bench-floor/" + endpoint.floor.format(**facts).replace("page=50", "page=2")
        check(checker, endpoint, portal, floor)
        checked.append(endpoint.key)
    assert len(checked) == len(ENDPOINTS)


def test_a_floor_refuses_a_request_without_credentials(client):
    assert client.get("/bench-floor/api/grievances/").status_code == 401
    assert client.get("/bench-floor/grievances/").status_code == 401
