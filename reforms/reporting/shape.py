"""The words a report's declaration (reforms.reporting.spec) is written in.

A Figure is one value of the snapshot, with what every reader needs of it:
  key         its key in the snapshot object;
  kind        what it is (COUNT, PERCENT, YUAN, HOURS, DATE…): the schema's field type, the
              workbook's number format and how the page prints it follow from it;
  label       its name in a row of its own section on the page (translated, lazily);
  name        its name standing alone, as a column or a card (defaults to `label`);
  term        its fixed Chinese name in the workbook (never translated: a filed workbook must
              not change when a translation is reworded);
  definition  what it counts, in plain English, for the API schema; a rate's or a money
              figure's unit note is added by the schema from its kind;
  basis       what it counts in fixed Chinese (口径), for the workbook's 口径说明 sheet and the
              API schema; the grievance figures take theirs from grievances.rates;
  note        what it counts as pages show it beside the figure (translated, lazily).
A Group is an object of the snapshot (one schema component), a Part a nested object or list, a
Share a rate worked out from two figures, a Section a part of the report compared with the
period before (a table on the page, a sheet of the workbook).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# What a figure is: its schema type, workbook format and printed form follow from it.
COUNT = "count"  # a whole number ≥ 0
PERCENT = "percent"  # 75.0 is 75 %, one decimal; null over zero (parks.core.figures.percent)
YUAN = "yuan"  # money, a decimal string "42000.00"
HOURS = "hours"  # course hours, a decimal string "16.0"
DATE = "date"
DATETIME = "datetime"
NUMBER = "number"  # an integer that is not a count (the schema version)
ID = "id"  # a database id
TEXT = "text"
CHOICE = "choice"  # one value of `choices`, named `enum` in the schema
TEXTS = "texts"  # a list of strings


@dataclass(frozen=True)
class Figure:
    """One value of the snapshot."""

    key: str
    label: Any = ""
    term: str = ""
    definition: str = ""
    kind: str = COUNT
    name: Any = None
    nullable: bool = False
    choices: Any = None
    enum: str = ""
    basis: str = ""
    note: Any = ""
    # A rate that is better lower (return, reopen): its rise is coloured as bad news.
    lower_is_better: bool = False

    @property
    def heading(self):
        """The figure standing alone (a column header, a card)."""
        return self.name or self.label


def change_tone(change, *, percent: bool, lower_is_better: bool = False) -> str:
    """How a change reads on a page: "good", "bad", or "neutral". Rates are better up unless
    declared lower_is_better; whether more of a count is better depends on the count, so a
    count's change is neutral."""
    if not change or not percent:
        return "neutral"
    return "good" if (change > 0) != lower_is_better else "bad"


@dataclass(frozen=True)
class Group:
    """An object of the snapshot; `name` is its schema component."""

    name: str
    fields: tuple
    doc: str = ""

    def __getitem__(self, key: str):
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    def get(self, key: str):
        try:
            return self[key]
        except KeyError:
            return None

    def figures(self) -> tuple[Figure, ...]:
        """Its own values, nested objects left out."""
        return tuple(item for item in self.fields if isinstance(item, Figure))

    def figure(self, path: str) -> Figure:
        """The figure at "a.b" below this group."""
        head, _dot, rest = path.partition(".")
        item = self[head]
        return item.group.figure(rest) if rest else item


@dataclass(frozen=True)
class Part:
    """A nested object of the snapshot (`many`: a list of them)."""

    key: str
    group: Group
    definition: str = ""
    many: bool = False
    label: Any = ""
    # Absent from snapshots built before it was added: not required in the schema, and left
    # out of the API's answer for such a snapshot rather than failing it.
    optional: bool = False


def per_choice(choices, terms=None, *, definition="") -> tuple[Figure, ...]:
    """One figure per value of `choices`, named by its label and its workbook term
    (`definition`: a format with {value})."""
    return tuple(
        Figure(
            value,
            label,
            (terms or {}).get(value, ""),
            definition.format(value=value),
            choices=choices,
        )
        for value, label in choices.choices
    )


def periods(period: Group, *, previous="counted the same way") -> tuple[Part, Part, Part]:
    """ "current": <period>, "previous": <period>, "year_ago": <period>."""
    after = f", {previous}." if previous else "."
    return (
        Part("current", period, "Over `period`."),
        Part("previous", period, f"Over `previous_period`{after}"),
        Part(
            "year_ago",
            period,
            f"Over `year_ago_period` (the same period a year earlier){after} Absent from "
            "reports built before it was added.",
            optional=True,
        ),
    )


# The periods a section compares its `current` with, in the order pages and sheets show them.
COMPARED = ("previous", "year_ago")


@dataclass(frozen=True)
class Share:
    """A rate the snapshot does not store, worked out from two of its figures with
    parks.core.figures.percent (a park's grid coverage, its task completion)."""

    key: str
    part: str
    whole: str
    name: Any = ""
    term: str = ""
    kind: str = field(default=PERCENT, init=False)

    @property
    def heading(self):
        return self.name


@dataclass(frozen=True)
class Section:
    """A section of the snapshot compared with the period before: a table on the page, a sheet
    of the workbook. `rows`: the period's figures in the order shown (all, by default)."""

    key: str
    group: Group
    title: Any
    sheet: str
    rows: tuple[str, ...] = ()
    # The snapshot's list that orders its one-figure-per-choice rows ("publicity_channels").
    listed_in: str = ""

    @property
    def period(self) -> Group:
        """The figures of its `current` (and `previous`)."""
        return self.group["current"].group

    def figures(self) -> Iterator[Figure]:
        period = self.period
        for key in self.rows or (figure.key for figure in period.figures()):
            yield period[key]
