"""Fixtures and helpers shared by the reform API tests."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parks.structure.choices import Role
from tests.factories import TaskFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _days(n):
    return timezone.localdate() + timedelta(days=n)


def _green(**fields):
    # Started today, due in 100 days: nothing is expected yet.
    return TaskFactory(start_date=_days(0), due_date=_days(100), **fields)


def _red(**fields):
    return TaskFactory(
        start_date=_days(-60), due_date=_days(-1), status="in_progress", progress=50, **fields
    )


@pytest.fixture
def unit(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def other_liaison(other_park):
    return UserFactory(role=Role.LIAISON, park=other_park)


def _post(client, task, step, **body):
    return client.post(f"/api/v1/tasks/{task.pk}/{step}/", body)


def _pdf(name="纪要.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")
