"""Reform tasks in a real Chromium: the office imports the sample construction table, sees red
and yellow tasks, reports progress with a file, suspends a task with a reason and opens the
roadmap; a member unit's user works through "my tasks" on a phone."""

import re
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from parks.core.excel import XLSX_CONTENT_TYPE
from parks.management.commands.load_demo import DEMO_PASSWORD
from parks.structure.models import Organisation, Park, Subdistrict, User
from reforms.tasks import services
from reforms.tasks.choices import PlanScope, TaskStatus
from reforms.tasks.imports import task_import_commit, task_import_preview
from reforms.tasks.models import Evidence, Milestone, Plan, ProgressUpdate, Task
from reforms.tasks.sample_data import SAMPLE_TASKS, build_sample_sheet, sample_plans
from tests.demo_signal import demo_without

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo_without_tasks():
    """The demo's parks, units, people and plans, but none of its tasks: those come from the
    sample sheet the test imports. Returns the demo office user."""
    with demo_without("reforms_demo"):
        call_command("load_demo", stdout=StringIO())
    office = User.objects.get(username="office")
    for spec in sample_plans(timezone.localdate()):
        scope, target = spec["scope"], spec["target"]
        services.plan_save(
            plan=Plan(
                title=spec["title"],
                year=spec["year"],
                scope=scope,
                issuer=Organisation.objects.get(name=spec["issuer"]),
                subdistrict=(
                    Subdistrict.objects.get(name=target) if scope == PlanScope.SUBDISTRICT else None
                ),
                park=Park.objects.get(name=target) if scope == PlanScope.PARK else None,
            ),
            actor=office,
        )
    assert not Task.objects.exists()
    return office


@pytest.fixture
def sample_tasks(demo_without_tasks):
    """The sample sheet imported through the import services, as the office would."""
    stream = BytesIO()
    build_sample_sheet(stream, today=timezone.localdate())
    upload = SimpleUploadedFile("施工表示例.xlsx", stream.getvalue(), XLSX_CONTENT_TYPE)
    preview = task_import_preview(uploaded_file=upload, actor=demo_without_tasks)
    assert preview.error_count == 0
    task_import_commit(task_import=preview, actor=demo_without_tasks)
    return demo_without_tasks


def watch_static(page):
    """Collect static files that fail to load and script errors, for an assertion at the end."""
    broken = []
    page.on(
        "response",
        lambda response: (
            broken.append(f"{response.status} {response.url}")
            if "/static/" in response.url and response.status >= 400
            else None
        ),
    )
    page.on("pageerror", lambda error: broken.append(f"script error: {error}"))
    return broken


def overflowing(page, width):
    """Elements that stick out of a `width` screen outside a box that scrolls on its own."""
    return page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > limit)
            .filter((el) => {
                for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== 'visible') return false;
                }
                return true;
            })
            .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).trim()}`)""",
        width + 1,
    )


def assert_fits(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, (
        f"{page.url} is {scroll_width}px wide on a {width}px screen: {overflowing(page, width)}"
    )


def test_office_imports_the_sample_sheet_reports_progress_and_opens_the_roadmap(
    page, live_server, sign_in, screenshot, demo_without_tasks, tmp_path
):
    broken = watch_static(page)
    sign_in(demo_without_tasks, DEMO_PASSWORD)

    # From the construction table to the import page, and the sample sheet from there.
    page.goto(f"{live_server.url}/reforms/tasks/")
    expect(page.locator("#task-table tbody tr[data-task]")).to_have_count(0)
    page.locator("main a[href='/reforms/tasks/import/']").click()
    expect(page).to_have_url(f"{live_server.url}/reforms/tasks/import/")
    with page.expect_download() as download_info:
        page.click("#sample-sheet")
    sample = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(sample)
    assert sample.suffix == ".xlsx"

    # Upload it: the preview lists every row as new, with no errors, before anything is saved.
    page.set_input_files("#id_file", str(sample))
    page.locator("#import-form button[type=submit]").click()
    expect(page).to_have_url(
        re.compile(rf"{re.escape(live_server.url)}/reforms/tasks/import/\d+/$")
    )
    expect(page.locator("#import-rows tbody tr")).to_have_count(len(SAMPLE_TASKS))
    expect(page.locator("#import-rows tr[data-action=create]")).to_have_count(len(SAMPLE_TASKS))
    expect(page.locator(".row-has-errors")).to_have_count(0)
    expect(page.locator("#import-ready")).to_be_visible()
    assert not Task.objects.exists()
    screenshot("reform_import_preview")

    # Commit: every task is in, and the table shows red and yellow ones.
    page.click("#import-commit")
    expect(page).to_have_url(f"{live_server.url}/reforms/tasks/")
    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("#task-table tbody tr[data-task]")).to_have_count(len(SAMPLE_TASKS))
    assert Task.objects.count() == len(SAMPLE_TASKS)
    red = page.locator("#task-table tbody tr:has(.badge-warning-red)")
    expect(red.first).to_be_visible()
    expect(page.locator("#task-table tbody tr:has(.badge-warning-yellow)").first).to_be_visible()
    screenshot("reform_construction_table")

    # Sorting by warning puts the red tasks on top.
    page.locator("#task-table th a[data-sort=warning]").click()
    expect(page).to_have_url(re.compile(r"ordering=warning"))
    expect(page.locator("#task-table tbody tr").first.locator(".badge-warning-red")).to_be_visible()

    # Open the first red task and report progress with a PDF as evidence.
    code = red.first.get_attribute("data-task")
    task = Task.objects.get(code=code)
    red.first.locator("td.task-title a").click()
    expect(page).to_have_url(f"{live_server.url}{task.get_absolute_url()}")
    expect(page.locator(".badge-warning-red").first).to_be_visible()
    page.locator(f"a[href='/reforms/tasks/{task.pk}/progress/']").click()
    evidence = tmp_path / "问卷汇总.pdf"
    evidence.write_bytes(PDF)
    page.fill("#id_percent", "45")
    page.fill("#id_text", "发放问卷九百份，回收意见六十条。")
    page.set_input_files("#id_files", str(evidence))
    page.locator("#progress-form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}{task.get_absolute_url()}")
    expect(page.locator(".progress-update").first).to_contain_text("发放问卷九百份")
    expect(page.locator(".evidence-link")).to_contain_text("问卷汇总.pdf")
    expect(page.locator("#history .task-event").first).to_contain_text("0% → 45%")
    expect(page.locator("#history .task-event").first).to_contain_text("发放问卷九百份")
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 45)
    assert Evidence.objects.get(update__task=task).original_name == "问卷汇总.pdf"
    screenshot("reform_task_detail")

    with page.expect_download() as evidence_download:
        page.locator(".evidence-link").click()
    assert evidence_download.value.suggested_filename == "问卷汇总.pdf"

    # Suspending asks for a reason in a dialog, and the reason goes into the history.
    page.locator("[data-move=suspended]").click()
    dialog = page.locator("#move-suspended")
    expect(dialog).to_be_visible()
    dialog.locator("textarea[name=note]").fill("场地改造，暂停两周。")
    screenshot("reform_suspend_dialog")
    dialog.locator("button[type=submit]").click()
    expect(page.locator("#history .task-event").first).to_contain_text("场地改造，暂停两周。")
    task.refresh_from_db()
    assert task.status == TaskStatus.SUSPENDED
    expect(page.locator("[data-move]")).to_have_count(2)  # resume, cancel

    # The park's roadmap is drawn by ECharts on a canvas, one bar per task of the park.
    page.locator(f"a[href='/reforms/parks/{task.park_id}/roadmap/']").click()
    expect(page).to_have_url(f"{live_server.url}/reforms/parks/{task.park_id}/roadmap/")
    canvas = page.locator("#roadmap-chart canvas")
    expect(canvas.first).to_be_visible()
    box = canvas.first.bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    drawn = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('roadmap-chart'))"
        ".getOption().series[0].data.length"
    )
    assert drawn == Task.objects.filter(park_id=task.park_id).count()
    expect(page.locator("#roadmap-table tbody tr")).to_have_count(drawn)
    screenshot("reform_roadmap")

    # The unit league table, worst first, with its chart.
    page.goto(f"{live_server.url}/reforms/units/")
    expect(page.locator("#league-chart canvas").first).to_be_visible()
    expect(page.locator("#league-table tbody tr").first).to_be_visible()
    screenshot("reform_unit_league")
    assert broken == []


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_member_unit_works_through_my_tasks_on_a_phone(
    page, live_server, sign_in, screenshot, sample_tasks, viewport
):
    broken = watch_static(page)
    unit_user = User.objects.get(username="member_unit")
    mine = Task.objects.filter(lead_unit=unit_user.organisation).order_by("code")
    task = mine.filter(status=TaskStatus.PLANNED).first()
    services.milestone_save(
        milestone=Milestone(task=task, order=1, title="制定工作方案", due_date=task.start_date),
        actor=sample_tasks,
    )
    sign_in(unit_user, DEMO_PASSWORD)

    # "My tasks" lists the unit's tasks, red and yellow first, and fits the screen.
    page.goto(f"{live_server.url}/reforms/my/")
    rows = page.locator("#task-table tbody tr[data-task]")
    expect(rows).to_have_count(mine.count())
    levels = [row.locator("[data-warning]").get_attribute("data-warning") for row in rows.all()]
    rank = {"red": 0, "yellow": 1, "done_late": 2, "green": 3, "none": 4}
    assert levels == sorted(levels, key=rank.get)
    assert_fits(page, viewport["width"])
    screenshot("reform_my_tasks_phone")

    # The task page fits too; the unit ticks off its first milestone there.
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    assert_fits(page, viewport["width"])
    page.locator("#milestones button[type=submit]").click()
    expect(page.locator("#milestones .milestone-done")).to_have_count(1)
    assert Milestone.objects.get(task=task).done_on == timezone.localdate()
    # A unit may start or suspend its task; cancelling, reopening and editing are the office's.
    expect(page.locator("[data-move]")).to_have_count(2)  # start, suspend
    expect(page.locator("[data-move=cancelled]")).to_have_count(0)
    expect(page.locator(f"a[href='/reforms/tasks/{task.pk}/edit/']")).to_have_count(0)
    screenshot("reform_task_detail_phone")

    # The roadmap's table keeps the task readable on a phone: the secondary columns give
    # way rather than squeezing the task's title to a few characters.
    roadmap = f"parks/{task.park_id}/roadmap/" if task.park_id else "roadmap/"
    page.goto(f"{live_server.url}/reforms/{roadmap}")
    first_task = page.locator("#roadmap-table tbody tr").first.locator("td").first
    expect(first_task).to_be_visible()
    assert first_task.bounding_box()["width"] >= 150
    screenshot("reform_roadmap_phone")

    page.goto(f"{live_server.url}/reforms/tasks/")
    assert_fits(page, viewport["width"])
    screenshot("reform_construction_table_phone")
    assert not ProgressUpdate.objects.exists()
    assert broken == []
