"""The liaison's phone pages of the grid log: my grid zones, logging and correcting an entry,
one entry's page and its photos.

Entries, zones and parks come through the scope selectors, so one outside the user's scope is a
404 whether it exists or not; one in scope that the user may not log in or correct is a 403.
Writes go through the services. Photos are streamed from storage only after the same scope
check (/media/ is never served).
"""

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parks import access
from parks.core.dates import local_day_start
from parks.core.db import chinese_order
from parks.core.downloads import stored_file_response
from parks.core.view_helpers import paginate, save_form
from parks.gridlog import selectors as gridlog_selectors
from parks.gridlog import services as gridlog_services
from parks.gridlog.forms import ActivityForm, kind_icon
from parks.gridlog.models import Activity, ActivityPhoto

# A phone screen shows about this many of "my recent entries" without much scrolling.
RECENT_PAGE_SIZE = 10
# The page reached after saving carries ?saved=<the entry's client id> (a new entry) or
# ?saved=edit (a correction), so the browser forgets the draft that was this entry and no other
# (static/js/activity_draft.js). The form's key would not do: it names the next entry's draft too.
SAVED_EDIT = "edit"
# A photo's file never changes once stored (an edit adds or removes photos), so the browser
# may keep it; "private" keeps shared caches from serving it to someone else.
PHOTO_CACHE_SECONDS = 24 * 60 * 60


def _id_param(request, name):
    """A numeric id from the query string, None when absent; anything else is a 404."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise Http404
    return int(value)


def _photos():
    return Prefetch("photos", queryset=ActivityPhoto.objects.order_by("pk"))


def _visible_activity(request, pk):
    return get_object_or_404(
        access.activities_visible_to(request.user)
        .select_related("park", "grid_zone", "logged_by")
        .prefetch_related(_photos()),
        pk=pk,
    )


# --- My grid zones ----------------------------------------------------------------------------


def _zone_cards(zones):
    """The zones with this week's entry count and the last entry's time, counted in SQL."""
    monday = gridlog_selectors.week_start(timezone.localdate())
    since = local_day_start(monday)
    return (
        zones.select_related("park")
        .annotate(
            entries_this_week=Count("activities", filter=Q(activities__occurred_at__gte=since)),
            last_entry_at=Max("activities__occurred_at"),
        )
        .order_by("code")
    )


@login_required
def my_grid_zones(request):
    """The liaison's landing: a big card per zone to log in, then their own recent entries."""
    user = request.user
    loggable_zones = access.grid_zones_user_can_log(user)
    park_wide_parks = access.parks_user_can_log_park_wide(user)
    parks = list(
        access.parks_visible_to(user)
        .filter(Q(pk__in=loggable_zones.values("park_id")) | Q(pk__in=park_wide_parks.values("pk")))
        .order_by(chinese_order("name"), "pk")
    )
    # Office staff may log in every park: they pick one first rather than scroll every zone.
    if len(parks) == 1:
        park = parks[0]
    else:
        chosen = _id_param(request, "park")
        park = next((p for p in parks if p.pk == chosen), None)
    zones = list(_zone_cards(loggable_zones.filter(park=park))) if park else []
    can_log_park_wide = park is not None and park_wide_parks.filter(pk=park.pk).exists()
    can_register_grievance = park is not None and access.may_log_grievances(user, park)

    recent = (
        access.activities_visible_to(user)
        .filter(logged_by=user)
        .select_related("park", "grid_zone")
        .prefetch_related(_photos())
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, recent, per_page=RECENT_PAGE_SIZE)
    editable = access.editable_activities(user, page.object_list)
    entries = [
        {"activity": a, "can_edit": a.pk in editable, "edit_until": editable.get(a.pk)}
        for a in page.object_list
    ]
    return render(
        request,
        "parks/grid_log/my_zones.html",
        {
            "nav": "grid_log",
            "parks": parks,
            "park": park,
            "zones": zones,
            "can_log_park_wide": can_log_park_wide,
            "can_register_grievance": can_register_grievance,
            "page": page,
            "entries": entries,
        },
    )


# --- Logging and correcting an entry ----------------------------------------------------------


def _log_target(request):
    """(park, grid zone or None, draft key) of a new entry, from ?zone= or ?park=.

    Out of scope: 404. In scope but not the user's to log in: 403. With neither, the user's
    only zone, or back to the zone cards to pick one.
    """
    user = request.user
    zone_id, park_id = _id_param(request, "zone"), _id_param(request, "park")
    if zone_id is not None:
        zone = get_object_or_404(
            access.grid_zones_visible_to(user).select_related("park"), pk=zone_id
        )
        if not access.may_log_activity(user, park=zone.park, grid_zone=zone):
            raise PermissionDenied
        return zone.park, zone, f"new:zone:{zone.pk}"
    if park_id is not None:
        park = get_object_or_404(access.parks_visible_to(user), pk=park_id)
        if not access.may_log_activity(user, park=park):
            raise PermissionDenied
        return park, None, f"new:park:{park.pk}"
    zones = list(access.grid_zones_user_can_log(user).select_related("park")[:2])
    if len(zones) == 1 and not access.parks_user_can_log_park_wide(user).exists():
        return zones[0].park, zones[0], f"new:zone:{zones[0].pk}"
    return None


def _loggable_zones(user, park):
    return access.grid_zones_user_can_log(user).filter(park=park).order_by("code")


def _saved_url(activity, marker):
    if not marker:
        return activity.get_absolute_url()  # no client id: no draft was kept (no script ran)
    return f"{activity.get_absolute_url()}?saved={marker}"


def _for_comparison(activity):
    """What a liaison typed in an entry, as it is stored: the time to the form's minute and
    the text with the newlines a browser sends made plain."""
    occurred_at = activity.occurred_at
    if isinstance(occurred_at, datetime):
        occurred_at = occurred_at.astimezone(UTC).replace(second=0, microsecond=0)

    def text(value):
        return (value or "").replace("\r\n", "\n")

    return (
        activity.park_id,
        activity.grid_zone_id,
        activity.kind,
        occurred_at,
        text(activity.title),
        text(activity.description),
        activity.participants,
        text(activity.place),
        text(activity.organisers),
    )


def _another_visit(posted, photos, stored):
    """Whether a resend under a used client id carries something the saved entry has not.

    A phone whose save got through but whose answer was lost keeps the draft with its client
    id; the liaison may then rewrite that draft into another visit. Showing the saved entry
    would drop what was typed. More photos than were saved count too: they would be dropped.
    """
    if _for_comparison(posted) != _for_comparison(stored):
        return True
    return len(photos) > stored.photos.count()


def _offer_new_entry(form, stored):
    """Send the form back with what was typed and a new client id: Save logs a new entry."""
    form.data = form.data.copy()
    form.data["client_id"] = str(uuid.uuid4())
    form.add_error(
        None,
        format_html(
            _(
                'This entry was already saved — <a href="{url}" class="alert-link">open it</a>; '
                "or save again to log this as a new entry."
            ),
            url=stored.get_absolute_url(),
        ),
    )


def _form_page(request, form, *, park, zone, draft_key, activity=None):
    return render(
        request,
        "parks/grid_log/activity_form.html",
        {
            "nav": "grid_log",
            "form": form,
            "park": park,
            "zone": zone,
            "activity": activity,
            "draft_key": draft_key,
            "photo_limit": settings.ACTIVITY_PHOTOS_PER_ENTRY,
            # Files cannot be put back into a form; say so when the page comes back with errors.
            "photos_dropped": bool(request.FILES.getlist("photos")),
        },
    )


@login_required
def activity_create(request):
    user = request.user
    target = _log_target(request)
    if target is None:
        if not access.grid_zones_user_can_log(user).exists() and not (
            access.parks_user_can_log_park_wide(user).exists()
        ):
            raise PermissionDenied
        return redirect("parks:my_grid_zones")
    park, zone, draft_key = target
    post = request.method == "POST"
    form = ActivityForm(
        request.POST if post else None,
        request.FILES if post else None,
        instance=Activity(park=park),
        initial={"grid_zone": zone},
        zones=_loggable_zones(user, park),
        park_wide=access.may_log_activity(user, park=park),
    )
    if post and form.is_valid():
        activity = form.save(commit=False)
        activity.client_id = form.cleaned_data.get("client_id")
        photos = form.cleaned_data["photos"]
        saved = save_form(
            form,
            lambda: gridlog_services.activity_create(activity=activity, actor=user, photos=photos),
        )
        if saved:
            stored, created = saved
            if created:
                messages.success(request, _("Activity “%(title)s” saved.") % {"title": stored})
                return redirect(_saved_url(stored, stored.client_id))
            if not _another_visit(activity, photos, stored):
                messages.info(request, _("This entry had already been saved; it is shown here."))
                return redirect(_saved_url(stored, stored.client_id))
            _offer_new_entry(form, stored)
    return _form_page(request, form, park=park, zone=zone, draft_key=draft_key)


def _refuse_edit(request, activity):
    """403 for an entry the user may not correct; a liaison past the edit window is told why."""
    deadline = access.activity_edit_deadline(activity)
    if activity.logged_by_id == request.user.pk and timezone.now() > deadline:
        return render(
            request,
            "parks/grid_log/edit_closed.html",
            {"nav": "grid_log", "activity": activity, "deadline": deadline},
            status=403,
        )
    raise PermissionDenied


@login_required
def activity_edit(request, pk):
    user = request.user
    activity = _visible_activity(request, pk)
    if not access.may_edit_activity(user, activity):
        return _refuse_edit(request, activity)
    post = request.method == "POST"
    form = ActivityForm(
        request.POST if post else None,
        request.FILES if post else None,
        instance=activity,
        zones=_loggable_zones(user, activity.park),
        park_wide=access.may_log_activity(user, park=activity.park),
    )
    draft_key = f"edit:{activity.pk}"
    if post and form.is_valid():
        # Only what was changed is written, so two people correcting one entry lose nothing.
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in gridlog_services.ACTIVITY_FIELDS
        }
        saved = save_form(
            form,
            lambda: gridlog_services.activity_update(
                activity=activity,
                actor=user,
                fields=fields,
                photos=form.cleaned_data["photos"],
                remove_photos=form.cleaned_data["remove_photos"],
            ),
        )
        if saved:
            messages.success(request, _("Activity “%(title)s” saved.") % {"title": saved})
            return redirect(_saved_url(saved, SAVED_EDIT))
    return _form_page(
        request,
        form,
        park=activity.park,
        zone=activity.grid_zone,
        draft_key=draft_key,
        activity=activity,
    )


def _grid_log_home(user):
    """Where a grid-log page leads back to: the zone cards for those who log in the field, the
    office's feed for everyone else."""
    if access.works_in_grid_zones(user):
        return reverse("parks:my_grid_zones")
    return reverse("parks:activity_feed")


@login_required
@require_POST
def activity_delete(request, pk):
    activity = _visible_activity(request, pk)
    if not access.may_edit_activity(request.user, activity):
        return _refuse_edit(request, activity)
    title = activity.title
    gridlog_services.activity_delete(activity=activity, actor=request.user)
    messages.success(request, _("Activity “%(title)s” deleted.") % {"title": title})
    return redirect(_grid_log_home(request.user))


# --- One entry and its photos -----------------------------------------------------------------


@login_required
def activity_detail(request, pk):
    user = request.user
    activity = _visible_activity(request, pk)
    # Only a liaison's own corrections close after a while: their deadline, None for others.
    editable = access.editable_activities(user, [activity])
    can_edit = activity.pk in editable
    saved = request.GET.get("saved", "")
    # Only the entry's own marker: a made-up one must not make the browser forget a draft.
    saved_client = bool(activity.client_id) and saved == str(activity.client_id)
    return render(
        request,
        "parks/grid_log/activity_detail.html",
        {
            "nav": "grid_log",
            "activity": activity,
            "photos": list(activity.photos.all()),
            "kind_icon": kind_icon(activity.kind),
            "can_edit": can_edit,
            "edit_until": editable.get(activity.pk),
            "saved_client": saved_client,
            "saved_edit": saved == SAVED_EDIT,
            "back_url": _grid_log_home(user),
            "back_to_zones": access.works_in_grid_zones(user),
        },
    )


@login_required
def activity_photo(request, pk):
    """A stored photo (or its thumbnail with ?size=thumb), for who may see its entry only."""
    photo = get_object_or_404(
        ActivityPhoto.objects.filter(
            activity__in=access.activities_visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    stored = photo.thumbnail if request.GET.get("size") == "thumb" else photo.image
    response = stored_file_response(stored, photo.download_name, as_attachment=False)
    patch_cache_control(response, private=True, max_age=PHOTO_CACHE_SECONDS)
    return response
