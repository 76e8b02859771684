"""PostgreSQL goes away for a few seconds (a restart, a failover) while a liaison's phone sends
grid-log entries and a report is being built: no entry is lost or duplicated, the web answers
200 or a clear 503 throughout, and the worker carries on once the database is back."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from reforms.reporting.models import Report, ReportVersion
from tests.faults.conftest import build_under_way, built, died, last_month
from tests.faults.infra import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 8
ENTRIES = 12
ANSWERS = {200, 201, 503}  # 503: "try again later", which the phone does


class Phone:
    """A liaison's phone: sends each entry with its client_id until the portal answers 200 or
    201, a resend at a time, as the grid-log page does with its kept drafts."""

    def __init__(self, web, grid_zone):
        self.web, self.grid_zone = web, grid_zone
        self.client_ids = [str(uuid.uuid4()) for _ in range(ENTRIES)]
        self.statuses: list[int] = []
        self.thread = threading.Thread(target=self._send_all, daemon=True)

    def _send_all(self):
        occurred_at = (timezone.localtime() - timedelta(hours=2)).isoformat()
        for number, client_id in enumerate(self.client_ids):
            entry = {
                "kind": ActivityKind.VISIT,
                "occurred_at": occurred_at,
                "title": f"走访商户 {number}",
                "participants": 3,
                "grid_zone": self.grid_zone.pk,
                "client_id": client_id,
            }
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, _ = self.web.request("POST", "/api/v1/activities/", entry)
                self.statuses.append(status)
                if status in (200, 201):
                    break
                time.sleep(0.5)
            time.sleep(0.4)


class Reader:
    """Someone reading the grid-log feed every few tenths of a second."""

    def __init__(self, web):
        self.web = web
        self.statuses: list[int] = []
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)

    def _read(self):
        while self.running:
            self.statuses.append(self.web.request("GET", "/api/v1/activities/")[0])
            time.sleep(0.3)


def test_a_database_outage_loses_and_duplicates_nothing_and_the_portal_comes_back(
    portal, database_door, office_user, liaison, grid_zone, park, other_park
):
    web = portal.web()
    worker = portal.worker(FAULT_BUILD_DELAY="3")
    office = portal.client(office_user)
    phone, reader = Phone(portal.client(liaison), grid_zone), Reader(portal.client(office_user))
    assert office.request("POST", "/api/v1/reports/", last_month(park))[0] == 202
    report = Report.objects.get()
    wait_until(
        lambda: build_under_way(report.pk),
        what="the build to be under way",
        timeout=60,
        failing=died(worker),
    )

    phone.thread.start()
    reader.thread.start()
    time.sleep(1.5)
    database_door.shut()  # every connection dropped, new ones refused: mid-build, mid-send
    time.sleep(OUTAGE_SECONDS)
    database_door.open()
    phone.thread.join(timeout=120)
    reader.running = False
    reader.thread.join(timeout=30)

    assert not phone.thread.is_alive(), "the phone could not send its entries"
    logged = list(Activity.objects.values_list("client_id", flat=True))
    assert sorted(map(str, logged)) == sorted(phone.client_ids)  # each entry once, none lost
    seen = phone.statuses + reader.statuses
    assert set(seen) <= ANSWERS, f"answers seen: {sorted(set(seen))}"
    assert 503 in seen  # the outage was felt, and said so
    assert reader.statuses[-1] == 200

    # The build hit by the outage is finished (by its retry or the sweep), once.
    wait_until(
        lambda: built(report.pk),
        what=f"the build hit by the outage to finish\n{worker.tail()}",
        timeout=150,
        every=1,
    )
    # And the worker takes new work at once.
    assert office.request("POST", "/api/v1/reports/", last_month(other_park))[0] == 202
    later = Report.objects.exclude(pk=report.pk).get()
    wait_until(
        lambda: built(later.pk),
        what="a report asked for after the outage",
        timeout=30,
        failing=died(worker, web),
    )
    assert Report.objects.count() == 2
    assert set(Report.objects.values_list("version", flat=True)) == {1}
    assert not ReportVersion.objects.exists()
    assert (worker.starts, worker.exits) == (1, []), worker.tail()
    assert web.exits == [], web.tail()
