"""Helpers shared by the grievance pages: fetching in scope, saving through services, paging,
status groups and the time left to a grievance's next deadline."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from grievances.choices import FINAL_STATUSES, Status
from grievances.policy import QUEUES
from grievances.selectors import (
    AWAITING_RESPONSE,
    deadline_moments,
    grievances_visible_to,
    may_log_grievances_somewhere,
    with_deadline_flags,
)
from parks import access
from parks.core.prepared import prepared_get
from parks.core.recent import Recent
from parks.core.view_helpers import paginate, save_form  # noqa: F401  (the views import them from here)

# The inbox's tabs: (label, statuses), None meaning every status. "open" is the default.
STATUS_GROUPS = {
    "open": (
        pgettext_lazy("grievance group", "Open"),
        [s for s in Status if s not in FINAL_STATUSES],
    ),
    # The office's own queues (policy.WORK_QUEUES), as on the workbench.
    "to_assign": (QUEUES["to_assign"].label, QUEUES["to_assign"].statuses),
    "waiting_reply": (
        gettext_lazy("Waiting for reply"),
        [Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS],
    ),
    "follow_up": (gettext_lazy("Follow-up"), QUEUES["to_follow_up"].statuses),
    "closed": (pgettext_lazy("grievance group", "Closed"), list(FINAL_STATUSES)),
    "all": (gettext_lazy("All"), None),
}
DEFAULT_GROUP = "open"


SHOWN_RELATED = (
    "park",
    "grid_zone",
    "handling_unit",
    "handler",
    "logged_by",
    "survey",
    "source_activity",
)


def visible_grievance(request, pk):
    """One grievance the user may see, with its deadline flags: a 404 otherwise.

    The query `get_object_or_404` runs, compiled once per scope (parks.core.prepared): the key
    holds all its SQL depends on besides the id and the moments (access.scope_key)."""
    user = request.user

    def shown(now, response_warn, resolution_warn):
        return _shown(grievances_visible_to(user), moments=(now, response_warn, resolution_warn))

    key = ("grievance_page", access.scope_key(user))
    found = prepared_get(key, shown, pk, *deadline_moments())
    if not found:
        raise Http404("No Grievance matches the given query.")
    (grievance,) = found  # one row: the primary key
    return grievance


def _shown(grievances, *, moments=None):
    return with_deadline_flags(grievances, moments=moments).select_related(*SHOWN_RELATED)


can_log_somewhere = may_log_grievances_somewhere


def _duration(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        text = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        if hours:
            text += " " + ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
        return text
    if hours:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def next_deadline(grievance, now=None):
    """The limit that runs now (respond, else resolve) and the time left to it, or None: the
    same limit as selectors.with_next_deadline, which the inbox sorts by."""
    if grievance.status in FINAL_STATUSES:
        return None
    if grievance.responded_at is None and grievance.status in AWAITING_RESPONSE:
        at, responding = grievance.response_due_at, True
    elif grievance.resolved_at is None:
        at, responding = grievance.resolution_due_at, False
    else:
        return None
    seconds = (at - (now or timezone.now())).total_seconds()
    # The texts are a function of the key alone (_duration reads the whole minutes): every row
    # of the inbox asked gettext for three or four strings, each through the active language.
    key = (get_language(), responding, int(abs(seconds) // 60), seconds < 0)
    kind, text = _DEADLINE_TEXTS.kept(key, lambda: _deadline_texts(responding, seconds))
    return {"at": at, "kind": kind, "text": text, "overdue": seconds < 0}


# (language, responding, whole minutes, overdue) -> (kind, text) of next_deadline: a page's
# rows a few hundred keys, the least recently used forgotten first.
_DEADLINE_TEXTS = Recent(4096)


def _deadline_texts(responding: bool, seconds: float) -> tuple[str, str]:
    kind = _("Respond") if responding else _("Resolve")
    duration = _duration(seconds)
    if seconds < 0:
        return kind, _("%(duration)s overdue") % {"duration": duration}
    return kind, _("%(duration)s left") % {"duration": duration}
