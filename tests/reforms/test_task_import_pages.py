"""Importing a plan of tasks from a spreadsheet: preview, errors, commit."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parks.core.excel import XLSX_CONTENT_TYPE
from parks.structure.choices import Role
from reforms.tasks.excel import HEADERS
from reforms.tasks.models import Task, TaskImport
from tests.factories import PlanFactory, UserFactory
from tests.reforms import pages_helpers as shared
from tests.reforms.pages_helpers import _html

# The shared fixtures, bound here so pytest finds them by name.
in_english = shared.in_english
on_the_first_of_june = shared.on_the_first_of_june
union = shared.union


pytestmark = pytest.mark.django_db


# --- Import ----------------------------------------------------------------------------------

PLAN_TITLE = "梁溪区特色产业园区产改工作推进方案"


def _sheet(rows, name="施工表.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for cells in rows:
        sheet.append(cells)
    stream = BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue(), content_type=XLSX_CONTENT_TYPE)


def _row(code, **values):
    cells = {
        "编号": code,
        "实施方案": PLAN_TITLE,
        "方案年度": 2026,
        "园区": None,
        "类别": "关爱服务",
        "任务名称": "送清凉慰问一线职工",
        "任务内容": "",
        "牵头单位": "区总工会",
        "配合单位": None,
        "责任人": None,
        "开始日期": date(2026, 6, 1),
        "完成时限": date(2026, 8, 31),
        "权重": 1,
    }
    cells.update(values)
    return [cells[header] for header in HEADERS]


@pytest.fixture
def import_plan(union):
    return PlanFactory(title=PLAN_TITLE, year=2026)


def _upload(client, upload):
    return client.post(reverse("reforms:task_import"), {"file": upload})


def test_only_office_staff_import(client, member_unit_user, import_plan):
    client.force_login(member_unit_user)
    assert client.get(reverse("reforms:task_import")).status_code == 403
    assert _upload(client, _sheet([_row("2026-X-01")])).status_code == 403
    assert client.get(reverse("reforms:task_import_sample")).status_code == 403


def test_the_import_preview_shows_each_rows_errors_and_blocks_the_commit(
    client, office_user, import_plan
):
    client.force_login(office_user)
    upload = _sheet(
        [
            _row("2026-X-01"),
            _row("2026-X-02", 牵头单位="不存在的单位"),
            _row("2026-X-03", 完成时限="明年", 任务名称=None),
        ]
    )
    response = _upload(client, upload)
    task_import = TaskImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reforms:task_import_preview", args=[task_import.pk])
    html = _html(client.get(response.url))
    assert html.count("row-has-errors") == 2
    assert "不存在的单位" in html and "明年" in html
    assert re.search(r'id="import-commit"[^>]*disabled', html)

    commit = client.post(reverse("reforms:task_import_commit", args=[task_import.pk]))
    assert commit.status_code == 302
    assert not Task.objects.exists()


def test_a_clean_sheet_previews_then_commits(client, office_user, import_plan):
    client.force_login(office_user)
    _upload(client, _sheet([_row("2026-X-01"), _row("2026-X-02", 任务名称="职工书屋")]))
    task_import = TaskImport.objects.get()
    preview_url = reverse("reforms:task_import_preview", args=[task_import.pk])
    html = _html(client.get(preview_url))
    assert html.count('data-action="create"') == 2 and "row-has-errors" not in html
    assert not re.search(r'id="import-commit"[^>]*disabled', html)

    response = client.post(reverse("reforms:task_import_commit", args=[task_import.pk]))
    assert response.status_code == 302 and response.url == reverse("reforms:task_list")
    assert set(Task.objects.filter(code__startswith="2026-X").values_list("title", flat=True)) == {
        "送清凉慰问一线职工",
        "职工书屋",
    }
    task_import.refresh_from_db()
    assert task_import.state == TaskImport.State.COMMITTED
    # A second click imports nothing more and says why.
    client.post(reverse("reforms:task_import_commit", args=[task_import.pk]))
    assert Task.objects.filter(code__startswith="2026-X").count() == 2


def test_a_preview_can_be_discarded(client, office_user, import_plan):
    client.force_login(office_user)
    _upload(client, _sheet([_row("2026-X-01")]))
    task_import = TaskImport.objects.get()
    response = client.post(reverse("reforms:task_import_discard", args=[task_import.pk]))
    assert response.status_code == 302
    task_import.refresh_from_db()
    assert task_import.state == TaskImport.State.DISCARDED
    assert not Task.objects.exists()


def test_a_text_file_named_xlsx_gives_a_sheet_error_not_a_500(client, office_user):
    client.force_login(office_user)
    upload = SimpleUploadedFile("施工表.xlsx", b"code,title\n1,2\n", content_type=XLSX_CONTENT_TYPE)
    response = _upload(client, upload)
    assert response.status_code == 302
    html = _html(client.get(response.url))
    assert 'id="sheet-errors"' in html
    assert re.search(r'id="import-commit"[^>]*disabled', html)


def test_a_file_that_is_not_xlsx_is_refused_on_the_form(client, office_user):
    client.force_login(office_user)
    html = _html(_upload(client, SimpleUploadedFile("tasks.csv", b"a,b\n")))
    assert "alert-danger" in html and not TaskImport.objects.exists()
    html = _html(client.post(reverse("reforms:task_import"), {}))
    assert "invalid-feedback" in html


def test_someone_elses_preview_is_not_found(client, office_user, import_plan):
    client.force_login(office_user)
    _upload(client, _sheet([_row("2026-X-01")]))
    task_import = TaskImport.objects.get()
    client.force_login(UserFactory(role=Role.OFFICE))
    url = reverse("reforms:task_import_preview", args=[task_import.pk])
    assert client.get(url).status_code == 404
    commit = reverse("reforms:task_import_commit", args=[task_import.pk])
    assert client.post(commit).status_code == 404


def test_the_sample_sheet_downloads_as_xlsx(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("reforms:task_import_sample"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][: len(HEADERS)] == HEADERS
