"""Fixtures and helpers shared by the grid log service tests (and the photo file tests)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parks.gridlog import services
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from parks.structure.choices import Role
from tests.factories import GridZoneFactory, UserFactory

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 12:00 in Wuxi


EARLIER = NOW - timedelta(hours=3)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def neighbour(park):
    """Another liaison of the same park, with a zone of their own."""
    return UserFactory(username="neighbour", role=Role.LIAISON, park=park)


@pytest.fixture
def neighbour_zone(park, neighbour):
    return GridZoneFactory(park=park, code="G02", name="灯具区", liaison=neighbour)


def jpeg(size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "JPEG")
    return out.getvalue()


def photo(name="p.jpg"):
    return SimpleUploadedFile(name, jpeg())


def new(*, grid_zone=None, park=None, **fields) -> Activity:
    values = {
        "kind": ActivityKind.VISIT,
        "occurred_at": EARLIER,
        "title": "走访经营户",
        "participants": 6,
        **fields,
    }
    return Activity(grid_zone=grid_zone, park=park, **values)


def logged(actor, **fields):
    activity, created = services.activity_create(activity=new(**fields), actor=actor)
    assert created
    return activity
