"""Fixtures and helpers shared by the liaison phone page tests."""

import io
import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from parks.structure.choices import Role
from tests.factories import GridZoneFactory, UserFactory

# Thursday 4 June 2026, 10:00 in Shanghai.
NOW = datetime(2026, 6, 4, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def neighbour(park):
    """Another liaison of the same park, with a zone of their own."""
    return UserFactory(username="neighbour", role=Role.LIAISON, park=park)


@pytest.fixture
def neighbour_zone(park, neighbour):
    return GridZoneFactory(park=park, code="G02", name="灯具区", liaison=neighbour)


@pytest.fixture
def observer():
    return UserFactory(username="observer", role=Role.OBSERVER)


def jpeg(width=2000, height=1500, *, name="现场.jpg"):
    """A real camera-like JPEG, with EXIF saying where it was taken."""
    picture = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 34.0, 0.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def entry(zone, **extra):
    data = {
        "grid_zone": zone.pk,
        "kind": "visit",
        "occurred_at": "2026-06-04T09:30",
        "participants": "12",
        "title": "",
        "description": "走访瓷砖区商户，了解用工情况。",
        "place": "",
        "organisers": "",
        "client_id": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def create_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('parks:activity_create')}?{query}"


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()
