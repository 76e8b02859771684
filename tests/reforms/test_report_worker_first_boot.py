"""A new installation on a real Celery worker: the worker starts on the empty database, the demo
is loaded, the hourly catch-up runs — and no report is built and nobody is told of one. Once the
same parks have stood through missed runs, the catch-up makes them up, leaving out the
subdistricts that have no park."""

from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from parks.notices.models import Notification
from parks.structure.models import Park
from reforms.reporting.choices import ReportStatus
from reforms.reporting.jobs import catch_up_reports
from reforms.reporting.models import Report
from tests.reforms import test_report_worker as worker_tests
from tests.reforms.report_services_helpers import LONG_AGO
from tests.reforms.test_report_worker import drain, schedules_migration, wait_for

workers = worker_tests.workers  # the fixture, shared rather than copied


@pytest.mark.django_db(transaction=True)
def test_a_first_boot_builds_no_backlog_and_greets_nobody(workers):
    schedules_migration.create_schedules(django_apps, None)
    workers.start(REPORT_TEST_CATCH_UP="1")  # the worker starts before there is any data
    # The catch-up it queued as it started has run once a job sent after the first has.
    drain(workers)
    drain(workers)
    assert not Report.objects.exists()

    call_command("load_demo", stdout=StringIO())  # the office's data arrives
    catch_up_reports.apply_async(queue=workers.queue)  # the hourly catch-up
    drain(workers)
    assert not Report.objects.exists()
    assert not Notification.objects.filter(url__startswith=reverse("reforms:report_list")).exists()

    # Later the worker is down over the runs' times, with these parks entered long before.
    Park.objects.update(created_at=LONG_AGO)
    catch_up_reports.apply_async(queue=workers.queue)
    drain(workers)
    parks = list(Park.objects.values_list("pk", "subdistrict_id"))
    expected = {"district"}
    expected |= {f"park:{pk}" for pk, _subdistrict in parks}
    expected |= {f"subdistrict:{subdistrict}" for _pk, subdistrict in parks}
    assert set(Report.objects.values_list("scope_key", flat=True)) == expected
    assert Report.objects.count() == 4 * len(expected)  # a week, month, quarter and year each
    wait_for(
        lambda: set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DONE},
        what="the caught-up reports to be built",
        workers=workers,
    )
    # Runs really missed are announced, as the runs themselves would have been.
    assert Notification.objects.filter(url__startswith=reverse("reforms:report_list")).exists()
