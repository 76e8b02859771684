"""The workbench (工作台), the global search and the unit page: the portal's reader layer.

Like the progress reports, these pages read every domain — through their selectors and the
related panels they register (parks.core.related) — and write nothing. Everything is fetched
through parks.access, so a page never shows what the user may not see.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from grievances.selectors import grievances_visible_to, may_log_grievances_somewhere
from parks import access
from parks.core import related
from parks.structure import selectors as structure_selectors
from parks.structure.models import User
from reforms.tasks.selectors import tasks_visible_to

# Rows each group of the search shows; a "more" link opens the list searched the same way.
SEARCH_ROWS = 6
SEARCH_MAX_LENGTH = 50


@login_required
def home(request):
    """Everyone's landing page: what waits for this person, section by section."""
    user = request.user
    # A liaison works in their grid zones, on a phone: one tap to log from their landing.
    if access.starts_in_grid_zones(user):
        return redirect("parks:my_grid_zones")
    sections = related.panels_for("workbench", user, None)
    return render(
        request,
        "reforms/workbench/home.html",
        {
            "nav": "workbench",
            "sections": sections,
            "waiting": sum(section.count for section in sections),
            "can_log_grievance": may_log_grievances_somewhere(user),
            "can_log_activity": access.works_in_grid_zones(user),
        },
    )


def _group(rows, more_url=""):
    rows = list(rows[: SEARCH_ROWS + 1])
    return {"rows": rows[:SEARCH_ROWS], "more": more_url if len(rows) > SEARCH_ROWS else ""}


def _people(user, q):
    """People by name: the office finds anyone (and opens their account); others the liaisons
    of the parks they see. Only names, roles and places are shown, never phones or e-mails."""
    if access.may_manage_people(user):
        people = structure_selectors.people_list(search=q)
        more = f"{reverse('parks:people_list')}?{urlencode({'q': q})}"
        return _group(people, more), True
    people = (
        access.liaisons_visible_to(user)
        .filter(Q(display_name__icontains=q) | Q(username__icontains=q))
        .select_related("park")
        .order_by("display_name", "username")
    )
    return _group(people), False


@login_required
def search(request):
    """`/search/?q=`: parks, grid zones, units, people, tasks and grievances (by title or
    tracking code) the user may see, a few of each. Grievances are never searched or shown by
    the complainant's name, phone or employer: the search must not get round the masking."""
    user = request.user
    q = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH].replace("\x00", "")
    groups = {}
    people_open = False
    if q:
        encoded = urlencode({"q": q})
        groups["parks"] = _group(
            access.parks_visible_to(user).filter(name__icontains=q).order_by("name"),
            f"{reverse('parks:park_list')}?{encoded}",
        )
        groups["zones"] = _group(
            access.grid_zones_visible_to(user)
            .filter(Q(code__icontains=q) | Q(name__icontains=q))
            .select_related("park")
            .order_by("park__name", "code")
        )
        groups["units"] = _group(
            access.organisations_visible_to(user).filter(name__icontains=q).order_by("name")
        )
        groups["people"], people_open = _people(user, q)
        groups["tasks"] = _group(
            tasks_visible_to(user)
            .filter(Q(code__icontains=q) | Q(title__icontains=q))
            .select_related("lead_unit")
            .order_by("due_date", "code"),
            f"{reverse('reforms:task_list')}?{encoded}",
        )
        groups["grievances"] = _group(
            grievances_visible_to(user)
            .filter(Q(tracking_code__icontains=q) | Q(title__icontains=q))
            .select_related("park")
            .order_by("-received_at", "-pk"),
            f"{reverse('grievances:inbox')}?{encoded}&group=all",
        )
    return render(
        request,
        "reforms/workbench/search.html",
        {
            "nav": "search",
            "q": q,
            "groups": groups,
            "found": sum(len(group["rows"]) for group in groups.values()),
            "people_open": people_open,
        },
    )


@login_required
def unit_detail(request, pk):
    """A unit (organisation): where it sits, its people and its related panels."""
    user = request.user
    unit = get_object_or_404(
        access.organisations_visible_to(user).select_related("park", "subdistrict"), pk=pk
    )
    return render(
        request,
        "reforms/workbench/unit_detail.html",
        {
            "nav": "units",
            "unit": unit,
            "staff_count": User.objects.filter(organisation=unit, is_active=True).count(),
        },
    )
