"""How the portal states a share: one percentage for every page, report, workbook, chart and API.

A rate (on-time rate, the three grievance rates, grid coverage) is `percent(part, whole)`:
part ÷ whole × 100 with one decimal, as the report snapshot has always stored it (75.0 is 75 %).
Nothing to divide by is "no figure" (None, shown as "—"), never 0 %.
"""


def percent(part: float, whole: float) -> float | None:
    """`part` as a percentage of `whole`, rounded to one decimal; None when `whole` is 0."""
    return round(100 * part / whole, 1) if whole else None
