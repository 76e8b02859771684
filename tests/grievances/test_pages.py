"""The grievance pages: who sees what, the buttons each role gets, every step's form with its
errors, masking and its log, escaping, the inbox's query count, the rates on a known data set,
surveys, time limits and attachments."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grievances import services
from grievances.models import (
    Attachment,
    ExtensionRequest,
    Grievance,
    GrievanceEvent,
    Mediation,
    PersonalDataView,
    SurveyCampaign,
    TimeLimitPolicy,
)
from parks.choices import Role
from tests.factories import (
    GridZoneFactory,
    GrievanceFactory,
    OrganisationFactory,
    SurveyCampaignFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Every test runs at 18:00 on 2 June 2026 in Shanghai; the factory's grievances arrived the day
# before at 17:00, with 24 hours to respond and 15 days to resolve.
NOW = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def union(member_unit_user):
    return member_unit_user.organisation


@pytest.fixture
def other_liaison(other_park):
    return UserFactory(username="other-liaison", role=Role.LIAISON, park=other_park)


@pytest.fixture
def grievance(park, grid_zone):
    return GrievanceFactory(
        park=park,
        grid_zone=grid_zone,
        title="拖欠工资",
        complainant_name="张三丰",
        complainant_phone="13812345678",
        complainant_employer="某建材商行",
    )


def _in(status, grievance, unit, **extra):
    """Put a grievance straight into a status (the services are tested on their own)."""
    fields = {"status": status, "handling_unit": unit, **extra}
    if status in ("accepted", "in_progress", "replied", "followed_up", "closed"):
        fields.setdefault("responded_at", grievance.received_at + timedelta(hours=2))
    if status in ("replied", "followed_up", "closed"):
        fields.setdefault("resolved_at", grievance.received_at + timedelta(days=2))
        fields.setdefault("reply", "已协调发放。")
    if status in ("followed_up", "closed"):
        fields.setdefault("satisfaction", "satisfied")
    Grievance.objects.filter(pk=grievance.pk).update(**fields)
    grievance.refresh_from_db()
    return grievance


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _detail(client, grievance, **params):
    return _html(client.get(grievance.get_absolute_url(), params))


def _buttons(html):
    return re.findall(r'class="btn [^"]*action-button" data-action="([a-z_]+)"', html)


def _act(client, grievance, action, data=None, follow=True):
    url = reverse("grievances:grievance_act", args=[grievance.pk, action])
    return client.post(url, data or {}, follow=follow)


def _inbox_codes(client, **params):
    html = _html(client.get(reverse("grievances:inbox"), params))
    return re.findall(r'<tr data-grievance="([A-Z0-9]+)"', html)


# --- Who sees what ----------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client, grievance):
    for url in (reverse("grievances:inbox"), grievance.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_each_role_sees_the_grievances_of_its_scope(
    client, grievance, other_park, office_user, liaison, other_liaison, subdistrict_user
):
    elsewhere = GrievanceFactory(park=other_park)
    expected = {
        office_user: {grievance.tracking_code, elsewhere.tracking_code},
        liaison: {grievance.tracking_code},
        subdistrict_user: {grievance.tracking_code},
        other_liaison: {elsewhere.tracking_code},
    }
    for user, codes in expected.items():
        client.force_login(user)
        assert set(_inbox_codes(client)) == codes, user


def test_a_liaison_of_another_park_gets_404_for_every_page_of_a_grievance(
    client, grievance, other_liaison
):
    client.force_login(other_liaison)
    attachment = Attachment.objects.create(
        grievance=grievance,
        file=SimpleUploadedFile("a.png", PNG),
        original_name="a.png",
        size=len(PNG),
    )
    urls = [
        grievance.get_absolute_url(),
        grievance.get_absolute_url() + "?unmask=1",
        reverse("grievances:grievance_act", args=[grievance.pk, "assign"]),
        reverse("grievances:extension_request", args=[grievance.pk]),
        reverse("grievances:mediation_open", args=[grievance.pk]),
        reverse("grievances:attachment_download", args=[attachment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert _act(client, grievance, "withdraw", {"note": "x"}).status_code == 404
    assert not PersonalDataView.objects.exists()


def test_the_handling_unit_sees_the_grievance_it_was_given(
    client, grievance, member_unit_user, union
):
    _in("assigned", grievance, union)
    client.force_login(member_unit_user)
    html = _detail(client, grievance)
    assert "拖欠工资" in html
    assert _buttons(html) == ["accept", "return"]


def test_subdistrict_staff_read_but_change_nothing(client, grievance, subdistrict_user):
    client.force_login(subdistrict_user)
    html = _detail(client, grievance)
    assert _buttons(html) == []
    assert 'id="show-personal-data"' not in html
    assert 'id="log-grievance"' not in _html(client.get(reverse("grievances:inbox")))
    assert client.get(reverse("grievances:grievance_create")).status_code == 403
    assert _act(client, grievance, "assign", {"unit": 1}).status_code == 403
    assert _act(client, grievance, "withdraw", {"note": "不需要了"}).status_code == 403
    grievance.refresh_from_db()
    assert grievance.status == "received"


def test_the_log_button_shows_for_the_office_and_the_park_own_people_only(
    client, park, office_user, liaison, park_manager, subdistrict_user, member_unit_user
):
    for user, shown in [
        (office_user, True),
        (liaison, True),
        (park_manager, True),
        (subdistrict_user, False),
        (member_unit_user, False),
    ]:
        client.force_login(user)
        html = _html(client.get(reverse("grievances:inbox")))
        assert ('id="log-grievance"' in html) is shown, user.role


# --- Action buttons ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "extra", "office", "unit"),
    [
        ("received", {}, ["assign", "withdraw"], []),
        ("assigned", {}, ["withdraw"], ["accept", "return"]),
        ("accepted", {}, ["withdraw"], ["start", "reply", "return"]),
        ("in_progress", {}, ["withdraw"], ["reply"]),
        ("replied", {}, ["follow_up", "withdraw"], []),
        ("followed_up", {}, ["close", "reopen"], []),
        ("followed_up", {"satisfaction": "unsatisfied"}, ["reopen"], []),
        ("returned", {}, ["assign", "withdraw"], []),
        ("closed", {"closed_at": NOW}, [], []),
        ("withdrawn", {}, [], []),
    ],
)
def test_each_role_gets_only_the_steps_it_may_take_now(
    client, grievance, office_user, member_unit_user, liaison, union, status, extra, office, unit
):
    unit_for_status = None if status in ("received",) else union
    _in(status, grievance, unit_for_status, **extra)
    client.force_login(office_user)
    assert _buttons(_detail(client, grievance)) == office
    client.force_login(member_unit_user)
    assert _buttons(_detail(client, grievance)) == unit
    client.force_login(liaison)
    assert _buttons(_detail(client, grievance)) == []


def test_staff_of_another_unit_get_no_buttons(client, grievance, union):
    _in("assigned", grievance, union)
    stranger = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory(name="区人社局"))
    client.force_login(stranger)
    assert _buttons(_detail(client, grievance)) == []
    assert _act(client, grievance, "accept").status_code == 403


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


# --- Personal data and escaping -----------------------------------------------------------------


def _complainant(html):
    name = re.search(r'id="complainant-name">([^<]*)<', html).group(1)
    phone = re.search(r'id="complainant-phone">(?:<a [^>]*>)?([^<]*)<', html).group(1)
    return name, phone


def test_the_page_masks_personal_data_by_default(client, grievance, office_user):
    client.force_login(office_user)
    html = _detail(client, grievance)
    assert _complainant(html) == ("张**", "138****5678")
    assert "张三丰" not in html and "13812345678" not in html and "某建材商行" not in html
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("role", ["office", "handling_unit"])
def test_those_who_need_it_may_reveal_personal_data_and_it_is_logged(
    client, grievance, office_user, member_unit_user, union, role
):
    _in("assigned", grievance, union)
    user = office_user if role == "office" else member_unit_user
    client.force_login(user)
    assert 'id="show-personal-data"' in _detail(client, grievance)
    response = client.get(grievance.get_absolute_url(), {"unmask": "1"})
    html = _html(response)
    assert _complainant(html) == ("张三丰", "13812345678")
    assert "某建材商行" in html
    assert "no-store" in response["Cache-Control"]
    view = PersonalDataView.objects.get()
    assert (view.grievance, view.viewer, view.via) == (grievance, user, "page")


def test_others_cannot_reveal_personal_data(
    client, grievance, liaison, subdistrict_user, member_unit_user
):
    # member_unit_user's unit does not handle this grievance.
    for user in (liaison, subdistrict_user, member_unit_user):
        client.force_login(user)
        html = _detail(client, grievance, unmask="1")
        assert _complainant(html) == ("张**", "138****5678"), user.role
        assert 'id="show-personal-data"' not in html
    assert not PersonalDataView.objects.exists()


def test_the_inbox_masks_names_for_everyone(client, grievance, office_user):
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox")))
    assert "张**" in html and "张三丰" not in html and "13812345678" not in html


def test_a_script_in_a_description_shows_as_text(client, park, office_user):
    attack = GrievanceFactory(
        park=park,
        title="<b>标题</b>",
        description='<script>alert("x")</script>\n第二行',
    )
    client.force_login(office_user)
    html = _detail(client, attack)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行" in html
    assert "<b>标题</b>" not in html
    assert "<b>标题</b>" not in _html(client.get(reverse("grievances:inbox")))


# --- The inbox ----------------------------------------------------------------------------------


def _inbox_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("grievances:inbox"))
    assert response.status_code == 200
    return len(captured)


def test_the_inbox_runs_the_same_queries_for_2_and_25_rows(
    client, park, grid_zone, office_user, member_unit_user, union
):
    client.force_login(office_user)

    def add(count):
        for _ in range(count):
            _in(
                "accepted",
                GrievanceFactory(park=park, grid_zone=grid_zone),
                union,
                handler=member_unit_user,
            )

    add(2)
    few = _inbox_queries(client)
    add(23)
    assert len(_inbox_codes(client)) == 25
    assert _inbox_queries(client) == few


def test_the_inbox_pages_by_25(client, park, office_user):
    GrievanceFactory.create_batch(27, park=park)
    client.force_login(office_user)
    assert len(_inbox_codes(client)) == 25
    assert len(_inbox_codes(client, page=2)) == 2


def test_the_inbox_flags_and_sorts_by_deadline(client, park, office_user, union):
    # Received a day ago with 24 hours to respond: not taken up, now breached.
    late = GrievanceFactory(park=park, title="已超时")
    # Received an hour ago with 4 hours to respond: due soon.
    soon = GrievanceFactory(
        park=park,
        title="快到期",
        received_at=NOW - timedelta(hours=1),
        response_due_at=NOW + timedelta(hours=3),
        resolution_due_at=NOW + timedelta(days=10),
    )
    fine = GrievanceFactory(
        park=park,
        title="正常",
        received_at=NOW - timedelta(hours=1),
        response_due_at=NOW + timedelta(hours=23),
        resolution_due_at=NOW + timedelta(days=15),
    )
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox")))
    flags = dict(re.findall(r'data-grievance="([A-Z0-9]+)" data-flag="([a-z_]+)"', html))
    assert flags == {
        late.tracking_code: "breached",
        soon.tracking_code: "due_soon",
        fine.tracking_code: "ok",
    }
    assert "badge-flag-breached" in html and "badge-flag-due_soon" in html
    assert "Respond: 1 hour overdue" in html
    assert "Respond: 3 hours left" in html
    assert _inbox_codes(client, flag="breached") == [late.tracking_code]
    assert _inbox_codes(client, flag="due_soon") == [soon.tracking_code]


def test_the_inbox_tabs_group_statuses_and_keep_the_filters(
    client, park, other_park, office_user, union
):
    received = GrievanceFactory(park=park)
    handled = _in("in_progress", GrievanceFactory(park=park), union)
    replied = _in("replied", GrievanceFactory(park=park), union)
    closed = _in("closed", GrievanceFactory(park=park), union, closed_at=NOW)
    GrievanceFactory(park=other_park)
    client.force_login(office_user)
    assert set(_inbox_codes(client, park=park.pk)) == {
        received.tracking_code,
        handled.tracking_code,
        replied.tracking_code,
    }
    assert _inbox_codes(client, park=park.pk, group="to_assign") == [received.tracking_code]
    assert _inbox_codes(client, park=park.pk, group="waiting_reply") == [handled.tracking_code]
    assert _inbox_codes(client, park=park.pk, group="follow_up") == [replied.tracking_code]
    assert _inbox_codes(client, park=park.pk, group="closed") == [closed.tracking_code]
    assert len(_inbox_codes(client, park=park.pk, group="all")) == 4
    html = _html(client.get(reverse("grievances:inbox"), {"park": park.pk}))
    tabs = dict(re.findall(r'data-group="([a-z_]+)"[^>]*>[^<]*<span[^>]*>(\d+)<', html))
    assert tabs == {
        "open": "3",
        "to_assign": "1",
        "waiting_reply": "1",
        "follow_up": "1",
        "closed": "1",
        "all": "4",
    }
    assert f"park={park.pk}&amp;group=closed" in html


def test_a_filter_naming_a_hidden_park_matches_nothing(client, grievance, other_park, liaison):
    client.force_login(liaison)
    assert _inbox_codes(client, park=other_park.pk) == []


# --- Logging a grievance ------------------------------------------------------------------------


def test_the_office_logs_a_grievance_with_attachments(client, park, grid_zone, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("grievances:grievance_create"),
        {
            "park": park.pk,
            "grid_zone": grid_zone.pk,
            "channel": "gm_mailbox",
            "category": "wages",
            "title": "总经理信箱：工资晚发",
            "description": "三月工资晚发十天。",
            "complainant_name": "李四",
            "attachments": [
                SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
                SimpleUploadedFile("b.png", PNG, content_type="image/png"),
            ],
        },
        follow=True,
    )
    html = _html(response)
    grievance = Grievance.objects.get()
    assert response.redirect_chain[-1][0] == grievance.get_absolute_url()
    assert f"Grievance {grievance.tracking_code} logged." in html
    assert (grievance.logged_by, grievance.status, grievance.received_at) == (
        office_user,
        "received",
        NOW,
    )
    assert grievance.attachments.count() == 2
    assert "照片.png" in html
    assert GrievanceEvent.objects.filter(grievance=grievance, action="receive").exists()


def test_a_liaison_logs_only_in_their_own_park(
    client, park, other_park, grid_zone, other_grid_zone, liaison
):
    client.force_login(liaison)
    html = _html(client.get(reverse("grievances:grievance_create")))
    assert park.name in html and other_park.name not in html
    data = {
        "park": other_park.pk,
        "channel": "liaison_visit",
        "category": "safety",
        "title": "消防通道堵塞",
        "description": "G01 消防通道堆放货物。",
    }
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "Select a valid choice" in html
    data.update(park=park.pk, grid_zone=other_grid_zone.pk)
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "Select a valid choice" in html
    assert not Grievance.objects.exists()
    data.update(grid_zone=grid_zone.pk)
    response = client.post(reverse("grievances:grievance_create"), data)
    assert response.status_code == 302
    assert Grievance.objects.get().logged_by == liaison


def test_a_fake_image_or_a_bad_survey_is_refused_and_nothing_is_saved(
    client, park, other_park, office_user
):
    client.force_login(office_user)
    data = {
        "park": park.pk,
        "channel": "forum",
        "category": "opinion",
        "title": "食堂",
        "description": "食堂太贵。",
        "attachments": [SimpleUploadedFile("photo.png", b"MZ not a picture")],
    }
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "is not a real PNG file" in html
    survey = SurveyCampaignFactory(park=other_park)
    data.update(attachments=[], channel="survey", survey=survey.pk)
    html = _html(client.post(reverse("grievances:grievance_create"), data))
    assert "This survey was held in another park." in html
    assert not Grievance.objects.exists() and not Attachment.objects.exists()


# --- Attachments --------------------------------------------------------------------------------


def test_attachments_download_only_within_scope(client, grievance, liaison, other_liaison):
    attachment = Attachment.objects.create(
        grievance=grievance,
        file=SimpleUploadedFile("合同.png", PNG),
        original_name="合同.png",
        size=len(PNG),
    )
    url = reverse("grievances:attachment_download", args=[attachment.pk])
    client.force_login(liaison)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "attachment;" in response["Content-Disposition"]
    client.force_login(other_liaison)
    assert client.get(url).status_code == 404


# --- Rates --------------------------------------------------------------------------------------


@pytest.fixture
def rate_data(park, other_park, grid_zone, union):
    """Four grievances counted in June in the park, one withdrawn, one in another park.

    Response: 1 of 3 in time (33.3%); resolution: 2 of 3 (66.7%); satisfaction: 1 of 2 (50%).
    """
    received = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)

    def make(**fields):
        return GrievanceFactory(park=park, received_at=received, **fields)

    _in(
        "closed",
        make(grid_zone=grid_zone, channel="survey", category="opinion"),
        union,
        responded_at=received + timedelta(hours=1),
        satisfaction="satisfied",
        rectified=True,
        closed_at=received + timedelta(days=3),
    )
    _in(
        "followed_up",
        make(channel="survey", category="opinion"),
        union,
        responded_at=received + timedelta(hours=30),  # late
        satisfaction="unsatisfied",
    )
    make()  # received, nothing done yet
    _in("withdrawn", make(), None)  # not counted
    GrievanceFactory(park=other_park, received_at=received)
    SurveyCampaignFactory(park=park, held_on=date(2026, 5, 20), handed_out=900, returned=600)
    SurveyCampaignFactory(park=other_park, held_on=date(2026, 5, 21), handed_out=50, returned=5)


CARD = re.compile(
    r'data-rate="([a-z_]+)">\s*<div class="card-body">\s*<div[^>]*>[^<]*</div>\s*'
    r'<div class="rate-value" data-value="([0-9.]*)"'
)


def _cards(html):
    return dict(CARD.findall(html))


def test_the_rates_page_counts_a_known_data_set(client, park, office_user, rate_data):
    client.force_login(office_user)
    params = {"park": park.pk, "date_from": "2026-05-01", "date_to": "2026-06-30"}
    html = _html(client.get(reverse("grievances:rates"), params))
    assert _cards(html) == {
        "response_rate": "33.3",
        "resolution_rate": "66.7",
        "satisfaction_rate": "50.0",
    }
    assert "1 / 3" in html and "2 / 3" in html and "1 / 2" in html
    funnel = dict(re.findall(r'data-funnel="([a-z_]+)">(\d+)<', html))
    assert funnel == {"handed_out": "900", "returned": "600", "opinions": "2", "rectified": "1"}
    data = json.loads(re.search(r'id="rates-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["months"] == ["2026-06"]
    assert data["month_rates"] == {
        "response_rate": [33.3],
        "resolution_rate": [66.7],
        "satisfaction_rate": [50.0],
    }
    assert data["parks"] == [park.name]
    assert [step["value"] for step in data["funnel"]] == [900, 600, 2, 1]
    by_zone = re.search(r'id="rates-by-grid_zone".*?</table>', html, re.S).group(0)
    assert "G01 瓷砖区" in by_zone and "No grid zone" in by_zone


def test_the_rates_page_writes_down_what_each_rate_means(client, office_user):
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:rates")))
    assert "Response rate = responded within the time limit ÷ received" in html
    assert "Resolution rate = resolved (replied to the worker) ÷ received" in html
    assert "Satisfaction rate = satisfied + basically satisfied ÷ followed up" in html


def test_the_rates_period_and_scope_narrow_the_count(
    client, park, other_park, office_user, rate_data
):
    client.force_login(office_user)
    url = reverse("grievances:rates")
    html = _html(client.get(url, {"date_from": "2026-05-01", "date_to": "2026-06-30"}))
    assert "1 / 4" in html  # the other park's grievance was never taken up
    html = _html(client.get(url, {"date_from": "2026-07-01", "date_to": "2026-07-31"}))
    assert all(value == "" for value in _cards(html).values())
    html = _html(client.get(url, {"date_from": "2026-06-30", "date_to": "2026-06-01"}))
    assert "The end of the period is before its start." in html
    # The default period is this year, with quick links for month, quarter and year.
    html = _html(client.get(url))
    assert 'value="2026-01-01"' in html
    assert 'data-preset="month"' in html and "date_from=2026-06-01" in html
    assert "date_from=2026-04-01" in html


def test_the_rates_count_only_what_the_user_sees(client, park, liaison, rate_data):
    client.force_login(liaison)
    html = _html(
        client.get(
            reverse("grievances:rates"), {"date_from": "2026-05-01", "date_to": "2026-06-30"}
        )
    )
    assert "1 / 3" in html
    assert "900" in html and ">50<" not in html


# --- Surveys and time limits --------------------------------------------------------------------


def test_a_liaison_records_a_survey_of_their_park(client, park, liaison):
    client.force_login(liaison)
    url = reverse("grievances:survey_create")
    data = {
        "park": park.pk,
        "title": "经营户满意度调查",
        "held_on": "2026-05-20",
        "handed_out": 900,
        "returned": 901,
    }
    html = _html(client.post(url, data))
    assert "More surveys cannot come back than were handed out." in html
    assert not SurveyCampaign.objects.exists()
    data["returned"] = 600
    response = client.post(url, data, follow=True)
    assert "Survey “经营户满意度调查” saved." in _html(response)
    survey = SurveyCampaign.objects.get()
    html = _html(client.get(reverse("grievances:survey_list")))
    assert "经营户满意度调查" in html
    response = client.post(
        reverse("grievances:survey_edit", args=[survey.pk]), {**data, "returned": 650}
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.returned == 650


def test_surveys_of_other_parks_are_out_of_reach(client, other_park, liaison, subdistrict_user):
    survey = SurveyCampaignFactory(park=other_park)
    client.force_login(liaison)
    assert client.get(reverse("grievances:survey_edit", args=[survey.pk])).status_code == 404
    assert "经营户满意度调查" not in _html(client.get(reverse("grievances:survey_list")))
    client.force_login(subdistrict_user)
    assert client.get(reverse("grievances:survey_create")).status_code == 403


def test_the_office_sets_time_limits_per_category(client, office_user, park):
    client.force_login(office_user)
    url = reverse("grievances:policies")
    html = _html(client.get(url))
    assert 'name="wages-respond_within_hours"' in html
    data = {}
    for category in (
        "labour_dispute",
        "injury_subsidy",
        "illness",
        "wages",
        "life_dispute",
        "safety",
        "opinion",
        "proposal",
    ):
        data[f"{category}-respond_within_hours"] = settings.GRIEVANCE_DEFAULT_RESPOND_HOURS
        data[f"{category}-resolve_within_days"] = settings.GRIEVANCE_DEFAULT_RESOLVE_DAYS
    data.update({"safety-respond_within_hours": 4, "safety-resolve_within_days": 3})
    data.update({"wages-respond_within_hours": 0})
    html = _html(client.post(url, data))
    assert "Nothing was saved." in html
    assert "Ensure this value is greater than or equal to 1." in html
    assert not TimeLimitPolicy.objects.exists()
    data["wages-respond_within_hours"] = 12
    response = client.post(url, data, follow=True)
    assert "Time limits saved." in _html(response)
    policies = {
        p.category: (p.respond_within_hours, p.resolve_within_days)
        for p in TimeLimitPolicy.objects.all()
    }
    assert policies == {"safety": (4, 3), "wages": (12, settings.GRIEVANCE_DEFAULT_RESOLVE_DAYS)}


def test_others_read_the_time_limits_but_cannot_change_them(client, liaison):
    TimeLimitPolicy.objects.create(category="safety", respond_within_hours=4, resolve_within_days=3)
    client.force_login(liaison)
    html = _html(client.get(reverse("grievances:policies")))
    assert "<input" not in html.split('id="policy-table"')[1].split("</table>")[0]
    response = client.post(reverse("grievances:policies"), {"safety-respond_within_hours": 1})
    assert response.status_code == 403


def test_the_nav_links_to_grievances_and_rates(client, liaison):
    client.force_login(liaison)
    html = _html(client.get(reverse("grievances:inbox")))
    assert f'href="{reverse("grievances:inbox")}">Inbox</a>' in html
    assert f'href="{reverse("grievances:rates")}">Rates</a>' in html
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>Worker grievances</a>', html)


def test_a_zone_from_another_park_is_named_with_its_park(client, office_user, park, other_park):
    GridZoneFactory(park=park, code="G09", name="甲区")
    GridZoneFactory(park=other_park, code="G09", name="乙区")
    client.force_login(office_user)
    html = _html(client.get(reverse("grievances:inbox")))
    assert f"{park.name} · G09 甲区" in html and f"{other_park.name} · G09 乙区" in html
