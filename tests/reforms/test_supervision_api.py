"""/api/v1/supervision-orders/: list with filters, detail, issue, reply (multipart), urge,
accept, send back, file download and export; scope (404) and refused steps (409)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reforms.supervision import services
from reforms.supervision.choices import OrderAction, OrderStatus
from reforms.supervision.models import SupervisionOrder
from tests.factories import TaskFactory
from tests.reforms import supervision_helpers as shared
from tests.reforms.supervision_helpers import issue, make_overdue

pytestmark = pytest.mark.django_db

world = shared.world

URL = "/api/v1/supervision-orders/"
PDF = b"%PDF-1.4 proof"


def test_the_office_issues_and_the_unit_is_prefilled(api_as, world):
    api = api_as(world.office)
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = api.post(
        URL,
        {"task": world.task.pk, "colour": "red", "requirement": "限期整改", "reply_due": due},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["unit"] == world.unit.pk
    assert body["code"].startswith("督办〔")
    assert [e["action"] for e in body["events"]] == ["issue"]


def test_issue_errors_are_400s_by_field(api_as, world):
    api = api_as(world.office)
    response = api.post(
        URL,
        {
            "task": world.task.pk,
            "grievance": world.grievance.pk,
            "colour": "red",
            "requirement": "x",
            "reply_due": "2020-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    response = api.post(
        URL,
        {"task": world.task.pk, "colour": "red", "requirement": "x", "reply_due": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "reply_due" in response.json()
    assert (
        api_as(world.staff)
        .post(
            URL,
            {
                "task": world.task.pk,
                "colour": "red",
                "requirement": "x",
                "reply_due": timezone.localdate().isoformat(),
            },
            format="json",
        )
        .status_code
        == 403
    )
    assert not SupervisionOrder.objects.exists()


def test_the_unit_lists_only_its_orders_and_others_are_404(api_as, world):
    mine = issue(world)
    theirs = issue(world, task=TaskFactory(lead_unit=world.other_unit))
    api = api_as(world.staff)
    assert [row["id"] for row in api.get(URL).json()["results"]] == [mine.pk]
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api.post(f"{URL}{theirs.pk}/reply/", {"text": "x"}).status_code == 404
    office = api_as(world.office)
    assert {row["id"] for row in office.get(URL).json()["results"]} == {mine.pk, theirs.pk}


def test_list_filters(api_as, world):
    late = make_overdue(issue(world))
    issue(world, colour="red", grievance=world.grievance)
    api = api_as(world.office)
    assert [r["id"] for r in api.get(URL, {"overdue": "true"}).json()["results"]] == [late.pk]
    assert api.get(URL, {"overdue": "true"}).json()["results"][0]["is_overdue"] is True
    assert len(api.get(URL, {"subject": "grievance", "colour": "red"}).json()["results"]) == 1
    assert api.get(URL, {"status": "nonsense"}).status_code == 400


def test_reply_urge_send_back_accept_and_refusals(api_as, world):
    order = issue(world)
    office = api_as(world.office)
    assert office.post(f"{URL}{order.pk}/urge/").json()["urge_count"] == 1
    unit = api_as(world.staff)
    response = unit.post(
        f"{URL}{order.pk}/reply/",
        {"text": "已完成", "files": [SimpleUploadedFile("证明.pdf", PDF)]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == OrderStatus.ANSWERED
    download = body["replies"][0]["files"][0]["download_url"]
    assert b"".join(unit.get(download).streaming_content) == PDF
    office = api_as(world.office)
    assert office.post(f"{URL}{order.pk}/urge/").status_code == 409
    assert office.post(f"{URL}{order.pk}/send-back/", {}).status_code == 400
    sent_back = office.post(f"{URL}{order.pk}/send-back/", {"reason": "材料不全"}, format="json")
    assert sent_back.json()["status"] == OrderStatus.SENT_BACK
    unit = api_as(world.staff)
    assert unit.post(f"{URL}{order.pk}/reply/", {"text": "补充"}).status_code == 200
    office = api_as(world.office)
    assert office.post(f"{URL}{order.pk}/accept/").json()["status"] == OrderStatus.ACCEPTED
    again = office.post(f"{URL}{order.pk}/accept/", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert "already accepted" in again.json()["detail"]
    unit = api_as(world.staff)
    assert unit.post(f"{URL}{order.pk}/reply/", {"text": "再"}).status_code == 409
    assert unit.post(f"{URL}{order.pk}/urge/").status_code == 403


def test_export(api_as, world):
    issue(world)
    response = api_as(world.office).get(f"{URL}export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def _api_queries(api, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_list_and_detail_cost_the_same_queries_for_few_and_many(api_as, world):
    order = issue(world)
    services.order_act(
        order=order,
        action=OrderAction.REPLY,
        actor=world.staff,
        text="好",
        files=[SimpleUploadedFile("a.pdf", PDF)],
    )
    api = api_as(world.office)
    few = _api_queries(api, URL), _api_queries(api, f"{URL}{order.pk}/")
    for _ in range(5):
        issue(world, grievance=world.grievance)
    services.order_act(order=order, action=OrderAction.SEND_BACK, actor=world.office, text="再")
    services.order_act(
        order=order,
        action=OrderAction.REPLY,
        actor=world.colleague,
        text="补充",
        files=[SimpleUploadedFile("b.pdf", PDF), SimpleUploadedFile("c.pdf", PDF)],
    )
    api = api_as(world.office)
    assert (_api_queries(api, URL), _api_queries(api, f"{URL}{order.pk}/")) == few
