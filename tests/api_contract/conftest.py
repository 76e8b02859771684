"""A live portal full of demo data, as a REST client meets it: over HTTP, with knox tokens.

The demo (`manage.py load_demo`) has no files and no built report, so the fixture adds one of
each kind through the services users go through: a photo on a grid-log entry, an evidence file,
a grievance attachment, a report that is built and one still queued (its file links are null).
"""

import io
import logging
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from pytest_django.live_server_helper import LiveServer

from grievances import services as grievance_services
from grievances.choices import Channel, Status
from grievances.models import Attachment, Grievance, Mediation
from parks.gridlog import services as gridlog_services
from parks.gridlog.models import Activity, ActivityPhoto
from parks.structure import services as structure_services
from parks.structure.models import GridZone, User
from reforms.reporting import services as report_services
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.tasks import services as reform_services
from reforms.tasks.models import Evidence, Task

# The two roles the contract is checked as: the district office sees and may do everything; a
# grid liaison sees one park and writes in their own zones, so 403s and 404s come up often.
ROLES = ("office", "liaison_sy01")


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def _files_and_reports(office: User) -> None:
    zone = GridZone.objects.select_related("park").get(park__name__contains="盛阳", code="G01")
    gridlog_services.activity_create(
        activity=Activity(
            park=zone.park,
            grid_zone=zone,
            kind=Activity.objects.values_list("kind", flat=True).first(),
            title="带照片的走访",
            occurred_at=timezone.now() - timedelta(hours=2),
            participants=3,
        ),
        actor=office,
        photos=[SimpleUploadedFile("visit.jpg", _jpeg(), content_type="image/jpeg")],
    )
    task = Task.objects.exclude(status__in=["done", "cancelled"]).order_by("pk").first()
    reform_services.progress_post(
        task=task,
        actor=office,
        percent=max(task.progress, 10),
        text="附证明材料",
        files=[
            SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        ],
    )
    grievance_services.grievance_receive(
        grievance=Grievance(
            park=zone.park,
            grid_zone=zone,
            channel=Channel.LIAISON_VISIT,
            category=Grievance.objects.values_list("category", flat=True).first(),
            title="附现场照片的诉求",
            description="摊位漏水",
        ),
        actor=office,
        files=[SimpleUploadedFile("scene.jpg", _jpeg(), content_type="image/jpeg")],
    )
    # The demo has no extension request: one from the unit handling a grievance.
    handled = Grievance.objects.filter(
        status__in=[Status.ACCEPTED, Status.IN_PROGRESS], handling_unit__isnull=False
    ).first()
    unit_staff = User.objects.filter(organisation=handled.handling_unit, is_active=True).first()
    grievance_services.extension_request(
        grievance=handled, actor=unit_staff, days=5, reason="需要补充材料"
    )
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    built, _created = report_services.report_get_or_create(
        scope=ReportScope.PARK,
        park=zone.park,
        period_kind=PeriodKind.MONTH,
        start=last_month.replace(day=1),
        end=last_month,
    )
    report_services.report_build(built.pk)
    report_services.report_get_or_create(
        scope=ReportScope.DISTRICT,
        period_kind=PeriodKind.MONTH,
        start=last_month.replace(day=1),
        end=last_month,
    )


@dataclass
class DemoPortal:
    url: str
    tokens: dict[str, str]
    # Rows no list endpoint shows (files), by the path their operations live under.
    file_ids: dict[tuple[str, str], list[int]]
    # A grievance with a mediation: most have none, and theirs is a 404.
    mediated_grievance: int


@pytest.fixture(scope="module")
def demo_portal(django_db_setup, django_db_blocker):
    """A live portal loaded with the demo once for the whole module, with a knox token per role.

    pytest-django's `live_server` fixture empties the database after every test; loading the
    demo takes half a minute, so the module runs its own server over data loaded once and
    empties the database itself when done, as `live_server` tests do.
    """
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())
        _files_and_reports(User.objects.get(username="office"))
        tokens = {}
        for username in ROLES:
            user = User.objects.get(username=username)
            _row, tokens[username] = structure_services.api_token_create(owner=user, actor=user)
        file_ids = {
            ("/api/v1/evidence/", "id"): list(Evidence.objects.values_list("pk", flat=True)),
            ("/api/v1/grievance-attachments/", "id"): list(
                Attachment.objects.values_list("pk", flat=True)
            ),
            ("/api/v1/activities/", "photo_id"): list(
                ActivityPhoto.objects.values_list("pk", flat=True)
            ),
        }
        mediated_grievance = Mediation.objects.values_list("grievance_id", flat=True).first()
    server = LiveServer("localhost")
    # Thousands of 4xx answers are the point here; a warning line for each only slows the run.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    yield DemoPortal(
        url=server.url, tokens=tokens, file_ids=file_ids, mediated_grievance=mediated_grievance
    )
    request_log.setLevel(level)
    server.stop()
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
