"""Shared fixtures: two parks in two subdistricts, a user of each role, a real Celery worker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from parks.core import prepared, related
from parks.structure.choices import Role
from tests.factories import (
    GridZoneFactory,
    OrganisationFactory,
    ParkFactory,
    SubdistrictFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Messages made outside a request (services, tasks) come out in English in every test.

    Requests still pick their own language (Chinese by default) through the middleware; this
    only stops one test's active language from leaking into the next one's assertions.
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the dashboard keeps its figures there for minutes,
    and public-form throttles count there, so one test's entries must not reach the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def subdistrict():
    return SubdistrictFactory(name="广益街道")


@pytest.fixture
def park(subdistrict):
    return ParkFactory(name="无锡华夏家居港建材市场", subdistrict=subdistrict)


@pytest.fixture
def other_park():
    return ParkFactory(name="无锡盛阳食品城", subdistrict=SubdistrictFactory(name="北大街街道"))


@pytest.fixture
def office_user():
    return UserFactory(username="office", role=Role.OFFICE)


@pytest.fixture
def park_manager(park):
    return UserFactory(username="manager", role=Role.PARK_MANAGER, park=park)


@pytest.fixture
def liaison(park):
    return UserFactory(username="liaison", role=Role.LIAISON, park=park)


@pytest.fixture
def subdistrict_user(subdistrict):
    return UserFactory(username="subdistrict", role=Role.SUBDISTRICT, subdistrict=subdistrict)


@pytest.fixture
def member_unit_user():
    return UserFactory(
        username="unit", role=Role.MEMBER_UNIT, organisation=OrganisationFactory(name="区总工会")
    )


@pytest.fixture
def grid_zone(park, liaison):
    return GridZoneFactory(park=park, code="G01", name="瓷砖区", liaison=liaison)


@pytest.fixture
def other_grid_zone(other_park):
    return GridZoneFactory(park=other_park, code="G01", name="水产批发区")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """An API client signed in as the given user (session-free, force-authenticated)."""

    def sign_in(user):
        api_client.force_authenticate(user)
        return api_client

    return sign_in


@pytest.fixture
def worker_queue():
    """A worker listening on a queue of its own, reading this test's database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        TEST_DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    yield queue
    worker.terminate()
    worker.wait(timeout=30)


@pytest.fixture
def api_throttles(monkeypatch):
    """The API throttles production runs (the test settings leave them off), with their rates
    as a dict a test may change. DRF reads both once, at import, so they are set in place."""
    from rest_framework.settings import perform_import
    from rest_framework.throttling import SimpleRateThrottle
    from rest_framework.views import APIView

    from config.settings import base

    production = base.REST_FRAMEWORK
    classes = perform_import(production["DEFAULT_THROTTLE_CLASSES"], "DEFAULT_THROTTLE_CLASSES")
    rates = dict(production["DEFAULT_THROTTLE_RATES"])
    monkeypatch.setattr(APIView, "throttle_classes", classes)
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


@pytest.fixture
def fresh_plans():
    """No compiled plans nor kept statements (parks.core.prepared, parks.core.related) from an
    earlier test, nor left for a later one."""
    prepared.forget()
    related.forget()
    yield
    prepared.forget()
    related.forget()
