"""The words of a progress report's briefing (情况通报), apart from their layout in Word
(reforms.reporting.briefing).

The briefing takes the form of the office's own (the shared seed document is one): a title,
the issuing office and the date, numbered sections — work progress, workers' grievances, grid
work, ledgers, problems, next steps — that state each figure and its change on the period
before in sentences, a table of the parks, the units with overdue tasks by name, and
paragraphs left for the office's own words.

The sentences are English source strings under gettext, written in the language active while
the briefing is built: the worker builds it in the portal's default language (Chinese), and the
file is stored with the report, so a translation reworded later never changes a filed briefing.

Every figure is read from the snapshot through the report's declaration (reforms.reporting.spec),
so the briefing states the numbers of the page, the workbook and the API; a figure the
declaration does not know fails loudly (KeyError) instead of printing nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from parks.core.figures import percent
from reforms.reporting import shape, spec
from reforms.reporting.briefing_figures import Figures, day, get, overdue_units, previous_figures
from reforms.reporting.choices import PeriodKind, ReportScope
from reforms.reporting.models import Report
from reforms.reporting.periods import previous_period

# --- What the document holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str
    placeholder: bool = False  # left for the office's own words


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str  # numbered: "一、工作进展"
    blocks: tuple[Paragraph | Table, ...]


@dataclass(frozen=True)
class Briefing:
    title: str
    period: str  # under the title: "（2026年6月）"
    issuer: str
    issued_on: str
    opening: str
    sections: tuple[Section, ...]
    language: str  # the document's w:lang: "zh-CN", "en-US"


# --- Words for periods, numbers and changes -----------------------------------------------------

THIS_PERIOD = {
    PeriodKind.WEEK: pgettext_lazy("briefing", "This week"),
    PeriodKind.MONTH: pgettext_lazy("briefing", "This month"),
    PeriodKind.QUARTER: pgettext_lazy("briefing", "This quarter"),
    PeriodKind.YEAR: pgettext_lazy("briefing", "This year"),
    PeriodKind.CUSTOM: pgettext_lazy("briefing", "In the period"),
}
PERIOD_BEFORE = {
    PeriodKind.WEEK: pgettext_lazy("briefing", "last week"),
    PeriodKind.MONTH: pgettext_lazy("briefing", "last month"),
    PeriodKind.QUARTER: pgettext_lazy("briefing", "last quarter"),
    PeriodKind.YEAR: pgettext_lazy("briefing", "last year"),
    PeriodKind.CUSTOM: pgettext_lazy("briefing", "the period before"),
}
# A difference in a change phrase, with the measure word Chinese puts after a number
# ("3件", "2项"); English says the number alone.
GRIEVANCES, TASKS, ACTIVITIES, PEOPLE, PIECES, ITEMS, YUAN = (
    pgettext_lazy("briefing: a number of grievances", "%(count)s"),
    pgettext_lazy("briefing: a number of tasks", "%(count)s"),
    pgettext_lazy("briefing: a number of activities", "%(count)s"),
    pgettext_lazy("briefing: a number of people", "%(count)s"),
    pgettext_lazy("briefing: a number of publicity pieces", "%(count)s"),
    pgettext_lazy("briefing: a number of proposals", "%(count)s"),
    pgettext_lazy("briefing: an amount of yuan", "%(count)s"),
)
SECTION_NUMBERS = (
    pgettext_lazy("briefing section", "1"),
    pgettext_lazy("briefing section", "2"),
    pgettext_lazy("briefing section", "3"),
    pgettext_lazy("briefing section", "4"),
    pgettext_lazy("briefing section", "5"),
    pgettext_lazy("briefing section", "6"),
)


def figure_text(value, kind: str = shape.COUNT) -> str:
    """A figure as the briefing prints it: a rate with one decimal and %, money and hours as
    the snapshot keeps them ("42000.00"), a count as it is; "—" for no figure."""
    if value is None:
        return "—"
    if kind == shape.PERCENT:
        return f"{float(value):.1f}%"
    return str(value)


def _listed(items: list[str]) -> str:
    return pgettext("briefing list separator", ", ").join(items)


class Words:
    """The period's words for one report: "this month", "last month", and change phrases."""

    def __init__(self, kind: str):
        self.this = str(THIS_PERIOD.get(kind, THIS_PERIOD[PeriodKind.CUSTOM]))
        self.before = str(PERIOD_BEFORE.get(kind, PERIOD_BEFORE[PeriodKind.CUSTOM]))

    def change(self, now, before, kind: str = shape.COUNT, unit=None) -> str:
        """ "3 more than last month", "down 2.5 points on last month", "the same as last
        month", or plainly that there is nothing to compare with. `unit`: how a difference of
        a count or an amount is said (GRIEVANCES, YUAN…)."""
        words = {"before": self.before}
        if now is None or before is None:
            return _("with no figure for %(before)s to compare with") % words
        difference = Decimal(str(now)) - Decimal(str(before))
        if difference == 0:
            return _("the same as %(before)s") % words
        if kind == shape.PERCENT:
            words["points"] = f"{abs(difference):.1f}"
            if difference > 0:
                return _("up %(points)s points on %(before)s") % words
            return _("down %(points)s points on %(before)s") % words
        size = abs(difference)
        words["size"] = str(unit) % {"count": size} if unit is not None else str(size)
        if difference > 0:
            return _("%(size)s more than %(before)s") % words
        return _("%(size)s fewer than %(before)s") % words


def period_text(kind: str, start: date, end: date) -> str:
    """June 2026 / 2026年6月; Q2 2026 / 2026年第2季度; a week or custom period as its days."""
    if kind == PeriodKind.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    if kind == PeriodKind.QUARTER:
        quarter = (start.month - 1) // 3 + 1
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": start.year}
    if kind == PeriodKind.YEAR:
        return pgettext("briefing: a calendar year", "%(year)s") % {"year": start.year}
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


def _issuer(report: Report) -> str:
    if report.scope == ReportScope.PARK:
        return _("%(park)s reform leadership group") % {"park": report.scope_label}
    return _("%(name)s reform office") % {"name": report.scope_label}


# --- The sections -----------------------------------------------------------------------------


def _on_time(figures: Figures, words: Words) -> list:
    """The tasks due in the period and their on-time rate with its definition beside it (one
    definition: reforms.tasks.selectors); a snapshot before schema 3 divided by all those due."""
    due = figures.now("tasks.due")
    if not due:
        return [Paragraph(_("%(period)s, no reform task fell due.") % {"period": words.this})]
    rate = "tasks.on_time_rate"
    counted = figures.now("tasks.due_counted")
    text = ngettext(
        "%(period)s, %(due)s reform task fell due; done on time: %(on_time)s of the "
        "%(counted)s done or past their due date, an on-time rate of %(rate)s, %(change)s.",
        "%(period)s, %(due)s reform tasks fell due; done on time: %(on_time)s of the "
        "%(counted)s done or past their due date, an on-time rate of %(rate)s, %(change)s.",
        due,
    ) % {
        "period": words.this,
        "due": due,
        "counted": due if counted is None else counted,
        "on_time": figures.now("tasks.due_done_on_time"),
        "rate": figure_text(figures.now(rate), shape.PERCENT),
        "change": words.change(figures.now(rate), figures.before(rate), shape.PERCENT),
    }
    pending = figures.now("tasks.due_pending")
    if pending:
        text += " " + ngettext(
            "%(pending)s task not done and not yet due is left out of the rate.",
            "%(pending)s tasks not done and not yet due are left out of the rate.",
            pending,
        ) % {"pending": pending}
    figure = spec.period_figure(rate)
    definition = _("(%(name)s: %(definition)s)") % {"name": figure.label, "definition": figure.note}
    return [Paragraph(text), Paragraph(definition)]


def _work_progress(figures: Figures, words: Words, snapshot: dict) -> list:
    blocks = _on_time(figures, words)
    done = figures.now("tasks.done") or 0
    blocks.append(
        Paragraph(
            ngettext(
                "In all, %(done)s task was done (%(done_on_time)s on time), %(change)s.",
                "In all, %(done)s tasks were done (%(done_on_time)s of them on time), %(change)s.",
                done,
            )
            % {
                "done": done,
                "done_on_time": figures.now("tasks.done_on_time"),
                "change": words.change(
                    figures.now("tasks.done"), figures.before("tasks.done"), unit=TASKS
                ),
            }
        )
    )
    tasks = snapshot.get("tasks") or {}
    if "total" in tasks:

        def standing(path: str):
            spec.TASKS.figure(path)  # a path of the declaration
            return get(tasks, path) or 0

        blocks.append(
            Paragraph(
                _(
                    "As of %(date)s: %(total)s reform tasks in all; done %(done)s, in progress "
                    "%(in_progress)s, not started %(planned)s; overdue (red) %(red)s, at risk "
                    "(yellow) %(yellow)s."
                )
                % {
                    "date": _date_text(tasks.get("as_of") or snapshot.get("as_of")),
                    "total": standing("total"),
                    "done": standing("by_status.done"),
                    "in_progress": standing("by_status.in_progress"),
                    "planned": standing("by_status.planned"),
                    "red": standing("by_warning.red"),
                    "yellow": standing("by_warning.yellow"),
                }
            )
        )
    parks = park_table(snapshot)
    if parks.rows:
        blocks.append(Paragraph(_("The parks' key figures for the period:")))
        blocks.append(parks)
    return blocks


def _grievances(figures: Figures, words: Words) -> list:
    received = figures.now("grievances.received")
    change = words.change(received, figures.before("grievances.received"), unit=GRIEVANCES)
    if not received:
        text = _("%(period)s, no worker grievance was received, %(change)s.")
        return [Paragraph(text % {"period": words.this, "change": change})]
    blocks = [
        Paragraph(
            ngettext(
                "%(period)s, %(received)s worker grievance was received, %(change)s.",
                "%(period)s, %(received)s worker grievances were received, %(change)s.",
                received,
            )
            % {"period": words.this, "received": received, "change": change}
        )
    ]
    for key in spec.RATES:
        path = f"grievances.{key}"
        figure = spec.period_figure(path)
        now = figures.now(path)
        if now is None:
            text = _("%(name)s: no figure, there being nothing to count it over.") % {
                "name": figure.label
            }
        else:
            text = _("%(name)s: %(rate)s, %(change)s.") % {
                "name": figure.label,
                "rate": figure_text(now, shape.PERCENT),
                "change": words.change(now, figures.before(path), shape.PERCENT),
            }
        blocks.append(Paragraph(text))
    funnel = {
        key: figures.now(f"grievances.funnel.{key}") or 0
        for key in ("handed_out", "returned", "opinions", "rectified")
    }
    if funnel["handed_out"] or funnel["opinions"]:
        text = _(
            "Satisfaction surveys: forms handed out %(handed_out)s, returned %(returned)s; "
            "opinions gathered %(opinions)s, rectified %(rectified)s."
        )
        blocks.append(Paragraph(text % funnel))
    return blocks


def _grid_work(figures: Figures, words: Words, snapshot: dict) -> list:
    count = figures.now("activities.count")
    change = words.change(count, figures.before("activities.count"), unit=ACTIVITIES)
    if count:
        blocks = [
            Paragraph(
                ngettext(
                    "%(period)s, %(count)s grid activity was logged, with %(participants)s "
                    "participants, %(change)s.",
                    "%(period)s, %(count)s grid activities were logged, with %(participants)s "
                    "participants, %(change)s.",
                    count,
                )
                % {
                    "period": words.this,
                    "count": count,
                    "participants": figures.now("activities.participants"),
                    "change": change,
                }
            )
        ]
        by_kind = figures.now("activities.by_kind") or {}
        kinds = [
            _("%(kind)s: %(count)s") % {"kind": part.label, "count": by_kind[part.key]["count"]}
            for part in spec.period_figure("activities.by_kind").group.fields
            if (by_kind.get(part.key) or {}).get("count")
        ]
        if kinds:
            blocks.append(Paragraph(_("By kind: %(kinds)s.") % {"kinds": _listed(kinds)}))
    else:
        text = _("%(period)s, no grid activity was logged, %(change)s.")
        blocks = [Paragraph(text % {"period": words.this, "change": change})]
    coverage = snapshot.get("coverage") or {}
    if coverage.get("zones"):
        rate = "coverage.rate"
        text = _(
            "Grid zones: %(zones)s, with a liaison %(with_liaison)s, with activity logged "
            "%(covered)s; grid coverage %(rate)s, %(change)s."
        ) % {
            "zones": coverage[spec.COVERAGE["zones"].key],
            "with_liaison": coverage.get(spec.COVERAGE["zones_with_liaison"].key),
            "covered": figures.now("coverage.covered"),
            "rate": figure_text(figures.now(rate), shape.PERCENT),
            "change": words.change(figures.now(rate), figures.before(rate), shape.PERCENT),
        }
        blocks.append(Paragraph(text))
    else:
        blocks.append(Paragraph(_("No grid zone has been set up yet.")))
    return blocks


def _ledgers(figures: Figures, words: Words, snapshot: dict) -> list:
    def change(path: str, unit, kind: str = shape.COUNT) -> str:
        return words.change(figures.now(path), figures.before(path), kind, unit)

    blocks = []
    if figures.now("care.entries"):
        text = _(
            "Care and subsidies: payments %(entries)s, people paid %(recipients)s, amount "
            "%(amount)s yuan, %(change)s."
        ) % {
            "recipients": figures.now("care.recipients"),
            "amount": figures.now("care.amount"),
            "entries": figures.now("care.entries"),
            "change": change("care.amount", YUAN, shape.YUAN),
        }
    else:
        text = _("%(period)s, no care or subsidy payment was recorded, %(change)s.") % {
            "period": words.this,
            "change": change("care.amount", YUAN, shape.YUAN),
        }
    blocks.append(Paragraph(text))

    entries = figures.now("publicity.entries")
    if entries:
        channels = [
            _("%(channel)s: %(count)s")
            % {"channel": figure.label, "count": figures.now(f"publicity.{figure.key}")}
            for figure in _listed_figures(_ledger_section("publicity"), snapshot)
            if figures.now(f"publicity.{figure.key}")
        ]
        text = _("Publicity: %(entries)s pieces in all (%(channels)s), %(change)s.") % {
            "entries": entries,
            "channels": _listed(channels),
            "change": change("publicity.entries", PIECES),
        }
    else:
        text = _("%(period)s, no publicity was recorded, %(change)s.") % {
            "period": words.this,
            "change": change("publicity.entries", PIECES),
        }
    blocks.append(Paragraph(text))

    if figures.now("training.entries"):
        text = _(
            "Skills training: courses %(entries)s, hours %(hours)s, trainees %(trainees)s, "
            "certificates earned %(certificates)s, %(change)s."
        ) % {
            "entries": figures.now("training.entries"),
            "hours": figures.now("training.hours"),
            "trainees": figures.now("training.trainees"),
            "certificates": figures.now("training.certificates"),
            "change": change("training.trainees", PEOPLE),
        }
    else:
        text = _("%(period)s, no training course was recorded, %(change)s.") % {
            "period": words.this,
            "change": change("training.trainees", PEOPLE),
        }
    blocks.append(Paragraph(text))

    if figures.now("proposals.entries"):
        text = _(
            "Proposals and innovations submitted: %(entries)s, technical innovations among "
            "them %(innovations)s, %(change)s."
        ) % {
            "entries": figures.now("proposals.entries"),
            "innovations": figures.now("proposals.innovations"),
            "change": change("proposals.entries", ITEMS),
        }
    else:
        text = _("%(period)s, no proposal or innovation was submitted, %(change)s.") % {
            "period": words.this,
            "change": change("proposals.entries", ITEMS),
        }
    blocks.append(Paragraph(text))
    return blocks


def _ledger_section(key: str) -> shape.Section:
    return next(section for section in spec.LEDGER_SECTIONS if section.key == key)


def _listed_figures(section: shape.Section, snapshot: dict) -> list[shape.Figure]:
    """A section's one-per-choice figures, in the order the snapshot lists them."""
    by_key = {figure.key: figure for figure in section.figures() if figure.choices is not None}
    order = snapshot.get(section.listed_in) or list(by_key)
    return [by_key[key] for key in order if key in by_key]


# The rates whose fall the problems section names.
WATCHED_RATES = (
    "tasks.on_time_rate",
    *(f"grievances.{key}" for key in spec.RATES),
    "coverage.rate",
)


def _problems(figures: Figures, words: Words, report: Report, snapshot: dict) -> list:
    blocks = []
    units = overdue_units(report, snapshot)
    as_of = _date_text(snapshot.get("overdue_as_of")) or _date_text(report.period_end.isoformat())
    if units:
        named = [
            _("%(name)s (%(count)s)") % {"name": row.get("unit_name"), "count": row.get("overdue")}
            for row in units
        ]
        count = sum(row.get("overdue") or 0 for row in units)
        text = ngettext(
            "As of %(date)s, %(count)s task was overdue and not done. Units with overdue "
            "tasks: %(units)s.",
            "As of %(date)s, %(count)s tasks were overdue and not done. Units with overdue "
            "tasks: %(units)s.",
            count,
        ) % {"date": as_of, "count": count, "units": _listed(named)}
    else:
        text = _("As of %(date)s, no task was overdue.") % {"date": as_of}
    blocks.append(Paragraph(text))
    by_park = snapshot.get("by_park") or []
    overdue_parks = [
        _("%(name)s (%(count)s)") % {"name": park.get("park_name"), "count": get(park, "tasks.red")}
        for park in by_park
        if get(park, "tasks.red")
    ]
    # A park's own report names its units above; the parks are told apart in a wider one.
    if len(by_park) > 1 and overdue_parks:
        text = _("Parks with overdue tasks: %(parks)s.") % {"parks": _listed(overdue_parks)}
        blocks.append(Paragraph(text))
    fallen = []
    for path in WATCHED_RATES:
        now, before = figures.now(path), figures.before(path)
        if now is not None and before is not None and now < before:
            fallen.append(
                _("%(name)s (down %(points)s points)")
                % {
                    "name": spec.period_figure(path).label,
                    "points": f"{Decimal(str(before)) - Decimal(str(now)):.1f}",
                }
            )
    if fallen:
        text = _("Compared with %(before)s, these fell: %(items)s.")
        blocks.append(Paragraph(text % {"before": words.before, "items": _listed(fallen)}))
    blocks.append(Paragraph(_("[The office's own account of the problems found goes here.]"), True))
    return blocks


# The parks' table: its columns by path in a `by_park` entry (spec.PARK); the task column shows
# done / total, the last the park's grid coverage (spec.PARK_COVERAGE_RATE).
PARK_COLUMNS = (
    "grievances.received",
    *(f"grievances.{key}" for key in spec.RATES),
    "activities.count",
)


def park_table(snapshot: dict) -> Table:
    rate = spec.PARK_COVERAGE_RATE
    headers = (
        spec.PARK["park_name"].heading,
        *(spec.park_figure(path).heading for path in PARK_COLUMNS),
        spec.park_figure("tasks.done").heading,
        spec.park_figure("tasks.red").heading,
        rate.heading,
    )
    rows = []
    for park in snapshot.get("by_park") or []:
        covered, zones = get(park, rate.part), get(park, rate.whole)
        rows.append(
            (
                park.get("park_name") or "",
                *(
                    figure_text(get(park, path), spec.park_figure(path).kind)
                    for path in PARK_COLUMNS
                ),
                f"{get(park, 'tasks.done') or 0}/{get(park, 'tasks.total') or 0}",
                figure_text(get(park, "tasks.red") or 0),
                figure_text(percent(covered or 0, zones or 0), shape.PERCENT),
            )
        )
    return Table(tuple(str(header) for header in headers), tuple(rows))


def _date_text(text) -> str:
    found = day(text)
    return date_format(found, "DATE_FORMAT") if found else ""


# --- The whole briefing -----------------------------------------------------------------------

SECTION_TITLES = (
    pgettext_lazy("briefing section title", "Work progress"),
    pgettext_lazy("briefing section title", "Handling of workers' grievances"),
    pgettext_lazy("briefing section title", "Grid work"),
    pgettext_lazy("briefing section title", "Ledgers"),
    pgettext_lazy("briefing section title", "Problems"),
    pgettext_lazy("briefing section title", "Next steps"),
)


def briefing_content(report: Report, snapshot: dict) -> Briefing:
    """What the briefing of `report` says, from `snapshot` (its own, or an earlier version's),
    in the active language."""
    kind = get(snapshot, "period.kind") or report.period_kind
    start = day(get(snapshot, "period.start")) or report.period_start
    end = day(get(snapshot, "period.end")) or report.period_end
    before = snapshot.get("previous_period") or {}
    before_start, before_end = day(before.get("start")), day(before.get("end"))
    if before_start is None or before_end is None:
        before_start, before_end = previous_period(kind, start, end)
    scope = get(snapshot, "scope.name") or report.scope_label
    words = Words(kind)
    figures = Figures(snapshot, previous_figures(report, snapshot))
    bodies = (
        _work_progress(figures, words, snapshot),
        _grievances(figures, words),
        _grid_work(figures, words, snapshot),
        _ledgers(figures, words, snapshot),
        _problems(figures, words, report, snapshot),
        [Paragraph(_("[The office's own plans for the next period go here.]"), True)],
    )
    sections = tuple(
        Section(
            pgettext("briefing section heading", "%(number)s. %(title)s")
            % {"number": number, "title": title},
            tuple(blocks),
        )
        for number, title, blocks in zip(SECTION_NUMBERS, SECTION_TITLES, bodies, strict=True)
    )
    built = _date_text(snapshot.get("as_of")) or _date_text(end.isoformat())
    return Briefing(
        title=_("%(scope)s industrial-workforce reform: briefing") % {"scope": scope},
        period=pgettext("briefing period under the title", "(%(period)s)")
        % {"period": period_text(kind, start, end)},
        issuer=_issuer(report),
        issued_on=built,
        opening=_(
            "This briefing reports the industrial-workforce reform work of %(scope)s over "
            "%(period)s, compared with %(before)s. The figures are as the portal counted them "
            "on %(as_of)s."
        )
        % {
            "scope": scope,
            "period": period_text(kind, start, end),
            "before": period_text(kind, before_start, before_end),
            "as_of": built,
        },
        sections=sections,
        language=_document_language(),
    )


def _document_language() -> str:
    """The language tag Word spell-checks and lays out the text by."""
    language = translation.get_language() or "zh-hans"
    return "zh-CN" if language.startswith("zh") else "en-US"
