"""The construction table (施工表) in Excel: preview, all-or-nothing commit, export, round trip,
bad input, the sample sheet and the demo that imports it."""

import time
from collections import Counter
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from parks.core.excel import XLSX_CONTENT_TYPE
from parks.structure.choices import Role
from parks.structure.models import User
from reforms.tasks import services
from reforms.tasks.excel import HEADERS, task_table_response, write_task_table
from reforms.tasks.imports import task_import_commit, task_import_discard, task_import_preview
from reforms.tasks.models import Milestone, ProgressUpdate, Task, TaskImport
from reforms.tasks.sample_data import SAMPLE_TASKS, build_sample_sheet, sample_sheet_response
from reforms.tasks.selectors import task_table, with_warning
from tests.factories import OrganisationFactory, PlanFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

PLAN = "梁溪区特色产业园区产改工作推进方案"


@pytest.fixture(autouse=True)
def in_english():
    """Messages in English, so the assertions hold whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def plan():
    return PlanFactory(title=PLAN, year=2026)


@pytest.fixture
def units():
    return [OrganisationFactory(name=name) for name in ("区总工会", "区人社局", "区司法局")]


def row(code="2026-LX-01", **values):
    """One sheet row in column order; every cell valid unless overridden."""
    cells = {
        "编号": code,
        "实施方案": PLAN,
        "方案年度": 2026,
        "园区": None,
        "类别": "关爱服务",
        "任务名称": "送清凉慰问一线职工",
        "任务内容": "开展送清凉活动",
        "牵头单位": "区总工会",
        "配合单位": "区人社局、区司法局",
        "责任人": None,
        "开始日期": date(2026, 3, 1),
        "完成时限": date(2026, 8, 31),
        "权重": 3,
    }
    cells.update(values)
    return [cells[header] for header in HEADERS]


def sheet(rows, headers=HEADERS, name="施工表.xlsx"):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(headers)
    for cells in rows:
        worksheet.append(cells)
    stream = BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue(), content_type=XLSX_CONTENT_TYPE)


def preview(upload, user):
    return task_import_preview(uploaded_file=upload, actor=user)


def exported(user):
    stream = BytesIO()
    write_task_table(task_table(user=user), stream)
    return SimpleUploadedFile("施工表.xlsx", stream.getvalue(), content_type=XLSX_CONTENT_TYPE)


def snapshot():
    """Every stored field of every task, and its supporting units."""
    through = Task.supporting_units.through.objects.order_by("task_id", "organisation_id")
    return (
        list(Task.objects.order_by("code").values()),
        list(through.values_list("task_id", "organisation_id")),
    )


# --- Preview ------------------------------------------------------------------------------------


def test_preview_shows_each_rows_errors_and_saves_no_task(office_user, plan, units):
    upload = sheet(
        [
            row("2026-LX-01"),
            row("2026-LX-02", 牵头单位="区不存在局"),
            row("2026-LX-03", 完成时限="2026-13-40"),
            row("2026-LX-04", 任务名称=None),
        ]
    )

    task_import = preview(upload, office_user)

    errors = {item["row"]: item["errors"] for item in task_import.rows}
    assert errors[2] == []
    assert any("区不存在局" in message for message in errors[3])
    assert any("完成时限" in message and "2026-13-40" in message for message in errors[4])
    assert any("任务名称" in message for message in errors[5])
    assert [item["action"] for item in task_import.rows] == ["create"] * 4
    assert task_import.state == TaskImport.State.PREVIEW
    assert task_import.error_count == 3
    assert not Task.objects.exists()


def test_preview_checks_what_one_row_alone_cannot_show(office_user, plan, units):
    upload = sheet(
        [
            row("2026-LX-01", 开始日期="2026-09-01"),  # due before start
            row("2026-LX-01"),  # the same code twice
            row("2026-LX-02", 类别="烹饪", 权重=101, 方案年度=2025, 责任人="nobody"),
            row("2026 LX 03", 任务名称="任" * 201),
        ]
    )

    rows = {item["row"]: " ".join(item["errors"]) for item in preview(upload, office_user).rows}

    assert "before the start" in rows[2]
    assert "row 2" in rows[3]
    for part in ("烹饪", "权重", PLAN, "nobody"):
        assert part in rows[4]
    assert "spaces" in rows[5] and "200" in rows[5]


def test_dates_may_be_written_as_text_in_the_usual_ways(office_user, plan, units):
    upload = sheet(
        [
            row("A-1", 开始日期="2026/3/1", 完成时限="2026年8月31日"),
            row("A-2", 开始日期="2026-03-01", 完成时限=" 2026.8.31 "),
        ]
    )

    rows = preview(upload, office_user).rows

    for item in rows:
        assert item["errors"] == []
        assert (item["values"]["start_date"], item["values"]["due_date"]) == (
            "2026-03-01",
            "2026-08-31",
        )


def test_the_category_may_be_the_chinese_term_the_english_label_or_the_code(
    office_user, plan, units
):
    upload = sheet(
        [row("A-1", 类别="关爱服务"), row("A-2", 类别="Care services"), row("A-3", 类别="care")]
    )

    rows = preview(upload, office_user).rows

    assert [item["values"]["category"] for item in rows] == ["care"] * 3
    assert all(item["errors"] == [] for item in rows)


def test_wrong_headers_are_one_sheet_error_naming_the_missing_columns(office_user, plan, units):
    headers = [header if header != "任务名称" else "名称" for header in HEADERS]

    task_import = preview(sheet([row()], headers=headers), office_user)

    assert task_import.rows == []
    text = " ".join(task_import.sheet_errors)
    assert "任务名称" in text and "名称" in text
    assert task_import.error_count >= 1


def test_a_sheet_with_headers_only_has_nothing_to_import(office_user):
    task_import = preview(sheet([]), office_user)

    assert task_import.rows == [] and task_import.error_count == 1


def test_a_file_that_is_not_excel_gives_a_clear_error(office_user):
    upload = SimpleUploadedFile("施工表.xlsx", b"code,title\n1,not a workbook\n")

    task_import = preview(upload, office_user)

    assert task_import.rows == []
    assert "Excel" in task_import.sheet_errors[0]


def test_a_file_that_is_not_xlsx_by_name_or_too_big_is_refused(office_user):
    with pytest.raises(ValidationError, match="xlsx"):
        preview(SimpleUploadedFile("施工表.csv", b"a,b"), office_user)
    with pytest.raises(ValidationError, match="MB"):
        preview(SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 6 * 1024**2), office_user)
    assert not TaskImport.objects.exists()


def test_a_workbook_that_unpacks_too_big_is_refused_before_it_is_read(office_user, monkeypatch):
    monkeypatch.setattr("reforms.tasks.excel.MAX_UNPACKED_BYTES", 1000)

    task_import = preview(sheet([row()]), office_user)

    assert task_import.rows == []
    assert "too large" in task_import.sheet_errors[0]


def test_ten_thousand_bad_rows_are_refused_quickly(office_user, settings):
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet()
    worksheet.append(HEADERS)
    for number in range(10_000):
        worksheet.append([f"BAD-{number}", "no such plan", "year?", None, "??"])
    stream = BytesIO()
    workbook.save(stream)
    upload = SimpleUploadedFile("big.xlsx", stream.getvalue())

    started = time.monotonic()
    task_import = preview(upload, office_user)

    assert time.monotonic() - started < 5
    assert task_import.rows == []
    assert str(settings.TASK_IMPORT_MAX_ROWS) in task_import.sheet_errors[0]


def test_only_the_office_imports(plan, member_unit_user):
    with pytest.raises(PermissionDenied):
        preview(sheet([row()]), member_unit_user)


# --- Commit -------------------------------------------------------------------------------------


def test_commit_creates_the_tasks_as_planned_with_their_units(office_user, plan, units):
    owner = UserFactory(username="member_unit", role=Role.MEMBER_UNIT, organisation=units[0])
    task_import = preview(sheet([row(责任人="member_unit"), row("2026-LX-02")]), office_user)

    counts = task_import_commit(task_import=task_import, actor=office_user)

    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    task = Task.objects.get(code="2026-LX-01")
    assert (task.plan, task.lead_unit.name, task.owner) == (plan, "区总工会", owner)
    assert (task.status, task.progress, task.weight) == ("planned", 0, 3)
    assert set(task.supporting_units.values_list("name", flat=True)) == {"区人社局", "区司法局"}
    task_import.refresh_from_db()
    assert task_import.state == TaskImport.State.COMMITTED and task_import.committed_at


def test_commit_is_all_or_nothing(office_user, plan, units):
    task_import = preview(
        sheet([row("2026-LX-01"), row("2026-LX-02"), row("2026-LX-03")]), office_user
    )
    # Between preview and commit someone creates the second row's code by hand.
    TaskFactory(code="2026-LX-02", title="手工录入的任务")

    with pytest.raises(ValidationError) as error:
        task_import_commit(task_import=task_import, actor=office_user)

    assert "Row 3" in error.value.messages[0]
    assert list(Task.objects.values_list("code", flat=True)) == ["2026-LX-02"]
    assert Task.objects.get().title == "手工录入的任务"
    task_import.refresh_from_db()
    assert task_import.state == TaskImport.State.PREVIEW


def test_a_preview_with_errors_cannot_be_committed(office_user, plan, units):
    task_import = preview(sheet([row(), row("2026-LX-02", 牵头单位="区不存在局")]), office_user)

    with pytest.raises(ValidationError, match="errors"):
        task_import_commit(task_import=task_import, actor=office_user)

    assert not Task.objects.exists()


def test_committing_twice_creates_once(office_user, plan, units):
    task_import = preview(sheet([row(), row("2026-LX-02")]), office_user)
    task_import_commit(task_import=task_import, actor=office_user)
    stale_copy = TaskImport.objects.get(pk=task_import.pk)
    stale_copy.state = TaskImport.State.PREVIEW  # as a second request that read it earlier

    with pytest.raises(ValidationError, match="already"):
        task_import_commit(task_import=stale_copy, actor=office_user)

    assert Task.objects.count() == 2


def test_a_row_of_a_park_plan_without_that_park_is_an_error_in_the_preview(office_user, park):
    PlanFactory(title="园区方案", year=2026, scope="park", park=park)
    OrganisationFactory(name="区总工会")

    task_import = preview(
        sheet(
            [
                row(实施方案="园区方案", 配合单位=None),
                row("2026-LX-02", 实施方案="园区方案", 园区=park.name, 配合单位=None),
            ]
        ),
        office_user,
    )

    first, second = task_import.rows
    assert any(park.name in message for message in first["errors"])
    assert second["errors"] == []


def test_dates_outside_2000_to_2100_are_errors_in_the_preview(office_user, plan, units):
    task_import = preview(
        sheet([row(开始日期=date(1999, 12, 31)), row("2026-LX-02", 完成时限=date(2101, 1, 1))]),
        office_user,
    )

    for item in task_import.rows:
        assert any("2000-01-01" in message for message in item["errors"]), item["errors"]


def test_a_discarded_preview_imports_nothing(office_user, plan, units):
    task_import = preview(sheet([row()]), office_user)
    task_import_discard(task_import=task_import, actor=office_user)

    with pytest.raises(ValidationError):
        task_import_commit(task_import=task_import, actor=office_user)

    assert not Task.objects.exists()


# --- Export and the round trip ------------------------------------------------------------------


@pytest.fixture
def varied_tasks(office_user, plan, units, park):
    owner = UserFactory(username="member_unit", role=Role.MEMBER_UNIT, organisation=units[0])
    first = TaskFactory(
        code="2026-HX-01",
        plan=plan,
        park=park,
        lead_unit=units[0],
        owner=owner,
        category="skills",
        title="=SUM(A1:A2) 不是公式",
        description="第一行\n第二行",
        weight=7,
        start_date=date(2026, 1, 5),
        due_date=date(2026, 6, 30),
        status="in_progress",
        progress=40,
    )
    first.supporting_units.set(units[1:])
    second = TaskFactory(
        code="2026-LX-02",
        plan=plan,
        lead_unit=units[1],
        status="done",
        progress=100,
        done_on=date(2026, 2, 1),
    )
    return [first, second]


def test_an_exported_sheet_imports_back_unchanged(office_user, varied_tasks):
    before = snapshot()

    task_import = preview(exported(office_user), office_user)

    assert task_import.sheet_errors == []
    assert [(item["errors"], item["action"]) for item in task_import.rows] == [
        ([], "unchanged")
    ] * 2
    counts = task_import_commit(task_import=task_import, actor=office_user)
    assert counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert snapshot() == before


def test_an_edited_sheet_updates_details_but_never_status_or_progress(office_user, varied_tasks):
    upload = exported(office_user)
    workbook = load_workbook(BytesIO(upload.read()))
    worksheet = workbook.active
    title_column = HEADERS.index("任务名称") + 1
    for line in worksheet.iter_rows(min_row=2):
        if line[0].value == "2026-HX-01":
            line[title_column - 1].value = "新标题"
            line[HEADERS.index("配合单位")].value = "区司法局"
            line[len(HEADERS)].value = "已完成"  # 状态: read-only, ignored
    stream = BytesIO()
    workbook.save(stream)

    task_import = preview(SimpleUploadedFile("改.xlsx", stream.getvalue()), office_user)
    task_import_commit(task_import=task_import, actor=office_user)

    assert sorted(item["action"] for item in task_import.rows) == ["unchanged", "update"]
    task = Task.objects.get(code="2026-HX-01")
    assert (task.title, task.status, task.progress) == ("新标题", "in_progress", 40)
    assert list(task.supporting_units.values_list("name", flat=True)) == ["区司法局"]


def test_a_commit_keeps_an_edit_made_after_the_preview_to_what_the_sheet_does_not_change(
    office_user, varied_tasks
):
    upload = exported(office_user)
    workbook = load_workbook(BytesIO(upload.read()))
    for line in workbook.active.iter_rows(min_row=2):
        if line[0].value == "2026-HX-01":
            line[HEADERS.index("任务名称")].value = "表格里的新标题"
    stream = BytesIO()
    workbook.save(stream)
    task_import = preview(SimpleUploadedFile("改.xlsx", stream.getvalue()), office_user)

    # After the preview, a colleague moves the due date and rewrites the description.
    edited = Task.objects.get(code="2026-HX-01")
    edited.due_date, edited.description = date(2026, 7, 31), "同事改过的说明"
    services.task_save(task=edited, actor=office_user)

    task_import_commit(task_import=task_import, actor=office_user)

    task = Task.objects.get(code="2026-HX-01")
    assert task.title == "表格里的新标题"
    assert (task.due_date, task.description) == (date(2026, 7, 31), "同事改过的说明")
    assert task.supporting_units.count() == 2


def test_the_export_writes_headers_dates_and_read_only_columns(office_user, varied_tasks):
    response = task_table_response(task_table(user=office_user))

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "filename*=utf-8''%E6%96%BD%E5%B7%A5%E8%A1%A8.xlsx" in response["Content-Disposition"]
    worksheet = load_workbook(BytesIO(response.content)).active
    assert worksheet.freeze_panes == "A2"
    header = [cell.value for cell in worksheet[1]]
    assert header == [*HEADERS, "状态", "进度(%)", "预警"]
    first = {name: cell for name, cell in zip(header, worksheet[2], strict=True)}
    assert first["任务名称"].data_type == "s"  # "=SUM(...)" stays text
    assert first["开始日期"].value.date() == date(2026, 1, 5)
    assert first["开始日期"].number_format == "yyyy-mm-dd"
    assert first["进度(%)"].value == 40


@pytest.mark.parametrize("count", [2, 50])
def test_the_export_runs_a_fixed_number_of_queries(office_user, plan, units, count):
    for _number in range(count):
        TaskFactory(plan=plan, lead_unit=units[0]).supporting_units.set(units[1:])

    with CaptureQueriesContext(connection) as queries:
        write_task_table(task_table(user=office_user), BytesIO())

    assert len(queries) == 2  # the tasks with their joins, and their supporting units


# --- The sample sheet and the demo --------------------------------------------------------------


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def demo_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Task, Milestone, ProgressUpdate, TaskImport)
    }


def test_the_demo_imports_the_whole_sample_sheet_through_the_import():
    load_demo()

    task_import = TaskImport.objects.get()
    assert task_import.state == TaskImport.State.COMMITTED
    assert task_import.error_count == 0
    assert len(task_import.rows) == len(SAMPLE_TASKS) == Task.objects.count()


def test_the_sample_sheet_imports_again_with_no_errors_and_nothing_to_change():
    load_demo()  # the plans, units and accounts the sheet names, and its tasks
    stream = BytesIO()
    build_sample_sheet(stream, today=timezone.localdate())
    upload = SimpleUploadedFile("施工表示例.xlsx", stream.getvalue())

    task_import = preview(upload, User.objects.get(username="office"))

    assert task_import.error_count == 0
    assert [item["action"] for item in task_import.rows] == ["unchanged"] * len(SAMPLE_TASKS)


def test_the_sample_sheet_is_offered_as_a_download():
    response = sample_sheet_response(date(2026, 5, 1))

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.values)
    assert rows[1][0] == "2026-" + SAMPLE_TASKS[0].number
    assert len(rows) == 1 + len(SAMPLE_TASKS)


def test_load_demo_twice_changes_nothing_and_shows_every_warning():
    load_demo()
    before, stamps = demo_counts(), dict(Task.objects.values_list("code", "updated_at"))

    output = load_demo()

    assert demo_counts() == before
    assert dict(Task.objects.values_list("code", "updated_at")) == stamps
    assert " created" not in output.replace(" 0 created", "")
    warnings = Counter(with_warning(Task.objects.all()).values_list("warning", flat=True))
    assert {"red", "yellow", "done_late", "green"} <= set(warnings)
    assert Task.objects.filter(status="done").count() >= 3
    assert Milestone.objects.exclude(done_on=None).exists()
