"""The dashboard's figure cards and park ranking, each one table of specs.

A card or a ranking column names a figure of the report's snapshot by its path; its label and
whether it is a percentage come from the report's declaration (reforms.reporting.spec), so the
dashboard, the printable page and the workbook call a figure the same way. Only where the
dashboard says something else (a card's "Grid activities", the ranking's "Red tasks") does a
spec give its own label.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.translation import gettext_lazy as _

from parks.core.figures import percent
from reforms.reporting import shape, spec


def _get(data, path: str):
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


@dataclass(frozen=True)
class Card:
    """A figure card: `value` is a path in the snapshot ("grievances.current.response_rate"),
    compared with the same path in `previous`; or `share` works it out (part, whole)."""

    key: str
    value: str = ""
    share: tuple[str, str] | None = None
    label: Any = None
    detail: Any = ""
    # The detail's %(name)s placeholders, by path in the snapshot.
    detail_args: tuple[tuple[str, str], ...] = ()
    compare: bool = True

    @property
    def figure(self):
        return spec.SNAPSHOT.figure(self.value) if self.value else None

    @property
    def is_percent(self) -> bool:
        return self.share is not None or self.figure.kind == shape.PERCENT

    def render(self, snapshot: dict) -> dict:
        if self.share:
            value = percent(_get(snapshot, self.share[0]) or 0, _get(snapshot, self.share[1]))
        else:
            value = _get(snapshot, self.value)
            if value is None and self.figure.kind == shape.COUNT:
                value = 0
        previous = _get(snapshot, self.value.replace(".current.", ".previous.", 1))
        previous = previous if self.compare else None
        change = None
        if self.compare and value is not None and previous is not None:
            change = round(value - previous, 1)
        detail = self.detail
        if self.detail_args:
            detail = detail % {name: _get(snapshot, path) for name, path in self.detail_args}
        return {
            "key": self.key,
            "label": self.label or self.figure.heading,
            # What the figure counts, as its declaration says (a grievance rate's:
            # grievances.rates), shown as the card's tooltip and the cards' footnote.
            "definition": self.figure.note if self.figure else "",
            "value": value,
            "previous": previous,
            "percent": self.is_percent,
            "detail": detail,
            "compare": self.compare,
            "change": change,
            "size": None if change is None else abs(change),
            "tone": shape.change_tone(
                change,
                percent=self.is_percent,
                lower_is_better=bool(self.figure and self.figure.lower_is_better),
            ),
            "direction": None
            if change is None
            else "up"
            if change > 0
            else "down"
            if change
            else "flat",
        }


def _rate_card(key: str, detail) -> Card:
    """A grievance rate's card: its numerator, denominator and (where it has one) its pending
    count, as the report's declaration relates them (spec.RATE_PARTS), fill the detail."""
    now = "grievances.current"
    part, whole, pending = spec.RATE_PARTS[key]
    args = [("part", f"{now}.{part}"), ("whole", f"{now}.{whole}")]
    if pending:
        args.append(("pending", f"{now}.{pending}"))
    return Card(key, f"{now}.{key}", detail=detail, detail_args=tuple(args))


CARDS = (
    _rate_card(
        "response_rate",
        _("%(part)s of %(whole)s responded in time; %(pending)s pending, not yet due"),
    ),
    _rate_card(
        "resolution_rate",
        _("%(part)s of %(whole)s resolved; %(pending)s pending, not yet due"),
    ),
    _rate_card("satisfaction_rate", _("%(part)s of %(whole)s follow-up calls satisfied")),
    _rate_card(
        "on_time_resolution_rate",
        _("%(part)s of %(whole)s resolved in time; %(pending)s pending, not yet due"),
    ),
    _rate_card(
        "first_call_satisfaction_rate", _("%(part)s of %(whole)s satisfied at the first call")
    ),
    _rate_card("return_rate", _("%(part)s of %(whole)s sent to a unit were returned")),
    _rate_card("reopen_rate", _("%(part)s of %(whole)s followed up were reopened")),
    # 按时完成率 of the tasks due in the period (reforms.tasks.selectors): an overdue open task
    # counts against it, one not yet due is pending.
    Card(
        "task_on_time",
        "tasks.current.on_time_rate",
        label=_("Task on-time rate"),
        detail=_("%(part)s of %(whole)s tasks done on time; %(pending)s pending, not yet due"),
        detail_args=(
            ("part", "tasks.current.due_done_on_time"),
            ("whole", "tasks.current.due_counted"),
            ("pending", "tasks.current.due_pending"),
        ),
    ),
    Card(
        "completion",
        share=("tasks.by_status.done", "tasks.total"),
        label=spec.PARK_COMPLETION.name,
        detail=_("%(part)s of %(whole)s tasks done, as of today"),
        detail_args=(("part", "tasks.by_status.done"), ("whole", "tasks.total")),
        compare=False,
    ),
    Card(
        "red",
        "tasks.by_warning.red",
        label=_("Overdue tasks (red)"),
        detail=_("past due and not done, as of today"),
        compare=False,
    ),
    Card(
        "yellow",
        "tasks.by_warning.yellow",
        label=_("At-risk tasks (yellow)"),
        detail=_("due soon or behind the scheduled pace"),
        compare=False,
    ),
    Card(
        "activities",
        "activities.current.count",
        label=_("Grid activities"),
        detail=_("%(count)s participants"),
        detail_args=(("count", "activities.current.participants"),),
    ),
    Card(
        "coverage",
        "coverage.current.rate",
        detail=_("%(part)s of %(whole)s grid zones logged activity"),
        detail_args=(("part", "coverage.current.covered"), ("whole", "coverage.zones")),
    ),
)


def cards(snapshot: dict) -> list[dict]:
    return [card.render(snapshot) for card in CARDS]


@dataclass(frozen=True)
class Rank:
    """A figure parks can be ranked by: a path in a `by_park` entry, or a share of two."""

    key: str
    path: str = ""
    share: shape.Share | None = None
    label: Any = None

    @property
    def figure(self):
        return self.share or spec.park_figure(self.path)

    @property
    def heading(self):
        return self.label or self.figure.heading

    @cached_property
    def is_percent(self) -> bool:
        # The declaration's kind, the same in every language: read once per rank, not for
        # each of the ranking's some 500 cells.
        return self.figure.kind == shape.PERCENT

    def value(self, row: dict):
        if self.share:
            return percent(_get(row, self.share.part), _get(row, self.share.whole))
        return _get(row, self.path)


RANKS = (
    *(Rank(key, f"grievances.{key}") for key in spec.RATES),
    Rank("received", "grievances.received"),
    Rank("completion", share=spec.PARK_COMPLETION),
    Rank("red", "tasks.red", label=_("Red tasks")),
    Rank("yellow", "tasks.yellow", label=_("Yellow tasks")),
    Rank("activities", "activities.count"),
    Rank("coverage", share=spec.PARK_COVERAGE_RATE),
)
RANK_BY_KEY = {rank.key: rank for rank in RANKS}
# The figures the monthly trend charts draw, named as in the ranking.
CHARTED = (*spec.RATES, "received", "activities", "coverage")


def figure_labels() -> dict:
    """The figures a park can be ranked by: key → (label, is a percentage)."""
    return {rank.key: (rank.heading, rank.is_percent) for rank in RANKS}


def park_figures(row: dict) -> dict:
    return {rank.key: rank.value(row) for rank in RANKS}


def chart_labels() -> dict:
    return {
        **{key: RANK_BY_KEY[key].heading for key in CHARTED},
        "no_data": _("Nothing to show for this period"),
        "no_zones": _("This park has no grid zones yet"),
    }


def park_cells(figures: dict) -> list[dict]:
    """A ranking row's cells, each knowing whether it prints as a percentage."""
    return [
        {"key": key, "value": value, "percent": RANK_BY_KEY[key].is_percent}
        for key, value in figures.items()
    ]
