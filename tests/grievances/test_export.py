"""The inbox as Excel: a real workbook with Chinese headers, dates as dates and a frozen header,
the inbox's filters honoured, and complainants masked unless the user may see them and asks —
then every revealed row is logged in one insert."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from grievances.choices import Category, Channel, Status
from grievances.excel import FLAG_LABELS, HEADERS, XLSX_CONTENT_TYPE
from grievances.models import Grievance, PersonalDataView
from parks.structure.choices import Role
from tests.export_helpers import export_via_page
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def in_english(client):
    # The sheet is Chinese whatever language the page is read in.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def union(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def grievances(park, other_park, grid_zone, union):
    """Two in the park (one handled by the union), one in the other park."""
    handled = GrievanceFactory(
        park=park,
        grid_zone=grid_zone,
        title="拖欠工资",
        complainant_name="张三丰",
        complainant_phone="13812345678",
        complainant_employer="某建材商行",
    )
    Grievance.objects.filter(pk=handled.pk).update(
        status="accepted",
        handling_unit=union,
        responded_at=handled.received_at + timedelta(hours=30),
    )
    return {
        "handled": handled,
        "plain": GrievanceFactory(
            park=park, title='=HYPERLINK("http://evil")', complainant_name="李四"
        ),
        "elsewhere": GrievanceFactory(park=other_park, title="食堂太贵", complainant_name="王五"),
    }


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment;" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _export(client, **params):
    return _sheet(export_via_page(client, reverse("grievances:export"), params))


def test_the_export_is_a_workbook_with_chinese_headers_dates_and_a_frozen_header(
    client, office_user, grievances
):
    client.force_login(office_user)
    response = export_via_page(client, reverse("grievances:export"), {"group": "all"})
    # An ASCII name for clients that read only `filename`, then the Chinese one (RFC 5987, in
    # Django's spelling, as every other download of the portal).
    assert response["Content-Disposition"] == (
        'attachment; filename="grievances-20260602.xlsx"; '
        "filename*=utf-8''%E8%81%8C%E5%B7%A5%E8%AF%89%E6%B1%82-20260602.xlsx"
    )
    sheet, header, rows = _sheet(response)
    assert list(header) == HEADERS
    assert sheet.freeze_panes == "A2"
    assert len(rows) == 3
    row = next(r for r in rows if r["标题"] == "拖欠工资")
    assert row["园区"] == "无锡华夏家居港建材市场"
    assert row["网格"] == "G01 瓷砖区"
    with translation.override("zh-hans"):  # labels in Chinese, as the catalogue has them
        expected = [str(Channel.GM_MAILBOX.label), str(Category.WAGES.label)]
        expected += [str(Status.ACCEPTED.label), str(FLAG_LABELS["breached"])]
    assert [row["渠道"], row["类别"], row["状态"], row["时限预警"]] == expected
    assert row["承办单位"] == "区总工会"
    # 2026-06-01 09:00 UTC is 17:00 in the portal's zone; a real date cell, not text.
    assert row["受理时间"] == datetime(2026, 6, 1, 17, 0)  # noqa: DTZ001
    assert row["响应时间"] == datetime(2026, 6, 2, 23, 0)  # noqa: DTZ001
    date_cell = sheet.cell(row=2, column=HEADERS.index("受理时间") + 1)
    assert date_cell.number_format == "yyyy-mm-dd hh:mm"


def test_a_formula_in_a_title_stays_text(client, office_user, grievances):
    client.force_login(office_user)
    _sheet_, _header, rows = _export(client, group="all")
    titles = {row["标题"] for row in rows}
    assert '=HYPERLINK("http://evil")' in titles


def test_the_export_honours_the_inbox_filters(client, office_user, park, grievances):
    client.force_login(office_user)
    _s, _h, rows = _export(client, park=park.pk)
    assert {row["标题"] for row in rows} == {"拖欠工资", '=HYPERLINK("http://evil")'}
    _s, _h, rows = _export(client, group="waiting_reply")
    assert [row["标题"] for row in rows] == ["拖欠工资"]
    _s, _h, rows = _export(client, q="食堂")
    assert [row["标题"] for row in rows] == ["食堂太贵"]


def test_the_export_shows_only_what_the_user_sees(client, liaison, grievances):
    client.force_login(liaison)
    _s, _h, rows = _export(client)
    assert "食堂太贵" not in {row["标题"] for row in rows}


def test_names_and_phones_are_masked_without_asking(client, office_user, grievances):
    client.force_login(office_user)
    _s, _h, rows = _export(client)
    row = next(r for r in rows if r["标题"] == "拖欠工资")
    assert (row["诉求人"], row["联系电话"], row["工作单位"]) == ("张**", "138****5678", "***")
    assert not PersonalDataView.objects.exists()


def test_the_office_may_ask_for_them_and_every_revealed_row_is_logged_in_one_insert(
    client, office_user, grievances
):
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as queries:
        _s, _h, rows = _export(client, unmask="1")
    row = next(r for r in rows if r["标题"] == "拖欠工资")
    assert (row["诉求人"], row["联系电话"], row["工作单位"]) == (
        "张三丰",
        "13812345678",
        "某建材商行",
    )
    views = PersonalDataView.objects.all()
    assert {view.grievance_id for view in views} == {g.pk for g in grievances.values()}
    assert {(view.viewer_id, view.via) for view in views} == {(office_user.pk, "export")}
    inserts = [q for q in queries.captured_queries if "grievances_personaldataview" in q["sql"]]
    assert len(inserts) == 1 and inserts[0]["sql"].startswith("INSERT")


def test_a_unit_sees_only_its_own_cases_unmasked(client, member_unit_user, grievances):
    client.force_login(member_unit_user)
    _s, _h, rows = _export(client, unmask="1")
    by_title = {row["标题"]: row for row in rows}
    assert by_title["拖欠工资"]["诉求人"] == "张三丰"
    assert by_title["食堂太贵"]["诉求人"] == "王**"
    assert [view.grievance for view in PersonalDataView.objects.all()] == [grievances["handled"]]


@pytest.mark.parametrize("role", ["liaison", "subdistrict"])
def test_others_get_masked_data_even_when_asking(client, park, subdistrict, grievances, role):
    scope = {"park": park} if role == "liaison" else {"subdistrict": subdistrict}
    user = UserFactory(role=role, **scope)
    client.force_login(user)
    _s, _h, rows = _export(client, unmask="1")
    assert rows and all(row["联系电话"] in (None, "138****5678") for row in rows)
    assert "张三丰" not in {row["诉求人"] for row in rows}
    assert not PersonalDataView.objects.exists()


def test_the_unmasked_export_is_offered_to_those_who_may_use_it(client, office_user, liaison):
    client.force_login(office_user)
    assert 'id="export-excel-unmasked"' in client.get(reverse("grievances:inbox")).content.decode()
    client.force_login(liaison)
    assert (
        'id="export-excel-unmasked"' not in client.get(reverse("grievances:inbox")).content.decode()
    )
    unit_user = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())
    client.force_login(unit_user)
    assert 'id="export-excel-unmasked"' in client.get(reverse("grievances:inbox")).content.decode()
