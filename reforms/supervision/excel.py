"""The supervision order list as an Excel workbook (督办单台账), with the page's filters."""

from datetime import datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from parks.core.downloads import xlsx_response
from parks.core.excel import sheet_cell
from reforms.supervision.choices import OrderColour, OrderStatus

CHUNK_SIZE = 500


def _columns():
    return [
        (_("Number"), 18),
        (_("Colour"), 12),
        (pgettext("supervision order", "About"), 40),
        (_("Responsible unit"), 24),
        (_("Requirement"), 50),
        (_("Issued at"), 17),
        (_("Reply by"), 12),
        (_("Status"), 10),
        (pgettext("supervision order", "Overdue"), 8),
        (_("First replied at"), 17),
        (_("Closed at"), 17),
        (_("Times urged"), 10),
    ]


def _local(value: datetime | None):
    # Excel has no time zones: the wall-clock time of the portal's zone.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def order_row(order) -> list:
    return [
        order.code,
        str(OrderColour(order.colour).label),
        str(order.subject),
        order.unit.name,
        order.requirement,
        _local(order.issued_at),
        order.reply_due,
        str(OrderStatus(order.status).label),
        _("Yes") if order.is_overdue else "",
        _local(order.first_replied_at),
        _local(order.accepted_at),
        order.urge_count,
    ]


def order_list_response(orders) -> HttpResponse:
    """`orders` (from selectors.order_table, so `is_overdue` is annotated) as an .xlsx download."""
    workbook = Workbook(write_only=True)
    # In the language of the page it was asked from (Chinese by default).
    sheet = workbook.create_sheet(_("Supervision orders"))
    sheet.freeze_panes = "A2"
    columns = _columns()
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([sheet_cell(sheet, header, bold=True) for header, _width in columns])
    for order in orders.iterator(chunk_size=CHUNK_SIZE):
        sheet.append([sheet_cell(sheet, value) for value in order_row(order)])
    stream = BytesIO()
    workbook.save(stream)
    return xlsx_response(stream.getvalue(), f"督办单-{timezone.localdate():%Y%m%d}.xlsx")
