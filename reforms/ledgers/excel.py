"""The reform ledgers (台账) as Excel workbooks, written row by row by the export job with the
streaming writer of the large exports (parks.core.xlsx).

As with the construction table and the grievance sheet, the text is fixed Chinese whatever the
UI language: the sheets are passed around offices and filed. The choice labels are the
programme's own terms, written here, so a reworded translation never changes a filed sheet.
Each workbook has the rows with a totals row under them, and a summary sheet with the same
figures as the page (reforms.ledgers.selectors.ledger_totals).
"""

from dataclasses import dataclass

from parks.core.excel import DATE_FORMAT
from parks.core.xlsx import Workbook
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel

YUAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
HOURS_FORMAT = "#,##0.0"
# Rows are fetched from the database in chunks, never all at once.
CHUNK_SIZE = 1000
DISTRICT_WIDE = "全区"

CHANNEL_TERMS = {
    PublicityChannel.ONLINE_PLATFORM: "网络平台",
    PublicityChannel.PRINT: "平面媒体",
    PublicityChannel.TV: "电视台",
    PublicityChannel.GOVERNMENT_WEBSITE: "政府网站",
    PublicityChannel.OFFICIAL_ACCOUNT: "公众号",
}
KIND_TERMS = {
    ProposalKind.RATIONALISATION: "合理化建议",
    ProposalKind.INNOVATION: "科技创新成果",
}
STATUS_TERMS = {
    ProposalStatus.SUBMITTED: "已提交",
    ProposalStatus.EVALUATED: "已评审",
    ProposalStatus.ADOPTED: "已采纳",
    ProposalStatus.REWARDED: "已奖励",
    ProposalStatus.NOT_ADOPTED: "未采纳",
}


@dataclass(frozen=True)
class Column:
    """A sheet column: header, width (a Chinese character is about two units), the cell value
    of a row, its number format, and the key of ledger_totals it is summed by, if any."""

    header: str
    width: int
    value: object
    number_format: str | None = None
    total: str | None = None


def _park(row):
    return row.park.name if row.park_id else DISTRICT_WIDE


def _recorder(row):
    return str(row.recorded_by)


def _activity(row):
    return row.activity.title if row.activity_id else ""


PARK = Column("园区", 26, _park)
RECORDED_BY = Column("登记人", 12, _recorder)


@dataclass(frozen=True)
class Sheet:
    """One ledger's workbook: sheet title, file name, columns, summary figures, related rows."""

    title: str
    columns: tuple[Column, ...]
    # (key of ledger_totals, label, number format) for the summary sheet.
    summary: tuple[tuple[str, str, str], ...]
    related: tuple[str, ...] = ("park", "recorded_by")


SHEETS = {
    "care": Sheet(
        title="关爱帮扶台账",
        columns=(
            PARK,
            Column("活动（事项）", 30, lambda r: r.event),
            Column("发放日期", 12, lambda r: r.paid_on, DATE_FORMAT),
            Column("受助人数", 10, lambda r: r.recipients, COUNT_FORMAT, "recipients"),
            Column("金额（元）", 16, lambda r: r.amount, YUAN_FORMAT, "amount"),
            Column("事由", 30, lambda r: r.reason),
            Column("资金来源", 20, lambda r: r.funding_source),
            Column("关联网格活动", 30, _activity),
            RECORDED_BY,
        ),
        summary=(
            ("entries", "条数", COUNT_FORMAT),
            ("recipients", "受助人数", COUNT_FORMAT),
            ("amount", "金额（元）", YUAN_FORMAT),
        ),
        related=("park", "recorded_by", "activity"),
    ),
    "publicity": Sheet(
        title="宣传报道台账",
        columns=(
            PARK,
            Column("渠道", 12, lambda r: CHANNEL_TERMS.get(r.channel, r.channel)),
            Column("媒体（平台）", 22, lambda r: r.outlet),
            Column("标题", 44, lambda r: r.title),
            Column("发布日期", 12, lambda r: r.published_on, DATE_FORMAT),
            Column("链接", 40, lambda r: r.link),
            RECORDED_BY,
        ),
        summary=(
            ("entries", "条数", COUNT_FORMAT),
            *((channel.value, term, COUNT_FORMAT) for channel, term in CHANNEL_TERMS.items()),
        ),
    ),
    "training": Sheet(
        title="技能培训台账",
        columns=(
            PARK,
            Column("课程", 32, lambda r: r.course),
            Column("培训机构", 26, lambda r: r.provider),
            Column("开班日期", 12, lambda r: r.started_on, DATE_FORMAT),
            Column("学时", 8, lambda r: r.hours, HOURS_FORMAT, "hours"),
            Column("参训人数", 10, lambda r: r.trainees, COUNT_FORMAT, "trainees"),
            Column("取证人数", 10, lambda r: r.certificates, COUNT_FORMAT, "certificates"),
            RECORDED_BY,
        ),
        summary=(
            ("entries", "期数", COUNT_FORMAT),
            ("hours", "学时", HOURS_FORMAT),
            ("trainees", "参训人数", COUNT_FORMAT),
            ("certificates", "取证人数", COUNT_FORMAT),
        ),
    ),
    "proposal": Sheet(
        title="合理化建议和创新成果台账",
        columns=(
            PARK,
            Column("类别", 14, lambda r: KIND_TERMS.get(r.kind, r.kind)),
            Column("标题", 36, lambda r: r.title),
            Column("提出人", 12, lambda r: r.submitter),
            Column("提出人单位", 22, lambda r: r.submitter_employer),
            Column("提出日期", 12, lambda r: r.submitted_on, DATE_FORMAT),
            Column("状态", 10, lambda r: STATUS_TERMS.get(r.status, r.status)),
            Column("状态变更日期", 14, lambda r: r.status_changed_on, DATE_FORMAT),
            Column("效益", 30, lambda r: r.benefit),
            Column("效益金额（元）", 16, lambda r: r.benefit_amount, YUAN_FORMAT, "benefit_amount"),
            Column("奖励金额（元）", 16, lambda r: r.reward_amount, YUAN_FORMAT, "reward_amount"),
            RECORDED_BY,
        ),
        summary=(
            ("entries", "条数", COUNT_FORMAT),
            ("innovations", "其中：科技创新成果", COUNT_FORMAT),
            *(
                (status.value, f"状态：{term}", COUNT_FORMAT)
                for status, term in STATUS_TERMS.items()
            ),
            ("benefit_amount", "效益金额（元）", YUAN_FORMAT),
            ("reward_amount", "奖励金额（元）", YUAN_FORMAT),
        ),
    ),
}
TOTALS_LABEL = "合计"
SUMMARY_TITLE = "汇总"


def write_ledger(kind: str, rows, totals: dict, stream, *, counted=iter) -> None:
    """Write a ledger's rows, a totals row and a summary sheet as .xlsx to `stream`.
    `counted` wraps the rows as they are read (the export job's progress)."""
    spec = SHEETS[kind]
    book = Workbook(stream)
    widths = [column.width for column in spec.columns]
    sheet = book.create_sheet(spec.title, widths=widths, freeze_header=True)
    sheet.append([column.header for column in spec.columns], bold=True)
    formats = [column.number_format for column in spec.columns]
    for row in counted(rows.select_related(*spec.related).iterator(chunk_size=CHUNK_SIZE)):
        sheet.append([column.value(row) for column in spec.columns], formats=formats)
    total_cells = [TOTALS_LABEL, f"共 {totals['entries']} 条"]
    total_cells += [totals[column.total] if column.total else None for column in spec.columns[2:]]
    sheet.append(total_cells, formats=formats, bold=True)

    summary = book.create_sheet(SUMMARY_TITLE, widths=[24, 16], freeze_header=True)
    summary.append(["项目", "数值"], bold=True)
    for key, label, number_format in spec.summary:
        summary.append([label, totals[key]], formats=[None, number_format])
    book.close()
