"""The three rates (三率) dashboard: response, resolution and satisfaction rates for a scope and
period, broken down by park, grid zone, unit and month, with the survey funnel.

Every number is counted in SQL by grievances.selectors; static/js/grievance_rates.js draws the
charts from the same numbers the tables print (json_script).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from grievances import selectors
from grievances.forms import RatesScopeForm
from parks.core.dates import period_presets
from parks.structure.models import GridZone

# The definitions live in grievances.selectors, shared with the API docs; marked here so that
# makemessages picks them up and the page shows them in the reader's language.
RATE_DEFINITION_MESSAGES = (
    gettext_noop("responded within the time limit ÷ received"),
    gettext_noop("resolved (replied to the worker) ÷ received"),
    gettext_noop("satisfied + basically satisfied ÷ followed up"),
)
# (key, numerator count, denominator count), in the order of the cards.
RATES = [
    ("response_rate", "responded_in_time", "received"),
    ("resolution_rate", "resolved", "received"),
    ("satisfaction_rate", "satisfied", "followed_up"),
]
RATE_COLOURS = {
    "response_rate": "#1565c0",
    "resolution_rate": "#2e7d32",
    "satisfaction_rate": "#b71c1c",
}


def _rate_labels():
    return {
        "response_rate": _("Response rate"),
        "resolution_rate": _("Resolution rate"),
        "satisfaction_rate": _("Satisfaction rate"),
    }


def _zone_names(rows):
    ids = [row["grid_zone"] for row in rows if row["grid_zone"]]
    zones = GridZone.objects.filter(pk__in=ids).select_related("park")
    return {zone.pk: f"{zone.park.name} · {zone.code} {zone.name}" for zone in zones}


def _breakdowns(grievances):
    by_park = selectors.rates_by(grievances, "park")
    by_zone = selectors.rates_by(grievances, "grid_zone")
    by_unit = selectors.rates_by(grievances, "unit")
    by_month = selectors.rates_by(grievances, "month")
    zone_names = _zone_names(by_zone) if by_zone else {}
    for row in by_park:
        row["label"] = row["park__name"]
    for row in by_zone:
        row["label"] = zone_names.get(row["grid_zone"]) or _("No grid zone")
    for row in by_unit:
        row["label"] = row["handling_unit__name"] or _("Not assigned yet")
    for row in by_month:
        row["label"] = timezone.localtime(row["month"]).strftime("%Y-%m") if row["month"] else ""
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
            {"key": key, "name": labels[key], "color": RATE_COLOURS[key]} for key, _n, _d in RATES
        ],
        "months": [row["label"] for row in by_key["month"]],
        "month_rates": {key: [row[key] for row in by_key["month"]] for key, _n, _d in RATES},
        "parks": [row["label"] for row in by_key["park"]],
        "park_rates": {key: [row[key] for row in by_key["park"]] for key, _n, _d in RATES},
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
    breakdowns = _breakdowns(counted.grievances)
    labels = _rate_labels()
    cards = [
        {
            "key": key,
            "label": labels[key],
            "value": totals[key],
            "part": totals[part],
            "whole": totals[whole],
            "definition": _(selectors.RATE_DEFINITIONS[key]),
        }
        for key, part, whole in RATES
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
            "chart": _chart_data(totals, breakdowns, funnel),
        },
    )
