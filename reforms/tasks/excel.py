"""The construction table (施工表) as an Excel sheet: written on export, read and checked on import.

The sheet is a data exchange format, so its headers are fixed Chinese strings whatever the UI
language. An exported sheet imports back unchanged: `task_values` is both what export writes and
what import compares a row with. Reading checks everything a row names against the database with
one query per model, however many rows there are; nothing is saved here (see reforms.tasks.imports).
"""

import re
import zipfile
from datetime import date, datetime
from io import BytesIO

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from parks.core.downloads import xlsx_response
from parks.core.xlsx import Workbook
from parks.structure.models import Organisation, Park, User
from reforms.tasks.choices import TaskCategory, TaskStatus, WarningLevel
from reforms.tasks.models import TASK_DATE_MAX, TASK_DATE_MESSAGE, TASK_DATE_MIN, Plan, Task

# (key in a row's values, header, column width). Chinese characters are about two units wide.
COLUMNS = [
    ("code", "编号", 14),
    ("plan_title", "实施方案", 40),
    ("plan_year", "方案年度", 10),
    ("park", "园区", 26),
    ("category", "类别", 16),
    ("title", "任务名称", 34),
    ("description", "任务内容", 60),
    ("lead_unit", "牵头单位", 24),
    ("supporting_units", "配合单位", 34),
    ("owner", "责任人", 14),
    ("start_date", "开始日期", 12),
    ("due_date", "完成时限", 12),
    ("weight", "权重", 8),
]
# Written on export for the reader, ignored on import: the workflow owns them.
READ_ONLY_COLUMNS = [("status", "状态", 10), ("progress", "进度(%)", 10), ("warning", "预警", 10)]
HEADERS = [header for _key, header, _width in COLUMNS]
READ_ONLY_HEADERS = [header for _key, header, _width in READ_ONLY_COLUMNS]
HEADER_OF = {key: header for key, header, _width in COLUMNS}
UNIT_SEPARATOR = "、"
UNIT_SPLIT = re.compile(r"[、,，;；\n]+")
DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
# Excel day numbers of 2000-01-01 and 2100-12-31: a plain number in a date column is taken as
# a date only inside the years a plan may have.
EXCEL_DAYS = (36526, 73415)
# A run this long of blank rows is the end of the table (a sheet formatted down to row 1,048,576
# would otherwise be read row by empty row).
BLANK_RUN_END = 1000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

# The category words of the programme, accepted on import beside the code and the English and
# Chinese labels, so an old sheet still imports if a translation is reworded.
CATEGORY_TERMS = {
    TaskCategory.IDEOLOGY: "思想政治引领",
    TaskCategory.POLITICAL_STATUS: "政治地位",
    TaskCategory.SKILLS: "技能素质提升",
    TaskCategory.RIGHTS: "权益保障",
    TaskCategory.CARE: "关爱服务",
    TaskCategory.POSITIONS: "阵地建设",
    TaskCategory.ORGANISATION: "组织建设",
    TaskCategory.PUBLICITY: "宣传",
    TaskCategory.OTHER: "其他",
}


def _max_length(model, field):
    return model._meta.get_field(field).max_length


MAX_LENGTHS = {
    "code": _max_length(Task, "code"),
    "plan_title": _max_length(Plan, "title"),
    "park": _max_length(Park, "name"),
    "title": _max_length(Task, "title"),
    "lead_unit": _max_length(Organisation, "name"),
    "supporting_units": _max_length(Organisation, "name"),
    "owner": _max_length(User, "username"),
}


# --- Writing ------------------------------------------------------------------------------------


def task_values(task: Task) -> dict:
    """A task's importable fields as a sheet row holds them: names, ISO dates, category code."""
    return {
        "code": task.code,
        "plan_title": task.plan.title,
        "plan_year": task.plan.year,
        "park": task.park.name if task.park_id else "",
        "category": task.category,
        "title": task.title,
        "description": task.description,
        "lead_unit": task.lead_unit.name,
        "supporting_units": [unit.name for unit in task.supporting_units.all()],
        "owner": task.owner.username if task.owner_id else "",
        "start_date": task.start_date.isoformat(),
        "due_date": task.due_date.isoformat(),
        "weight": task.weight,
    }


def write_task_table(tasks, stream) -> None:
    """Write tasks (from selectors.task_table: related rows joined or prefetched) as .xlsx."""

    def row(task):
        warning = getattr(task, "warning", None)
        read_only = [
            TaskStatus(task.status).label,
            task.progress,
            WarningLevel(warning).label if warning else None,
        ]
        return task_values(task), read_only

    write_rows((row(task) for task in tasks), stream)


def write_rows(rows, stream) -> None:
    """Write (values, read-only cells) pairs in the sheet format, streaming, to `stream`."""
    book = Workbook(stream)
    widths = [width for _key, _header, width in COLUMNS + READ_ONLY_COLUMNS]
    sheet = book.create_sheet("施工表", widths=widths, freeze_header=True)
    sheet.append(HEADERS + READ_ONLY_HEADERS)
    with translation.override("zh-hans"):
        for values, read_only in rows:
            cells = [_value(key, values.get(key)) for key, _header, _width in COLUMNS]
            sheet.append(cells + list(read_only or ()))
    book.close()


def _value(key, value):
    if key == "category" and value in TaskCategory.values:
        value = TaskCategory(value).label
    elif key == "supporting_units":
        value = UNIT_SEPARATOR.join(value or ())
    elif key in ("start_date", "due_date") and value:
        value = date.fromisoformat(value)
    # Text such as "-1 先办" or "=…" is written as text with no quote added to it, so reading
    # it back gives the stored text and the round trip stays "unchanged" (see parks.core.excel).
    return value


def task_table_response(tasks, filename: str = "施工表.xlsx") -> HttpResponse:
    stream = BytesIO()
    write_task_table(tasks, stream)
    return xlsx_response(stream.getvalue(), filename)


# --- Reading ------------------------------------------------------------------------------------


def read_task_table(uploaded_file) -> tuple[list[dict], list[str]]:
    """Parse and check an uploaded construction table. Returns (rows, sheet errors).

    Each row: {"row": Excel row number, "values": {...}, "errors": [...], "action": "create",
    "update" or "unchanged"}. With a sheet error (not a workbook, wrong headers, too many rows)
    no row is returned.
    """
    try:
        raw, sheet_errors = _read_sheet(uploaded_file)
    except Exception:  # openpyxl fails in many ways on a file that is not a workbook
        return [], [
            _("The file is not a valid Excel (.xlsx) workbook. Save it as .xlsx and retry.")
        ]
    if sheet_errors:
        return [], sheet_errors
    return _check_rows(raw), []


def _read_sheet(uploaded_file):
    uploaded_file.seek(0)
    with zipfile.ZipFile(uploaded_file) as archive:
        # A few MB of zip can unpack to gigabytes, which openpyxl would hold in memory.
        if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
            return [], [_("The workbook is too large once unpacked.")]
    uploaded_file.seek(0)
    workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            return [], [_("The workbook has no worksheet.")]
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        header_errors = _check_header(next(lines, None))
        if header_errors:
            return [], header_errors
        raw, blank_run, limit = [], 0, settings.TASK_IMPORT_MAX_ROWS
        for number, cells in enumerate(lines, start=2):
            if all(_text(cell) == "" for cell in cells):
                blank_run += 1
                if blank_run >= BLANK_RUN_END:
                    break
                continue
            blank_run = 0
            if len(raw) == limit:  # stop at the first row over the limit: never read them all
                message = _("The sheet has more than %(limit)d rows: split it into parts.")
                return [], [message % {"limit": limit}]
            cells = (tuple(cells) + (None,) * len(COLUMNS))[: len(COLUMNS)]
            raw.append((number, cells))
        if not raw:
            return [], [_("The sheet has headers but no tasks under them.")]
        return raw, []
    finally:
        workbook.close()


def _check_header(header):
    names = [_text(cell) for cell in header or ()]
    while names and not names[-1]:
        names.pop()
    if not names:
        return [_("The sheet is empty: its first row must hold the column headers.")]
    expected = ", ".join(HEADERS)
    missing = [name for name in HEADERS if name not in names]
    unknown = [name for name in names if name not in HEADERS + READ_ONLY_HEADERS]
    errors = []
    if missing:
        errors.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        errors.append(
            _("Unknown columns: %(columns)s.") % {"columns": ", ".join(n or "?" for n in unknown)}
        )
    if errors or names[: len(HEADERS)] != HEADERS:
        errors.append(
            _("The first row must hold these columns, in this order: %(columns)s.")
            % {"columns": expected}
        )
    return errors


def _check_rows(raw):
    categories = category_lookup()
    parsed = [(number, *_parse_row(cells, categories)) for number, cells in raw]
    references = References([values for _number, values, _errors in parsed])
    first_row_of = {}
    rows = []
    for number, values, errors in parsed:
        errors += references.errors(values)
        code = values["code"]
        if code in first_row_of:
            errors.append(
                _("Code %(code)s is already used on row %(row)d.")
                % {"code": code, "row": first_row_of[code]}
            )
        elif code:
            first_row_of[code] = number
        existing = references.tasks.get(code)
        row = {"row": number, "values": values, "errors": errors, "action": "create"}
        if existing is not None:
            # What the sheet changes, against the task as it is now: the commit writes only
            # these, so an edit made after the preview to anything else survives it.
            row["changes"] = changed_keys(task_values(existing), values) if not errors else []
            row["action"] = "update" if row["changes"] or errors else "unchanged"
        rows.append(row)
    return rows


def changed_keys(before: dict, after: dict) -> list[str]:
    """The keys of the row values that differ between two rows of the same task."""
    before, after = comparable(before), comparable(after)
    return [key for key in HEADER_OF if before.get(key) != after.get(key)]


def comparable(values: dict) -> dict:
    """Row values in a form where an unchanged task compares equal to its sheet row."""
    return {
        **values,
        "description": _clean_text(values["description"]),
        "supporting_units": sorted(values["supporting_units"]),
    }


def _parse_row(cells, categories):
    """Turn one row's cells into JSON-able values and the problems found in them alone."""
    cell = dict(zip([key for key, _header, _width in COLUMNS], cells, strict=True))
    errors = []
    values = {key: _text(cell[key]) for key in HEADER_OF}
    values["description"] = _clean_text(values["description"])
    values["supporting_units"] = list(
        dict.fromkeys(name.strip() for name in UNIT_SPLIT.split(values["supporting_units"]))
    )
    values["supporting_units"] = [name for name in values["supporting_units"] if name]

    for key in ("code", "plan_title", "plan_year", "category", "title", "lead_unit"):
        if not values[key]:
            errors.append(_("%(column)s is missing.") % {"column": HEADER_OF[key]})
    if values["code"] and re.search(r"\s", values["code"]):
        errors.append(_("%(column)s cannot contain spaces.") % {"column": HEADER_OF["code"]})
    for key, limit in MAX_LENGTHS.items():
        texts = values[key] if isinstance(values[key], list) else [values[key]]
        if any(len(text) > limit for text in texts):
            errors.append(
                _("%(column)s is longer than %(limit)d characters.")
                % {"column": HEADER_OF[key], "limit": limit}
            )
    if values["category"]:
        category = categories.get(_fold(values["category"]))
        if category is None:
            errors.append(
                _("Unknown category “%(value)s”. Use one of: %(choices)s.")
                % {"value": values["category"], "choices": "、".join(CATEGORY_TERMS.values())}
            )
        values["category"] = category or values["category"]

    for key, low, high, default in (("plan_year", 2000, 2100, None), ("weight", 1, 100, 1)):
        number = _whole_number(cell[key])
        if number is None and values[key] == "":
            values[key] = default
        elif number is None or not low <= number <= high:
            if values[key]:
                errors.append(
                    _("%(column)s must be a whole number from %(low)d to %(high)d.")
                    % {"column": HEADER_OF[key], "low": low, "high": high}
                )
        else:
            values[key] = number

    for key in ("start_date", "due_date"):
        day = _date(cell[key])
        if day is not None:
            values[key] = day.isoformat()
            if not TASK_DATE_MIN <= day <= TASK_DATE_MAX:
                errors.append(f"{HEADER_OF[key]}: {TASK_DATE_MESSAGE}")
        elif values[key]:
            errors.append(
                _("%(column)s: “%(value)s” is not a date (write it as 2026-03-31).")
                % {"column": HEADER_OF[key], "value": values[key]}
            )
        else:
            errors.append(_("%(column)s is missing.") % {"column": HEADER_OF[key]})
    if _date(cell["start_date"]) and _date(cell["due_date"]):
        if values["due_date"] < values["start_date"]:
            errors.append(_("The due date cannot be before the start date."))
    return values, errors


class References:
    """Everything the rows name, fetched with one query per model however many rows there are."""

    def __init__(self, rows: list[dict]):
        def names(key):
            found = set()
            for values in rows:
                value = values.get(key)
                found.update(value if isinstance(value, list) else [value] if value else [])
            return found

        units = names("lead_unit") | names("supporting_units")
        self.plans = {
            (plan.title, plan.year): plan
            for plan in Plan.objects.filter(title__in=names("plan_title")).select_related("park")
        }
        self.units = {unit.name: unit for unit in Organisation.objects.filter(name__in=units)}
        self.parks = {park.name: park for park in Park.objects.filter(name__in=names("park"))}
        self.users = {
            user.username: user for user in User.objects.filter(username__in=names("owner"))
        }
        self.tasks = {
            task.code: task
            for task in Task.objects.filter(code__in=names("code"))
            .select_related("plan", "park", "lead_unit", "owner")
            .prefetch_related("supporting_units")
        }

    def errors(self, values: dict) -> list[str]:
        """What a row names that does not exist, or does not fit together."""
        errors = []
        plan = self.plans.get((values["plan_title"], values["plan_year"]))
        if values["plan_title"] and isinstance(values["plan_year"], int) and plan is None:
            errors.append(
                _("Unknown plan “%(title)s” of %(year)d: the office creates plans first.")
                % {"title": values["plan_title"], "year": values["plan_year"]}
            )
        unknown_unit = _("Unknown unit “%(name)s” in %(column)s.")
        if values["lead_unit"] and values["lead_unit"] not in self.units:
            errors.append(
                unknown_unit % {"name": values["lead_unit"], "column": HEADER_OF["lead_unit"]}
            )
        for name in values["supporting_units"]:
            if name not in self.units:
                errors.append(
                    unknown_unit % {"name": name, "column": HEADER_OF["supporting_units"]}
                )
        if values["park"] and values["park"] not in self.parks:
            errors.append(_("Unknown park “%(name)s”.") % {"name": values["park"]})
        elif plan and plan.park_id and plan.park.name != values["park"]:
            # A park plan's tasks are that park's, the park column left empty included.
            errors.append(_("The plan belongs to the park “%(name)s”.") % {"name": plan.park.name})
        if values["owner"] and values["owner"] not in self.users:
            errors.append(
                _("Unknown user name “%(name)s” in %(column)s.")
                % {"name": values["owner"], "column": HEADER_OF["owner"]}
            )
        return errors


def category_lookup() -> dict[str, str]:
    """Folded code, English label, Chinese label and programme term → category code."""
    lookup = {}
    for category in TaskCategory:
        names = {category.value, CATEGORY_TERMS[category]}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(str(category.label))
        lookup.update((_fold(name), category.value) for name in names)
    return lookup


def _fold(text):
    return re.sub(r"\s+", "", text).casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _clean_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _whole_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    return None


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    number = _whole_number(value) if not isinstance(value, str) else None
    if number is not None:
        return from_excel(number).date() if EXCEL_DAYS[0] <= number <= EXCEL_DAYS[1] else None
    match = DATE_TEXT.match(_text(value))
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    return None
