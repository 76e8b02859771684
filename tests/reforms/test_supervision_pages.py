"""Supervision order pages: the list and its filters, scope, an order's page with its steps,
issuing from a task's or a grievance's page, files served through a checking view, the export,
and fixed query counts."""

from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reforms.supervision import services
from reforms.supervision.choices import OrderAction, OrderStatus
from reforms.supervision.models import SupervisionOrder
from tests.factories import TaskFactory
from tests.reforms import supervision_helpers as shared
from tests.reforms.supervision_helpers import issue, make_overdue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


world = shared.world

PDF = b"%PDF-1.4 proof"


def _rows(response):
    return [o.pk for o in response.context["page"]]


def test_the_unit_sees_only_its_orders_and_the_office_all(client, world):
    mine = issue(world)
    theirs = issue(world, task=TaskFactory(lead_unit=world.other_unit))
    client.force_login(world.staff)
    assert _rows(client.get(reverse("reforms:order_list"))) == [mine.pk]
    assert client.get(reverse("reforms:order_detail", args=[theirs.pk])).status_code == 404
    client.force_login(world.office)
    assert _rows(client.get(reverse("reforms:order_list"))) == [theirs.pk, mine.pk]


def test_the_list_filters_by_status_colour_unit_overdue_and_subject(client, world):
    red_task = issue(world, colour="red")
    on_grievance = issue(world, grievance=world.grievance)
    late = make_overdue(issue(world))
    other = issue(world, task=TaskFactory(lead_unit=world.other_unit))
    client.force_login(world.office)
    url = reverse("reforms:order_list")
    assert _rows(client.get(url, {"colour": "red"})) == [red_task.pk]
    assert _rows(client.get(url, {"subject": "grievance"})) == [on_grievance.pk]
    assert _rows(client.get(url, {"overdue": "true"})) == [late.pk]
    assert _rows(client.get(url, {"unit": world.other_unit.pk})) == [other.pk]
    assert _rows(client.get(url, {"status": "answered"})) == []
    assert _rows(client.get(url, {"unit": 987654})) == []  # unknown: nothing, not everything
    page = client.get(url).content.decode()
    assert "---------" not in page


def test_the_office_issues_from_a_tasks_page_with_the_unit_prefilled(client, world):
    client.force_login(world.office)
    task_page = client.get(world.task.get_absolute_url()).content.decode()
    issue_url = f"{reverse('reforms:order_issue')}?task={world.task.pk}"
    assert issue_url.replace("&", "&amp;") in task_page or issue_url in task_page
    form = client.get(issue_url).context["form"]
    assert form.initial["unit"] == world.unit
    due = (timezone.localdate()).isoformat()
    response = client.post(
        issue_url,
        {"unit": world.unit.pk, "colour": "red", "requirement": "限期整改", "reply_due": due},
    )
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    assert order.colour == "red" and order.task == world.task
    # The task's page now lists it.
    assert order.code in client.get(world.task.get_absolute_url()).content.decode()


def test_a_past_reply_date_is_a_form_error(client, world):
    client.force_login(world.office)
    url = f"{reverse('reforms:order_issue')}?grievance={world.grievance.pk}"
    response = client.post(
        url,
        {"unit": world.unit.pk, "colour": "red", "requirement": "x", "reply_due": "2020-01-01"},
    )
    assert response.status_code == 200
    assert "today or later" in response.content.decode()
    assert not SupervisionOrder.objects.exists()


def test_only_the_office_may_open_the_issue_form(client, world):
    client.force_login(world.staff)
    url = f"{reverse('reforms:order_issue')}?task={world.task.pk}"
    assert client.get(url).status_code == 403
    # The task page offers the unit no button.
    assert "issue-order" not in client.get(world.task.get_absolute_url()).content.decode()


def test_the_grievance_page_shows_its_orders(client, world):
    order = issue(world, grievance=world.grievance)
    client.force_login(world.staff)
    page = client.get(world.grievance.get_absolute_url()).content.decode()
    assert order.code in page


def test_the_unit_replies_with_a_file_and_the_office_accepts(client, world):
    order = issue(world)
    client.force_login(world.staff)
    response = client.post(
        reverse("reforms:order_reply", args=[order.pk]),
        {"text": "已完成", "files": [SimpleUploadedFile("证明.pdf", PDF)]},
    )
    assert response.status_code == 302
    reply_file = order.replies.get().files.get()
    download = client.get(reverse("reforms:order_file_download", args=[reply_file.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    client.force_login(world.outsider)
    assert (
        client.get(reverse("reforms:order_file_download", args=[reply_file.pk])).status_code == 404
    )
    client.force_login(world.office)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'id="order-accept"' in page and "send-back-form" in page
    client.post(reverse("reforms:order_act", args=[order.pk]), {"action": "accept"})
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    # Accepting twice: a message, nothing changes.
    response = client.post(
        reverse("reforms:order_act", args=[order.pk]), {"action": "accept"}, follow=True
    )
    assert "already accepted" in response.content.decode()


def test_a_reply_to_a_closed_order_says_so_and_keeps_nothing(client, world):
    order = issue(world)
    services.order_act(order=order, action=OrderAction.REPLY, actor=world.staff, text="好")
    services.order_act(order=order, action=OrderAction.ACCEPT, actor=world.office)
    client.force_login(world.staff)
    response = client.post(
        reverse("reforms:order_reply", args=[order.pk]), {"text": "补充"}, follow=True
    )
    assert "closed" in response.content.decode()
    assert order.replies.count() == 1


def test_send_back_needs_a_reason_on_the_page(client, world):
    order = issue(world)
    services.order_act(order=order, action=OrderAction.REPLY, actor=world.staff, text="好")
    client.force_login(world.office)
    url = reverse("reforms:order_act", args=[order.pk])
    assert client.post(url, {"action": "send_back", "text": ""}).status_code == 400
    client.post(url, {"action": "send_back", "text": "材料不全"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SENT_BACK


def test_urge_is_one_click(client, world):
    order = issue(world)
    client.force_login(world.office)
    client.post(reverse("reforms:order_act", args=[order.pk]), {"action": "urge"})
    order.refresh_from_db()
    assert order.urge_count == 1
    page = client.get(order.get_absolute_url()).content.decode()
    assert page.count('class="list-group-item order-event"') == 2


def test_the_export_has_the_lists_rows_and_filters(client, world):
    issue(world, colour="red")
    late = make_overdue(issue(world))
    client.force_login(world.office)
    response = client.get(reverse("reforms:order_export"), {"overdue": "true"})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 12  # the header row
    assert [row[0] for row in rows[1:]] == [late.code]
    assert rows[1][8] == "Yes"  # overdue (the page's language, English in these tests)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_detail_run_a_fixed_number_of_queries(client, world):
    client.force_login(world.office)
    order = issue(world)
    services.order_act(
        order=order,
        action=OrderAction.REPLY,
        actor=world.staff,
        text="好",
        files=[SimpleUploadedFile("a.pdf", PDF)],
    )
    list_url = reverse("reforms:order_list")
    few_list, few_detail = _queries(client, list_url), _queries(client, order.get_absolute_url())
    for _ in range(4):
        issue(world, grievance=world.grievance)
    services.order_act(order=order, action=OrderAction.SEND_BACK, actor=world.office, text="再")
    services.order_act(
        order=order,
        action=OrderAction.REPLY,
        actor=world.colleague,
        text="补",
        files=[SimpleUploadedFile("b.pdf", PDF), SimpleUploadedFile("c.pdf", PDF)],
    )
    assert _queries(client, list_url) == few_list
    assert _queries(client, order.get_absolute_url()) == few_detail


def test_a_search_for_a_digit_that_is_not_ascii_finds_nothing_instead_of_failing(client, world):
    """'²' counts as a digit to Python but not to int(): the list, export and API were 500s."""
    issue(world)
    client.force_login(world.office)
    for url in ("/reforms/orders/", "/api/v1/supervision-orders/"):
        assert client.get(url, {"q": "²"}).status_code == 200
    assert client.get(reverse("reforms:order_export"), {"q": "①"}).status_code == 200
