from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parks import access
from parks.core.filter_bar import filter_bar
from parks.core.view_helpers import paginate
from parks.notices import deliveries, selectors, services
from parks.notices.choices import NoticeKind
from parks.notices.filters import DeliveryFilter
from parks.notices.forms import NoticePreferencesForm
from parks.notices.models import Delivery

DELIVERY_PAGE_SIZE = 50


@login_required
def notification_list(request):
    notifications = request.user.notifications.order_by("-created_at", "-pk")
    kind = request.GET.get("kind", "")
    if kind in NoticeKind.values:
        notifications = notifications.filter(kind=kind)
    else:
        kind = ""
    return render(
        request,
        "parks/notifications.html",
        {
            "nav": "notifications",
            "page": paginate(request, notifications),
            "kind": kind,
            "kinds": NoticeKind.choices,
            "can_see_deliveries": access.may_see_deliveries(request.user),
        },
    )


@login_required
@require_POST
def notifications_mark_read(request):
    """Mark all of the person's notifications read, or only those named by `id`."""
    ids = [v for v in request.POST.getlist("id") if v.isascii() and v.isdigit()] or None
    services.notifications_mark_read(recipient=request.user, ids=ids)
    return redirect("parks:notifications")


@login_required
def notice_preferences(request):
    """The person's channels, kind by kind, and the daily digest."""
    choices, digest = services.preferences_of(request.user)
    form = NoticePreferencesForm(request.POST or None, choices=choices, daily_digest=digest)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=request.user,
            choices=form.chosen(),
            daily_digest=form.cleaned_data["daily_digest"],
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("parks:notice_preferences")
    return render(
        request,
        "parks/notice_preferences.html",
        {"nav": "notifications", "form": form, "person": request.user},
    )


@login_required
def delivery_list(request):
    """The office's view of every delivery by e-mail, WeCom and SMS: failed ones first."""
    if not access.may_see_deliveries(request.user):
        raise PermissionDenied
    found = DeliveryFilter(request.GET, queryset=selectors.deliveries_for_office())
    rows = found.qs if found.is_valid() else Delivery.objects.none()
    return render(
        request,
        "parks/deliveries.html",
        {
            "nav": "notifications",
            "filter": found,
            "bar": filter_bar(found),
            "page": paginate(request, rows, per_page=DELIVERY_PAGE_SIZE),
        },
    )


@login_required
@require_POST
def delivery_retry(request, pk):
    if not access.may_see_deliveries(request.user):
        raise PermissionDenied
    delivery = get_object_or_404(Delivery, pk=pk)
    if deliveries.delivery_retry(delivery=delivery):
        messages.success(request, _("The delivery is queued again."))
    else:
        messages.info(request, _("Only a failed delivery can be sent again."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    return redirect(back or "parks:deliveries")
