"""The grievance sheet read as columns (grievances.excel._sheet_rows) is the sheet read as
model instances, byte for byte: every kind of row (with and without a zone, a unit, a handler,
a deadline flag, a satisfaction), masked and revealed, for the office, a unit and a park."""

import zipfile
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.utils import translation

from grievances import excel, selectors
from parks.core.xlsx import Workbook
from parks.exports.services import asking_request
from tests.factories import GrievanceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _plain_sheet(grievances, *, reveal) -> tuple[bytes, list[int]]:
    """The sheet as grievance_row writes model instances (the plain path)."""
    stream = BytesIO()
    book = Workbook(stream)
    sheet = book.create_sheet(
        excel.SHEET_TITLE, widths=[width for _header, width in excel.COLUMNS], freeze_header=True
    )
    sheet.append(excel.HEADERS, bold=True)
    revealed = []
    with translation.override("zh-hans"):
        labels = excel.Labels()
        for grievance in grievances:
            shown = bool(reveal(grievance))
            if shown:
                revealed.append(grievance.pk)
            sheet.append(excel.grievance_row(grievance, revealed=shown, labels=labels))
    book.close()
    return _sheet_xml(stream), revealed


def _sheet_xml(stream) -> bytes:
    with zipfile.ZipFile(stream) as written:
        return written.read("xl/worksheets/sheet1.xml")


def test_the_sheet_read_as_columns_is_the_sheet_read_as_models(
    park, other_park, grid_zone, office_user, member_unit_user, park_manager
):
    from grievances.views.inbox import filtered_grievances

    unit = member_unit_user.organisation
    handler = UserFactory(role="member_unit", organisation=unit, display_name="王办理")
    nameless = UserFactory(role="member_unit", organisation=unit, display_name="")
    now = datetime.now(UTC)
    for n, where in enumerate((park, other_park, park, park, other_park, park)):
        GrievanceFactory(
            park=where,
            grid_zone=grid_zone if where == park and n % 2 else None,
            handling_unit=unit if n % 4 else None,
            handler=(handler, nameless, None)[n % 3] if n % 4 else None,
            received_at=now - timedelta(days=n * 4, hours=n),
            complainant_name="张三丰" if n % 2 else "",
            complainant_phone="13912345678",
            complainant_employer="=HYPERLINK(1)" if n == 4 else "无锡某公司",
            satisfaction="satisfied" if n % 4 == 3 else "",
            rectified=n == 3,
            status=("received", "assigned", "replied", "closed")[n % 4],
            resolved_at=now - timedelta(days=1) if n % 4 in (2, 3) else None,
            reply="已处理 <完毕> & 归档" if n % 4 in (2, 3) else "",
        )
    for user in (office_user, member_unit_user, park_manager):
        for asked in ("", "1"):
            request = asking_request(user, {"group": "all", "unmask": asked})
            grievances = filtered_grievances(request)[2]

            def reveal(grievance, user=user, asked=asked):
                return selectors.may_unmask(user, grievance, asked=asked == "1")

            stream = BytesIO()
            revealed = excel.write_grievances(grievances, stream, reveal=reveal)
            plain, plain_revealed = _plain_sheet(grievances, reveal=reveal)
            assert _sheet_xml(stream) == plain, (user.username, asked)
            assert list(revealed) == plain_revealed
    # The last sheet (the park manager's, asked to unmask) has its park's rows, all masked.
    assert plain.count(b"<row ") == 5 and not revealed
