"""A worker killed mid-build (the OOM killer, a power cut): its supervisor starts it again and
the report is built within a couple of minutes, once, with nothing half-written."""

import pytest

from parks.notices.models import Notification
from reforms.reporting.choices import ReportStatus
from reforms.reporting.models import Report, ReportVersion
from tests.faults.conftest import build_under_way, built, died, last_month
from tests.faults.infra import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# "A stuck build must be rebuilt within a couple of minutes" (issue 10), from the kill.
REBUILT_WITHIN = 150
# Half the default lease keeps the suite short; the rebuild still waits for the lease to run out
# and for beat's minutely sweep, which the default (60 s) bounds at about two minutes.
LEASE_SECONDS = "30"


def test_a_worker_killed_mid_build_comes_back_and_the_report_is_built_once(
    portal, office_user, park
):
    web = portal.web()
    portal.beat()  # production runs beat beside the worker: the periodic sweeps come from it
    worker = portal.worker(
        FAULT_BUILD_DELAY="600",
        FAULT_CATCH_UP_ON_START="1",
        REPORTS_BUILD_LEASE_SECONDS=LEASE_SECONDS,
    )
    office = portal.client(office_user)
    assert office.request("POST", "/api/v1/reports/", last_month(park))[0] == 202
    report = Report.objects.get()
    wait_until(
        lambda: build_under_way(report.pk),
        what="the build to be under way",
        timeout=60,
        failing=died(worker),
    )

    worker.kill()
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING
    assert report.snapshot is None and not report.excel  # nothing half-written
    portal.wait_ready(worker, times=2)  # started again by its supervisor
    assert office.request("GET", f"/api/v1/reports/{report.pk}/")[0] == 200

    wait_until(
        lambda: built(report.pk),
        what=f"the killed build to be done again\n{worker.tail()}",
        timeout=REBUILT_WITHIN,
        every=1,
    )
    report.refresh_from_db()
    assert (report.version, report.progress, report.failure_reason) == (1, 100, "")
    assert Report.objects.count() == 1
    assert not ReportVersion.objects.exists()
    assert portal.build_attempts() == [report.pk, report.pk]  # the killed build and the redo
    assert Notification.objects.filter(recipient=office_user).count() == 1
    assert (worker.starts, worker.exits) == (2, [-9]), worker.tail()
    assert web.exits == [], web.tail()
