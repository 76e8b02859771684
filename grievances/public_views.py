"""Pages a worker opens from a park's or grid zone's QR code, without an account: send a
grievance, get a tracking code, follow it, withdraw it. Plus the QR codes and their poster.

Nothing here shows personal data or staff names. Abuse protection: a honeypot field and a
signed "form drawn at" stamp (public_forms), a cap on upload size enforced while the upload is
read, and throttles per client address and per park, counted in Django's cache.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from grievances import policy, services
from grievances.choices import Action, Status, TimelineEntry
from grievances.merging import followed_case
from grievances.models import Grievance, GrievanceEvent, new_tracking_code
from grievances.public_forms import (
    TRACKING_CODE_PATTERN,
    PublicGrievanceForm,
    TrackingCodeForm,
    WithdrawForm,
    normalise_tracking_code,
)
from grievances.qr import public_form_url, qr_svg, qr_svg_inline
from parks import access
from parks.access import parks_visible_to
from parks.core.client_ip import client_key
from parks.core.downloads import content_disposition
from parks.structure.models import GridZone, Park

HOUR = 60 * 60
SUBMITTED_SESSION_KEY = "grievance_submitted"

# Timeline steps a worker sees, with the words they see; returns to the office, extensions and
# mediation are the office's business. Only the reply carries its note.
PUBLIC_STEPS = {
    TimelineEntry.RECEIVE: gettext_lazy("Received"),
    Action.ASSIGN: gettext_lazy("Passed to the unit that handles it"),
    Action.ACCEPT: gettext_lazy("Accepted by the handling unit"),
    Action.START: gettext_lazy("Being handled"),
    Action.REPLY: gettext_lazy("Reply sent"),
    Action.FOLLOW_UP: gettext_lazy("Follow-up call made"),
    Action.CLOSE: gettext_lazy("Closed"),
    Action.REOPEN: gettext_lazy("Reopened for more work"),
    Action.WITHDRAW: gettext_lazy("Withdrawn"),
}
# "Returned to the office" is internal wording; the worker sees that it is being passed on.
PUBLIC_STATUS_LABELS = {Status.RETURNED: gettext_lazy("Being passed to the right unit")}
REPLIED_STATUSES = (Status.REPLIED, Status.FOLLOWED_UP, Status.CLOSED)


def _limit(name: str, default: int) -> int:
    """A limit of these pages; settings may override each, none has to be set:
    GRIEVANCE_PUBLIC_SUBMITS_PER_IP (5 an hour), GRIEVANCE_PUBLIC_SUBMITS_PER_PARK (20 an hour),
    GRIEVANCE_PUBLIC_LOOKUPS_PER_IP (60 an hour), GRIEVANCE_PUBLIC_MISSES_PER_IP (10 unknown
    codes an hour), GRIEVANCE_PUBLIC_MAX_UPLOAD_BYTES (20 MB a request); and in public_forms
    GRIEVANCE_PUBLIC_MIN_FILL_SECONDS (3)."""
    return getattr(settings, name, default)


# --- Throttles ------------------------------------------------------------------------------
# Fixed windows in Django's cache. With the default local-memory cache each server process
# counts on its own (fine for the demo); with a shared cache (Redis) the limits hold across
# processes.


def _hits(key: str) -> int:
    return cache.get(key, 0)


def _hit(key: str, window: int) -> None:
    # add() starts the window; incr() keeps its expiry.
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, window)


def _submit_keys(request, park):
    """(cache key, limit an hour) for the client's address and for the park."""
    per_address = _limit("GRIEVANCE_PUBLIC_SUBMITS_PER_IP", 5)
    per_park = _limit("GRIEVANCE_PUBLIC_SUBMITS_PER_PARK", 20)
    return (
        (f"gpublic:submit:ip:{client_key(request)}", per_address),
        (f"gpublic:submit:park:{park.pk}", per_park),
    )


def _submissions_exhausted(request, park) -> bool:
    return any(_hits(key) >= limit for key, limit in _submit_keys(request, park))


def _count_submission(request, park) -> None:
    for key, _per_hour in _submit_keys(request, park):
        _hit(key, HOUR)


def _lookup_keys(request):
    """Cache keys counting the client's tracking-code lookups, and those that found nothing."""
    address = client_key(request)
    return f"gpublic:lookup:ip:{address}", f"gpublic:miss:ip:{address}"


def _lookups_exhausted(request) -> bool:
    lookups, misses = _lookup_keys(request)
    too_many = _hits(lookups) >= _limit("GRIEVANCE_PUBLIC_LOOKUPS_PER_IP", 60)
    return too_many or _hits(misses) >= _limit("GRIEVANCE_PUBLIC_MISSES_PER_IP", 10)


def _throttled(request, message):
    response = render(request, "grievances/public_throttled.html", {"message": message}, status=429)
    response.headers["Retry-After"] = str(HOUR)
    return response


# --- Upload size ----------------------------------------------------------------------------


class UploadQuota(FileUploadHandler):
    """Stops taking files once a request's uploads pass `limit` bytes.

    It runs while Django reads the request, before any other upload handler, so a 50 MB
    upload is skipped over, not written to a temporary file, and the view can say why.
    """

    def __init__(self, limit, request=None):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def max_upload_bytes() -> int:
    return _limit("GRIEVANCE_PUBLIC_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


# --- Intake ---------------------------------------------------------------------------------


def _not_found(request, message):
    return render(request, "grievances/public_not_found.html", {"message": message}, status=404)


def _park_and_zone(park_id, grid_zone_id):
    park = Park.objects.filter(pk=park_id).first()
    if park is None:
        return None, None
    if grid_zone_id is None:
        return park, None
    zone = GridZone.objects.filter(pk=grid_zone_id, park=park).first()
    return (park, zone) if zone else (None, None)


@csrf_exempt  # checked by _intake, once the upload quota is in place (see Django's upload docs)
@never_cache
def public_form(request, park_id, grid_zone_id=None):
    park, zone = _park_and_zone(park_id, grid_zone_id)
    if park is None:
        return _not_found(request, _("This QR code does not lead to a park the portal knows."))
    quota = None
    if request.method == "POST":
        if _submissions_exhausted(request, park):
            return _throttled(
                request, _("Many requests were sent from here in the last hour. Please try later.")
            )
        quota = UploadQuota(max_upload_bytes(), request)
        request.upload_handlers.insert(0, quota)
    return _intake(request, park, zone, quota)


@csrf_protect
def _intake(request, park, zone, quota):
    if request.method != "POST":
        form = PublicGrievanceForm(park=park, grid_zone=zone)
        return _form_page(request, form, park, zone)

    form = PublicGrievanceForm(request.POST, request.FILES, park=park, grid_zone=zone)
    if form.is_bot:
        # Answer as if it went well, so the script learns nothing; keep nothing.
        _count_submission(request, park)
        return _thanks_redirect(request, park, new_tracking_code())
    if quota is not None and quota.exceeded:
        form.is_valid()  # to show what else is wrong; the files that did arrive are dropped
        form.errors.pop("attachments", None)
        form.add_error(
            "attachments",
            _("The files together are larger than %(size)d MB. Send fewer or smaller ones.")
            % {"size": max_upload_bytes() // (1024 * 1024)},
        )
        return _form_page(request, form, park, zone, status=413)
    if not form.is_valid():
        return _form_page(request, form, park, zone)

    data = form.cleaned_data
    grievance = Grievance(
        park=park,
        grid_zone=zone or data.get("grid_zone"),
        category=data["category"],
        title=data["title"],
        description=data["description"],
        complainant_name=data["complainant_name"],
        complainant_phone=data["complainant_phone"],
        complainant_employer=data["complainant_employer"],
        sms_consent=data["sms_consent"],
    )
    try:
        services.grievance_receive(grievance=grievance, actor=None, files=data["attachments"])
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, form, park, zone)
    _count_submission(request, park)
    return _thanks_redirect(request, park, grievance.tracking_code)


def _form_page(request, form, park, zone, status=200):
    context = {
        "form": form,
        "park": park,
        "zone": zone,
        "contact_fields": [
            form["complainant_name"],
            form["complainant_phone"],
            form["complainant_employer"],
        ],
    }
    return render(request, "grievances/public_form.html", context, status=status)


def _thanks_redirect(request, park, code):
    request.session[SUBMITTED_SESSION_KEY] = code
    return redirect("grievances:public_thanks", park_id=park.pk)


@never_cache
def public_thanks(request, park_id):
    park = Park.objects.filter(pk=park_id).first()
    code = request.session.get(SUBMITTED_SESSION_KEY)
    if park is None or not code:
        return redirect("grievances:public_track_form")
    return render(request, "grievances/public_thanks.html", {"park": park, "code": code})


# --- Tracking -------------------------------------------------------------------------------


@never_cache
def public_track_form(request):
    form = TrackingCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("grievances:public_track", code=form.cleaned_data["code"])
    return render(request, "grievances/public_track_form.html", {"form": form})


def _find_for_worker(request, code):
    """The grievance with this code, or None; every lookup and every miss is counted."""
    lookups, misses = _lookup_keys(request)
    _hit(lookups, HOUR)
    code = normalise_tracking_code(code)
    grievance = None
    if TRACKING_CODE_PATTERN.match(code):
        grievance = (
            Grievance.objects.select_related("park", "grid_zone", "handling_unit")
            .filter(tracking_code=code)
            .first()
        )
    if grievance is None:
        _hit(misses, HOUR)
    return grievance


def _code_not_found(request):
    return render(
        request,
        "grievances/public_not_found.html",
        {
            "message": _("No grievance has this tracking code. Check it and try again."),
            "track_form": TrackingCodeForm(),
        },
        status=404,
    )


def public_steps(grievance):
    """The timeline a worker sees: when each public step happened, the reply's text only."""
    events = GrievanceEvent.objects.filter(grievance=grievance, action__in=list(PUBLIC_STEPS)).only(
        "at", "action", "note"
    )
    return [
        {
            "at": event.at,
            "action": event.action,
            "label": PUBLIC_STEPS[event.action],
            "reply": event.note if event.action == Action.REPLY else "",
        }
        for event in events
    ]


@never_cache
def public_track(request, code):
    if _lookups_exhausted(request):
        return _throttled(
            request, _("Too many tracking codes were looked up from here. Please try later.")
        )
    grievance = _find_for_worker(request, code)
    if grievance is None:
        return _code_not_found(request)
    # A request merged into another case about the same matter follows that case.
    case = followed_case(grievance)
    status = Status(case.status)
    context = {
        "grievance": case,
        "code": grievance.tracking_code,
        "merged": case.pk != grievance.pk,
        "status_label": PUBLIC_STATUS_LABELS.get(status, status.label),
        "steps": public_steps(case),
        "reply": case.reply if status in REPLIED_STATUSES else "",
        "can_withdraw": policy.worker_may_withdraw(grievance),
        "withdraw_form": WithdrawForm(),
    }
    response = render(request, "grievances/public_track.html", context)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def public_withdraw(request, code):
    if _lookups_exhausted(request):
        return _throttled(
            request, _("Too many tracking codes were looked up from here. Please try later.")
        )
    grievance = _find_for_worker(request, code)
    if grievance is None:
        return _code_not_found(request)
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"].strip() if form.is_valid() else ""
    try:
        services.grievance_withdraw_by_worker(tracking_code=grievance.tracking_code, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your grievance has been withdrawn."))
    return redirect("grievances:public_track", code=grievance.tracking_code)


# --- QR codes -------------------------------------------------------------------------------


def _park_for_posters(user, park_id):
    """Office staff, the park's own staff, and its subdistrict's staff print its QR codes."""
    park = get_object_or_404(parks_visible_to(user), pk=park_id)
    if not access.may_print_posters(user, park):
        raise Http404
    return park


def _public_url(park, zone=None):
    return public_form_url(park.pk, None if zone is None else zone.pk)


def _svg_response(url, filename):
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response.headers["Content-Disposition"] = content_disposition(filename, as_attachment=False)
    return response


@login_required
def public_qr(request, park_id):
    park = _park_for_posters(request.user, park_id)
    return _svg_response(_public_url(park), f"grievance-qr-park-{park.pk}.svg")


@login_required
def public_qr_zone(request, park_id, grid_zone_id):
    park = _park_for_posters(request.user, park_id)
    zone = get_object_or_404(GridZone, pk=grid_zone_id, park=park)
    return _svg_response(_public_url(park, zone), f"grievance-qr-park-{park.pk}-{zone.code}.svg")


@login_required
def qr_poster(request, park_id):
    park = _park_for_posters(request.user, park_id)
    park_url = _public_url(park)
    zones = []
    for zone in park.grid_zones.order_by("code"):
        url = _public_url(park, zone)
        zones.append({"zone": zone, "url": url, "svg": qr_svg_inline(url)})
    context = {
        "park": park,
        "park_url": park_url,
        "park_svg": qr_svg_inline(park_url),
        "zones": zones,
    }
    return render(request, "grievances/public_qr_poster.html", context)
