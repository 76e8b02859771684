from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parks.core.view_helpers import paginate
from parks.notices import services


@login_required
def notification_list(request):
    notifications = request.user.notifications.order_by("-created_at", "-pk")
    return render(
        request,
        "parks/notifications.html",
        {"nav": "notifications", "page": paginate(request, notifications)},
    )


@login_required
@require_POST
def notifications_mark_read(request):
    """Mark all of the person's notifications read, or only those named by `id`."""
    ids = [v for v in request.POST.getlist("id") if v.isascii() and v.isdigit()] or None
    services.notifications_mark_read(recipient=request.user, ids=ids)
    return redirect("parks:notifications")
