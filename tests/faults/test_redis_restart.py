"""Redis (the Celery broker) crashes and comes back: the worker lives through it, the build in
flight and the builds still queued are done, each once, and the web answers all along."""

import pytest

from parks.notices.models import Notification
from reforms.reporting.models import Report, ReportVersion
from tests.faults.conftest import build_under_way, built, died, last_month
from tests.faults.infra import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _district_last_month(park) -> dict:
    return {**last_month(park), "scope": "district", "park": None}


def test_the_worker_lives_through_redis_crashes_and_no_build_is_lost_or_doubled(
    portal, private_redis, office_user, park, other_park
):
    web = portal.web()
    worker = portal.worker(FAULT_BUILD_DELAY="8")
    office = portal.client(office_user)
    assert office.request("POST", "/api/v1/reports/", last_month(park))[0] == 202
    first = Report.objects.get()
    wait_until(
        lambda: build_under_way(first.pk),
        what="the build to be under way",
        timeout=60,
        failing=died(worker),
    )

    # One pool process busy, the other idle: the case that killed celery 5.7's worker.
    private_redis.kill()
    assert office.request("GET", f"/api/v1/reports/{first.pk}/")[0] == 200  # the web answers
    private_redis.start()
    wait_until(
        lambda: built(first.pk), what="the build to finish", timeout=60, failing=died(worker)
    )
    # The same worker process takes the next job: it did not die once the build was over.
    assert office.request("POST", "/api/v1/reports/", last_month(other_park))[0] == 202
    second = Report.objects.exclude(pk=first.pk).get()
    wait_until(lambda: built(second.pk), what="a report asked for afterwards", timeout=30)
    assert (worker.starts, worker.exits) == (1, []), worker.tail()
    assert portal.build_attempts() == [first.pk, second.pk]  # finished by the build it began

    # With no worker running, a queued build waits in Redis; its append-only file keeps it
    # through a crash, and the next worker builds it far sooner than a sweep for lost builds.
    worker.stop()
    assert office.request("POST", "/api/v1/reports/", _district_last_month(park))[0] == 202
    third = Report.objects.exclude(pk__in=[first.pk, second.pk]).get()
    private_redis.kill()
    private_redis.start()
    assert private_redis.client().llen("celery") == 1
    later_worker = portal.worker()
    wait_until(
        lambda: built(third.pk),
        what="the queued report to be built",
        timeout=20,
        failing=died(later_worker),
    )

    assert set(Report.objects.values_list("version", "failure_reason")) == {(1, "")}
    assert not ReportVersion.objects.exists()
    assert portal.build_attempts() == [first.pk, second.pk, third.pk]
    assert Notification.objects.filter(recipient=office_user).count() == 3
    assert web.exits == [], web.tail()
