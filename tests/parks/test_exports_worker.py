"""A real Celery worker writes an export asked for through the API: once, however many times
its message arrives, with the rows its requester may see and their personal data logged once."""

import time
from io import BytesIO

import pytest
from celery import current_app
from openpyxl import load_workbook

from grievances.models import PersonalDataView
from parks.core import queue
from parks.exports import services
from parks.exports.models import Export
from tests.export_helpers import content
from tests.factories import GrievanceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(worker_queue):
    """The portal's jobs go to a real worker of their own."""
    conf = current_app.conf
    previous = conf.task_default_queue
    conf.task_default_queue = worker_queue
    yield worker_queue
    conf.task_default_queue = previous


def _settled(export_id, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export = Export.objects.get(pk=export_id)
        if export.status in ("done", "failed"):
            return export
        time.sleep(0.3)
    raise AssertionError(f"export {export_id} not written within {timeout} s")


def test_a_worker_writes_an_export_once_however_often_it_is_sent(
    worker, api_as, office_user, park, other_park
):
    for name, where in (("张三丰", park), ("李四", park), ("王五", other_park)):
        GrievanceFactory(park=where, complainant_name=name, complainant_phone="13812345678")
    api = api_as(office_user)

    response = api.post(
        "/api/v1/exports/",
        {"kind": "grievances", "filters": {"group": "all", "unmask": "1"}},
        format="json",
    )
    assert response.status_code == 202
    export_id = response.json()["id"]
    # The same message again, twice: a redelivery, a sweep that raced the first build.
    queue.send(services.BUILD_EXPORT, export_id)
    queue.send(services.BUILD_EXPORT, export_id)

    export = _settled(export_id)
    time.sleep(2)  # give the extra messages their chance to (wrongly) write again
    export.refresh_from_db()
    assert (export.status, export.rows_total, export.build_attempts) == ("done", 3, 1)
    assert PersonalDataView.objects.filter(viewer=office_user, via="export").count() == 3
    polled = api.get(f"/api/v1/exports/{export_id}/").json()
    download = api.get(polled["download_url"])
    sheet = load_workbook(BytesIO(content(download))).worksheets[0]
    names = sorted(row[7] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["张三丰", "李四", "王五"]
