"""The roadmap (路线图) of a park or of the district, and the unit league table.

The pages hand their data to static/js/roadmap.js and static/js/league.js through
`json_script`; the same data is printed as a table below each chart.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.access import parks_visible_to
from reforms.tasks import selectors
from reforms.tasks.choices import WarningLevel
from reforms.tasks.models import Milestone

WARNING_LABELS = dict(WarningLevel.choices)


def _roadmap_data(tasks, today):
    return {
        "today": today.isoformat(),
        "labels": {
            "start": _("Start"),
            "due": _("Due"),
            "progress": _("Progress"),
            "milestone": _("Milestone"),
            "done": _("Done"),
            "open": _("Not done yet"),
            "today": _("Today"),
        },
        "warnings": {level: str(label) for level, label in WARNING_LABELS.items()},
        "tasks": [
            {
                "id": task.pk,
                "code": task.code,
                "title": task.title,
                "url": task.get_absolute_url(),
                "unit": task.lead_unit.name,
                "start": task.start_date.isoformat(),
                "due": task.due_date.isoformat(),
                "progress": task.progress,
                "status": task.get_status_display(),
                "warning": task.warning,
                "milestones": [
                    {
                        "title": milestone.title,
                        "due": milestone.due_date.isoformat(),
                        "done": milestone.done_on.isoformat() if milestone.done_on else None,
                    }
                    for milestone in task.milestones.all()
                ],
            }
            for task in tasks
        ],
    }


def _roadmap_page(request, *, park):
    today = timezone.localdate()
    tasks = selectors.task_table(user=request.user, today=today)
    tasks = tasks.filter(park=park) if park else tasks.filter(park__isnull=True)
    tasks = list(
        tasks.prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("order"))
        ).order_by("start_date", "due_date", "code")
    )
    return render(
        request,
        "reforms/roadmap.html",
        {
            "nav": "tasks",
            "park": park,
            "tasks": tasks,
            "data": _roadmap_data(tasks, today),
            "today": today,
        },
    )


@login_required
def park_roadmap(request, park_id):
    park = get_object_or_404(parks_visible_to(request.user), pk=park_id)
    return _roadmap_page(request, park=park)


@login_required
def district_roadmap(request):
    """The roadmap of the tasks that belong to no single park (district and subdistrict)."""
    return _roadmap_page(request, park=None)


@login_required
def unit_league(request):
    rows = list(selectors.unit_league_table(user=request.user, today=timezone.localdate()))
    for row in rows:
        # The open tasks that are neither yellow nor red are on track; the rest were cancelled.
        row["on_track"] = row["open"] - row["yellow"] - row["red"]
        row["cancelled"] = row["total"] - row["done_on_time"] - row["done_late"] - row["open"]
        # 按时完成率 as reforms.tasks.selectors defines it: an overdue open task counts against
        # the unit (it was done on time ÷ done, so a unit with a red task could show 100 %).
        row["on_time_rate"] = selectors.on_time_rate(row["done_on_time"], row["counted"])
    data = {
        "units": [row["lead_unit__name"] for row in rows],
        "series": [
            {"key": "done_on_time", "name": _("Done on time"), "color": "#2e7d32"},
            {"key": "done_late", "name": _("Done late"), "color": "#6a1b9a"},
            {"key": "on_track", "name": _("On track"), "color": "#81c784"},
            {"key": "yellow", "name": _("At risk"), "color": "#f9a825"},
            {"key": "red", "name": _("Overdue"), "color": "#c62828"},
        ],
        "rows": [
            {
                key: row[key]
                for key in ("done_on_time", "done_late", "on_track", "yellow", "red", "total")
            }
            for row in rows
        ],
    }
    return render(
        request,
        "reforms/unit_league.html",
        {
            "nav": "units",
            "rows": rows,
            "data": data,
            "on_time": {figure.key: figure for figure in selectors.ON_TIME_FIGURES},
            "definitions": selectors.ON_TIME_FIGURES,
        },
    )
