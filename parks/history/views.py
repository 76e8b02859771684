"""The office's audit page: every logged write, filtered by person, record type and period."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from parks import access
from parks.core.filter_bar import filter_bar
from parks.core.view_helpers import paginate
from parks.history import selectors
from parks.history.filters import AuditEventFilter

AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request):
    if not access.may_read_audit_log(request.user):
        raise PermissionDenied
    events = AuditEventFilter(request.GET, queryset=selectors.audit_events())
    # A filter naming something unknown is shown as an error and matches nothing.
    rows = events.qs if events.is_valid() else selectors.audit_events().none()
    return render(
        request,
        "parks/audit.html",
        {
            "page": paginate(request, rows, per_page=AUDIT_PAGE_SIZE),
            "filter": events,
            # A record's history links here with its id; the id rides along with new filters.
            "bar": filter_bar(
                events, search=None, hidden={"object_id": events.data.get("object_id")}
            ),
        },
    )
