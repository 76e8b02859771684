"""Fixtures and helpers shared by the report service tests (and by tests elsewhere that ask for
reports)."""

import base64
import importlib
import json
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import redis
from celery import current_app
from django.apps import apps
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from parks.structure.choices import Role
from parks.structure.models import Park
from reforms.reporting import schedules, services
from reforms.reporting.choices import PeriodKind, ReportScope
from tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


# A Wednesday: last week is 1–7 June, last month May, last quarter Q1, last year 2025.
WEDNESDAY = datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI)


# When the parks of the catch-up tests were entered: before any run the tests look at was due.
LONG_AGO = datetime(2020, 1, 1, tzinfo=SHANGHAI)

schedules_migration = importlib.import_module("reforms.migrations.0006_report_schedules")


@pytest.fixture
def on_wednesday(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)


@pytest.fixture
def parks_entered_long_ago(db):
    """The parks made so far as entered LONG_AGO: a catch-up makes up a missed run only for the
    parks that existed when it was due. Listed after the parks' fixtures."""
    Park.objects.update(created_at=LONG_AGO)


@pytest.fixture
def observer():
    return UserFactory(username="observer", role=Role.OBSERVER)


@pytest.fixture
def default_schedules(db):
    """The four schedules of migration 0006 (a transactional test before may have flushed them)."""
    schedules_migration.create_schedules(apps, None)
    return {task.name: task for task in PeriodicTask.objects.filter(task=schedules.SCHEDULE_TASK)}


@pytest.fixture
def report_queue():
    """Messages the code under test sends go to a queue of this test's own, read back here."""
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    conf = current_app.conf
    previous = conf.task_default_queue
    conf.task_default_queue = queue
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield queue
    conf.task_default_queue = previous
    client.delete(queue)


def queued_builds(queue):
    """The report ids of the build_report messages waiting in `queue`, oldest first."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    ids = []
    for raw in reversed(client.lrange(queue, 0, -1)):
        message = json.loads(raw)
        assert message["headers"]["task"] == "reforms.tasks.build_report"
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids.append(args[0])
    return ids


def ask(actor, scope=ReportScope.DISTRICT, kind=PeriodKind.WEEK, start=date(2026, 6, 3), **kw):
    return services.report_request(actor=actor, scope=scope, period_kind=kind, start=start, **kw)
