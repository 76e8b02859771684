"""The office's view of the grid log: the live feed, a month calendar and the coverage heat map.

Activities come through parks.selectors, so nothing outside the user's scope is shown or counted;
the feed and the calendar filter with parks.gridlog.filters.ActivityFilter, shared with the API. A
filter naming something unknown or out of scope is shown as a form error and matches nothing. The
coverage page hands its numbers to static/js/coverage.js through json_script and prints the same
numbers as a table.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber, TruncDate
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from parks import access
from parks.core.dates import PORTAL_DATE_MAX, PORTAL_DATE_MIN, local_day_start, month_start
from parks.core.db import chinese_order
from parks.core.filter_bar import filter_bar, order_choices
from parks.core.tallies import tallied_totals
from parks.core.view_helpers import page_bounds, paginate, unfiltered
from parks.gridlog import selectors
from parks.gridlog.choices import ActivityKind
from parks.gridlog.filters import ActivityFilter
from parks.gridlog.forms import kind_icon
from parks.gridlog.views.feed_rows import feed_rows
from parks.structure.choice_labels import name_choices, zone_in_park
from parks.structure.filters import GridZoneFilter

# The feed's and the calendar's selects, in the order they are shown.
SELECT_FILTERS = ("park", "subdistrict", "grid_zone", "logged_by")
# Parameters that belong to one page only: dropped from links to the other pages.
PAGE_PARAMS = ("page", "month")
CALENDAR_TITLES_PER_DAY = 3
COVERAGE_WEEKS = 12
COVERAGE_WEEKS_MAX = 52


def _in_order(filterset, scope, name, labels, *order):
    order_choices(filterset, name, scope, *order)
    name_choices(filterset.form.fields[name], labels)


# A select's pinyin order by column, built once: order_choices keys on the order, and an
# expression hashes by its identity, worked out once per expression (building the order and its
# identity afresh on every request cost ~0.1 ms of the feed).
_PINYIN_ORDERS = {column: (chinese_order(column), "pk") for column in ("name", "display_name")}


def _in_pinyin_order(filterset, scope, name, column, labels):
    _in_order(filterset, scope, name, labels, *_PINYIN_ORDERS[column])


def filtered_activities(request, queryset, *, data):
    """ActivityFilter over `queryset` with pinyin-ordered choices; nothing on a bad value."""
    activity_filter = ActivityFilter(data, queryset=queryset, request=request)
    scope = access.scope_key(request.user)
    _in_pinyin_order(activity_filter, scope, "park", "name", "name")
    _in_pinyin_order(activity_filter, scope, "subdistrict", "name", "name")
    _in_pinyin_order(activity_filter, scope, "logged_by", "display_name", "person")
    _in_order(activity_filter, scope, "grid_zone", "zone_in_park", *selectors.COVERAGE_ZONE_ORDER)
    # A filter naming something unknown or hidden matches nothing rather than being ignored.
    activities = activity_filter.qs.none() if activity_filter.errors else activity_filter.qs
    return activity_filter, activities


def _filter_bar(activity_filter, *, month=None, show_period=True):
    """The feed's and the calendar's bar: the shared selects plus the kinds' checkboxes."""
    data = activity_filter.data
    bar = filter_bar(
        activity_filter,
        selects=SELECT_FILTERS,
        dates=("date_from", "date_to") if show_period else (),
        hidden={"month": month},
        # The selects' querysets: what the user sees, ordered by filtered_activities.
        compiled_for=("activity_filter", access.scope_key(activity_filter.request.user)),
    )
    # Someone who sees one park has nothing to choose between parks or subdistricts.
    if len(bar["selects"][0]["choices"]) <= 1 and not (data.get("park") or data.get("subdistrict")):
        bar["selects"] = bar["selects"][2:]
    chosen_kinds = data.getlist("kind")
    kind = activity_filter.form["kind"]
    # Plain values (the label as text in the request's language), so that _kind_filter.html
    # draws the checkboxes once per process for each choice of kinds ({% memo %}).
    bar["kinds"] = tuple(
        KindBox(
            value=item["value"],
            label=str(item["label"]),
            icon=item["icon"],
            checked=item["value"] in chosen_kinds,
        )
        for item in kind_list()
    )
    bar["kind_count"] = len(chosen_kinds)
    bar["kind_label"] = kind.label
    bar["kind_errors"] = kind.errors
    return bar


@dataclass(frozen=True)
class KindBox:
    """A kind's checkbox in the feed's and the calendar's bar."""

    value: str
    label: str
    icon: str
    checked: bool


def kind_list():
    return [
        {"value": value, "label": label, "icon": kind_icon(value)}
        for value, label in ActivityKind.choices
    ]


def _query_without(request, *names):
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query


def _tab_links(request, *, feed_query, active):
    """The three pages' tabs; the feed and the calendar share their filters."""
    coverage_query = {
        name: request.GET[name] for name in ("park", "subdistrict") if request.GET.get(name)
    }
    tabs = [
        ("feed", _("Feed"), "bi-list-ul", reverse("parks:activity_feed"), feed_query),
        ("calendar", _("Calendar"), "bi-calendar3", reverse("parks:activity_calendar"), feed_query),
        (
            "coverage",
            _("Coverage"),
            "bi-grid-3x3",
            reverse("parks:coverage"),
            urlencode(coverage_query),
        ),
    ]
    return tuple(
        Tab(
            key=key,
            label=label,
            icon=icon,
            url=f"{url}?{query}" if query else url,
            active=key == active,
        )
        for key, label, icon, url, query in tabs
    )


@dataclass(frozen=True)
class Tab:
    """One of the three pages' tabs: plain values, so that _header.html draws the header once
    per process for each set of tabs ({% memo %})."""

    key: str
    label: str
    icon: str
    url: str
    active: bool


# --- The feed ---------------------------------------------------------------------------------


@login_required
def activity_feed(request):
    activity_filter, activities = filtered_activities(
        request, selectors.activity_list(user=request.user), data=request.GET
    )
    # A scope's whole feed is counted from its tally; a filtered one over its rows.
    tallied = tallied_totals(activities)
    if tallied is not None:
        totals = {"entries": tallied["n"], "participants": tallied["total"]}
    else:
        totals = activities.order_by().aggregate(
            entries=Count("pk"), participants=Sum("participants")
        )
    # The entries counted are the rows of `activities`: the paginator need not count them again.
    page = paginate(request, activities, count=totals["entries"] or 0)
    # An unfiltered page is the scope's feed at its bounds: read by a query compiled once.
    compiled_for = (
        (access.scope_key(request.user), page_bounds(page)) if unfiltered(activity_filter) else None
    )
    feed_query = _query_without(request, *PAGE_PARAMS).urlencode()
    entries = totals["entries"] or 0
    return render(
        request,
        "parks/activity_office/feed.html",
        {
            "nav": "activities",
            "tabs": _tab_links(request, feed_query=feed_query, active="feed"),
            "filter": activity_filter,
            "bar": _filter_bar(activity_filter),
            "reset_url": reverse("parks:activity_feed"),
            "feed_query": feed_query,
            "page": page,
            "rows": feed_rows(page.object_list, compiled_for=compiled_for),
            "entries": entries,
            "participants": totals["participants"] or 0,
            # The filtered entries as a workbook: a plain value, for the summary's {% memo %}.
            "exported": bool(entries) and not activity_filter.errors,
        },
    )


# --- The calendar -----------------------------------------------------------------------------


def _month_from(request):
    """The first day of ?month=YYYY-MM, or of this month (with a message) when it is bad."""
    today = timezone.localdate()
    value = request.GET.get("month", "")
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
        if not PORTAL_DATE_MIN <= first <= PORTAL_DATE_MAX:
            raise ValueError(value)
    except (ValueError, OverflowError):
        messages.warning(
            request,
            _("“%(value)s” is not a month (YYYY-MM) the portal knows; showing this month.")
            % {"value": value[:20]},
        )
        return today.replace(day=1)
    return first


def _month_shift(first, months):
    shifted = month_start(first, months)
    return shifted if PORTAL_DATE_MIN <= shifted <= PORTAL_DATE_MAX else None


def _calendar_days(activities, first):
    """Counts per day and kind (one grouped query) and the first titles of each day (one query),
    laid out Monday to Sunday, as calendars in China are."""
    tz = timezone.get_current_timezone()
    after = first + timedelta(days=calendar.monthrange(first.year, first.month)[1])
    in_month = activities.filter(
        occurred_at__gte=local_day_start(first), occurred_at__lt=local_day_start(after)
    ).order_by()
    local_day = TruncDate("occurred_at", tzinfo=tz)
    counts = in_month.annotate(day=local_day).values("day", "kind").annotate(n=Count("pk"))
    by_day = {}
    for row in counts:
        by_day.setdefault(row["day"], {})[row["kind"]] = row["n"]
    titles = (
        in_month.annotate(
            day=local_day,
            rank=Window(
                RowNumber(), partition_by=[local_day], order_by=[F("occurred_at").asc(), "pk"]
            ),
        )
        .filter(rank__lte=CALENDAR_TITLES_PER_DAY)
        .values("pk", "day", "kind", "title", "occurred_at")
        .order_by("day", "rank")
    )
    titles_by_day = {}
    for row in titles:
        row["url"] = reverse("parks:activity_detail", args=[row["pk"]])
        row["icon"] = kind_icon(row["kind"])
        titles_by_day.setdefault(row["day"], []).append(row)

    kinds_in_order = kind_list()
    today = timezone.localdate()
    start = selectors.week_start(first)
    weeks = []
    day = start
    while day < after:
        week = []
        for _offset in range(7):
            kinds = by_day.get(day, {})
            total = sum(kinds.values())
            week.append(
                {
                    "date": day,
                    "in_month": day.month == first.month,
                    "is_today": day == today,
                    "total": total,
                    "kinds": [
                        kind | {"n": kinds[kind["value"]]}
                        for kind in kinds_in_order
                        if kind["value"] in kinds
                    ],
                    "titles": titles_by_day.get(day, []),
                    "more": total - len(titles_by_day.get(day, [])),
                }
            )
            day += timedelta(days=1)
        weeks.append(week)
    month_totals = {}
    for kinds in by_day.values():
        for kind, n in kinds.items():
            month_totals[kind] = month_totals.get(kind, 0) + n
    return weeks, month_totals


@login_required
def activity_calendar(request):
    first = _month_from(request)
    # The month is the period here: the feed's from/to would hide days of the grid.
    data = _query_without(request, "date_from", "date_to", *PAGE_PARAMS)
    activity_filter, activities = filtered_activities(
        request, access.activities_visible_to(request.user), data=data
    )
    weeks, month_totals = _calendar_days(activities, first)
    filters = data.urlencode()
    month_links = {}
    for key, shift in (("previous", -1), ("next", 1), ("current", 0)):
        target = _month_shift(first, shift) if key != "current" else timezone.localdate()
        if target is None:
            continue
        query = data.copy()
        query["month"] = target.strftime("%Y-%m")
        month_links[key] = f"?{query.urlencode()}"
    return render(
        request,
        "parks/activity_office/calendar.html",
        {
            "nav": "activities",
            "tabs": _tab_links(request, feed_query=filters, active="calendar"),
            "filter": activity_filter,
            "bar": _filter_bar(activity_filter, month=first.strftime("%Y-%m"), show_period=False),
            "reset_url": f"{reverse('parks:activity_calendar')}?month={first:%Y-%m}",
            "month": first,
            "month_value": first.strftime("%Y-%m"),
            "month_links": month_links,
            "weekdays": [WEEKDAYS_ABBR[n] for n in range(7)],
            "weeks": weeks,
            "month_total": sum(month_totals.values()),
            "month_kinds": [
                kind | {"n": month_totals[kind["value"]]}
                for kind in kind_list()
                if kind["value"] in month_totals
            ],
            "feed_url": reverse("parks:activity_feed"),
            "filters": filters,
        },
    )


# --- Coverage ---------------------------------------------------------------------------------


def _weeks_from(request):
    """?weeks=N, kept between 1 and COVERAGE_WEEKS_MAX; anything else is the default."""
    try:
        weeks = int(request.GET.get("weeks", COVERAGE_WEEKS))
    except ValueError:
        return COVERAGE_WEEKS
    return max(1, min(weeks, COVERAGE_WEEKS_MAX))


def _feed_link(zone_id, monday):
    query = {
        "grid_zone": zone_id,
        "date_from": monday.isoformat(),
        "date_to": (monday + timedelta(days=6)).isoformat(),
    }
    return f"{reverse('parks:activity_feed')}?{urlencode(query)}"


def _coverage_rows(result):
    rows = []
    for zone in result["zones"]:
        cells = [
            {
                "week": monday,
                "count": result["counts"].get((zone.pk, monday), 0),
                "url": _feed_link(zone.pk, monday),
            }
            for monday in result["weeks"]
        ]
        rows.append({"zone": zone, "cells": cells, "total": sum(cell["count"] for cell in cells)})
    return rows


def _coverage_chart(result, rows, this_week):
    return {
        "feed_url": reverse("parks:activity_feed"),
        "weeks": [monday.isoformat() for monday in result["weeks"]],
        "week_labels": [monday.strftime("%m-%d") for monday in result["weeks"]],
        "this_week": this_week.isoformat(),
        "zones": [
            {
                "id": row["zone"].pk,
                "park": row["zone"].park_id,
                "label": zone_in_park(row["zone"].park.name, row["zone"].code, row["zone"].name),
                "short": str(row["zone"]),
            }
            for row in rows
        ],
        # [week index, zone index, count] for every cell: zeros are drawn, not left blank.
        "cells": [
            [week_index, zone_index, cell["count"]]
            for zone_index, row in enumerate(rows)
            for week_index, cell in enumerate(row["cells"])
        ],
        "labels": {
            "activities": _("Activities"),
            "week_of": _("Week of"),
            "this_week": _("this week"),
            "none": _("Nothing logged"),
            "open_feed": _("Click to open these entries in the feed"),
        },
    }


@login_required
def coverage(request):
    today = timezone.localdate()
    this_week = selectors.week_start(today)
    weeks = _weeks_from(request)
    scope_names = ("park", "subdistrict")
    scope = {name: request.GET[name] for name in scope_names if name in request.GET}
    zone_filter = GridZoneFilter(
        scope, queryset=access.grid_zones_visible_to(request.user), request=request
    )
    seen = access.scope_key(request.user)
    _in_pinyin_order(zone_filter, seen, "park", "name", "name")
    _in_pinyin_order(zone_filter, seen, "subdistrict", "name", "name")
    zones = zone_filter.qs.none() if zone_filter.errors else zone_filter.qs
    result = selectors.coverage(
        zones=zones, first_week=this_week - timedelta(weeks=weeks - 1), weeks=weeks
    )
    rows = _coverage_rows(result)
    idle_week = list(selectors.idle_grid_zones(zones=zones, since=this_week))
    idle_month = list(selectors.idle_grid_zones(zones=zones, since=today.replace(day=1)))
    bar = filter_bar(zone_filter, search=None, selects=scope_names, dates=())
    # Someone who sees one park has no scope to choose.
    if len(bar["selects"][0]["choices"]) <= 1 and not scope:
        bar["selects"] = []
    return render(
        request,
        "parks/activity_office/coverage.html",
        {
            "nav": "activities",
            "tabs": _tab_links(request, feed_query="", active="coverage"),
            "bar": bar,
            "weeks": weeks,
            "week_choices": [4, 8, 12, 26, 52],
            "mondays": result["weeks"],
            "this_week": this_week,
            "month_start": today.replace(day=1),
            "today": today,
            "rows": rows,
            "zone_count": len(rows),
            "without_liaison": sum(1 for row in rows if row["zone"].liaison_id is None),
            "idle_week": idle_week,
            "idle_month": idle_month,
            "chart": _coverage_chart(result, rows, this_week),
        },
    )
