"""Raw-SQL floors of the benchmarked pages: each returns, as JSON, the data its page shows — the
same rows, counts and figures, the filter bar's choices, the unread-notice badge — read with
hand-written SQL, for the district office signed in with a session (tests.bench.floors)."""

from typing import Any

from django.conf import settings
from django.urls import path

from tests.bench.floors import (
    ACTIVITY_COLUMNS,
    FINAL,
    GRIEVANCE_COLUMNS,
    GRIEVANCE_JOINS,
    NEXT_DEADLINE_ORDER,
    TASK_COLUMNS,
    TASK_JOINS,
    WARNING,
    activity_page,
    count_rows,
    deadline_params,
    office_only,
    page_window,
    rows,
    session_user,
    shown_grievances,
    task_params,
)

PAGE = 25  # parks.core.view_helpers.PAGE_SIZE
OPEN = ("received", "assigned", "accepted", "in_progress", "replied", "followed_up", "returned")
# The inbox's tabs (grievances.views.common.STATUS_GROUPS); None: every status.
TABS = {
    "open": OPEN,
    "to_assign": ("received", "returned"),
    "waiting_reply": ("assigned", "accepted", "in_progress"),
    "follow_up": ("replied", "followed_up"),
    "closed": FINAL,
    "all": None,
}
PANEL = 5  # rows in each panel of a park's page
IGNORED = " \u3000，。！？、；：,.!?;:"  # grievances.duplicates.IGNORED_CHARACTERS


def unread_notices(cursor, user) -> int:
    return count_rows(
        cursor, "parks_notification", "recipient_id = %s AND read_at IS NULL", [user["id"]]
    )


def _title_key(column: str) -> str:
    return f"translate(lower(btrim({column}, ' ')), %(ignored)s, '')"


# grievances.duplicates: open grievances of the same park, within GRIEVANCE_DUPLICATE_DAYS, with
# a similar title (pg_trgm) or the same once spaces and punctuation are set aside.
SIMILAR = f"""d.park_id = g.park_id AND d.id <> g.id
    AND d.received_at BETWEEN g.received_at - %(window)s AND g.received_at + %(window)s
    AND d.status NOT IN {FINAL}
    AND ({_title_key("d.title")} = {_title_key("g.title")}
        OR similarity(d.title, g.title) >= %(similarity)s)"""


def _duplicate_params() -> dict[str, Any]:
    from datetime import timedelta

    return {
        "window": timedelta(days=settings.GRIEVANCE_DUPLICATE_DAYS),
        "similarity": settings.GRIEVANCE_DUPLICATE_SIMILARITY,
        "ignored": IGNORED,
    }


# --- E2: the inbox --------------------------------------------------------------------------


@office_only(session_user)
def inbox(request, cursor, user):
    page, offset = page_window(request, PAGE)
    cursor.execute(
        f"SELECT {GRIEVANCE_COLUMNS} {GRIEVANCE_JOINS} WHERE g.status = ANY(%(open)s)"  # noqa: S608
        f" {NEXT_DEADLINE_ORDER} LIMIT %(limit)s OFFSET %(offset)s",
        {**deadline_params(), "open": list(OPEN), "limit": PAGE, "offset": offset},
    )
    found = shown_grievances(cursor, rows(cursor))
    cursor.execute(
        f"SELECT g.id, (SELECT count(*) FROM grievances_grievance d WHERE {SIMILAR})"  # noqa: S608
        f" FROM grievances_grievance g WHERE g.id = ANY(%(ids)s) AND g.status NOT IN {FINAL}",
        {**_duplicate_params(), "ids": [row["id"] for row in found]},
    )
    duplicates = dict(cursor.fetchall())
    for row in found:
        row["duplicates"] = duplicates.get(row["id"], 0)
    # The tab counts: grievances per status from the status tally, as the inbox reads them
    # (grievances.status_counts).
    tabs = ", ".join(
        f"coalesce(sum(n) FILTER (WHERE status IN {statuses}), 0)::bigint AS {key}"
        if statuses
        else "coalesce(sum(n), 0)::bigint AS all"
        for key, statuses in TABS.items()
    )
    cursor.execute(f"SELECT {tabs} FROM grievances_statustally")  # noqa: S608
    tab_counts = rows(cursor)[0]
    return {
        # The open tab's rows: its count among the tab counts, as the inbox reads it.
        "count": tab_counts["open"],
        "page": page,
        "results": found,
        "tabs": tab_counts,
        "choices": _inbox_choices(cursor),
        "unread": unread_notices(cursor, user),
    }


def _inbox_choices(cursor) -> dict[str, list]:
    cursor.execute("SELECT id, name FROM parks_park ORDER BY name, id")
    parks = cursor.fetchall()
    cursor.execute(
        "SELECT z.id, p.name, z.code, z.name FROM parks_gridzone z"
        " JOIN parks_park p ON p.id = z.park_id ORDER BY p.name, z.code"
    )
    zones = cursor.fetchall()
    cursor.execute("SELECT id, name FROM parks_organisation ORDER BY name, id")
    return {"parks": parks, "zones": zones, "units": cursor.fetchall()}


# --- E4: the activity feed ------------------------------------------------------------------


@office_only(session_user)
def activity_feed(request, cursor, user):
    page, offset = page_window(request, PAGE)
    # Entries and participants of the whole log: the per-park tally, as the feed reads them.
    cursor.execute(
        "SELECT coalesce(sum(n), 0)::bigint, coalesce(sum(total), 0)::bigint FROM parks_tally"
        " WHERE source = 'parks_activity'"
    )
    entries, participants = cursor.fetchone()
    found = activity_page(cursor, limit=PAGE, offset=offset)
    cursor.execute('SELECT id, name FROM parks_park ORDER BY name COLLATE "zh-x-icu", id')
    parks = cursor.fetchall()
    cursor.execute('SELECT id, name FROM parks_subdistrict ORDER BY name COLLATE "zh-x-icu", id')
    subdistricts = cursor.fetchall()
    cursor.execute(
        "SELECT z.id, p.name, z.code, z.name FROM parks_gridzone z"
        ' JOIN parks_park p ON p.id = z.park_id ORDER BY p.name COLLATE "zh-x-icu", z.park_id,'
        " z.code"
    )
    zones = cursor.fetchall()
    cursor.execute(
        "SELECT id, display_name, username FROM parks_user"
        " WHERE role IN ('liaison', 'park_manager') AND park_id IS NOT NULL"
        " OR role = 'office' OR is_superuser"
        ' ORDER BY display_name COLLATE "zh-x-icu", id'
    )
    people = cursor.fetchall()
    return {
        "count": entries,
        "participants": participants,
        "page": page,
        "results": found,
        "choices": {"parks": parks, "subdistricts": subdistricts, "zones": zones, "by": people},
        "unread": unread_notices(cursor, user),
    }


# --- E7: a grievance's page -----------------------------------------------------------------


@office_only(session_user)
def grievance_page(request, cursor, user, pk):
    cursor.execute(
        f"SELECT {GRIEVANCE_COLUMNS}, s.title AS survey_title, a.title AS activity_title,"  # noqa: S608
        " coalesce(nullif(l.display_name, ''), l.username) AS logged_by_name"
        f" {GRIEVANCE_JOINS} LEFT JOIN grievances_surveycampaign s ON s.id = g.survey_id"
        " LEFT JOIN parks_activity a ON a.id = g.source_activity_id"
        " LEFT JOIN parks_user l ON l.id = g.logged_by_id WHERE g.id = %(pk)s",
        {**deadline_params(), "pk": pk},
    )
    found = shown_grievances(cursor, rows(cursor))
    if not found:
        return {"detail": "not found"}
    grievance = found[0]
    parts = {}
    for name, sql in GRIEVANCE_PAGE_PARTS.items():
        cursor.execute(sql, {**_duplicate_params(), "pk": pk})
        parts[name] = rows(cursor)
    parts["mediation_sessions"] = []
    if parts["mediation"]:  # as the page: a mediation's sessions once there is one
        cursor.execute(
            "SELECT * FROM grievances_mediationsession WHERE mediation_id = %s ORDER BY held_at",
            [parts["mediation"][0]["id"]],
        )
        parts["mediation_sessions"] = rows(cursor)
    cursor.execute(
        "SELECT id, display_name, username FROM parks_user WHERE is_active AND (role = 'office'"
        " OR is_superuser OR park_id = %s OR organisation_id = %s)"
        ' ORDER BY display_name COLLATE "zh-x-icu", username',
        [grievance["park"], grievance["handling_unit"]],
    )
    parts["mediators"] = rows(cursor)
    return {**grievance, **parts, "unread": unread_notices(cursor, user)}


GRIEVANCE_PAGE_PARTS = {
    "mediation": "SELECT * FROM grievances_mediation WHERE grievance_id = %(pk)s",
    "events": """SELECT e.id, e.at, e.action, e.from_status, e.to_status, e.note,
        coalesce(nullif(u.display_name, ''), u.username) AS actor
        FROM grievances_grievanceevent e LEFT JOIN parks_user u ON u.id = e.actor_id
        WHERE e.grievance_id = %(pk)s ORDER BY e.at, e.id""",
    "extensions": """SELECT x.id, x.requested_at, x.days, x.reason, x.state, x.decided_at,
        r.username AS requested_by, d.username AS decided_by
        FROM grievances_extensionrequest x JOIN parks_user r ON r.id = x.requested_by_id
        LEFT JOIN parks_user d ON d.id = x.decided_by_id
        WHERE x.grievance_id = %(pk)s ORDER BY x.requested_at DESC, x.id DESC""",
    "follow_ups": """SELECT id, number, at, satisfaction FROM grievances_followup
        WHERE grievance_id = %(pk)s ORDER BY number""",
    "merged": """SELECT id, tracking_code, title, received_at FROM grievances_grievance
        WHERE merged_into_id = %(pk)s ORDER BY received_at, id""",
    "duplicates": f"""SELECT d.id, d.tracking_code, d.title, d.received_at
        FROM grievances_grievance g JOIN grievances_grievance d ON {SIMILAR}
        WHERE g.id = %(pk)s AND g.status NOT IN {FINAL}
        ORDER BY similarity(d.title, g.title) DESC, d.received_at, d.id LIMIT 10""",  # noqa: S608
    "personal_data_views": """SELECT v.id, v.at, v.via, u.username AS viewer
        FROM grievances_personaldataview v JOIN parks_user u ON u.id = v.viewer_id
        WHERE v.grievance_id = %(pk)s ORDER BY v.at DESC LIMIT 10""",
    "supervision_orders": """SELECT o.id, o.year, o.number, o.colour, o.status, o.reply_due,
        o.issued_at, u.name AS unit FROM reforms_supervisionorder o
        JOIN parks_organisation u ON u.id = o.unit_id
        WHERE o.grievance_id = %(pk)s ORDER BY o.issued_at DESC, o.id DESC""",
    "history": """SELECT e.id, e.at, e.actor_name, e.action, e.object_repr, e.changes
        FROM parks_auditevent e JOIN django_content_type t ON t.id = e.content_type_id
        WHERE t.app_label = 'grievances' AND t.model = 'grievance' AND e.object_id = %(pk)s
        ORDER BY e.at DESC, e.id DESC LIMIT 20""",
}


# --- E10: a park's page ---------------------------------------------------------------------


@office_only(session_user)
def park_page(request, cursor, user, pk):
    cursor.execute(
        "SELECT p.*, s.name AS subdistrict_name FROM parks_park p"
        " JOIN parks_subdistrict s ON s.id = p.subdistrict_id WHERE p.id = %s",
        [pk],
    )
    found = rows(cursor)
    if not found:
        return {"detail": "not found"}
    page: dict[str, Any] = {"park": found[0]}
    params = {**deadline_params(), **task_params(), "pk": pk, "open": list(OPEN), "panel": PANEL}
    for name, sql in PARK_PAGE_PARTS.items():
        cursor.execute(sql, params)
        page[name] = rows(cursor)
    page["counts"] = {
        table: count_rows(cursor, table, "park_id = %s", [pk])
        for table in (
            "parks_activity",
            "reforms_carepayment",
            "reforms_publicity",
            "reforms_training",
            "reforms_proposal",
        )
    }
    page["open_grievances"] = count_rows(
        cursor, "grievances_grievance", "park_id = %s AND status = ANY(%s)", [pk, list(OPEN)]
    )
    page["done_reports"] = count_rows(
        cursor, "reforms_report", "park_id = %s AND status = 'done'", [pk]
    )
    page["unread"] = unread_notices(cursor, user)
    return page


ORDERS_OF_PARK = """FROM reforms_supervisionorder o LEFT JOIN reforms_task t ON t.id = o.task_id
    LEFT JOIN grievances_grievance g ON g.id = o.grievance_id
    WHERE t.park_id = %(pk)s OR g.park_id = %(pk)s"""
PARK_PAGE_PARTS = {
    "industries": """SELECT i.id, i.name FROM parks_industry i
        JOIN parks_park_industries pi ON pi.industry_id = i.id WHERE pi.park_id = %(pk)s
        ORDER BY i.name COLLATE "zh-x-icu" """,
    "facilities": """SELECT * FROM parks_facility WHERE park_id = %(pk)s
        ORDER BY kind, name COLLATE "zh-x-icu" """,
    "task_warnings": f"""SELECT count(*) FILTER (WHERE warning = 'red') AS red,
        count(*) FILTER (WHERE warning = 'yellow') AS yellow, count(*) AS total
        FROM (SELECT {WARNING} AS warning FROM reforms_task t WHERE t.park_id = %(pk)s) AS t""",  # noqa: S608
    "tasks": f"""SELECT * FROM (SELECT {TASK_COLUMNS} {TASK_JOINS} WHERE t.park_id = %(pk)s) t
        ORDER BY array_position(ARRAY['red', 'yellow', 'done_late', 'green', 'none'], warning),
            due_date, code LIMIT %(panel)s""",  # noqa: S608
    "grievances": f"""SELECT {GRIEVANCE_COLUMNS} {GRIEVANCE_JOINS}
        WHERE g.park_id = %(pk)s AND g.status = ANY(%(open)s) {NEXT_DEADLINE_ORDER}
        LIMIT %(panel)s""",
    "supervision_count": f"SELECT count(*) {ORDERS_OF_PARK}",
    "supervision_orders": f"""SELECT o.id, o.year, o.number, o.colour, o.status, o.reply_due,
        o.issued_at {ORDERS_OF_PARK} ORDER BY o.issued_at DESC, o.id DESC LIMIT %(panel)s""",
    "activities": f"""SELECT {ACTIVITY_COLUMNS} FROM parks_activity a
        JOIN parks_park p ON p.id = a.park_id LEFT JOIN parks_gridzone z ON z.id = a.grid_zone_id
        JOIN parks_user u ON u.id = a.logged_by_id WHERE a.park_id = %(pk)s
        ORDER BY a.occurred_at DESC, a.id DESC LIMIT %(panel)s""",  # noqa: S608
    "reports": """SELECT id, period_kind, period_start, period_end, version, finished_at
        FROM reforms_report WHERE park_id = %(pk)s AND status = 'done'
        ORDER BY period_end DESC, id DESC LIMIT %(panel)s""",
    "grid_zones": """SELECT z.id, z.code, z.name, u.display_name AS liaison
        FROM parks_gridzone z LEFT JOIN parks_user u ON u.id = z.liaison_id
        WHERE z.park_id = %(pk)s ORDER BY z.code""",
    "organisations": """SELECT id, name, kind FROM parks_organisation WHERE park_id = %(pk)s
        ORDER BY kind""",
    "history": """SELECT e.id, e.at, e.actor_name, e.action, e.object_repr, e.changes
        FROM parks_auditevent e JOIN django_content_type t ON t.id = e.content_type_id
        WHERE t.app_label = 'parks' AND t.model = 'park' AND e.object_id = %(pk)s
        ORDER BY e.at DESC, e.id DESC LIMIT 20""",
}


urlpatterns = [
    path("grievances/", inbox),
    path("grievances/<int:pk>/", grievance_page),
    path("activities/", activity_feed),
    path("parks/<int:pk>/", park_page),
]
