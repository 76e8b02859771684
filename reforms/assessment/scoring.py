"""How a score is worked out from a subject's figures and the rules it is computed with (pure
arithmetic, no database writes; reforms.assessment.services stores the result).

A score (`score_inputs`), in Decimal arithmetic:
- each indicator's value is its figure as the reports state it (percent, one decimal);
- the share earned is (value − zero_at) ÷ (full_at − zero_at), clamped to [0, 1];
- an indicator whose whole is 0 for the subject does not apply: with REDISTRIBUTE its weight is
  spread over the indicators that apply, in proportion to their weights (the effective weights
  rounded to 2 places, the cents left over given to the largest remainders, so they add up to
  the scheme's total); with FULL_MARKS it earns its whole weight;
- points = effective weight × share, rounded to 2 places (ROUND_HALF_UP); base = their sum;
  total = base + the live adjustments. A subject to which no indicator applies (a unit with
  no tasks, grievances or orders in the period) has nothing to be scored on: it gets no score
  for the period, under either rule, rather than a zero or full marks it did nothing for.
- Ranks: by total, highest first; equal totals share a rank (1, 1, 3).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from reforms.assessment import indicators as registry
from reforms.assessment.choices import NotApplicable
from reforms.assessment.models import Scheme, SchemeIndicator, SchemeItem

CENT = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")


def round_points(value: Decimal) -> Decimal:
    """Points as stored and shown: 2 places, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _cents(value: Decimal) -> str:
    """A number of points (or a percentage bound) as the rules and inputs write it: 2 places."""
    return str(round_points(Decimal(value)))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def rules_of(
    scheme: Scheme, indicators: Iterable[SchemeIndicator], items: Iterable[SchemeItem]
) -> dict[str, Any]:
    """The scheme's rules as a score keeps them (Score.rules): JSON, Decimals as text."""
    return {
        "version": scheme.version,
        "total_weight": _cents(scheme.total_weight),
        "not_applicable": scheme.not_applicable,
        "bonus_cap": _cents(scheme.bonus_cap),
        "deduction_cap": _cents(scheme.deduction_cap),
        "red_list_size": scheme.red_list_size,
        "black_list_size": scheme.black_list_size,
        "indicators": [
            {
                "indicator": row.indicator,
                "weight": _cents(row.weight),
                "full_at": _cents(row.full_at),
                "zero_at": _cents(row.zero_at),
            }
            for row in indicators
        ],
        "items": [
            {"item": item.pk, "kind": item.kind, "name": item.name, "points": _cents(item.points)}
            for item in items
        ],
    }


def stored_rules(scheme: Scheme) -> dict[str, Any]:
    return rules_of(scheme, scheme.indicators.order_by("position", "pk"), scheme.items.all())


def _effective_weights(rows: list[dict[str, Any]], total: Decimal) -> list[Decimal]:
    """The applicable rows' weights scaled up to `total`, in cents that add up to it exactly
    (the cents left over go to the largest remainders, the first row first on a tie)."""
    applicable = sum((row["weight"] for row in rows), ZERO)
    exact = [row["weight"] * total / applicable for row in rows]
    cut = [share.quantize(CENT, rounding=ROUND_DOWN) for share in exact]
    left = int((total - sum(cut, ZERO)) / CENT)
    order = sorted(range(len(rows)), key=lambda i: (-(exact[i] - cut[i]), i))
    for i in order[:left]:
        cut[i] += CENT
    return cut


def score_inputs(
    rules: dict[str, Any], counted: dict[str, registry.Counted]
) -> tuple[Decimal, list[dict[str, Any]]] | None:
    """A subject's base and its inputs (Score.inputs) under `rules` from its counted figures
    {indicator key: Counted}; None when no indicator applies to it."""
    rows = []
    for rule in rules["indicators"]:
        figure = counted.get(rule["indicator"], registry.NOT_COUNTED)
        rows.append(
            {
                "rule": rule,
                "figure": figure,
                "weight": Decimal(rule["weight"]),
                "full_at": Decimal(rule["full_at"]),
                "zero_at": Decimal(rule["zero_at"]),
            }
        )
    redistribute = rules["not_applicable"] == NotApplicable.REDISTRIBUTE
    applicable = [row for row in rows if row["figure"].applies]
    if not applicable:
        return None
    if redistribute:
        total = Decimal(rules["total_weight"])
        for row, weight in zip(applicable, _effective_weights(applicable, total), strict=True):
            row["effective"] = weight
    inputs = []
    for row in rows:
        figure, weight = row["figure"], row.get("effective", row["weight"])
        if figure.applies:
            share = (figure.value - row["zero_at"]) / (row["full_at"] - row["zero_at"])
            # Clamped to [0, 1]; a share of exactly 0 is +0 (0 ÷ −20 is −0 in Decimal).
            share = ZERO if share <= 0 else min(share, ONE)
            earned = round_points(weight * share)
        else:
            weight = ZERO if redistribute else row["weight"]
            earned = round_points(weight)
        inputs.append(
            {
                "indicator": row["rule"]["indicator"],
                "part": figure.part,
                "whole": figure.whole,
                "value": _text(figure.value),
                "applicable": figure.applies,
                "weight": str(round_points(row["weight"])),
                "effective_weight": str(round_points(weight)),
                "full_at": row["rule"]["full_at"],
                "zero_at": row["rule"]["zero_at"],
                "points": str(earned),
            }
        )
    base = sum((Decimal(row["points"]) for row in inputs), ZERO)
    return base, inputs
