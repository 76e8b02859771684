"""The district dashboard (产改看板) and its drill-down to one park.

The figure cards and the park ranking are the progress report's own figures
(reforms.reporting.contents.build_snapshot on an unsaved report of the chosen scope and period),
so the dashboard and the reports never disagree. A period still running is counted up to today
and compared with as many days at the start of the period before (1–10 June with 1–10 May), not
with the whole of it. A complete period with a done report of the same scope shows that report's
snapshot; anything computed is cached for CACHE_SECONDS, so reloading the page or opening it
from several desks does not run some thirty aggregate queries over all the data each time. The
monthly trends (twelve months ending with the period) are one query over grievances
and one over the grid log's monthly rollup (parks.gridlog.selectors), not over the raw log. The
page runs the same number of queries however many parks there are; static/js/dashboard.js
draws the charts from the numbers the tables print (json_script).
"""

from datetime import date, datetime, time
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Sum, Value
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from grievances import selectors
from grievances.models import Grievance
from parks import access
from parks.access import parks_visible_to
from parks.core.dates import PORTAL_DATE_VALIDATORS, month_start
from parks.core.db import chinese_order
from parks.core.figures import percent
from parks.core.forms import DATE_INPUT, BootstrapFormMixin
from parks.core.prepared import prepared
from parks.core.row_urls import pk_url
from parks.core.tallies import rollups_kept
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog.models import Activity
from parks.structure.models import GridZone, Subdistrict
from reforms.reporting import spec
from reforms.reporting.choices import PeriodKind, ReportScope, ReportStatus
from reforms.reporting.contents import SCHEMA_VERSION, Scope, build_snapshot
from reforms.reporting.models import Report, scope_key_for
from reforms.reporting.periods import as_instants, period_containing, previous_period
from reforms.reporting.views.dashboard_cards import (
    cards,
    chart_labels,
    figure_labels,
    park_cells,
    park_figures,
)

TREND_MONTHS = 12
# The report's sections this page shows (the cards, the funnel, the ranking and the zones'
# count): a computed snapshot holds these alone. The ledgers, the overdue lists, the units'
# figures, the supervision orders and the subdistricts were half of its cold build's queries.
SECTIONS_SHOWN = ("tasks", "grievances", "activities", "coverage", "by_park")
# How long computed figures are reused: the figures of the running period may lag this much.
CACHE_SECONDS = 5 * 60
RATE_COLOURS = {
    "response_rate": "#1565c0",
    "resolution_rate": "#2e7d32",
    "satisfaction_rate": "#b71c1c",
}


class DashboardForm(BootstrapFormMixin, forms.Form):
    """The period the cards count (the week, month, quarter or year a day falls in) and, for
    readers of the whole district, an optional subdistrict."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[(k, label) for k, label in PeriodKind.choices if k != PeriodKind.CUSTOM],
        required=False,
    )
    day = forms.DateField(
        label=gettext_lazy("Any day in it"),
        required=False,
        validators=PORTAL_DATE_VALIDATORS,
        widget=DATE_INPUT,
    )
    subdistrict = forms.ModelChoiceField(
        label=gettext_lazy("Subdistrict"),
        queryset=Subdistrict.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole district"),
    )

    def __init__(self, *args, subdistricts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subdistricts is None:
            del self.fields["subdistrict"]
        else:
            self.fields["subdistrict"].queryset = subdistricts

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(
                _("The dashboard counts what has happened: pick a past day.")
            )
        return day


# --- The period -----------------------------------------------------------------------------


def _period(form, today):
    """(kind, first day, last day counted, running, period compared with) — a running period is
    counted up to today."""
    form.is_valid()  # what was valid is used; the rest shows its error and keeps the default
    kind = form.cleaned_data.get("kind") or PeriodKind.MONTH
    day = form.cleaned_data.get("day") or today
    start, end = period_containing(kind, day)
    previous = previous_period(kind, start, end)
    running = end > today
    if running:
        # Like with like: 1–10 June against 1–10 May, not against the whole of May (which
        # would show nearly every figure down). A longer month before is cut at its end.
        previous = (previous[0], min(previous[1], previous[0] + (today - start)))
    return kind, start, min(end, today), running, previous


# --- Ranking of parks (the cards and the ranked figures: reforms.reporting.views.dashboard_cards)
# -------


DEFAULT_RANK = "-activities"


def _ranking(by_park, rank, query):
    """Parks sorted by the chosen figure (`-key` most first); parks without the figure last."""
    key = rank.removeprefix("-")
    if key not in figure_labels():
        rank, key = DEFAULT_RANK, DEFAULT_RANK.removeprefix("-")
    suffix = f"?{query}" if query else ""
    rows = [
        {
            "park": row["park"],
            "name": row["park_name"],
            "url": pk_url("reforms:dashboard_park", row["park"]) + suffix,
            "figures": figures,
            "cells": park_cells(figures),
            "tasks": row["tasks"],
            "coverage": row["coverage"],
            "grievances": row["grievances"],
        }
        for row in by_park
        for figures in (park_figures(row),)
    ]
    known = [row for row in rows if row["figures"][key] is not None]
    unknown = [row for row in rows if row["figures"][key] is None]
    known.sort(key=lambda row: row["figures"][key], reverse=rank.startswith("-"))
    return known + unknown, rank


def _rank_links(request, rank):
    """Column-header links: the first click ranks most first, the next least first."""
    links = {}
    for key, (label, _percent) in figure_labels().items():
        query = request.GET.copy()
        direction = ""
        if rank == f"-{key}":
            direction, query["rank"] = "desc", key
        elif rank == key:
            direction, query["rank"] = "asc", f"-{key}"
        else:
            query["rank"] = f"-{key}"
        links[key] = {"label": label, "url": f"?{query.urlencode()}", "direction": direction}
    return links


# --- Monthly trends -------------------------------------------------------------------------


def _trends(scope, end):
    """The three rates, grievances received, activities and grid coverage per month, for the
    twelve months ending with the period's month: one query over the grievances, one over the
    grid log's monthly rollup."""
    first = month_start(end, -(TREND_MONTHS - 1))
    last = period_containing(PeriodKind.MONTH, end)[1]
    since, until = as_instants(first, last)
    months = [month_start(first, n) for n in range(TREND_MONTHS)]
    grievances = _grievance_months(scope, months, since, until)
    # Entries and covered zones per month from the grid log's rollup (parks.gridlog.selectors),
    # the same figures the raw log gives; covered as the report counts it (zone_logged).
    parks = None if scope.is_district else scope.parks.values("pk")
    counted, covered = gridlog_selectors.activities_and_zones_covered_per_month(
        parks=parks,
        zones=None if scope.is_district else scope.of(GridZone.objects.all()),
        first=first,
        last=last,
    )
    activities = {
        month: {"count": counted.get(month, 0), "covered": covered.get(month, 0)}
        for month in months
    }
    return months, grievances, activities


def _grievance_months(scope, months, since, until):
    """{month: the rates drawn and received} of the scope's counted grievances received in
    [since, until), by local month (TruncMonth's: the current time zone's), in one query: one
    aggregate a month over its range of the received_at index, united. Grouping a year of
    grievances by their local month instead made PostgreSQL convert every row's time to its zone
    (about half the query) or sort them. Only the counts behind the rates the charts draw (and
    received): every other column would cost its work on each grievance of the year. A month
    without a counted grievance has no entry (no rates, none received: _trend_data), as a
    grouped query gives no row for it. The twelve aggregates are compiled once per scope and
    zone (parks.core.prepared): compiling them took more CPU than the query saved of the
    database's."""
    zone = timezone.get_current_timezone()
    starts = [datetime.combine(month, time.min, tzinfo=zone) for month in months]
    starts.append(datetime.combine(month_start(months[-1], 1), time.min, tzinfo=zone))
    # Month n is [edges[n], edges[n + 1]): its days within [since, until).
    edges = [min(max(since, moment), until) for moment in starts]
    report = scope.report
    key = (
        "dashboard_grievance_months",
        report.scope,
        report.subdistrict_id,
        report.park_id,
        str(zone),
        rollups_kept(),
    )
    rows = prepared(key, partial(_grievance_months_query, scope), timezone.now(), *edges)
    return {
        months[row.pop("month_index")]: selectors.with_rates(row, spec.RATES)
        for row in rows
        if row["received"]
    }


def _grievance_months_query(scope, now, *edges):
    """_grievance_months' query: what it reads besides its values is in its plan's key."""
    counted = selectors.only_counted(scope.of(Grievance.objects.all()))
    counts = selectors.rate_counts(now, rates=spec.RATES, counted_only=True)
    queries = [
        counted.filter(received_at__gte=edges[index], received_at__lt=edges[index + 1])
        .order_by()
        # A constant is no grouping column: one row of the month's totals, even of none.
        .annotate(month_index=Value(index))
        .values("month_index")
        .annotate(**counts)
        for index in range(len(edges) - 1)
    ]
    return queries[0].union(*queries[1:], all=True)


def _trend_data(months, grievances, activities, zone_count):
    empty = {}
    return {
        "months": [f"{month:%Y-%m}" for month in months],
        **{key: [grievances.get(month, empty).get(key) for month in months] for key in spec.RATES},
        "received": [grievances.get(month, empty).get("received", 0) for month in months],
        "activities": [activities.get(month, empty).get("count", 0) for month in months],
        "coverage": [
            percent(activities.get(month, empty).get("covered", 0), zone_count) for month in months
        ],
    }


# --- Pages ----------------------------------------------------------------------------------


def _dashboard(request, *, scope_kwargs, park=None, subdistricts=None):
    today = timezone.localdate()
    # The form always shows the period counted: this month up to today unless one is chosen.
    data = request.GET.copy()
    if not data.get("kind"):
        data["kind"] = PeriodKind.MONTH
    if not data.get("day"):
        data["day"] = today.isoformat()
    form = DashboardForm(data, subdistricts=subdistricts)
    kind, start, end, running, previous = _period(form, today)
    if subdistricts is not None and form.cleaned_data.get("subdistrict"):
        scope_kwargs = {
            "scope": ReportScope.SUBDISTRICT,
            "subdistrict": form.cleaned_data["subdistrict"],
        }
    report = Report(period_kind=kind, period_start=start, period_end=end, **scope_kwargs)
    snapshot, trend = _figures(report, today, previous, running)
    # The period parameters travel with every link, so a drill-down keeps the period.
    period_query = request.GET.copy()
    for name in ("rank", "subdistrict"):
        period_query.pop(name, None)
    ranking, rank = _ranking(
        snapshot["by_park"], request.GET.get("rank", DEFAULT_RANK), period_query.urlencode()
    )
    labels = figure_labels()
    rank_key = rank.removeprefix("-")
    # The dates the arrows were worked out against, as the snapshot says (a stored report's own).
    previous = tuple(date.fromisoformat(snapshot["previous_period"][k]) for k in ("start", "end"))
    context = {
        "nav": "dashboard",
        "form": form,
        "park": park,
        "scope_name": report.scope_label,
        "kind": kind,
        "kind_label": PeriodKind(kind).label,
        "start": start,
        "end": end,
        "running": running,
        "previous": previous,
        "cards": cards(snapshot),
        "funnel": snapshot["grievances"]["current"]["funnel"],
        "ranking": ranking,
        "rank": rank,
        "rank_key": rank_key,
        "rank_links": _rank_links(request, rank),
        "trend": trend,
        # The numbers behind the trend charts, newest month first, for the table below them.
        "trend_rows": [
            {"month": month, **{key: trend[key][index] for key in trend if key != "months"}}
            for index, month in reversed(list(enumerate(trend["months"])))
        ],
        "period_query": period_query.urlencode(),
        "chart": {
            "labels": chart_labels(),
            "rates": [
                {"key": key, "name": chart_labels()[key], "color": RATE_COLOURS[key]}
                for key in spec.RATES
            ],
            "trend": trend,
            "bars": {
                "key": rank_key,
                "name": labels[rank_key][0],
                "percent": labels[rank_key][1],
                "parks": [
                    {"name": row["name"], "value": row["figures"][rank_key], "url": row["url"]}
                    for row in ranking
                ],
            },
        },
    }
    if park is not None:
        zones = _zone_rows(park, start, end, period_query.urlencode())
        context["zones"] = zones
        context["chart"]["zones"] = [
            {"name": str(zone["zone"]), "value": zone["activities"], "url": zone["feed_url"]}
            for zone in zones
        ]
    return context


def _done_snapshot(report, today):
    """The snapshot of a done report of exactly this scope and period, built after the period
    ended (one built while it ran counts only part of it), in the schema this page reads."""
    if report.period_end >= today:
        return None
    snapshot = (
        Report.objects.filter(
            scope_key=scope_key_for(report.scope, report.subdistrict_id, report.park_id),
            period_kind=report.period_kind,
            period_start=report.period_start,
            period_end=report.period_end,
            status=ReportStatus.DONE,
        )
        .values_list("snapshot", flat=True)
        .first()
    )
    if (
        not snapshot
        or snapshot.get("schema_version") != SCHEMA_VERSION
        or snapshot.get("as_of", "") <= report.period_end.isoformat()
    ):
        return None
    return snapshot


def _figures(report, today, previous, running):
    """(snapshot, trend) for the page: a done report's snapshot for a complete period, or one
    computed; computed figures and the trends come from the cache when seen in the last
    CACHE_SECONDS. `today` is in the key, so a new day never reads yesterday's figures."""
    key = ":".join(
        [
            "dashboard",
            scope_key_for(report.scope, report.subdistrict_id, report.park_id),
            report.period_kind,
            report.period_start.isoformat(),
            report.period_end.isoformat(),
            today.isoformat(),
            get_language() or "",
        ]
    )
    stored = None if running else _done_snapshot(report, today)
    cached = cache.get(key) or {}
    snapshot, trend = stored or cached.get("snapshot"), cached.get("trend")
    if snapshot is None or trend is None:
        # The page shows no year-ago figure and only some sections: the others are not counted.
        snapshot = snapshot or build_snapshot(
            report, previous=previous, with_year_ago=False, sections=SECTIONS_SHOWN
        )
        if trend is None:
            months, grievance_months, activity_months = _trends(Scope(report), report.period_end)
            trend = _trend_data(
                months, grievance_months, activity_months, snapshot["coverage"]["zones"]
            )
        # A stored snapshot is read afresh each time (one query), so a regenerated report
        # shows at once; only what was computed here is kept.
        cache.set(key, {"snapshot": None if stored else snapshot, "trend": trend}, CACHE_SECONDS)
    return snapshot, trend


def _zone_rows(park, start, end, query):
    """The park's grid zones with their activity, grievances and last entry: three queries."""
    since, until = as_instants(start, end)
    zones = (
        park.grid_zones.select_related("liaison")
        .annotate(last_logged=Max("activities__occurred_at"))
        .order_by("code")
    )
    activities = {
        row["grid_zone"]: row
        for row in Activity.objects.filter(
            park=park, grid_zone__isnull=False, occurred_at__gte=since, occurred_at__lt=until
        )
        .order_by()
        .values("grid_zone")
        .annotate(count=Count("pk"), participants=Sum("participants", default=0))
    }
    grievances = {
        row["grid_zone"]: selectors.with_rates(row)
        for row in Grievance.objects.filter(
            park=park, received_at__gte=since, received_at__lt=until, grid_zone__isnull=False
        )
        .order_by()
        .values("grid_zone")
        .annotate(**selectors.rate_counts())
    }
    no_grievances = selectors.no_grievances()
    feed = reverse("parks:activity_feed")
    rows = []
    for zone in zones:
        logged = activities.get(zone.pk, {})
        rows.append(
            {
                "zone": zone,
                "activities": logged.get("count", 0),
                "participants": logged.get("participants", 0),
                "grievances": grievances.get(zone.pk, no_grievances),
                "last_logged": zone.last_logged,
                "feed_url": f"{feed}?grid_zone={zone.pk}&date_from={start}&date_to={end}",
            }
        )
    return rows


def _scope_of(user):
    """The report scope a user's dashboard counts, or a park to send them to."""
    area = access.dashboard_area(user)
    if area.level == access.Level.DISTRICT:
        return {"scope": ReportScope.DISTRICT}, None
    if area.level == access.Level.PARK:
        return None, area.park_id
    if area.level == access.Level.SUBDISTRICT:
        return {"scope": ReportScope.SUBDISTRICT, "subdistrict": user.subdistrict}, None
    raise PermissionDenied


@login_required
def dashboard(request):
    """The district's (or a subdistrict's) figures, trends and park ranking."""
    scope_kwargs, park_id = _scope_of(request.user)
    if park_id is not None:
        # People of one park read their park's dashboard.
        url = reverse("reforms:dashboard_park", args=[park_id])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    subdistricts = None
    if scope_kwargs["scope"] == ReportScope.DISTRICT:
        subdistricts = Subdistrict.objects.order_by(chinese_order("name"))
    context = _dashboard(request, scope_kwargs=scope_kwargs, subdistricts=subdistricts)
    return render(request, "reforms/reports/dashboard.html", context)


@login_required
def dashboard_park(request, pk):
    """One park: the same cards and trends, and its grid zones."""
    park = get_object_or_404(parks_visible_to(request.user).select_related("subdistrict"), pk=pk)
    context = _dashboard(request, scope_kwargs={"scope": ReportScope.PARK, "park": park}, park=park)
    return render(request, "reforms/reports/dashboard.html", context)
