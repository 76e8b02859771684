"""The API's fast read paths answer byte for byte what DRF's own path and the deadline flags'
uncompiled SQL answer (issue 14): parks.core.api.reading (fields built once, rows read through
a plan) and parks.core.compiled (annotations compiled once).

Every list and detail these paths serve is read twice — fast, then with both switched off — over
rows with and without their optional parts (no grid zone, no unit or handler, no personal data,
attachments and photos, a merged case, a blank satisfaction, tasks without a park or owner,
reports not yet built), by each role, masked and unmasked, in Chinese and in English.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db.models import CharField, Value
from django.utils import translation

import grievances.selectors
import reforms.reporting.freshness
import reforms.tasks.selectors
from grievances.api.serializers import GrievanceSerializer
from grievances.choices import Satisfaction, Status
from grievances.models import Attachment, Grievance
from parks.core import compiled
from parks.core.api.reading import ReadFastSerializer
from parks.gridlog.api.serializers import ActivitySerializer
from parks.gridlog.models import ActivityPhoto
from parks.structure.choices import Role
from reforms.reporting.api.report_serializers import ReportSerializer
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.models import Report
from reforms.tasks.api.serializers import TaskSerializer
from reforms.tasks.models import Task
from tests.factories import (
    ActivityFactory,
    GrievanceFactory,
    OrganisationFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 20, 3, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def varied(park, other_park, grid_zone, member_unit_user, liaison):
    """Grievances, activities, tasks and reports with and without their optional parts."""
    unit = member_unit_user.organisation
    handler = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    survivor = GrievanceFactory(park=park, status=Status.IN_PROGRESS, handling_unit=unit)
    rows = [
        GrievanceFactory(park=park, complainant_name="", complainant_phone=""),
        GrievanceFactory(
            park=park,
            grid_zone=grid_zone,
            status=Status.ASSIGNED,
            handling_unit=unit,
            handler=handler,
            complainant_employer="某某建材商行",
            received_at=NOW - timedelta(hours=22),
            response_due_at=NOW + timedelta(hours=2),
            resolution_due_at=NOW + timedelta(days=14),
        ),
        GrievanceFactory(
            park=park,
            status=Status.CLOSED,
            handling_unit=unit,
            responded_at=RECEIVED + timedelta(hours=30),
            resolved_at=RECEIVED + timedelta(days=20),
            closed_at=RECEIVED + timedelta(days=22),
            satisfaction=Satisfaction.SATISFIED,
            rectified=True,
            reply="已补发工资。",
        ),
        GrievanceFactory(park=park, status=Status.MERGED, merged_into=survivor),
        GrievanceFactory(park=other_park, sms_consent=True, title="Wages late"),
    ]
    for n, grievance in enumerate(rows[:2]):
        Attachment.objects.create(
            grievance=grievance,
            file=ContentFile(b"%PDF-1.4", name=f"a{n}.pdf"),
            original_name=f"工资单{n}.pdf",
            size=8,
        )
    activity = ActivityFactory(grid_zone=grid_zone, logged_by=liaison, organisers="园区工会")
    ActivityFactory(grid_zone=None, park=other_park, place="", participants=0)
    ActivityPhoto.objects.create(
        activity=activity,
        image=ContentFile(b"jpg", name="p.jpg"),
        thumbnail=ContentFile(b"jpg", name="t.jpg"),
        width=800,
        height=600,
    )
    task = TaskFactory(park=park, owner=handler, progress=30, due_date=date(2026, 6, 25))
    task.supporting_units.add(unit, OrganisationFactory(name="区人社局"))
    TaskFactory(status="done", progress=100, done_on=date(2027, 1, 3))
    for status, scope, target in (
        (ReportStatus.DONE, ReportScope.PARK, {"park": park}),
        (ReportStatus.QUEUED, ReportScope.DISTRICT, {}),
    ):
        Report.objects.create(
            scope=scope,
            period_kind=PeriodKind.MONTH,
            period_start=date(2026, 5, 1),
            period_end=date(2026, 5, 31),
            status=status,
            finished_at=NOW - timedelta(days=1) if status == ReportStatus.DONE else None,
            as_of=NOW - timedelta(days=1) if status == ReportStatus.DONE else None,
            **target,
        )
    return {"grievances": [*rows, survivor], "task": task}


def _paths(varied):
    paths = [
        "/api/v1/grievances/",
        "/api/v1/grievances/?unmask=true",
        "/api/v1/grievances/?flag=breached",
        "/api/v1/grievances/?ordering=-received_at&unmask=1",
        "/api/v1/grievances/cursor/",
        "/api/v1/activities/",
        "/api/v1/activities/cursor/",
        "/api/v1/tasks/",
        "/api/v1/tasks/?ordering=warning",
        f"/api/v1/tasks/{varied['task'].pk}/",
        "/api/v1/reports/",
    ]
    for grievance in varied["grievances"]:
        paths += [
            f"/api/v1/grievances/{grievance.pk}/",
            f"/api/v1/grievances/{grievance.pk}/?unmask=1",
        ]
    return paths


def _answers(client, paths, language):
    with time_machine.travel(NOW, tick=False):
        return [
            (path, response.status_code, response.content)
            for path in paths
            for response in [client.get(path, HTTP_ACCEPT_LANGUAGE=language)]
        ]


def _uncompiled(queryset, build, values, *, key):
    return build(queryset, *values)


COMPILING_MODULES = [grievances.selectors, reforms.tasks.selectors, reforms.reporting.freshness]
USERS = ["office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_fast_paths_answer_what_drf_and_the_uncompiled_sql_answer(
    request, api_as, varied, monkeypatch, who, language
):
    client = api_as(request.getfixturevalue(who))
    paths = _paths(varied)
    fast = _answers(client, paths, language)
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    for module in COMPILING_MODULES:
        monkeypatch.setattr(module, "compiled_once", _uncompiled)
    assert fast == _answers(client, paths, language)
    assert any(status == 200 and b'"results":[{' in body for _path, status, body in fast)


def test_the_answers_differ_where_the_data_does(api_as, office_user, varied):
    """The comparison above can fail: masked and unmasked answers are told apart."""
    client = api_as(office_user)
    grievance = varied["grievances"][1]
    masked, unmasked = (
        _answers(client, [f"/api/v1/grievances/{grievance.pk}/{query}"], "zh-hans")
        for query in ("", "?unmask=1")
    )
    assert masked != unmasked
    assert "张**".encode() in masked[0][2]


def test_the_deadline_flags_are_the_definitions_sql_with_this_moments_values(varied):
    """The compiled annotations select the definition's very SQL, and their values follow the
    moment asked for, not the one they were first compiled at."""
    now = NOW
    for moment in (now, now + timedelta(days=30), now - timedelta(days=30)):
        flagged = grievances.selectors.with_deadline_flags(Grievance.objects.all(), now=moment)
        defined = _uncompiled_flags(moment)
        assert str(flagged.query) == str(defined.query)
        fields = ["pk", "deadline_flag", "response_breached", "resolution_breached", "due_soon"]
        assert list(flagged.order_by("pk").values_list(*fields)) == list(
            defined.order_by("pk").values_list(*fields)
        )
    assert list(_flags(now)) != list(_flags(now - timedelta(days=30)))


def _uncompiled_flags(moment):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grievances.selectors, "compiled_once", _uncompiled)
        return grievances.selectors.with_deadline_flags(Grievance.objects.all(), now=moment)


def _flags(moment):
    flagged = grievances.selectors.with_deadline_flags(Grievance.objects.all(), now=moment)
    return flagged.order_by("pk").values_list("deadline_flag", flat=True)


def test_the_flags_filter_and_serve_inside_another_query(varied):
    """Inside a subquery Django renames the table: the flags compile afresh there, renamed."""
    flagged = grievances.selectors.with_deadline_flags(Grievance.objects.all(), now=NOW)
    breached = flagged.filter(deadline_flag="breached").values("pk")
    inner = Grievance.objects.filter(pk__in=breached)
    expected = {pk for pk, flag in flagged.values_list("pk", "deadline_flag") if flag == "breached"}
    assert expected
    assert set(inner.values_list("pk", flat=True)) == expected


def test_the_flags_compile_once_per_process(varied, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED", {})
    compiles = []
    original = compiled.CompiledOnce._defined

    def counted(self, values):
        compiles.append(self.name)
        return original(self, values)

    monkeypatch.setattr(compiled.CompiledOnce, "_defined", counted)
    for moment in (NOW, NOW + timedelta(hours=1)):
        list(grievances.selectors.with_deadline_flags(Grievance.objects.all(), now=moment))
    # Twice each, with two sets of stand-ins, the first time; never again.
    names = ["response_breached", "resolution_breached", "due_soon", "deadline_flag"]
    assert sorted(compiles) == sorted(names * 2)


def _day_as_text(queryset, day):
    return queryset.annotate(day_text=Value(day.isoformat(), output_field=CharField()))


def test_a_value_the_sql_does_not_carry_as_given_is_compiled_afresh(varied, monkeypatch):
    """A parameter made from a value (a backend adapting dates into text does the same) cannot
    be put back into remembered SQL: such an annotation is compiled each time, correctly."""
    monkeypatch.setattr(compiled, "_COMPILED", {})
    for day in (date(2026, 6, 1), date(2026, 7, 2)):
        rows = compiled.compiled_once(Grievance.objects.all(), _day_as_text, (day,), key="t")
        assert set(rows.values_list("day_text", flat=True)) == {day.isoformat()}
    assert compiled._COMPILED == {("t", "day_text", "postgresql"): None}


@pytest.mark.parametrize(
    ("module", "annotate", "model"),
    [
        (
            reforms.tasks.selectors,
            lambda module, day: module.with_warning(Task.objects.all(), today=day.date()),
            Task,
        ),
        (
            grievances.selectors,
            lambda module, day: module.with_next_deadline(Grievance.objects.all()),
            Grievance,
        ),
        (
            reforms.reporting.freshness,
            lambda module, day: module.with_data_changed_at(Report.objects.all()),
            Report,
        ),
    ],
    ids=["task warning", "next deadline", "report freshness"],
)
def test_the_other_compiled_annotations_are_their_definitions(varied, module, annotate, model):
    for day in (NOW, NOW + timedelta(days=200)):
        compiled_rows = annotate(module, day)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(module, "compiled_once", _uncompiled)
            defined = annotate(module, day)
        assert str(compiled_rows.query) == str(defined.query)
        assert list(compiled_rows.order_by("pk").values()) == list(defined.order_by("pk").values())


@pytest.mark.parametrize(
    "serializer_class", [GrievanceSerializer, ActivitySerializer, TaskSerializer, ReportSerializer]
)
def test_fields_are_labelled_as_drf_labels_them_in_each_language(serializer_class, monkeypatch):
    """DRF labels a field by its verbose name only where that differs from the field's name in
    the active language; the schema's titles follow, whichever language came first."""

    def labels(language):
        with translation.override(language):
            return [(name, str(field.label)) for name, field in serializer_class().fields.items()]

    fast = [labels(language) for language in ("en", "zh-hans", "en")]
    monkeypatch.setattr(ReadFastSerializer, "read_fast", False)
    assert fast == [labels(language) for language in ("en", "zh-hans", "en")]
    assert fast[0] != fast[1]
