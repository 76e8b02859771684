"""Fixtures and helpers shared by the grid log API tests."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from parks.gridlog.choices import ActivityKind
from parks.structure.choices import Role
from tests.factories import ActivityFactory, GridZoneFactory, UserFactory

LIST = "/api/v1/activities/"


def detail(activity):
    return f"{LIST}{activity.pk}/"


def _jpeg(size=(800, 600), colour="red"):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def _yesterday():
    return (timezone.now() - timedelta(days=1)).isoformat()


def _entry(**fields):
    return {
        "kind": ActivityKind.VISIT,
        "occurred_at": _yesterday(),
        "title": "走访瓷砖区商户",
        "participants": 6,
        **fields,
    }


@pytest.fixture
def observer():
    return UserFactory(role=Role.OBSERVER)


@pytest.fixture
def other_liaison(other_park, other_grid_zone):
    liaison = UserFactory(username="other-liaison", role=Role.LIAISON, park=other_park)
    other_grid_zone.liaison = liaison
    other_grid_zone.save()
    return liaison


@pytest.fixture
def neighbour_zone(park):
    """A zone of the liaison's park that someone else looks after."""
    return GridZoneFactory(
        park=park,
        code="G02",
        name="灯具区",
        liaison=UserFactory(role=Role.LIAISON, park=park),
    )


@pytest.fixture
def entry_in_zone(grid_zone, liaison):
    return ActivityFactory(grid_zone=grid_zone, logged_by=liaison, title="瓷砖区走访")


@pytest.fixture
def entry_elsewhere(other_grid_zone):
    return ActivityFactory(grid_zone=other_grid_zone, title="水产区走访")


def _post_with_photos(client, zone, *photos):
    return client.post(
        LIST, {**_entry(grid_zone=zone.pk), "photos": list(photos)}, format="multipart"
    )
