"""Raw-SQL floors of the benchmarked API endpoints, served beside the portal by `make bench`.

Each floor returns the rows its endpoint returns — the same ids, in the same order, the same page
and count, the same figures — as JSON, from hand-written SQL on one cursor: no ORM, no DRF, no
template. It authenticates as cheaply as it can and the same way (a knox token here, a session
in floor_pages), and serves only the district office (the benchmark's user), whose scope is the
whole district: no scope filter. What the endpoint adds on top of this is what the benchmark's
ratio measures.

The pages' floors (the inbox, the activity feed, a grievance's page, a park's page) are in
floor_pages; the SQL both share (authentication, the deadline flags, counting a table) is here.
"""

import hashlib
import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from hmac import compare_digest
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils.crypto import salted_hmac

from parks.core.privacy import mask_phone

FINAL = ("closed", "withdrawn", "merged")
UNCOUNTED = ("withdrawn", "merged")
API_PAGE = 50  # parks.core.api.pagination.PortalPagination


# --- Answers --------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def answer(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, default=_plain, ensure_ascii=False),
        content_type="application/json",
        status=status,
    )


def rows(cursor) -> list[dict[str, Any]]:
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- Who is asking --------------------------------------------------------------------------

USER_COLUMNS = "u.id, u.role, u.is_superuser, u.is_active, u.password"


def token_user(request, cursor) -> dict[str, Any] | None:
    """The user of a knox token (`Authorization: Token <key>`), as knox checks it: the row of
    the key's first 15 characters, unexpired, whose digest is the key's SHA-512."""
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) != 2 or parts[0].lower() != "token":
        return None
    key = parts[1]
    cursor.execute(
        f"SELECT t.digest, t.expiry, {USER_COLUMNS} FROM knox_authtoken t"  # noqa: S608
        " JOIN parks_user u ON u.id = t.user_id WHERE t.token_key = %s",
        [key[:15]],
    )
    digest = hashlib.sha512(key.encode()).hexdigest()
    now = datetime.now(UTC)
    for row in rows(cursor):
        if row["expiry"] is not None and row["expiry"] < now:
            continue
        if compare_digest(digest, row["digest"]) and row["is_active"]:
            return row
    return None


def session_user(request, cursor) -> dict[str, Any] | None:
    """The user of the session cookie, as django.contrib.auth checks it: the unexpired session
    row, its signed data, and the password's hash it was made with."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not key:
        return None
    cursor.execute(
        "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > now()",
        [key],
    )
    found = cursor.fetchone()
    if found is None:
        return None
    try:
        session = signing.loads(
            found[0],
            salt="django.contrib.sessions.SessionStore",
            serializer=signing.JSONSerializer,
        )
    except signing.BadSignature:
        return None
    cursor.execute(
        f"SELECT {USER_COLUMNS} FROM parks_user u WHERE u.id = %s",  # noqa: S608
        [session.get("_auth_user_id")],
    )
    user = (rows(cursor) or [None])[0]
    if user is None or not user["is_active"]:
        return None
    expected = salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
        user["password"],
        algorithm="sha256",
    ).hexdigest()
    return user if compare_digest(expected, session.get("_auth_user_hash", "")) else None


def office_only(authenticate):
    """A floor for the district office: 401 without a user, 403 for anyone else."""

    def decorate(floor):
        def view(request, *args, **kwargs):
            with connection.cursor() as cursor:
                user = authenticate(request, cursor)
                if user is None:
                    return answer({"detail": "not authenticated"}, status=401)
                if not (user["role"] == "office" or user["is_superuser"]):
                    return answer({"detail": "the floors serve the district office"}, 403)
                return answer(floor(request, cursor, user, *args, **kwargs))

        return view

    return decorate


# --- Shared SQL -----------------------------------------------------------------------------


# Tables whose whole-scope counts the portal reads from its per-park tally (parks.core.tallies,
# kept exact by PostgreSQL triggers): a hand-written floor would read them too.
TALLIED_TABLES = ("grievances_grievance", "parks_activity", "reforms_task")


def count_rows(cursor, table: str, where: str = "", params: list | None = None) -> int:
    """How many rows of `table` match: every floor's count goes through here. A tallied table
    counted whole, or for one park, is read from the tally, as the portal reads it."""
    if table == "grievances_grievance" and where == "status = ANY(%s)":
        # Grievances in some statuses: the status tally (grievances.status_counts).
        cursor.execute(
            "SELECT coalesce(sum(n), 0) FROM grievances_statustally WHERE status = ANY(%s)",
            params,
        )
        return int(cursor.fetchone()[0])
    if table in TALLIED_TABLES and where in ("", "park_id = %s"):
        sql = "SELECT coalesce(sum(n), 0) FROM parks_tally WHERE source = %s"
        cursor.execute(sql + (" AND park_id = %s" if where else ""), [table, *(params or [])])
        return int(cursor.fetchone()[0])
    sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")  # noqa: S608
    cursor.execute(sql, params or [])
    return cursor.fetchone()[0]


def page_window(request, per_page: int) -> tuple[int, int]:
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    return page, (page - 1) * per_page


# The deadline flags and the next deadline of grievances.selectors, over g.*, at %(now)s.
RESPONSE_BREACHED = """((g.responded_at IS NULL AND g.response_due_at < %(now)s
    AND g.status IN ('received', 'assigned', 'returned'))
    OR (g.responded_at IS NOT NULL AND g.responded_at > g.response_due_at))"""
RESOLUTION_BREACHED = """((g.resolved_at IS NULL AND g.resolution_due_at < %(now)s
    AND g.status NOT IN ('closed', 'withdrawn', 'merged'))
    OR (g.resolved_at IS NOT NULL AND g.resolved_at > g.resolution_due_at))"""
DUE_SOON = """(g.status NOT IN ('closed', 'withdrawn', 'merged') AND (
    (g.responded_at IS NULL AND g.response_due_at BETWEEN %(now)s AND %(respond_warn)s)
    OR (g.resolved_at IS NULL AND g.resolution_due_at BETWEEN %(now)s AND %(resolve_warn)s)))"""
NEXT_DUE = """CASE WHEN g.status IN ('closed', 'withdrawn', 'merged') THEN NULL
    WHEN g.responded_at IS NULL AND g.status IN ('received', 'assigned', 'returned')
        THEN g.response_due_at
    WHEN g.resolved_at IS NULL THEN g.resolution_due_at END"""
GRIEVANCE_COLUMNS = f"""g.id, g.tracking_code, g.park_id AS park, p.name AS park_name,
    g.grid_zone_id AS grid_zone, z.code AS grid_zone_code, g.channel, g.category,
    g.survey_id AS survey, g.title, g.description, g.complainant_name, g.complainant_phone,
    g.complainant_employer, g.sms_consent, g.handling_unit_id AS handling_unit,
    o.name AS handling_unit_name, g.handler_id AS handler,
    coalesce(nullif(h.display_name, ''), h.username) AS handler_name,
    g.logged_by_id AS logged_by, g.status, g.received_at, g.response_due_at,
    g.resolution_due_at, g.responded_at, g.resolved_at, g.closed_at,
    g.merged_into_id AS merged_into, nullif(g.satisfaction, '') AS satisfaction, g.rectified,
    g.reply, g.updated_at,
    {RESPONSE_BREACHED} AS response_breached, {RESOLUTION_BREACHED} AS resolution_breached,
    {DUE_SOON} AS due_soon, {NEXT_DUE} AS next_due_at"""
GRIEVANCE_JOINS = """FROM grievances_grievance g JOIN parks_park p ON p.id = g.park_id
    LEFT JOIN parks_gridzone z ON z.id = g.grid_zone_id
    LEFT JOIN parks_organisation o ON o.id = g.handling_unit_id
    LEFT JOIN parks_user h ON h.id = g.handler_id"""
NEXT_DEADLINE_ORDER = "ORDER BY next_due_at ASC NULLS LAST, g.resolution_due_at, g.id"


def deadline_params() -> dict[str, datetime]:
    now = datetime.now(UTC)
    return {
        "now": now,
        "respond_warn": now + timedelta(hours=settings.GRIEVANCE_RESPONSE_WARN_HOURS),
        "resolve_warn": now + timedelta(days=settings.GRIEVANCE_RESOLUTION_WARN_DAYS),
    }


def shown_grievances(cursor, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Masked personal data, the deadline flag and the attachments (one query) of the rows."""
    attachments = defaultdict(list)
    if found:
        cursor.execute(
            "SELECT id, grievance_id, original_name, size FROM grievances_attachment"
            " WHERE grievance_id = ANY(%s) ORDER BY id",
            [[row["id"] for row in found]],
        )
        for attachment in rows(cursor):
            attachments[attachment.pop("grievance_id")].append(attachment)
    for row in found:
        name = row["complainant_name"]
        row["complainant_name"] = f"{name[0]}**" if name else ""
        row["complainant_phone"] = mask_phone(row["complainant_phone"])
        row["complainant_employer"] = "***" if row["complainant_employer"] else ""
        row["personal_data_masked"] = True
        breached = row["response_breached"] or row["resolution_breached"]
        row["deadline_flag"] = (
            "breached"
            if breached
            else "done"
            if row["status"] in FINAL
            else "due_soon"
            if row["due_soon"]
            else "ok"
        )
        row["attachments"] = attachments.get(row["id"], [])
    return found


# --- E1, E6: grievances ---------------------------------------------------------------------


@office_only(token_user)
def grievance_list(request, cursor, user):
    page, offset = page_window(request, API_PAGE)
    count = count_rows(cursor, "grievances_grievance")
    cursor.execute(
        f"SELECT {GRIEVANCE_COLUMNS} {GRIEVANCE_JOINS} {NEXT_DEADLINE_ORDER}"  # noqa: S608
        " LIMIT %(limit)s OFFSET %(offset)s",
        {**deadline_params(), "limit": API_PAGE, "offset": offset},
    )
    return {"count": count, "results": shown_grievances(cursor, rows(cursor))}


@office_only(token_user)
def grievance_detail(request, cursor, user, pk):
    cursor.execute(
        f"SELECT {GRIEVANCE_COLUMNS} {GRIEVANCE_JOINS} WHERE g.id = %(pk)s",  # noqa: S608
        {**deadline_params(), "pk": pk},
    )
    found = shown_grievances(cursor, rows(cursor))
    return found[0] if found else {"detail": "not found"}


# --- E8: the rates of a period ----------------------------------------------------------------

RATE_COUNTS = f"""
    count(*) AS received,
    count(*) FILTER (WHERE response_pending) AS response_pending,
    count(*) FILTER (WHERE NOT response_pending) AS response_counted,
    count(*) FILTER (WHERE responded_at <= response_due_at) AS responded_in_time,
    count(*) FILTER (WHERE resolution_pending) AS resolution_pending,
    count(*) FILTER (WHERE NOT resolution_pending) AS resolution_counted,
    count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved,
    count(*) FILTER (WHERE resolved_at <= resolution_due_at) AS resolved_in_time,
    count(*) FILTER (WHERE handling_unit_id IS NOT NULL) AS dispatched,
    count(*) FILTER (WHERE returned) AS returned_to_office,
    count(*) FILTER (WHERE first_calls > 0) AS first_calls,
    count(*) FILTER (WHERE first_call_satisfied > 0) AS first_call_satisfied,
    coalesce(sum(calls), 0)::bigint AS followed_up,
    coalesce(sum(satisfied_calls), 0)::bigint AS satisfied,
    count(*) FILTER (WHERE reopened) AS reopened,
    count(*) FILTER (WHERE channel = 'survey') AS opinions,
    count(*) FILTER (WHERE channel = 'survey' AND rectified) AS rectified
FROM (
    -- Counted grievances only (withdrawn and merged ones count nowhere); each one's calls from
    -- its follow-up tally (grievances.followup_counts, kept by triggers), as the portal reads.
    SELECT g.responded_at, g.response_due_at,
        g.resolved_at, g.resolution_due_at, g.handling_unit_id, g.channel, g.rectified,
        (g.responded_at IS NULL AND g.response_due_at >= %(now)s) AS response_pending,
        (g.resolved_at IS NULL AND g.resolution_due_at >= %(now)s) AS resolution_pending,
        EXISTS (SELECT 1 FROM grievances_grievanceevent e
            WHERE e.grievance_id = g.id AND e.action = 'return') AS returned,
        EXISTS (SELECT 1 FROM grievances_grievanceevent e
            WHERE e.grievance_id = g.id AND e.action = 'reopen') AS reopened,
        t.first_calls, t.first_call_satisfied, t.n AS calls, t.satisfied AS satisfied_calls
    FROM grievances_grievance g
    LEFT JOIN grievances_followuptally t ON t.grievance_id = g.id
    WHERE g.received_at >= %(since)s AND g.received_at < %(until)s
        AND g.status NOT IN {UNCOUNTED}
) AS g"""  # noqa: S608


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


@office_only(token_user)
def rates(request, cursor, user):
    first = date.fromisoformat(request.GET["from"])
    last = date.fromisoformat(request.GET["to"])
    cursor.execute(
        f"SELECT {RATE_COUNTS}",  # noqa: S608
        {
            "now": datetime.now(UTC),
            "since": local_midnight(first),
            "until": local_midnight(last + timedelta(days=1)),
        },
    )
    totals = rows(cursor)[0]
    funnel = {"opinions": totals.pop("opinions"), "rectified": totals.pop("rectified")}
    cursor.execute(
        "SELECT coalesce(sum(handed_out), 0)::bigint AS handed_out,"
        " coalesce(sum(returned), 0)::bigint AS returned"
        " FROM grievances_surveycampaign WHERE held_on BETWEEN %s AND %s",
        [first, last],
    )
    return {"totals": totals, "funnel": {**rows(cursor)[0], **funnel}}


# --- E3: the grid log -----------------------------------------------------------------------

ACTIVITY_COLUMNS = """a.id, a.park_id AS park, p.name AS park_name, a.grid_zone_id AS grid_zone,
    z.code AS grid_zone_code, z.name AS grid_zone_name, a.kind, a.occurred_at, a.place,
    a.title, a.description, a.participants, a.organisers, a.logged_by_id AS logged_by,
    coalesce(nullif(u.display_name, ''), u.username) AS logged_by_name, a.client_id,
    a.created_at, a.updated_at"""
ACTIVITY_JOINS = """FROM parks_activity a JOIN parks_park p ON p.id = a.park_id
    LEFT JOIN parks_gridzone z ON z.id = a.grid_zone_id
    JOIN parks_user u ON u.id = a.logged_by_id"""


def activity_page(cursor, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """A page of the grid log, newest first, with each entry's photos (one query)."""
    cursor.execute(
        f"SELECT {ACTIVITY_COLUMNS} {ACTIVITY_JOINS}"  # noqa: S608
        " ORDER BY a.occurred_at DESC, a.id DESC LIMIT %s OFFSET %s",
        [limit, offset],
    )
    found = rows(cursor)
    photos = defaultdict(list)
    if found:
        cursor.execute(
            "SELECT id, activity_id, width, height, original_name FROM parks_activityphoto"
            " WHERE activity_id = ANY(%s) ORDER BY id",
            [[row["id"] for row in found]],
        )
        for photo in rows(cursor):
            photos[photo.pop("activity_id")].append(photo)
    for row in found:
        row["photos"] = photos.get(row["id"], [])
    return found


@office_only(token_user)
def activity_list(request, cursor, user):
    page, offset = page_window(request, API_PAGE)
    count = count_rows(cursor, "parks_activity")
    return {"count": count, "results": activity_page(cursor, limit=API_PAGE, offset=offset)}


# --- E5: tasks ------------------------------------------------------------------------------

# reforms.tasks: the pace gap, days left and warning colour at %(today)s.
PACE_GAP = """((%(today)s::date - t.start_date) * 100
    - (t.progress + %(margin)s) * (t.due_date - t.start_date))"""
WARNING = f"""CASE WHEN t.status = 'cancelled' THEN 'none'
    WHEN t.status = 'done' AND t.done_on > t.due_date THEN 'done_late'
    WHEN t.status = 'done' THEN 'green'
    WHEN t.due_date < %(today)s THEN 'red'
    WHEN t.due_date - %(today)s::date <= %(soon)s
        OR ({PACE_GAP} > 0 AND t.start_date < %(today)s) THEN 'yellow'
    ELSE 'green' END"""
TASK_COLUMNS = f"""t.id, t.code, t.plan_id AS plan, pl.title AS plan_title, t.park_id AS park,
    p.name AS park_name, t.category, t.title, t.description, t.lead_unit_id AS lead_unit,
    o.name AS lead_unit_name, t.owner_id AS owner,
    coalesce(nullif(w.display_name, ''), w.username) AS owner_name, t.start_date, t.due_date,
    t.weight, t.status, t.progress, t.done_on, {WARNING} AS warning,
    t.due_date - %(today)s::date AS days_left, {PACE_GAP} AS pace_gap"""
TASK_JOINS = """FROM reforms_task t JOIN reforms_plan pl ON pl.id = t.plan_id
    LEFT JOIN parks_park p ON p.id = t.park_id
    JOIN parks_organisation o ON o.id = t.lead_unit_id
    LEFT JOIN parks_user w ON w.id = t.owner_id"""


def task_params() -> dict[str, Any]:
    return {
        "today": datetime.now(ZoneInfo(settings.TIME_ZONE)).date(),
        "margin": settings.REFORM_PACE_MARGIN,
        "soon": settings.REFORM_DUE_SOON_DAYS,
    }


@office_only(token_user)
def task_list(request, cursor, user):
    page, offset = page_window(request, API_PAGE)
    count = count_rows(cursor, "reforms_task")
    cursor.execute(
        f"SELECT {TASK_COLUMNS} {TASK_JOINS}"  # noqa: S608
        " ORDER BY t.due_date, t.code LIMIT %(limit)s OFFSET %(offset)s",
        {**task_params(), "limit": API_PAGE, "offset": offset},
    )
    found = rows(cursor)
    units = defaultdict(list)
    if found:
        cursor.execute(
            "SELECT s.task_id, o.id, o.name FROM reforms_task_supporting_units s"
            " JOIN parks_organisation o ON o.id = s.organisation_id"
            " WHERE s.task_id = ANY(%s) ORDER BY o.name",
            [[row["id"] for row in found]],
        )
        for task_id, unit_id, name in cursor.fetchall():
            units[task_id].append({"id": unit_id, "name": name})
    for row in found:
        row["supporting_units"] = units.get(row["id"], [])
    return {"count": count, "results": found}


# --- E9: progress reports -------------------------------------------------------------------

# reforms.reporting.freshness: the newest audit event of a reported record after the build.
REPORTED_TYPES = [
    ("parks", "park"),
    ("parks", "gridzone"),
    ("parks", "activity"),
    ("grievances", "grievance"),
    ("grievances", "surveycampaign"),
    ("reforms", "plan"),
    ("reforms", "task"),
    ("reforms", "carepayment"),
    ("reforms", "publicity"),
    ("reforms", "training"),
    ("reforms", "proposal"),
]
REPORT_COLUMNS = """r.id, r.scope, r.subdistrict_id AS subdistrict, r.park_id AS park,
    coalesce(CASE r.scope WHEN 'park' THEN p.name WHEN 'subdistrict' THEN s.name END,
        %(district)s) AS scope_name,
    r.period_kind, r.period_start, r.period_end, r.status, r.progress, r.failure_reason,
    r.version, r.excel, r.briefing, r.created_at, r.started_at, r.finished_at, r.as_of,
    r.lease_until, r.build_attempts,
    CASE WHEN r.status = 'done' AND r.as_of IS NOT NULL THEN (
        SELECT max(e.at) FROM parks_auditevent e
        WHERE e.at > r.as_of AND e.content_type_id = ANY(%(types)s) AND CASE r.scope
            WHEN 'park' THEN e.park_id = r.park_id
            WHEN 'subdistrict' THEN e.subdistrict_id = r.subdistrict_id OR e.park_id IN (
                SELECT id FROM parks_park WHERE subdistrict_id = r.subdistrict_id)
            ELSE true END) END AS data_changed_at"""


def reported_types(cursor) -> list[int]:
    pairs = ", ".join(f"('{app}', '{model}')" for app, model in REPORTED_TYPES)
    cursor.execute(
        f"SELECT id FROM django_content_type WHERE (app_label, model) IN ({pairs})"  # noqa: S608
    )
    return [row[0] for row in cursor.fetchall()]


@office_only(token_user)
def report_list(request, cursor, user):
    page, offset = page_window(request, API_PAGE)
    types = reported_types(cursor)
    count = count_rows(cursor, "reforms_report")
    cursor.execute(
        f"SELECT {REPORT_COLUMNS} FROM reforms_report r"  # noqa: S608
        " LEFT JOIN parks_park p ON p.id = r.park_id"
        " LEFT JOIN parks_subdistrict s ON s.id = r.subdistrict_id"
        " ORDER BY r.period_start DESC, r.scope, r.scope_key LIMIT %(limit)s OFFSET %(offset)s",
        {
            "district": settings.PORTAL_DISTRICT_NAME,
            "types": types,
            "limit": API_PAGE,
            "offset": offset,
        },
    )
    found = rows(cursor)
    for row in found:
        row["stale"] = row["data_changed_at"] is not None
    return {"count": count, "results": found}


def _routes():
    from tests.bench import floor_pages

    return [
        path("api/grievances/", grievance_list),
        path("api/grievances/<int:pk>/", grievance_detail),
        path("api/grievances/rates/", rates),
        path("api/activities/", activity_list),
        path("api/tasks/", task_list),
        path("api/reports/", report_list),
        *floor_pages.urlpatterns,
    ]


urlpatterns = _routes()
