"""The ledger exports: tidy Chinese sheets with totals, within the user's scope."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parks.core.excel import XLSX_CONTENT_TYPE
from reforms.ledgers.choices import ProposalStatus, PublicityChannel
from tests.export_helpers import content, export_via_page
from tests.factories import ProposalFactory, PublicityFactory, TrainingFactory
from tests.reforms import ledger_pages_helpers as shared

# The shared fixtures, bound here so pytest finds them by name.
care = shared.care
in_english = shared.in_english
on_the_twentieth_of_june = shared.on_the_twentieth_of_june


pytestmark = pytest.mark.django_db


# --- Excel ------------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(content(response)))


def test_the_care_export_is_a_tidy_chinese_sheet_with_totals(client, office_user, care, park):
    client.force_login(office_user)
    response = export_via_page(
        client, reverse("reforms:ledger_export", args=["care"]), {"park": park.pk}
    )
    assert "filename*=utf-8''%E5%85%B3%E7%88%B1" in response["Content-Disposition"]  # 关爱…
    workbook = _workbook(response)
    sheet = workbook["关爱帮扶台账"]
    assert [cell.value for cell in sheet[1]] == [
        "园区",
        "活动（事项）",
        "发放日期",
        "受助人数",
        "金额（元）",
        "事由",
        "资金来源",
        "关联网格活动",
        "登记人",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 26
    # Newest first, as on the page; this year's three rows of the park, then the totals.
    assert sheet.max_row == 5
    assert sheet["A2"].value == park.name
    assert sheet["B2"].value == "防疫保供特殊补贴三"
    assert sheet["C2"].value.date() == date(2026, 5, 2)
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == 20
    assert sheet["E2"].value == 20000
    assert sheet["E2"].number_format == "#,##0.00"
    assert [cell.value for cell in sheet[5]][:5] == ["合计", "共 3 条", None, 42, 42000]
    assert sheet["E5"].number_format == "#,##0.00"
    assert sheet["A5"].font.b
    summary = workbook["汇总"]
    assert [(row[0].value, row[1].value) for row in summary.iter_rows(min_row=2)] == [
        ("条数", 3),
        ("受助人数", 42),
        ("金额（元）", 42000),
    ]


def test_the_publicity_export_names_channels_in_chinese_whatever_the_ui_language(
    client, office_user, park
):
    PublicityFactory(park=park, channel=PublicityChannel.TV, title="=1+1")
    PublicityFactory(park=None, channel=PublicityChannel.GOVERNMENT_WEBSITE)
    client.force_login(office_user)
    workbook = _workbook(
        export_via_page(client, reverse("reforms:ledger_export", args=["publicity"]))
    )
    sheet = workbook.active
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2, max_row=3)}
    assert set(rows) == {"电视台", "政府网站"}
    assert rows["政府网站"][0].value == "全区"
    assert rows["电视台"][3].value == "=1+1"
    assert rows["电视台"][3].data_type == "s"  # a title is never a formula
    summary = dict((row[0].value, row[1].value) for row in workbook["汇总"].iter_rows(min_row=2))
    assert summary["电视台"] == 1 and summary["政府网站"] == 1 and summary["条数"] == 2


def test_the_export_keeps_to_the_users_scope(client, liaison, care):
    client.force_login(liaison)
    sheet = _workbook(
        export_via_page(client, reverse("reforms:ledger_export", args=["care"]))
    ).active
    parks = {row[0].value for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1)}
    assert parks == {liaison.park.name}


def test_an_unknown_ledger_has_no_export(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("reforms:ledger_export", args=["tasks"])).status_code == 404


def test_the_training_and_proposal_exports_sum_their_numbers(client, office_user, park):
    TrainingFactory(park=park, hours=Decimal("16.0"), trainees=30, certificates=25)
    TrainingFactory(park=park, hours=Decimal("7.5"), trainees=12, certificates=12)
    ProposalFactory(
        park=park,
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("60000.00"),
        reward_amount=Decimal("2000.00"),
    )
    client.force_login(office_user)
    training = _workbook(
        export_via_page(client, reverse("reforms:ledger_export", args=["training"]))
    ).active
    totals = [cell.value for cell in training[training.max_row]]
    assert totals[:7] == ["合计", "共 2 条", None, None, 23.5, 42, 37]
    assert training.cell(row=2, column=5).number_format == "#,##0.0"
    proposals = _workbook(
        export_via_page(client, reverse("reforms:ledger_export", args=["proposal"]))
    ).active
    assert proposals["G2"].value == "已奖励"
    assert proposals["J2"].value == 60000 and proposals["J2"].number_format == "#,##0.00"
    assert proposals["K3"].value == 2000
