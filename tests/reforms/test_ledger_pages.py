"""The ledger pages (台账): who reads and writes what, totals and months on a known data set, the
forms refusing bad input, the proposal workflow, the Excel export and fixed query counts."""

import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parks.choices import Role
from reforms.choices import ProposalStatus, PublicityChannel
from reforms.excel import XLSX_CONTENT_TYPE
from reforms.models import CarePayment, Proposal, Publicity, Training
from tests.factories import (
    CarePaymentFactory,
    ParkFactory,
    ProposalFactory,
    PublicityFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Every test runs on 20 June 2026 (Asia/Shanghai): "this year" is 2026-01-01 to 2026-06-20.
TODAY = date(2026, 6, 20)
LIST_URLS = {
    "care": "reforms:care_payment_list",
    "publicity": "reforms:publicity_list",
    "training": "reforms:training_list",
    "proposal": "reforms:proposal_list",
}


@pytest.fixture(autouse=True)
def on_the_twentieth_of_june(time_machine):
    time_machine.move_to(datetime(2026, 6, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def observer():
    return UserFactory(username="observer", role=Role.OBSERVER)


@pytest.fixture
def care(park, other_park, office_user):
    """A known care ledger. This year in `park`: 12 + 10 + 20 people, 42,000 yuan (the source
    document's special subsidy); in `other_park` 5 people, 1,234.56 yuan; and one payment of
    last year that "this year" leaves out."""

    def paid(park, day, people, amount, event):
        return CarePaymentFactory(
            park=park,
            paid_on=day,
            recipients=people,
            amount=Decimal(amount),
            event=event,
            recorded_by=office_user,
        )

    return {
        "march_1": paid(park, date(2026, 3, 10), 12, "12000.00", "防疫保供特殊补贴一"),
        "march_2": paid(park, date(2026, 3, 25), 10, "10000.00", "防疫保供特殊补贴二"),
        "may": paid(park, date(2026, 5, 2), 20, "20000.00", "防疫保供特殊补贴三"),
        "other": paid(other_park, date(2026, 4, 1), 5, "1234.56", "夏季送清凉"),
        "last_year": paid(park, date(2025, 12, 31), 7, "700.00", "春节慰问"),
    }


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _entries(html):
    return [int(pk) for pk in re.findall(r'<tr data-entry="(\d+)"', html)]


def _figure(html, key, ledger=None):
    """The raw value of a totals figure (data-value), in a ledger's card when given."""
    if ledger:
        html = html.split(f'data-ledger="{ledger}"', 1)[1].split("</section>", 1)[0]
    match = re.search(rf'data-figure="{key}" data-value="([^"]*)"', html)
    assert match, key
    return match.group(1)


def _month_cells(html, month):
    row = html.split(f'<tr data-month="{month}">', 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role_fixture",
    [
        "office_user",
        "park_manager",
        "liaison",
        "subdistrict_user",
        "member_unit_user",
        "observer",
    ],
)
@pytest.mark.parametrize("url_name", ["reforms:ledgers", *LIST_URLS.values()])
def test_every_role_opens_the_overview_and_the_lists(client, request, role_fixture, url_name):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse(url_name)).status_code == 200


def test_strangers_are_asked_to_sign_in(client, care):
    for url in (
        reverse("reforms:ledgers"),
        reverse("reforms:care_payment_list"),
        reverse("reforms:ledger_export", args=["care"]),
        reverse("reforms:care_payment_edit", args=[care["may"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("role_fixture", ["park_manager", "liaison"])
def test_park_people_see_only_their_parks_rows(client, request, role_fixture, care):
    client.force_login(request.getfixturevalue(role_fixture))
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert sorted(_entries(html)) == sorted(
        [care["march_1"].pk, care["march_2"].pk, care["may"].pk]
    )


def test_subdistrict_staff_see_the_parks_of_their_subdistrict(client, subdistrict_user, care):
    client.force_login(subdistrict_user)
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert care["other"].pk not in _entries(html)
    assert len(_entries(html)) == 3


@pytest.mark.parametrize("role_fixture", ["observer", "member_unit_user", "office_user"])
def test_district_readers_see_every_park(client, request, role_fixture, care):
    client.force_login(request.getfixturevalue(role_fixture))
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert len(_entries(html)) == 4  # this year's; last year's is outside the period


def test_office_and_the_park_manager_get_the_new_button_readers_do_not(
    client, office_user, park_manager, liaison, observer
):
    url = reverse("reforms:publicity_list")
    for user, shown in (
        (office_user, True),
        (park_manager, True),
        (liaison, False),
        (observer, False),
    ):
        client.force_login(user)
        html = _html(client.get(url))
        assert ('id="new-entry"' in html) is shown, user.role
        assert 'id="export-excel"' in html
        assert (client.get(reverse("reforms:publicity_create")).status_code == 200) is shown


@pytest.mark.parametrize("role_fixture", ["liaison", "observer", "member_unit_user"])
def test_readers_cannot_open_or_post_a_form_in_their_scope(
    client, request, role_fixture, care, park
):
    client.force_login(request.getfixturevalue(role_fixture))
    edit = reverse("reforms:care_payment_edit", args=[care["may"].pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"event": "改掉"}).status_code == 403
    new = reverse("reforms:care_payment_create")
    assert client.get(new).status_code == 403
    assert client.post(new, _care_form(park)).status_code == 403
    delete = reverse("reforms:care_payment_delete", args=[care["may"].pk])
    assert client.post(delete).status_code == 403
    assert CarePayment.objects.count() == 5
    assert CarePayment.objects.get(pk=care["may"].pk).event == "防疫保供特殊补贴三"


@pytest.mark.parametrize("role_fixture", ["park_manager", "liaison"])
def test_another_parks_row_is_not_found(client, request, role_fixture, care):
    client.force_login(request.getfixturevalue(role_fixture))
    other = care["other"].pk
    assert client.get(reverse("reforms:care_payment_edit", args=[other])).status_code == 404
    assert client.post(reverse("reforms:care_payment_delete", args=[other])).status_code == 404
    proposal = ProposalFactory(park=care["other"].park)
    url = reverse("reforms:proposal_advance", args=[proposal.pk])
    assert client.post(url, {"to_status": "evaluated"}).status_code == 404


def test_district_wide_publicity_is_read_by_a_park_manager_but_written_by_the_office(
    client, park_manager, office_user
):
    district = PublicityFactory(park=None, title="梁溪区推进产改")
    client.force_login(park_manager)
    html = _html(client.get(reverse("reforms:publicity_list")))
    assert district.pk in _entries(html)
    assert client.get(reverse("reforms:publicity_edit", args=[district.pk])).status_code == 403
    client.force_login(office_user)
    assert client.get(reverse("reforms:publicity_edit", args=[district.pk])).status_code == 200


# --- Totals and months ------------------------------------------------------------------------


def test_the_overview_counts_this_year_by_default(client, office_user, care):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:ledgers")))
    # 12 + 10 + 20 + 5 people; 12,000 + 10,000 + 20,000 + 1,234.56 yuan.
    assert _figure(html, "entries", "care") == "4"
    assert _figure(html, "recipients", "care") == "47"
    assert _figure(html, "amount", "care") == "43234.56"
    assert "43,234.56" in html
    assert 'data-preset="year" aria-current="true"' in html


def test_the_overview_narrows_to_a_park_and_a_period(client, office_user, care, park):
    client.force_login(office_user)
    url = reverse("reforms:ledgers")
    html = _html(client.get(url, {"park": park.pk}))
    # The source document's figures: 42 people paid 42,000 yuan.
    assert _figure(html, "recipients", "care") == "42"
    assert _figure(html, "amount", "care") == "42000.00"
    march = _html(client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"}))
    assert _figure(march, "entries", "care") == "2"
    assert _figure(march, "amount", "care") == "22000.00"
    everything = _html(client.get(url, {"period": "all", "park": park.pk}))
    assert _figure(everything, "entries", "care") == "4"
    assert _figure(everything, "amount", "care") == "42700.00"


def test_the_overview_sums_every_ledger(client, office_user, park, other_park):
    for channel, count in (
        (PublicityChannel.ONLINE_PLATFORM, 3),
        (PublicityChannel.PRINT, 2),
        (PublicityChannel.TV, 1),
    ):
        PublicityFactory.create_batch(count, park=park, channel=channel)
    PublicityFactory(park=None, channel=PublicityChannel.GOVERNMENT_WEBSITE)
    TrainingFactory(park=park, hours=Decimal("16.0"), trainees=30, certificates=25)
    TrainingFactory(park=other_park, hours=Decimal("7.5"), trainees=12, certificates=12)
    ProposalFactory(park=park, kind="innovation")
    ProposalFactory(
        park=park,
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("60000.00"),
        reward_amount=Decimal("2000.00"),
    )
    ProposalFactory(park=other_park, status=ProposalStatus.NOT_ADOPTED)
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:ledgers")))
    assert _figure(html, "entries", "publicity") == "7"
    assert _figure(html, "online_platform", "publicity") == "3"
    assert _figure(html, "print", "publicity") == "2"
    assert _figure(html, "tv", "publicity") == "1"
    assert _figure(html, "government_website", "publicity") == "1"
    assert _figure(html, "entries", "training") == "2"
    assert _figure(html, "hours", "training") == "23.5"
    assert _figure(html, "trainees", "training") == "42"
    assert _figure(html, "certificates", "training") == "37"
    assert _figure(html, "entries", "proposal") == "3"
    assert _figure(html, "innovations", "proposal") == "1"
    assert _figure(html, "submitted", "proposal") == "1"
    assert _figure(html, "rewarded", "proposal") == "1"
    assert _figure(html, "not_adopted", "proposal") == "1"
    assert _figure(html, "benefit_amount", "proposal") == "60000.00"
    assert _figure(html, "reward_amount", "proposal") == "2000.00"


def test_a_list_shows_the_totals_and_months_of_its_filtered_rows(client, office_user, care):
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:care_payment_list")))
    assert _figure(html, "entries") == "4"
    assert _figure(html, "amount") == "43234.56"
    assert re.findall(r'<tr data-month="([\d-]+)">', html) == ["2026-03", "2026-04", "2026-05"]
    assert _month_cells(html, "2026-03") == ["2", "22", "22,000.00"]
    assert _month_cells(html, "2026-04") == ["1", "5", "1,234.56"]
    assert _month_cells(html, "2026-05") == ["1", "20", "20,000.00"]
    # Each row's amount is written with thousands separators too.
    assert re.search(r'data-amount="1234.56">\s*1,234.56', html)

    searched = _html(client.get(reverse("reforms:care_payment_list"), {"q": "特殊补贴"}))
    assert _figure(searched, "recipients") == "42"
    assert _figure(searched, "amount") == "42000.00"


def test_the_publicity_list_filters_by_channel_and_district_wide(client, office_user, park):
    online = PublicityFactory(park=park, channel=PublicityChannel.ONLINE_PLATFORM)
    tv = PublicityFactory(park=park, channel=PublicityChannel.TV)
    district = PublicityFactory(park=None, channel=PublicityChannel.TV)
    client.force_login(office_user)
    url = reverse("reforms:publicity_list")
    assert sorted(_entries(_html(client.get(url, {"channel": "tv"})))) == sorted(
        [tv.pk, district.pk]
    )
    assert _entries(_html(client.get(url, {"district_wide": "true"}))) == [district.pk]
    assert online.pk in _entries(_html(client.get(url)))


@pytest.mark.parametrize(
    "params",
    [
        {"park": "999999"},
        {"date_from": "2026-13-45"},
        {"date_to": "9999-12-31"},
        {"status": "nonsense"},
    ],
)
def test_a_bad_filter_matches_nothing_and_says_why(client, office_user, params):
    ProposalFactory()
    client.force_login(office_user)
    html = _html(client.get(reverse("reforms:proposal_list"), params))
    assert _entries(html) == []
    assert "is-invalid" in html
    assert _html(client.get(reverse("reforms:ledgers"), params))


# --- Forms ------------------------------------------------------------------------------------


def _care_form(park, **changes):
    return {
        "park": park.pk,
        "event": "夏季送清凉",
        "paid_on": "2026-06-18",
        "recipients": "30",
        "amount": "1500.50",
        "reason": "防暑降温",
        "funding_source": "工会经费",
        "activity": "",
        **changes,
    }


def test_the_office_records_a_care_payment(client, office_user, park):
    client.force_login(office_user)
    response = client.post(reverse("reforms:care_payment_create"), _care_form(park))
    assert response.status_code == 302
    assert response.url == reverse("reforms:care_payment_list")
    payment = CarePayment.objects.get()
    assert (payment.park, payment.amount, payment.recorded_by) == (
        park,
        Decimal("1500.50"),
        office_user,
    )


def test_a_park_manager_records_only_for_their_park(client, park_manager, park, other_park):
    client.force_login(park_manager)
    url = reverse("reforms:care_payment_create")
    html = _html(client.get(url))
    assert other_park.name not in html
    html = _html(client.post(url, _care_form(other_park)))
    assert "Select a valid choice" in html
    assert not CarePayment.objects.exists()
    assert client.post(url, _care_form(park)).status_code == 302
    assert CarePayment.objects.get().park == park


def test_a_correction_writes_only_what_this_person_changed(client, park_manager, care):
    client.force_login(park_manager)
    payment = care["may"]
    drawn = _care_form(payment.park, event=payment.event, paid_on="2026-05-02")
    drawn.update(recipients="20", amount="20000.00", reason="", funding_source="")
    page = _html(client.get(reverse("reforms:care_payment_edit", args=[payment.pk])))
    assert 'name="initial-reason"' in page
    # Someone else corrects the reason after the form was drawn.
    CarePayment.objects.filter(pk=payment.pk).update(reason="另一人改的事由")
    posted = {**drawn, **{f"initial-{name}": value for name, value in drawn.items()}}
    posted["recipients"] = "21"
    response = client.post(reverse("reforms:care_payment_edit", args=[payment.pk]), posted)
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.recipients == 21
    assert payment.reason == "另一人改的事由"


@pytest.mark.parametrize(
    ("url_name", "form", "field", "message"),
    [
        (
            "reforms:care_payment_create",
            {"amount": "-5"},
            "amount",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            "reforms:care_payment_create",
            {"amount": "10.555"},
            "amount",
            "Ensure that there are no more than 2 decimal places.",
        ),
        (
            "reforms:care_payment_create",
            {"paid_on": "2026-06-21"},
            "paid_on",
            "The date cannot be in the future.",
        ),
        (
            "reforms:care_payment_create",
            {"recipients": "0"},
            "recipients",
            "At least one person is paid.",
        ),
        (
            "reforms:training_create",
            {"trainees": "10", "certificates": "11"},
            "certificates",
            "More certificates than trainees.",
        ),
        (
            "reforms:publicity_create",
            {"link": "javascript:alert(1)"},
            "link",
            "Enter a valid URL.",
        ),
        (
            "reforms:publicity_create",
            {"link": "http://not a url"},
            "link",
            "Enter a valid URL.",
        ),
        (
            "reforms:proposal_create",
            {"submitted_on": "2027-01-01"},
            "submitted_on",
            "The date cannot be in the future.",
        ),
    ],
)
def test_bad_input_comes_back_with_its_error_and_saves_nothing(
    client, office_user, park, url_name, form, field, message
):
    valid = {
        "reforms:care_payment_create": _care_form(park),
        "reforms:training_create": {
            "park": park.pk,
            "course": "电工技能培训",
            "provider": "无锡技师学院",
            "started_on": "2026-06-01",
            "hours": "16",
            "trainees": "30",
            "certificates": "25",
        },
        "reforms:publicity_create": {
            "park": park.pk,
            "channel": PublicityChannel.ONLINE_PLATFORM,
            "outlet": "无锡观察",
            "title": "盛阳食品城报道",
            "published_on": "2026-06-01",
            "link": "https://example.cn/a",
        },
        "reforms:proposal_create": {
            "park": park.pk,
            "kind": "rationalisation",
            "title": "冷库节能改造",
            "submitter": "王师傅",
            "submitted_on": "2026-06-01",
        },
    }[url_name]
    client.force_login(office_user)
    html = _html(client.post(reverse(url_name), {**valid, **form}))
    feedback = re.search(
        rf'id="id_{field}"[^>]*>.*?<div class="invalid-feedback d-block">([^<]*)</div>', html, re.S
    )
    assert feedback and feedback.group(1) == message
    assert 'aria-invalid="true"' in html
    for model in (CarePayment, Training, Publicity, Proposal):
        assert not model.objects.exists()
    # The same form with the good value saves.
    assert client.post(reverse(url_name), valid).status_code == 302


def test_a_link_without_a_scheme_is_read_as_https(client, office_user, park):
    client.force_login(office_user)
    response = client.post(
        reverse("reforms:publicity_create"),
        {
            "park": park.pk,
            "channel": PublicityChannel.PRINT,
            "outlet": "无锡日报",
            "title": "报道",
            "published_on": "2026-06-01",
            "link": "www.example.cn/news/1",
        },
    )
    assert response.status_code == 302
    assert Publicity.objects.get().link == "https://www.example.cn/news/1"


def test_only_the_office_records_district_wide_publicity(client, office_user, park_manager, park):
    form = {
        "park": "",
        "channel": PublicityChannel.GOVERNMENT_WEBSITE,
        "outlet": "梁溪区人民政府网",
        "title": "梁溪区推进产改",
        "published_on": "2026-06-01",
    }
    url = reverse("reforms:publicity_create")
    client.force_login(park_manager)
    html = _html(client.post(url, form))
    assert "This field is required." in html
    assert not Publicity.objects.exists()
    client.force_login(office_user)
    assert client.post(url, form).status_code == 302
    assert Publicity.objects.get().park is None


def test_a_care_payment_links_only_to_an_activity_of_its_park(
    client, office_user, park, other_park
):
    from tests.factories import ActivityFactory

    here = ActivityFactory(
        grid_zone=None,
        park=park,
        kind="care",
        occurred_at=datetime(2026, 6, 1, tzinfo=ZoneInfo("UTC")),
    )
    there = ActivityFactory(
        grid_zone=None,
        park=other_park,
        kind="care",
        occurred_at=datetime(2026, 6, 1, tzinfo=ZoneInfo("UTC")),
    )
    client.force_login(office_user)
    url = reverse("reforms:care_payment_create")
    html = _html(client.post(url, _care_form(park, activity=there.pk)))
    assert "This activity took place in another park." in html
    assert client.post(url, _care_form(park, activity=here.pk)).status_code == 302
    assert CarePayment.objects.get().activity == here


def test_a_manager_deletes_a_row_after_confirming(client, park_manager, care):
    client.force_login(park_manager)
    url = reverse("reforms:care_payment_delete", args=[care["may"].pk])
    assert "Delete" in _html(client.get(url))
    assert CarePayment.objects.filter(pk=care["may"].pk).exists()
    assert client.post(url).status_code == 302
    assert not CarePayment.objects.filter(pk=care["may"].pk).exists()


# --- The proposal workflow --------------------------------------------------------------------


def _advance(client, proposal, to_status, **values):
    return client.post(
        reverse("reforms:proposal_advance", args=[proposal.pk]), {"to_status": to_status, **values}
    )


def test_a_proposal_goes_through_its_workflow_with_benefit_and_reward(client, park_manager, park):
    proposal = ProposalFactory(park=park)
    client.force_login(park_manager)
    page = _html(client.get(proposal.get_absolute_url()))
    assert re.findall(r'data-move="(\w+)"', page) == ["evaluated"]

    assert _advance(client, proposal, "evaluated").status_code == 302
    page = _html(client.get(proposal.get_absolute_url()))
    assert re.findall(r'data-move="(\w+)"', page) == ["adopted", "not_adopted"]
    assert 'name="benefit_amount"' in page

    response = _advance(
        client, proposal, "adopted", benefit="年节约电费6万元", benefit_amount="60000.00"
    )
    assert response.status_code == 302
    response = _advance(client, proposal, "rewarded", reward_amount="2000")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REWARDED
    assert proposal.benefit == "年节约电费6万元"
    assert (proposal.benefit_amount, proposal.reward_amount) == (
        Decimal("60000.00"),
        Decimal("2000.00"),
    )
    assert proposal.status_changed_on == TODAY
    page = _html(client.get(proposal.get_absolute_url()))
    assert 'id="workflow-finished"' in page
    assert "60,000.00" in _html(client.get(reverse("reforms:proposal_list")))


@pytest.mark.parametrize(
    ("to_status", "values", "message"),
    [
        ("rewarded", {"reward_amount": "500"}, "cannot become"),
        ("adopted", {}, "cannot become"),
        ("submitted", {}, "cannot become"),
        ("bogus", {}, "Select a valid choice"),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(
    client, park_manager, park, to_status, values, message
):
    proposal = ProposalFactory(park=park)
    client.force_login(park_manager)
    html = _html(_advance(client, proposal, to_status, **values))
    assert message in html
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.reward_amount is None


def test_a_negative_reward_is_refused(client, park_manager, park):
    proposal = ProposalFactory(park=park, status=ProposalStatus.ADOPTED)
    client.force_login(park_manager)
    html = _html(_advance(client, proposal, "rewarded", reward_amount="-1"))
    assert "Ensure this value is greater than or equal to 0." in html
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reward_amount) == (ProposalStatus.ADOPTED, None)


def test_readers_cannot_move_a_proposal(client, liaison, park):
    proposal = ProposalFactory(park=park)
    client.force_login(liaison)
    assert _advance(client, proposal, "evaluated").status_code == 403
    url = reverse("reforms:proposal_advance", args=[proposal.pk])
    client.force_login(UserFactory(role=Role.OFFICE))
    assert client.get(url).status_code == 405
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


# --- Excel ------------------------------------------------------------------------------------


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def test_the_care_export_is_a_tidy_chinese_sheet_with_totals(client, office_user, care, park):
    client.force_login(office_user)
    response = client.get(reverse("reforms:ledger_export", args=["care"]), {"park": park.pk})
    assert "filename*=utf-8''%E5%85%B3%E7%88%B1" in response["Content-Disposition"]  # 关爱…
    workbook = _workbook(response)
    sheet = workbook["关爱帮扶台账"]
    assert [cell.value for cell in sheet[1]] == [
        "园区",
        "活动（事项）",
        "发放日期",
        "受助人数",
        "金额（元）",
        "事由",
        "资金来源",
        "关联网格活动",
        "登记人",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 26
    # Newest first, as on the page; this year's three rows of the park, then the totals.
    assert sheet.max_row == 5
    assert sheet["A2"].value == park.name
    assert sheet["B2"].value == "防疫保供特殊补贴三"
    assert sheet["C2"].value.date() == date(2026, 5, 2)
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == 20
    assert sheet["E2"].value == 20000
    assert sheet["E2"].number_format == "#,##0.00"
    assert [cell.value for cell in sheet[5]][:5] == ["合计", "共 3 条", None, 42, 42000]
    assert sheet["E5"].number_format == "#,##0.00"
    assert sheet["A5"].font.b
    summary = workbook["汇总"]
    assert [(row[0].value, row[1].value) for row in summary.iter_rows(min_row=2)] == [
        ("条数", 3),
        ("受助人数", 42),
        ("金额（元）", 42000),
    ]


def test_the_publicity_export_names_channels_in_chinese_whatever_the_ui_language(
    client, office_user, park
):
    PublicityFactory(park=park, channel=PublicityChannel.TV, title="=1+1")
    PublicityFactory(park=None, channel=PublicityChannel.GOVERNMENT_WEBSITE)
    client.force_login(office_user)
    workbook = _workbook(client.get(reverse("reforms:ledger_export", args=["publicity"])))
    sheet = workbook.active
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2, max_row=3)}
    assert set(rows) == {"电视台", "政府网站"}
    assert rows["政府网站"][0].value == "全区"
    assert rows["电视台"][3].value == "=1+1"
    assert rows["电视台"][3].data_type == "s"  # a title is never a formula
    summary = dict((row[0].value, row[1].value) for row in workbook["汇总"].iter_rows(min_row=2))
    assert summary["电视台"] == 1 and summary["政府网站"] == 1 and summary["条数"] == 2


def test_the_export_keeps_to_the_users_scope(client, liaison, care):
    client.force_login(liaison)
    sheet = _workbook(client.get(reverse("reforms:ledger_export", args=["care"]))).active
    parks = {row[0].value for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1)}
    assert parks == {liaison.park.name}


def test_an_unknown_ledger_has_no_export(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("reforms:ledger_export", args=["tasks"])).status_code == 404


def test_the_training_and_proposal_exports_sum_their_numbers(client, office_user, park):
    TrainingFactory(park=park, hours=Decimal("16.0"), trainees=30, certificates=25)
    TrainingFactory(park=park, hours=Decimal("7.5"), trainees=12, certificates=12)
    ProposalFactory(
        park=park,
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("60000.00"),
        reward_amount=Decimal("2000.00"),
    )
    client.force_login(office_user)
    training = _workbook(client.get(reverse("reforms:ledger_export", args=["training"]))).active
    totals = [cell.value for cell in training[training.max_row]]
    assert totals[:7] == ["合计", "共 2 条", None, None, 23.5, 42, 37]
    assert training.cell(row=2, column=5).number_format == "#,##0.0"
    proposals = _workbook(client.get(reverse("reforms:ledger_export", args=["proposal"]))).active
    assert proposals["G2"].value == "已奖励"
    assert proposals["J2"].value == 60000 and proposals["J2"].number_format == "#,##0.00"
    assert proposals["K3"].value == 2000


# --- Query counts -----------------------------------------------------------------------------


def _rows(kind, count, park):
    if kind == "care":
        CarePaymentFactory.create_batch(count, park=park)
    elif kind == "publicity":
        PublicityFactory.create_batch(count, park=park)
        PublicityFactory.create_batch(count, park=None)
    elif kind == "training":
        TrainingFactory.create_batch(count, park=park)
    else:
        ProposalFactory.create_batch(count, park=park, reward_amount=None)


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", list(LIST_URLS))
def test_a_list_runs_the_same_queries_for_2_and_30_rows(client, park_manager, park, kind):
    client.force_login(park_manager)
    url = reverse(LIST_URLS[kind])
    _rows(kind, 2, park)
    few = _queries(client, url, {"park": park.pk})
    _rows(kind, 28, park)
    assert _queries(client, url, {"park": park.pk}) == few
    export = reverse("reforms:ledger_export", args=[kind])
    few_export = _queries(client, export)
    _rows(kind, 30, ParkFactory())  # other parks' rows are not read at all
    _rows(kind, 5, park)
    assert _queries(client, export) == few_export


def test_the_overview_runs_one_query_per_ledger_however_many_rows(client, office_user, park):
    client.force_login(office_user)
    url = reverse("reforms:ledgers")
    for kind in LIST_URLS:
        _rows(kind, 2, park)
    few = _queries(client, url)
    for kind in LIST_URLS:
        _rows(kind, 30, ParkFactory())
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert len(captured) == few
    for table in ("carepayment", "publicity", "training", "proposal"):
        reading = [q for q in captured.captured_queries if f'"reforms_{table}"' in q["sql"]]
        assert len(reading) == 1, table
