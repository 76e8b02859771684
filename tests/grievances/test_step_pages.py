"""The grievance pages: each step of the workflow, extensions and mediation taken in the browser."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from grievances import services
from grievances.models import ExtensionRequest, Mediation
from parks.structure.choices import Role
from tests.factories import GrievanceFactory, OrganisationFactory, UserFactory
from tests.grievances import pages_helpers as shared
from tests.grievances.pages_helpers import NOW, _act, _buttons, _detail, _html, _in

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
grievance = shared.grievance
in_english = shared.in_english
union = shared.union


pytestmark = pytest.mark.django_db


# --- Each step's form -------------------------------------------------------------------------


def test_the_office_assigns_to_a_unit_and_a_handler(
    client, grievance, office_user, member_unit_user, union
):
    client.force_login(office_user)
    response = _act(
        client,
        grievance,
        "assign",
        {"unit": union.pk, "handler": member_unit_user.pk, "note": "请尽快联系"},
    )
    html = _html(response)
    assert response.redirect_chain[-1][0] == grievance.get_absolute_url()
    assert "is now “Assigned”" in html
    grievance.refresh_from_db()
    assert (grievance.status, grievance.handling_unit, grievance.handler) == (
        "assigned",
        union,
        member_unit_user,
    )
    assert grievance.events.filter(action="assign", note="请尽快联系").exists()


def test_assigning_without_a_unit_or_to_a_stranger_is_refused_on_the_form(
    client, grievance, office_user, union
):
    client.force_login(office_user)
    html = _html(_act(client, grievance, "assign", {"unit": ""}))
    assert "This field is required." in html
    stranger = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory())
    html = _html(_act(client, grievance, "assign", {"unit": union.pk, "handler": stranger.pk}))
    assert "The handler must work in the chosen unit." in html
    grievance.refresh_from_db()
    assert grievance.status == "received"


def test_the_unit_accepts_with_one_click(client, grievance, member_unit_user, union):
    _in("assigned", grievance, union)
    client.force_login(member_unit_user)
    html = _html(_act(client, grievance, "accept"))
    assert "is now “Accepted”" in html
    grievance.refresh_from_db()
    assert grievance.status == "accepted"
    assert grievance.responded_at == NOW
    assert grievance.handler == member_unit_user


def test_the_unit_starts_handling_with_one_click(client, grievance, member_unit_user, union):
    _in("accepted", grievance, union)
    client.force_login(member_unit_user)
    html = _html(_act(client, grievance, "start"))
    assert "is now “In progress”" in html
    assert _buttons(html) == ["reply"]


def test_returning_needs_a_reason(client, grievance, member_unit_user, union):
    _in("assigned", grievance, union)
    client.force_login(member_unit_user)
    html = _html(_act(client, grievance, "return", {"note": "  "}))
    assert "Say why, or what the worker is told." in html
    grievance.refresh_from_db()
    assert grievance.status == "assigned"
    html = _html(_act(client, grievance, "return", {"note": "不属于我单位职责"}))
    assert "is now “Returned to the office”" in html


def test_the_unit_replies_and_the_reply_is_shown(client, grievance, member_unit_user, union):
    _in("in_progress", grievance, union)
    client.force_login(member_unit_user)
    assert "Say why" in _html(_act(client, grievance, "reply", {"note": ""}))
    html = _html(_act(client, grievance, "reply", {"note": "工资已于本周补发"}))
    assert "is now “Replied”" in html
    assert 'id="grievance-reply"' in html and "工资已于本周补发" in html


def test_the_office_records_the_follow_up_call(client, grievance, office_user, union):
    _in("replied", grievance, union, category="opinion")
    client.force_login(office_user)
    html = _html(_act(client, grievance, "follow_up", {"note": "电话回访"}))
    assert "This field is required." in html  # satisfaction
    html = _html(
        _act(
            client,
            grievance,
            "follow_up",
            {"satisfaction": "basically_satisfied", "rectified": "on", "note": "电话回访"},
        )
    )
    assert "is now “Followed up”" in html
    grievance.refresh_from_db()
    assert (grievance.satisfaction, grievance.rectified) == ("basically_satisfied", True)
    assert _buttons(html) == ["close", "reopen"]
    html = _html(_act(client, grievance, "close"))
    assert "is now “Closed”" in html
    assert _buttons(html) == []


def test_reopening_needs_a_reason(client, grievance, office_user, union):
    _in("followed_up", grievance, union, satisfaction="unsatisfied")
    client.force_login(office_user)
    assert "Say why" in _html(_act(client, grievance, "reopen", {"note": ""}))
    html = _html(_act(client, grievance, "reopen", {"note": "职工不满意，重新办理"}))
    assert "is now “In progress”" in html


def test_withdrawing_needs_a_reason(client, grievance, office_user):
    client.force_login(office_user)
    assert "Say why" in _html(_act(client, grievance, "withdraw", {"note": ""}))
    html = _html(_act(client, grievance, "withdraw", {"note": "职工撤回"}))
    assert "is now “Withdrawn”" in html


def test_an_illegal_move_comes_back_as_a_message_not_an_error_page(
    client, grievance, office_user, member_unit_user, union
):
    client.force_login(office_user)
    html = _html(_act(client, grievance, "close"))
    assert "A grievance that is “Received” cannot be given the step “Close”." in html
    # Two people at once: the unit replied before the office's stale follow-up form arrived.
    _in("in_progress", grievance, union)
    html = _html(_act(client, grievance, "follow_up", {"satisfaction": "satisfied"}))
    assert "cannot be given the step" in html
    grievance.refresh_from_db()
    assert grievance.status == "in_progress"


def test_a_step_out_of_turn_opened_by_its_link_sends_back_with_a_message(
    client, grievance, office_user
):
    client.force_login(office_user)
    url = reverse("grievances:grievance_act", args=[grievance.pk, "close"])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == grievance.get_absolute_url()
    assert "This step is not open to you now." in response.content.decode()
    assert (
        client.get(reverse("grievances:grievance_act", args=[grievance.pk, "fly"])).status_code
        == 404
    )


def test_a_step_form_page_works_without_javascript(client, grievance, office_user, union):
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:grievance_act", args=[grievance.pk, "assign"])))
    assert 'name="unit"' in html and union.name in html


# --- Extensions -------------------------------------------------------------------------------


def test_the_unit_asks_for_more_time_and_the_office_approves(
    client, grievance, member_unit_user, office_user, union
):
    _in("in_progress", grievance, union)
    due = grievance.resolution_due_at
    client.force_login(member_unit_user)
    assert 'id="request-extension"' in _detail(client, grievance)
    url = reverse("grievances:extension_request", args=[grievance.pk])
    html = _html(client.post(url, {"days": 5, "reason": ""}))
    assert "This field is required." in html
    html = _html(client.post(url, {"days": 5, "reason": "需要调取考勤记录"}, follow=True))
    assert "sent to the office" in html
    assert 'id="request-extension"' not in html  # one at a time
    html = _html(client.post(url, {"days": 3, "reason": "再要三天"}))
    assert "already waiting for approval" in html

    client.force_login(office_user)
    html = _detail(client, grievance)
    assert 'data-decision="approve"' in html
    extension = ExtensionRequest.objects.get()
    decide = reverse("grievances:extension_decide", args=[extension.pk])
    html = _html(client.post(decide, {"decision": "approve"}, follow=True))
    assert "moved by 5 days" in html
    grievance.refresh_from_db()
    assert grievance.resolution_due_at == due + timedelta(days=5)
    html = _html(client.post(decide, {"decision": "reject"}, follow=True))
    assert "already been decided" in html


def test_only_the_office_decides_extensions(client, grievance, member_unit_user, union):
    _in("in_progress", grievance, union)
    extension = services.extension_request(
        grievance=grievance, actor=member_unit_user, days=3, reason="等材料"
    )
    client.force_login(member_unit_user)
    assert 'data-decision="approve"' not in _detail(client, grievance)
    decide = reverse("grievances:extension_decide", args=[extension.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403


# --- Mediation --------------------------------------------------------------------------------


def test_a_dispute_is_mediated_with_its_fifteen_day_clock(
    client, grievance, member_unit_user, union, time_machine
):
    _in("in_progress", grievance, union, category="labour_dispute")
    client.force_login(member_unit_user)
    html = _detail(client, grievance)
    assert 'id="open-mediation"' in html
    response = client.post(
        reverse("grievances:mediation_open", args=[grievance.pk]),
        {
            "applied_on": "2026-06-01",
            "parties": "张三丰\n某建材商行",
            "mediator": member_unit_user.pk,
        },
        follow=True,
    )
    html = _html(response)
    assert "Mediation opened." in html
    # Issue 11: the page named 16 June "arbitration possible from" yet raised its flag only on
    # the 17th; the parties have until the 16th, arbitration opens on the 17th.
    assert 'id="mediation-deadline">2026-06-17' in html
    assert 'id="arbitration-flag"' not in html

    response = client.post(
        reverse("grievances:mediation_session_add", args=[grievance.pk]),
        {"held_at": "2026-06-02T10:00", "place": "调解室", "notes": "双方到场"},
        follow=True,
    )
    assert "Mediation session recorded." in _html(response)

    time_machine.move_to(datetime(2026, 6, 17, 2, 0, tzinfo=UTC), tick=False)
    client.force_login(member_unit_user)  # the session has expired meanwhile
    html = _detail(client, grievance)
    assert 'id="arbitration-flag"' in html
    assert "a party may now seek arbitration" in html

    conclude = reverse("grievances:mediation_conclude", args=[grievance.pk])
    html = _html(client.post(conclude, {"outcome": "", "concluded_on": "2026-06-17"}))
    assert "This field is required." in html
    response = client.post(
        conclude,
        {"outcome": "agreement", "concluded_on": "2026-06-17", "amount_agreed": "3000"},
        follow=True,
    )
    html = _html(response)
    assert "Mediation concluded: Agreement reached." in html
    assert 'id="arbitration-flag"' not in html
    assert Mediation.objects.get().amount_agreed == 3000
    html = _html(client.post(conclude, {"outcome": "withdrawn", "concluded_on": "2026-06-17"}))
    assert "This mediation has concluded." in html


def test_mediation_is_offered_for_open_disputes_only(client, grievance, office_user, union):
    client.force_login(office_user)
    assert 'id="mediation"' not in _detail(client, grievance)  # wages
    dispute = GrievanceFactory(park=grievance.park, category="life_dispute")
    assert 'id="open-mediation"' in _detail(client, dispute)
    _in("closed", dispute, union, closed_at=NOW)
    assert 'id="mediation"' not in _detail(client, dispute)
    html = _html(
        client.post(
            reverse("grievances:mediation_open", args=[grievance.pk]),
            {"applied_on": "2026-06-01", "parties": "甲\n乙", "mediator": office_user.pk},
        )
    )
    assert "Only disputes go to mediation." in html
    assert not Mediation.objects.exists()
