"""Browser pages of the reform tasks: who sees what, filters and sorting, fixed query counts,
the workflow buttons, progress with evidence, import, export, league table and notifications."""

import re
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parks.choices import Role
from parks.models import Notification
from parks.services import notify
from reforms import services
from reforms.excel import HEADERS, XLSX_CONTENT_TYPE
from reforms.models import Evidence, Milestone, ProgressUpdate, Task, TaskEvent, TaskImport
from tests.factories import (
    MilestoneFactory,
    OrganisationFactory,
    PlanFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Every test runs on 1 June 2026 (Asia/Shanghai), so the warnings below are fixed.
TODAY = date(2026, 6, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def on_the_first_of_june(time_machine):
    time_machine.move_to(datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def union(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def tasks(park, other_park, union):
    """One task of each warning level, in two parks and two units."""
    other_unit = OrganisationFactory(name="区人社局")
    return {
        # Past due, not done.
        "red": TaskFactory(
            code="T-RED",
            title="满意度调查",
            park=park,
            lead_unit=union,
            category="rights",
            status="in_progress",
            progress=50,
            start_date=date(2026, 1, 1),
            due_date=date(2026, 5, 1),
        ),
        # 41% of the span gone, nothing done: behind the scheduled pace.
        "yellow": TaskFactory(
            code="T-YELLOW",
            title="技能培训",
            park=park,
            lead_unit=other_unit,
            category="skills",
            start_date=date(2026, 1, 1),
            due_date=date(2026, 12, 31),
        ),
        "green": TaskFactory(
            code="T-GREEN",
            title="职工书屋",
            park=other_park,
            lead_unit=union,
            category="positions",
            status="in_progress",
            progress=10,
            start_date=date(2026, 5, 1),
            due_date=date(2026, 12, 31),
        ),
        "done_late": TaskFactory(
            code="T-LATE",
            title="文化长廊",
            park=other_park,
            lead_unit=other_unit,
            category="publicity",
            status="done",
            progress=100,
            start_date=date(2026, 1, 1),
            due_date=date(2026, 3, 31),
            done_on=date(2026, 4, 10),
        ),
    }


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _codes(html):
    return re.findall(r'<tr data-task="([^"]+)"', html)


def _table(client, **params):
    return _codes(_html(client.get(reverse("reforms:task_list"), params)))


# --- The construction table ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role_fixture",
    ["office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user"],
)
def test_the_construction_table_opens_for_every_role(client, request, role_fixture, tasks):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("reforms:task_list")).status_code == 200


def test_the_construction_table_asks_strangers_to_sign_in(client):
    response = client.get(reverse("reforms:task_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_park_user_sees_only_the_tasks_of_their_park(client, liaison, tasks):
    client.force_login(liaison)
    assert sorted(_table(client)) == ["T-RED", "T-YELLOW"]


def test_the_table_shows_coloured_warning_badges_progress_and_days_left(client, office_user, tasks):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list")))
    for level in ("red", "yellow", "green", "done_late"):
        assert f'class="badge badge-warning-{level}"' in html
    assert 'aria-valuenow="50"' in html
    assert "31 days overdue" in html  # T-RED was due on 1 May
    assert "213 days left" in html  # T-GREEN is due on 31 December


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "培训"}, ["T-YELLOW"]),
        ({"category": "rights"}, ["T-RED"]),
        ({"status": "done"}, ["T-LATE"]),
        ({"warning": "red"}, ["T-RED"]),
        ({"warning": "yellow"}, ["T-YELLOW"]),
        ({"warning": "done_late"}, ["T-LATE"]),
    ],
)
def test_the_table_filters(client, office_user, tasks, params, expected):
    client.force_login(office_user)
    assert sorted(_table(client, **params)) == expected


def test_the_table_filters_by_park_and_by_unit(client, office_user, tasks, park, union):
    client.force_login(office_user)
    assert sorted(_table(client, park=park.pk)) == ["T-RED", "T-YELLOW"]
    assert sorted(_table(client, unit=union.pk)) == ["T-GREEN", "T-RED"]


def test_a_supporting_unit_finds_its_tasks_with_the_unit_filter(client, office_user, tasks):
    helper = OrganisationFactory(name="区司法局")
    tasks["yellow"].supporting_units.add(helper)
    client.force_login(office_user)
    assert _table(client, unit=helper.pk) == ["T-YELLOW"]


def test_a_hidden_park_in_the_filter_matches_nothing(client, liaison, tasks, other_park):
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:task_list"), {"park": other_park.pk}))
    assert _codes(html) == []
    assert "is-invalid" in html


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("", ["T-LATE", "T-RED", "T-GREEN", "T-YELLOW"]),  # due date, then code
        ("code", ["T-GREEN", "T-LATE", "T-RED", "T-YELLOW"]),
        ("-code", ["T-YELLOW", "T-RED", "T-LATE", "T-GREEN"]),
        ("-due_date", ["T-GREEN", "T-YELLOW", "T-RED", "T-LATE"]),
        ("progress", ["T-YELLOW", "T-GREEN", "T-RED", "T-LATE"]),
        ("-progress", ["T-LATE", "T-RED", "T-GREEN", "T-YELLOW"]),
        ("warning", ["T-RED", "T-YELLOW", "T-LATE", "T-GREEN"]),  # worst first
        ("-warning", ["T-GREEN", "T-LATE", "T-YELLOW", "T-RED"]),
        ("unit", ["T-LATE", "T-YELLOW", "T-GREEN", "T-RED"]),  # by pinyin: qu ren… < qu zong…
        ("title; DROP TABLE", ["T-LATE", "T-RED", "T-GREEN", "T-YELLOW"]),  # not on the list
    ],
)
def test_the_table_sorts_by_whitelisted_columns_only(
    client, office_user, tasks, ordering, expected
):
    client.force_login(office_user)
    assert _table(client, ordering=ordering) == expected


def test_sort_links_keep_the_filters_and_flip_the_direction(client, office_user, tasks, park):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list"), {"park": park.pk, "ordering": "code"}))
    assert f'href="?park={park.pk}&amp;ordering=-code"' in html
    assert 'aria-sort="ascending"' in html


def _table_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reforms:task_list"), {"ordering": "warning"})
    assert response.status_code == 200
    return len(captured)


def test_the_table_runs_the_same_queries_for_2_and_25_rows(client, office_user, park):
    client.force_login(office_user)
    owner = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())

    def add(count):
        for _ in range(count):
            task = TaskFactory(park=park, owner=owner)
            task.supporting_units.add(OrganisationFactory(), OrganisationFactory())

    add(2)
    few = _table_queries(client)
    add(23)
    assert _table_queries(client) == few


def test_office_staff_get_import_and_new_task_buttons_others_do_not(
    client, office_user, liaison, tasks
):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list")))
    assert reverse("reforms:task_import") in html and reverse("reforms:task_create") in html
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:task_list")))
    assert reverse("reforms:task_import") not in html
    assert reverse("reforms:task_create") not in html


def test_the_export_link_carries_the_filters(client, office_user, tasks, park):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:task_list"), {"park": park.pk, "ordering": "code"}))
    assert f'href="{reverse("reforms:task_export")}?park={park.pk}&amp;ordering=code"' in html


def test_the_export_returns_the_filtered_table_as_xlsx(client, office_user, tasks, park):
    client.force_login(office_user)
    response = client.get(reverse("reforms:task_export"), {"park": park.pk, "ordering": "-code"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["T-YELLOW", "T-RED"]


def test_the_export_leaves_out_hidden_tasks(client, liaison, tasks):
    client.force_login(liaison)
    sheet = load_workbook(BytesIO(client.get(reverse("reforms:task_export")).content)).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "T-RED",
        "T-YELLOW",
    ]


# --- My tasks --------------------------------------------------------------------------------


def test_my_tasks_lists_the_units_and_owned_tasks_worst_first(
    client, member_unit_user, tasks, union
):
    owned = TaskFactory(code="T-OWNED", owner=member_unit_user, due_date=date(2026, 6, 5))
    TaskFactory(code="T-CLOSED", lead_unit=union, status="cancelled")
    client.force_login(member_unit_user)
    html = _html(client.get(reverse("reforms:my_tasks")))
    # Red, then yellow (due in 4 days), then green; other units' and closed tasks left out.
    assert _codes(html) == ["T-RED", owned.code, "T-GREEN"]
    html = _html(client.get(reverse("reforms:my_tasks"), {"closed": "1"}))
    assert "T-CLOSED" in _codes(html)


# --- Task page -------------------------------------------------------------------------------


def _detail(client, task):
    return _html(client.get(reverse("reforms:task_detail", args=[task.pk])))


def _moves(html):
    return re.findall(r'data-move="([a-z_]+)"', html)


def test_the_task_page_shows_facts_milestones_history_and_updates(client, member_unit_user, tasks):
    task = tasks["red"]
    MilestoneFactory(task=task, order=1, title="发放问卷", due_date=date(2026, 3, 1))
    services.progress_post(task=task, actor=member_unit_user, percent=60, text="回收问卷八百份")
    client.force_login(member_unit_user)
    html = _detail(client, task)
    assert "满意度调查" in html and "发放问卷" in html
    assert 'class="badge badge-warning-red"' in html
    assert "回收问卷八百份" in html
    assert "50% → 60%" in html  # the history row
    assert reverse("reforms:park_roadmap", args=[task.park_id]) in html


def test_a_task_outside_the_users_scope_is_not_found(client, liaison, tasks):
    client.force_login(liaison)
    for name in ("task_detail", "progress_create", "task_transition"):
        url = reverse(f"reforms:{name}", args=[tasks["green"].pk])
        assert client.get(url).status_code == 404, name


@pytest.mark.parametrize(
    ("status", "progress", "done_on", "expected"),
    [
        # Cancelling, reopening and reinstating are the office's.
        ("planned", 0, None, ["in_progress", "suspended"]),
        ("in_progress", 40, None, ["done", "suspended"]),
        ("suspended", 40, None, ["in_progress"]),
        ("done", 100, date(2026, 5, 1), []),
        ("cancelled", 0, None, []),
    ],
)
def test_a_unit_user_sees_only_the_moves_the_workflow_allows(
    client, member_unit_user, union, status, progress, done_on, expected
):
    task = TaskFactory(lead_unit=union, status=status, progress=progress, done_on=done_on)
    client.force_login(member_unit_user)
    assert _moves(_detail(client, task)) == expected


def test_office_staff_may_reopen_a_done_task(client, office_user, tasks):
    client.force_login(office_user)
    html = _detail(client, tasks["done_late"])
    assert _moves(html) == ["in_progress"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("planned", ["in_progress", "suspended", "cancelled"]),
        ("suspended", ["in_progress", "cancelled"]),
        ("cancelled", ["planned"]),
    ],
)
def test_office_staff_may_cancel_and_reinstate(client, office_user, status, expected):
    task = TaskFactory(status=status)
    client.force_login(office_user)
    html = _detail(client, task)
    assert _moves(html) == expected
    if status == "cancelled":
        assert 'id="move-planned"' in html  # the reason is asked for in a dialog


def test_reinstating_from_the_page_needs_a_reason(client, office_user):
    task = TaskFactory(status="cancelled")
    client.force_login(office_user)
    url = reverse("reforms:task_transition", args=[task.pk])

    html = _html(client.post(url, {"to_status": "planned", "note": ""}))
    assert "is-invalid" in html
    task.refresh_from_db()
    assert task.status == "cancelled"

    assert client.post(url, {"to_status": "planned", "note": "误撤销"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "planned"


def test_a_unit_user_cannot_cancel_from_the_page(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union)
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    assert client.post(url, {"to_status": "cancelled", "note": "不做了"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "planned"


def test_a_reader_sees_no_action_buttons(client, liaison, tasks):
    client.force_login(liaison)
    html = _detail(client, tasks["red"])
    assert _moves(html) == []
    assert reverse("reforms:progress_create", args=[tasks["red"].pk]) not in html


def test_starting_a_task_is_a_post_that_writes_history(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union)
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    response = client.post(url, {"to_status": "in_progress"})
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    task.refresh_from_db()
    assert task.status == "in_progress"
    event = TaskEvent.objects.get(task=task)
    assert (event.actor, event.from_status, event.to_status) == (
        member_unit_user,
        "planned",
        "in_progress",
    )


def test_suspending_without_a_reason_shows_an_error_and_changes_nothing(
    client, member_unit_user, tasks
):
    task = tasks["red"]
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    html = _html(client.post(url, {"to_status": "suspended", "note": "  "}))
    assert 'class="invalid-feedback d-block"' in html
    assert "is-invalid" in html
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert not TaskEvent.objects.filter(task=task).exists()

    client.post(url, {"to_status": "suspended", "note": "场地改造，暂停两周"})
    task.refresh_from_db()
    assert task.status == "suspended"
    assert TaskEvent.objects.get(task=task).note == "场地改造，暂停两周"


def test_a_move_the_workflow_forbids_is_refused_with_a_message(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union)  # planned: cannot become done
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    html = _html(client.post(url, {"to_status": "done"}))
    assert "alert-danger" in html
    task.refresh_from_db()
    assert task.status == "planned"
    assert client.get(url, {"to": "done"}).status_code == 404


def test_a_unit_user_cannot_reopen_a_done_task(client, member_unit_user, union):
    task = TaskFactory(lead_unit=union, status="done", progress=100, done_on=date(2026, 5, 1))
    client.force_login(member_unit_user)
    url = reverse("reforms:task_transition", args=[task.pk])
    assert client.post(url, {"to_status": "in_progress"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "done"


def test_a_reader_cannot_move_a_task(client, liaison, tasks):
    client.force_login(liaison)
    url = reverse("reforms:task_transition", args=[tasks["red"].pk])
    assert client.post(url, {"to_status": "done"}).status_code == 403


def test_milestones_are_ticked_and_unticked_by_those_who_may_update(
    client, member_unit_user, liaison, tasks
):
    milestone = MilestoneFactory(task=tasks["red"], order=1)
    url = reverse("reforms:milestone_toggle", args=[milestone.pk])
    client.force_login(liaison)
    assert client.post(url, {"done": "1"}).status_code == 403
    client.force_login(member_unit_user)
    assert client.get(url).status_code == 405
    client.post(url, {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY
    client.post(url, {"done": "0"})
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_a_ticked_milestone_and_an_edited_due_date_show_in_the_history(
    client, office_user, member_unit_user, tasks
):
    task = tasks["red"]
    milestone = MilestoneFactory(task=task, order=1, title="发放问卷")
    client.force_login(member_unit_user)
    client.post(reverse("reforms:milestone_toggle", args=[milestone.pk]), {"done": "1"})
    task.due_date = date(2026, 6, 30)
    services.task_save(task=task, actor=office_user)

    html = _detail(client, task)

    notes = re.findall(r'<td class="small text-break event-note">(.*?)</td>', html, re.S)
    assert "2026-05-01 → 2026-06-30" in notes[0]
    assert "发放问卷" in notes[1]


def test_office_staff_add_a_milestone(client, office_user, member_unit_user, tasks):
    task = tasks["red"]
    url = reverse("reforms:milestone_create", args=[task.pk])
    client.force_login(member_unit_user)
    assert client.get(url).status_code == 403
    client.force_login(office_user)
    response = client.post(url, {"order": 1, "title": "汇总意见", "due_date": "2026-04-01"})
    assert response.status_code == 302
    assert Milestone.objects.get(task=task).title == "汇总意见"


# --- Progress --------------------------------------------------------------------------------


def _progress(client, task, **data):
    return client.post(reverse("reforms:progress_create", args=[task.pk]), data)


def test_progress_above_100_is_refused_beside_the_field(client, member_unit_user, tasks):
    client.force_login(member_unit_user)
    html = _html(_progress(client, tasks["red"], percent=120, text="超额完成"))
    assert re.search(r'id="id_percent"[^>]*aria-invalid="true"', html) or re.search(
        r'aria-invalid="true"[^>]*id="id_percent"', html
    )
    assert "100" in re.search(r'invalid-feedback d-block">([^<]+)<', html).group(1)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.exe", b"MZ\x90\x00"),
        ("renamed.pdf", b"just some text, not a PDF"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused_beside_the_field(
    client, member_unit_user, tasks, name, content
):
    client.force_login(member_unit_user)
    upload = SimpleUploadedFile(name, content)
    html = _html(_progress(client, tasks["red"], percent=60, text="见附件", files=upload))
    assert name in re.search(r'invalid-feedback d-block">([^<]+)<', html).group(1)
    assert not ProgressUpdate.objects.exists()


def test_evidence_over_the_size_limit_is_refused(client, member_unit_user, tasks, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(member_unit_user)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    html = _html(_progress(client, tasks["red"], percent=60, text="见附件", files=upload))
    assert "big.pdf" in html and "invalid-feedback" in html
    assert not ProgressUpdate.objects.exists()


def test_progress_with_pdfs_is_posted_and_its_evidence_downloads(
    client, member_unit_user, liaison, other_park, tasks
):
    task = tasks["red"]
    client.force_login(member_unit_user)
    form = _html(client.get(reverse("reforms:progress_create", args=[task.pk])))
    assert 'type="file"' in form and "multiple" in form and 'enctype="multipart/form-data"' in form
    files = [SimpleUploadedFile("问卷汇总.pdf", PDF), SimpleUploadedFile("照片.pdf", PDF)]
    response = _progress(client, task, percent=70, text="回收问卷八百份", files=files)
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    task.refresh_from_db()
    assert task.progress == 70
    update = ProgressUpdate.objects.get(task=task)
    assert sorted(e.original_name for e in update.evidence.all()) == ["照片.pdf", "问卷汇总.pdf"]

    evidence = Evidence.objects.get(original_name="问卷汇总.pdf")
    html = _detail(client, task)
    url = reverse("reforms:evidence_download", args=[evidence.pk])
    assert url in html and "问卷汇总.pdf" in html
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "%E9%97%AE%E5%8D%B7%E6%B1%87%E6%80%BB.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF

    # Someone who cannot see the task cannot fetch its evidence either.
    client.force_login(UserFactory(role=Role.LIAISON, park=other_park))
    assert client.get(url).status_code == 404


def test_a_reader_cannot_report_progress(client, liaison, tasks):
    client.force_login(liaison)
    url = reverse("reforms:progress_create", args=[tasks["red"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"percent": 60, "text": "x"}).status_code == 403


def test_progress_on_a_closed_task_is_not_offered(client, office_user, tasks):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:progress_create", args=[tasks["done_late"].pk])))
    assert 'id="progress-form"' not in html
    _progress(client, tasks["done_late"], percent=90, text="补报")
    assert not ProgressUpdate.objects.exists()


# --- Create and edit -------------------------------------------------------------------------


def _task_form_data(task=None, **changes):
    plan = task.plan if task else PlanFactory()
    data = {
        "code": task.code if task else "2026-NEW-01",
        "plan": plan.pk,
        "park": task.park_id if task and task.park_id else "",
        "category": "care",
        "title": task.title if task else "新任务",
        "description": "",
        "lead_unit": task.lead_unit_id if task else OrganisationFactory().pk,
        "owner": "",
        "start_date": "2026-06-01",
        "due_date": "2026-09-30",
        "weight": 1,
    }
    data.update(changes)
    return data


def test_only_office_staff_create_and_edit_tasks(client, member_unit_user, tasks):
    client.force_login(member_unit_user)
    assert client.get(reverse("reforms:task_create")).status_code == 403
    assert client.get(reverse("reforms:task_edit", args=[tasks["red"].pk])).status_code == 403


def test_office_staff_create_a_task_without_status_or_progress(client, office_user):
    client.force_login(office_user)
    form = _html(client.get(reverse("reforms:task_create")))
    assert 'name="status"' not in form and 'name="progress"' not in form
    data = _task_form_data(status="done", progress=100)
    response = client.post(reverse("reforms:task_create"), data)
    task = Task.objects.get(code="2026-NEW-01")
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert (task.status, task.progress) == ("planned", 0)


def test_a_due_date_before_the_start_is_shown_beside_the_field(client, office_user):
    client.force_login(office_user)
    data = _task_form_data(start_date="2026-09-30", due_date="2026-06-01")
    html = _html(client.post(reverse("reforms:task_create"), data))
    assert re.search(r'id="id_due_date"[^>]*is-invalid|is-invalid[^>]*id="id_due_date"', html)
    assert not Task.objects.filter(code="2026-NEW-01").exists()


def test_a_code_with_a_space_is_shown_beside_the_field_in_words(client, office_user):
    client.force_login(office_user)
    html = _html(client.post(reverse("reforms:task_create"), _task_form_data(code="2026 NEW 01")))
    assert re.search(r'id="id_code"[^>]*is-invalid|is-invalid[^>]*id="id_code"', html)
    assert "task_code_no_spaces" not in html
    assert "spaces" in html
    assert not Task.objects.exists()


def test_dates_outside_2000_to_2100_are_shown_beside_the_fields(client, office_user):
    client.force_login(office_user)
    data = _task_form_data(start_date="1999-12-31", due_date="9999-12-31")
    html = _html(client.post(reverse("reforms:task_create"), data))
    for field in ("start_date", "due_date"):
        assert re.search(rf'id="id_{field}"[^>]*is-invalid|is-invalid[^>]*id="id_{field}"', html)
    assert not Task.objects.exists()


def test_an_edit_on_top_of_someone_elses_change_is_refused(client, office_user, tasks):
    task = tasks["red"]
    client.force_login(office_user)
    url = reverse("reforms:task_edit", args=[task.pk])
    form = _html(client.get(url))
    version = re.search(r'name="updated_at" value="([^"]+)"', form).group(1)

    # A colleague saves the task meanwhile.
    task.title = "满意度调查（修订）"
    services.task_save(task=task, actor=office_user)

    data = _task_form_data(task, title="满意度调查（我的版本）", updated_at=version)
    html = _html(client.post(url, data))
    assert "alert-danger" in html
    task.refresh_from_db()
    assert task.title == "满意度调查（修订）"

    # Reloading gives the new version, and the edit goes through.
    version = re.search(r'name="updated_at" value="([^"]+)"', _html(client.get(url))).group(1)
    data["updated_at"] = version
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.status, task.progress) == ("满意度调查（我的版本）", "in_progress", 50)


# --- Roadmap and league table ----------------------------------------------------------------


def test_the_roadmap_of_a_park_carries_its_tasks_and_milestones(client, liaison, tasks, park):
    MilestoneFactory(task=tasks["red"], order=1, title="发放问卷", done_on=date(2026, 3, 1))
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:park_roadmap", args=[park.pk])))
    data = re.search(r'<script id="roadmap-data" type="application/json">(.*?)</script>', html)
    assert data and "T-RED" in data.group(1) and "T-YELLOW" in data.group(1)
    assert "T-GREEN" not in data.group(1)
    assert "js/roadmap.js" in html and "vendor/echarts/echarts.min.js" in html
    assert 'id="roadmap-table"' in html and "发放问卷" in html


def test_the_roadmap_of_a_hidden_park_is_not_found(client, liaison, other_park):
    client.force_login(liaison)
    url = reverse("reforms:park_roadmap", args=[other_park.pk])
    assert client.get(url).status_code == 404


def test_the_district_roadmap_shows_tasks_without_a_park(client, office_user, tasks):
    TaskFactory(code="T-DISTRICT", park=None)
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:district_roadmap")))
    assert "T-DISTRICT" in html and "T-RED" not in html


def test_the_league_table_counts_each_units_tasks_worst_first(client, office_user, tasks, union):
    # 区总工会: T-RED (red), T-GREEN (green), plus one done on time.
    TaskFactory(
        lead_unit=union,
        status="done",
        progress=100,
        start_date=date(2026, 1, 1),
        due_date=date(2026, 5, 31),
        done_on=date(2026, 5, 20),
    )
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:unit_league")))
    rows = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', html, re.S)
    counts = {
        unit: [int(n) for n in re.findall(r">(\d+)(?:%)?<", cells)][:6] for unit, cells in rows
    }
    # total, done on time, done late, yellow, red, open
    assert [unit for unit, _cells in rows] == ["区总工会", "区人社局"]
    assert counts["区总工会"] == [3, 1, 0, 0, 1, 2]
    assert counts["区人社局"] == [2, 0, 1, 1, 0, 1]
    assert 'id="league-data"' in html and "js/league.js" in html


def test_a_league_row_links_to_the_tasks_that_unit_leads(client, office_user, tasks, union):
    # 区总工会 also supports T-YELLOW, which another unit leads: not part of its league row.
    tasks["yellow"].supporting_units.add(union)
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:unit_league")))
    link = re.search(rf'<tr data-unit="{union.name}">\s*<td><a href="([^"]+)"', html).group(1)

    listed = _codes(_html(client.get(link.replace("&amp;", "&"))))

    assert f"lead_unit={union.pk}" in link
    assert sorted(listed) == ["T-GREEN", "T-RED"]


def test_the_league_table_counts_only_visible_tasks(client, liaison, tasks):
    client.force_login(liaison)
    html = _html(client.get(reverse("reforms:unit_league")))
    assert re.findall(r'<tr data-unit="([^"]+)">', html) == ["区总工会", "区人社局"]
    assert "T-LATE" not in html


# --- Import ----------------------------------------------------------------------------------

PLAN_TITLE = "梁溪区特色产业园区产改工作推进方案"


def _sheet(rows, name="施工表.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for cells in rows:
        sheet.append(cells)
    stream = BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue(), content_type=XLSX_CONTENT_TYPE)


def _row(code, **values):
    cells = {
        "编号": code,
        "实施方案": PLAN_TITLE,
        "方案年度": 2026,
        "园区": None,
        "类别": "关爱服务",
        "任务名称": "送清凉慰问一线职工",
        "任务内容": "",
        "牵头单位": "区总工会",
        "配合单位": None,
        "责任人": None,
        "开始日期": date(2026, 6, 1),
        "完成时限": date(2026, 8, 31),
        "权重": 1,
    }
    cells.update(values)
    return [cells[header] for header in HEADERS]


@pytest.fixture
def import_plan(union):
    return PlanFactory(title=PLAN_TITLE, year=2026)


def _upload(client, upload):
    return client.post(reverse("reforms:task_import"), {"file": upload})


def test_only_office_staff_import(client, member_unit_user, import_plan):
    client.force_login(member_unit_user)
    assert client.get(reverse("reforms:task_import")).status_code == 403
    assert _upload(client, _sheet([_row("2026-X-01")])).status_code == 403
    assert client.get(reverse("reforms:task_import_sample")).status_code == 403


def test_the_import_preview_shows_each_rows_errors_and_blocks_the_commit(
    client, office_user, import_plan
):
    client.force_login(office_user)
    upload = _sheet(
        [
            _row("2026-X-01"),
            _row("2026-X-02", 牵头单位="不存在的单位"),
            _row("2026-X-03", 完成时限="明年", 任务名称=None),
        ]
    )
    response = _upload(client, upload)
    task_import = TaskImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reforms:task_import_preview", args=[task_import.pk])
    html = _html(client.get(response.url))
    assert html.count("row-has-errors") == 2
    assert "不存在的单位" in html and "明年" in html
    assert re.search(r'id="import-commit"[^>]*disabled', html)

    commit = client.post(reverse("reforms:task_import_commit", args=[task_import.pk]))
    assert commit.status_code == 302
    assert not Task.objects.exists()


def test_a_clean_sheet_previews_then_commits(client, office_user, import_plan):
    client.force_login(office_user)
    _upload(client, _sheet([_row("2026-X-01"), _row("2026-X-02", 任务名称="职工书屋")]))
    task_import = TaskImport.objects.get()
    preview_url = reverse("reforms:task_import_preview", args=[task_import.pk])
    html = _html(client.get(preview_url))
    assert html.count('data-action="create"') == 2 and "row-has-errors" not in html
    assert not re.search(r'id="import-commit"[^>]*disabled', html)

    response = client.post(reverse("reforms:task_import_commit", args=[task_import.pk]))
    assert response.status_code == 302 and response.url == reverse("reforms:task_list")
    assert set(Task.objects.filter(code__startswith="2026-X").values_list("title", flat=True)) == {
        "送清凉慰问一线职工",
        "职工书屋",
    }
    task_import.refresh_from_db()
    assert task_import.state == TaskImport.State.COMMITTED
    # A second click imports nothing more and says why.
    client.post(reverse("reforms:task_import_commit", args=[task_import.pk]))
    assert Task.objects.filter(code__startswith="2026-X").count() == 2


def test_a_preview_can_be_discarded(client, office_user, import_plan):
    client.force_login(office_user)
    _upload(client, _sheet([_row("2026-X-01")]))
    task_import = TaskImport.objects.get()
    response = client.post(reverse("reforms:task_import_discard", args=[task_import.pk]))
    assert response.status_code == 302
    task_import.refresh_from_db()
    assert task_import.state == TaskImport.State.DISCARDED
    assert not Task.objects.exists()


def test_a_text_file_named_xlsx_gives_a_sheet_error_not_a_500(client, office_user):
    client.force_login(office_user)
    upload = SimpleUploadedFile("施工表.xlsx", b"code,title\n1,2\n", content_type=XLSX_CONTENT_TYPE)
    response = _upload(client, upload)
    assert response.status_code == 302
    html = _html(client.get(response.url))
    assert 'id="sheet-errors"' in html
    assert re.search(r'id="import-commit"[^>]*disabled', html)


def test_a_file_that_is_not_xlsx_is_refused_on_the_form(client, office_user):
    client.force_login(office_user)
    html = _html(_upload(client, SimpleUploadedFile("tasks.csv", b"a,b\n")))
    assert "alert-danger" in html and not TaskImport.objects.exists()
    html = _html(client.post(reverse("reforms:task_import"), {}))
    assert "invalid-feedback" in html


def test_someone_elses_preview_is_not_found(client, office_user, import_plan):
    client.force_login(office_user)
    _upload(client, _sheet([_row("2026-X-01")]))
    task_import = TaskImport.objects.get()
    client.force_login(UserFactory(role=Role.OFFICE))
    url = reverse("reforms:task_import_preview", args=[task_import.pk])
    assert client.get(url).status_code == 404
    commit = reverse("reforms:task_import_commit", args=[task_import.pk])
    assert client.post(commit).status_code == 404


def test_the_sample_sheet_downloads_as_xlsx(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("reforms:task_import_sample"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][: len(HEADERS)] == HEADERS


# --- Notifications ---------------------------------------------------------------------------


def test_notifications_are_listed_newest_first_with_the_unread_count_in_the_navbar(
    client, member_unit_user, time_machine
):
    notify(recipient=member_unit_user, title="Overdue: T-OLD", url="/reforms/tasks/")
    time_machine.shift(timedelta(minutes=5))
    notify(recipient=member_unit_user, title="At risk: T-NEW")
    notify(recipient=UserFactory(), title="Someone else's")
    client.force_login(member_unit_user)
    html = _html(client.get(reverse("parks:notifications")))
    assert html.index("T-NEW") < html.index("T-OLD")
    assert "Someone else" not in html
    assert html.count("notification-unread") == 2
    assert re.search(r'id="unread-count">2<', html)


def test_mark_all_read_clears_the_bell(client, member_unit_user):
    notify(recipient=member_unit_user, title="Overdue: T-1")
    other = notify(recipient=UserFactory(), title="Someone else's")
    client.force_login(member_unit_user)
    assert client.get(reverse("parks:notifications_mark_read")).status_code == 405
    response = client.post(reverse("parks:notifications_mark_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=member_unit_user, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None
    html = _html(client.get(reverse("parks:notifications")))
    assert 'id="unread-count"' not in html and "notification-unread" not in html


def test_the_bell_costs_one_query(client, member_unit_user):
    client.force_login(member_unit_user)
    url = reverse("parks:notifications")
    notify(recipient=member_unit_user, title="Overdue: T-0")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 6):
        notify(recipient=member_unit_user, title=f"Overdue: T-{n}")
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(one) == len(five)
    assert sum("read_at" in q["sql"] and "COUNT" in q["sql"] for q in five.captured_queries) == 1
