"""The inbox (by status and deadline), logging a grievance, and the inbox as Excel.

Grievances come through grievances.selectors, so one outside the user's scope never shows;
the inbox's filters are grievances.filters.GrievanceFilter, shared with the API.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances import intake, selectors, services
from grievances.choices import Status
from grievances.duplicates import candidates_for, duplicates_of
from grievances.filters import GrievanceFilter
from grievances.forms import GrievanceForm
from grievances.views.common import (
    DEFAULT_GROUP,
    STATUS_GROUPS,
    can_log_somewhere,
    paginate,
    save_form,
)
from grievances.views.inbox_rows import inbox_rows, page_columns
from parks import access
from parks.access import activities_visible_to
from parks.core.filter_bar import filter_bar, order_choices
from parks.core.prepared import prepared
from parks.core.tallies import counts_by
from parks.core.view_helpers import page_bounds, sort_links, unfiltered
from parks.structure.choice_labels import name_choices

# The filters the inbox offers as selects, in the order they are shown.
INBOX_FILTERS = ("park", "grid_zone", "handling_unit", "channel", "category", "flag")
# Likely duplicates listed on the registration form.
DUPLICATES_SHOWN = 10


def filtered_grievances(request, now=None):
    """The visible grievances after the inbox's filters and status tab, most urgent first."""
    now = now or timezone.now()
    ordering = _ordering(request)
    grievance_filter = GrievanceFilter(
        request.GET,
        queryset=selectors.inbox(user=request.user, now=now, ordering=ordering),
        request=request,
    )
    fields = grievance_filter.form.fields
    # Every page of the inbox lists the district's hundreds of zones: named from their columns
    # (parks.structure.choice_labels), no model instance per option.
    order_choices(
        grievance_filter, "grid_zone", access.scope_key(request.user), "park__name", "code"
    )
    name_choices(fields["grid_zone"], "zone_in_park")
    name_choices(fields["park"], "name")
    name_choices(fields["handling_unit"], "name")
    # A filter naming something unknown or hidden matches nothing rather than being ignored.
    grievances = grievance_filter.qs.none() if grievance_filter.errors else grievance_filter.qs
    group = request.GET.get("group", DEFAULT_GROUP)
    if group not in STATUS_GROUPS:
        group = DEFAULT_GROUP
    statuses = STATUS_GROUPS[group][1]
    in_group = grievances if statuses is None else grievances.filter(status__in=statuses)
    return grievance_filter, grievances, in_group, group


def _ordering(request) -> str:
    """The inbox's sort order from `?ordering=`: a known column or the default (next deadline)."""
    ordering = request.GET.get("ordering", "")
    return ordering if ordering.removeprefix("-") in selectors.INBOX_ORDERINGS else ""


def _sort_links(request):
    labels = {
        "received": _("Grievance"),
        "status": _("Status"),
        "unit": _("Handling unit"),
        "deadline": _("Next deadline"),
    }
    return sort_links(request, _ordering(request) or "deadline", labels)


def _chosen_statuses(request, grievance_filter):
    """The statuses the list is narrowed to (a workbench count links with them), shown above
    the table with a link that drops them; the filter bar has no control of its own for them."""
    if grievance_filter.errors or not request.GET.getlist("status"):
        return None
    labels = dict(Status.choices)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("status", None)
    return {
        "labels": [labels[value] for value in request.GET.getlist("status") if value in labels],
        "clear_url": f"?{query.urlencode()}",
    }


def _group_counts(grievances) -> dict[str, int]:
    """How many of `grievances` each status group holds (one query): the tabs' counts, and the
    count of the page's group that its paginator is given."""
    # One count per status, summed into the groups here. For a scope narrowed by park or unit
    # alone they come from the status tally (grievances.status_counts: a few rows, however many
    # grievances), else from one GROUP BY over the filtered rows.
    per_status = counts_by(grievances, "status")
    return {
        key: sum(
            count for status, count in per_status.items() if statuses is None or status in statuses
        )
        for key, (_label, statuses) in STATUS_GROUPS.items()
    }


def _tabs(request, counts, current):
    """Each status group with its count (_group_counts) and a link keeping the filters."""
    tabs = []
    for key, (label, _statuses) in STATUS_GROUPS.items():
        query = request.GET.copy()
        query.pop("page", None)
        query["group"] = key
        tabs.append(
            {
                "key": key,
                "label": label,
                "count": counts[key],
                "url": f"?{query.urlencode()}",
                "active": key == current,
            }
        )
    return tabs


def _page_columns(request, grievance_filter, page, group, now, scope):
    """The query of the page's rows as inbox_rows reads them. Unfiltered, it is the scope's tab
    in an order, with the deadline flags at `now`: compiled once per those (parks.core.prepared),
    `now`'s moments its values and the page's bounds its window; built as filtered_grievances
    and paginate build it."""
    low, high = page_bounds(page)
    if not unfiltered(grievance_filter) or high is None:
        return page_columns(page.object_list)
    user, ordering = request.user, _ordering(request)
    statuses = STATUS_GROUPS[group][1]

    def build(now, response_warn, resolution_warn):
        found = selectors.inbox(
            user=user, ordering=ordering, moments=(now, response_warn, resolution_warn)
        )
        if statuses is not None:
            found = found.filter(status__in=statuses)
        return page_columns(found)

    key = ("inbox_rows", scope, ordering, group)
    return prepared(key, build, *selectors.deadline_moments(now), window=(low or 0, high))


@login_required
def inbox(request):
    now = timezone.now()
    grievance_filter, grievances, in_group, group = filtered_grievances(request, now)
    counts = _group_counts(grievances)
    # The group's count is the rows of `in_group` (its statuses among the filtered rows).
    page = paginate(request, in_group, count=counts[group])
    scope = access.scope_key(request.user)
    rows = inbox_rows(
        _page_columns(request, grievance_filter, page, group, now, scope),
        visible=selectors.grievances_visible_to(request.user),
        now=now,
        scope=scope,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "grievances/inbox.html",
        {
            "nav": "grievances",
            "filter": grievance_filter,
            "bar": filter_bar(
                grievance_filter,
                selects=INBOX_FILTERS,
                dates=(),
                hidden={
                    "group": group,
                    "ordering": _ordering(request),
                    "status": request.GET.getlist("status"),
                },
                # The selects' querysets: what the user sees (filtered_grievances).
                compiled_for=("inbox", scope),
            ),
            "statuses": _chosen_statuses(request, grievance_filter),
            "sort": _sort_links(request),
            "tabs": _tabs(request, counts, group),
            "group": group,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_log": can_log_somewhere(request.user),
            "can_export_unmasked": access.may_export_unmasked(request.user),
        },
    )


def _source_activity(request):
    """The grid-log entry named by ?activity=, if the user may see it and log grievances in its
    park: 404 for an entry out of scope, 403 for a park they may not log in."""
    value = request.GET.get("activity", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise Http404
    activity = get_object_or_404(
        activities_visible_to(request.user)
        .select_related("park", "grid_zone")
        .prefetch_related("photos"),
        pk=value,
    )
    if not selectors.user_can_log_grievances(request.user, activity.park):
        raise PermissionDenied
    return activity


def _receive(form, actor, activity):
    grievance, files = form.save(commit=False), form.cleaned_data["attachments"]
    if activity is None:
        return services.grievance_receive(grievance=grievance, actor=actor, files=files)
    return intake.grievance_receive_from_activity(
        grievance=grievance,
        actor=actor,
        activity=activity,
        files=files,
        with_photos=form.cleaned_data.get("with_photos", False),
    )


@login_required
def grievance_create(request):
    if not can_log_somewhere(request.user):
        raise PermissionDenied
    activity = _source_activity(request)
    post = request.method == "POST"
    form = GrievanceForm(
        request.POST if post else None,
        request.FILES if post else None,
        user=request.user,
        source_activity=activity,
    )
    if post and form.is_valid():
        saved = save_form(form, lambda: _receive(form, request.user, activity))
        if saved:
            messages.success(
                request,
                _("Grievance %(code)s logged. Its time limits run from now.")
                % {"code": saved.tracking_code},
            )
            _warn_of_duplicates(request, saved)
            return redirect(saved)
    return render(
        request,
        "grievances/grievance_form.html",
        {
            "nav": "grievances",
            "form": form,
            "source_activity": activity,
            "duplicates": _duplicates_of_form(request.user, form) if post else [],
        },
    )


def _duplicates_of_form(user, form):
    """Likely duplicates of what the form was sent with, to show beside its errors."""
    park, title = form.cleaned_data.get("park"), form.cleaned_data.get("title")
    if park is None or not title:
        return []
    found = candidates_for(
        selectors.grievances_visible_to(user),
        park_id=park.pk,
        title=title,
        received_at=timezone.now(),
    )
    return list(found[:DUPLICATES_SHOWN])


def _warn_of_duplicates(request, grievance):
    """Saved, never refused: the office decides on the grievance's page whether to merge."""
    found = list(duplicates_of(selectors.grievances_visible_to(request.user), grievance)[:10])
    if found:
        messages.warning(
            request,
            _("Possible duplicates of the same park: %(codes)s. See them below.")
            % {"codes": "、".join(f"{case.tracking_code} {case.title}" for case in found)},
        )


@login_required
def duplicate_check(request):
    """The likely duplicates of a title being typed on the registration form (JSON, in the
    user's scope), so the person logging sees them before saving."""
    park_id = request.GET.get("park", "")
    # PostgreSQL text holds no NUL: one in the query would be a 500, not a title.
    title = request.GET.get("title", "").replace("\x00", "").strip()[:200]
    if not (park_id.isascii() and park_id.isdigit()) or len(park_id) > 12 or not title:
        return JsonResponse({"candidates": []})
    found = candidates_for(
        selectors.grievances_visible_to(request.user),
        park_id=int(park_id),
        title=title,
        received_at=timezone.now(),
    )[:DUPLICATES_SHOWN]
    return JsonResponse(
        {
            "candidates": [
                {
                    "tracking_code": case.tracking_code,
                    "title": case.title,
                    "received_at": timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M"),
                    "status": case.get_status_display(),
                    "url": case.get_absolute_url(),
                }
                for case in found
            ]
        }
    )
