"""The grievance rates page: the three rates (三率) and the others of grievances.rates for a
scope and period, each with its pending count and definition, broken down by park, grid zone,
unit and month, with the survey funnel.

Every number is counted in SQL by grievances.rates (through selectors.rates_for), which also
holds each figure's definition; static/js/grievance_rates.js draws the charts of the three rates
from the same numbers the tables print (json_script).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grievances import rates as grievance_rates
from grievances import selectors
from grievances.forms import RatesScopeForm
from grievances.funnel import FUNNEL
from parks.core.dates import period_presets
from parks.structure.models import GridZone

# The rates the charts draw (the three rates of 接诉即办), with their colours.
RATE_COLOURS = {
    "response_rate": "#1565c0",
    "resolution_rate": "#2e7d32",
    "satisfaction_rate": "#b71c1c",
}
# The columns of the breakdown tables, by key of grievances.rates: counts and rates.
TABLE_COLUMNS = (
    "received",
    "response_pending",
    "response_rate",
    "resolution_pending",
    "resolution_rate",
    "on_time_resolution_rate",
    "followed_up",
    "satisfaction_rate",
    "first_call_satisfaction_rate",
    "return_rate",
    "reopen_rate",
)


def _rate_labels():
    return {key: str(grievance_rates.BY_KEY[key].label) for key in RATE_COLOURS}


def _cells(row):
    """A breakdown row's cells in TABLE_COLUMNS order; a rate shows its numerator beside it."""
    cells = []
    for key in TABLE_COLUMNS:
        measure = grievance_rates.BY_KEY[key]
        cells.append(
            {
                "key": key,
                "value": row[key],
                "is_rate": measure.is_rate,
                "part": row[measure.part] if measure.is_rate else None,
            }
        )
    return cells


def _pending(key, totals):
    """A rate's pending count and its name, for the rates that have one."""
    pending = grievance_rates.PENDING.get(key)
    if pending is None:
        return None
    return {"label": grievance_rates.BY_KEY[pending].label, "count": totals[pending]}


def _zone_names(rows):
    ids = [row["grid_zone"] for row in rows if row["grid_zone"]]
    zones = GridZone.objects.filter(pk__in=ids).select_related("park")
    return {zone.pk: f"{zone.park.name} · {zone.code} {zone.name}" for zone in zones}


def _breakdowns(counted):
    grievances, now = counted.grievances, counted.now
    by_park = selectors.rates_by(grievances, "park", now=now)
    by_zone = selectors.rates_by(grievances, "grid_zone", now=now)
    by_unit = selectors.rates_by(grievances, "unit", now=now)
    by_month = selectors.rates_by(grievances, "month", now=now)
    zone_names = _zone_names(by_zone) if by_zone else {}
    for row in by_park:
        row["label"] = row["park__name"]
    for row in by_zone:
        row["label"] = zone_names.get(row["grid_zone"]) or _("No grid zone")
    for row in by_unit:
        row["label"] = row["handling_unit__name"] or _("Not assigned yet")
    for row in by_month:
        row["label"] = timezone.localtime(row["month"]).strftime("%Y-%m") if row["month"] else ""
    for row in (*by_park, *by_zone, *by_unit, *by_month):
        row["cells"] = _cells(row)
    return [
        {"key": "park", "title": _("By park"), "rows": by_park},
        {"key": "grid_zone", "title": _("By grid zone"), "rows": by_zone},
        {"key": "unit", "title": _("By handling unit"), "rows": by_unit},
        {"key": "month", "title": _("By month of receipt"), "rows": by_month},
    ]


def _chart_data(totals, breakdowns, funnel):
    labels = _rate_labels()
    by_key = {table["key"]: table["rows"] for table in breakdowns}
    return {
        "labels": {
            **labels,
            "percent": _("Rate (%)"),
            "no_data": _("No grievances"),
            "no_surveys": _("No surveys in this period"),
        },
        "rates": [
            {"key": key, "name": labels[key], "color": colour}
            for key, colour in RATE_COLOURS.items()
        ],
        "months": [row["label"] for row in by_key["month"]],
        "month_rates": {key: [row[key] for row in by_key["month"]] for key in RATE_COLOURS},
        "parks": [row["label"] for row in by_key["park"]],
        "park_rates": {key: [row[key] for row in by_key["park"]] for key in RATE_COLOURS},
        "funnel": [
            {"name": _("Handed out"), "value": funnel["handed_out"]},
            {"name": pgettext("survey", "Returned"), "value": funnel["returned"]},
            {"name": _("Opinions"), "value": funnel["opinions"]},
            {"name": _("Rectified"), "value": funnel["rectified"]},
        ],
        "received": totals["received"],
    }


@login_required
def rates(request):
    today = timezone.localdate()
    presets = period_presets(today)
    data = request.GET.copy()
    if not data.get("date_from") and not data.get("date_to") and "period" not in data:
        # The year so far unless a period is chosen; period=all counts every year.
        data["date_from"] = presets[-1]["start"].isoformat()
        data["date_to"] = today.isoformat()
    form = RatesScopeForm(data, user=request.user)
    scope = form.cleaned_data if form.is_valid() else {}
    counted = selectors.rates_for(
        request.user,
        selectors.RateScope(
            park=scope.get("park"),
            subdistrict=scope.get("subdistrict"),
            grid_zone=scope.get("grid_zone"),
            unit=scope.get("unit"),
            start=scope.get("date_from"),
            last=scope.get("date_to"),
        ),
    )
    totals, funnel = counted.totals, counted.funnel
    breakdowns = _breakdowns(counted)
    cards = [
        {
            "key": rate.key,
            "label": rate.label,
            "value": totals[rate.key],
            "part": totals[rate.part],
            "whole": totals[rate.whole],
            # A card states its rate as a formula under its name: "响应率 = 按时响应数 ÷ …".
            "definition": f"{rate.label} = {rate.note}",
            "pending": _pending(rate.key, totals),
        }
        for rate in grievance_rates.RATES
    ]
    # Preset links keep the scope and replace the period.
    for preset in presets:
        query = data.copy()
        query.pop("period", None)
        query["date_from"] = preset["start"].isoformat()
        query["date_to"] = preset["end"].isoformat()
        preset["url"] = f"?{query.urlencode()}"
        preset["active"] = (
            data.get("date_from") == query["date_from"] and data.get("date_to") == query["date_to"]
        )
    everything = data.copy()
    everything.pop("date_from", None)
    everything.pop("date_to", None)
    everything["period"] = "all"
    presets.append(
        {
            "key": "all",
            "label": _("All time"),
            "url": f"?{everything.urlencode()}",
            "active": "period" in data and not data.get("date_from") and not data.get("date_to"),
        }
    )
    return render(
        request,
        "grievances/rates.html",
        {
            "nav": "grievance_rates",
            "form": form,
            "presets": presets,
            "totals": totals,
            "cards": cards,
            "breakdowns": breakdowns,
            "funnel": funnel,
            "funnel_steps": [
                {"key": step.key, "label": step.label, "note": step.note, "value": funnel[step.key]}
                for step in FUNNEL
            ],
            "chart": _chart_data(totals, breakdowns, funnel),
            "columns": [grievance_rates.BY_KEY[key] for key in TABLE_COLUMNS],
            # Every figure's definition, as the page's footnote.
            "definitions": [*grievance_rates.MEASURES, *FUNNEL],
        },
    )
