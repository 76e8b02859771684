"""REST API for the reform ledgers: subsidies, publicity, trainings and proposals."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parks.structure.choices import Role
from reforms.ledgers.choices import ProposalStatus
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from tests.factories import (
    ActivityFactory,
    CarePaymentFactory,
    ProposalFactory,
    PublicityFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _payload(endpoint, park):
    park_id = park.pk if park is not None else None
    return {
        "subsidies": {
            "park": park_id,
            "event": "夏季送清凉",
            "paid_on": "2026-07-15",
            "recipients": 12,
            "amount": "12000.00",
            "funding_source": "区总工会",
        },
        "publicity": {
            "park": park_id,
            "channel": "print",
            "outlet": "无锡日报",
            "title": "家居港产改见闻",
            "published_on": "2026-08-01",
        },
        "trainings": {
            "park": park_id,
            "course": "电工技能培训",
            "provider": "无锡技师学院",
            "started_on": "2026-09-01",
            "hours": "16.5",
            "trainees": 30,
            "certificates": 25,
        },
        "proposals": {
            "park": park_id,
            "kind": "rationalisation",
            "title": "冷库节能改造建议",
            "submitter": "王师傅",
            "submitted_on": "2026-10-08",
        },
    }[endpoint]


LEDGERS = {
    "subsidies": (CarePayment, CarePaymentFactory),
    "publicity": (Publicity, PublicityFactory),
    "trainings": (Training, TrainingFactory),
    "proposals": (Proposal, ProposalFactory),
}
ENDPOINTS = list(LEDGERS)


def url(endpoint, row=None, extra=""):
    base = f"/api/v1/{endpoint}/"
    return f"{base}{row.pk}/{extra}" if row is not None else f"{base}{extra}"


@pytest.fixture
def observer():
    return UserFactory(role=Role.OBSERVER)


@pytest.fixture
def other_manager(other_park):
    return UserFactory(role=Role.PARK_MANAGER, park=other_park)


# --- Writing, per role ------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_office_staff_record_in_any_park(api_as, office_user, other_park, endpoint):
    response = api_as(office_user).post(url(endpoint), _payload(endpoint, other_park))
    assert response.status_code == 201, response.json()
    model = LEDGERS[endpoint][0]
    row = model.objects.get()
    assert row.park == other_park and row.recorded_by == office_user
    assert response.json()["recorded_by_name"] == str(office_user)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_park_manager_records_for_their_park_only(
    api_as, park_manager, park, other_park, endpoint
):
    client = api_as(park_manager)
    assert client.post(url(endpoint), _payload(endpoint, park)).status_code == 201
    # Another park is outside their scope: it reads as nonexistent, not as forbidden.
    refused = client.post(url(endpoint), _payload(endpoint, other_park))
    assert refused.status_code == 400 and "park" in refused.json()
    assert LEDGERS[endpoint][0].objects.count() == 1


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ["liaison", "observer", "member_unit_user", "subdistrict_user"])
def test_readers_may_not_record(request, api_as, park, endpoint, who):
    response = api_as(request.getfixturevalue(who)).post(url(endpoint), _payload(endpoint, park))
    assert response.status_code == 403
    assert not LEDGERS[endpoint][0].objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_park_manager_corrects_and_deletes_their_parks_rows(api_as, park_manager, park, endpoint):
    row = LEDGERS[endpoint][1](park=park)
    client = api_as(park_manager)
    field = "funding_source" if endpoint == "subsidies" else "title"
    if endpoint == "trainings":
        field = "provider"
    response = client.patch(url(endpoint, row), {field: "已更正"})
    assert response.status_code == 200, response.json()
    row.refresh_from_db()
    assert getattr(row, field) == "已更正"
    assert client.delete(url(endpoint, row)).status_code == 204
    assert not LEDGERS[endpoint][0].objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ["liaison", "observer", "member_unit_user", "subdistrict_user"])
def test_readers_see_but_may_not_change_rows_of_their_scope(request, api_as, park, endpoint, who):
    row = LEDGERS[endpoint][1](park=park)
    client = api_as(request.getfixturevalue(who))
    assert client.get(url(endpoint, row)).status_code == 200
    assert client.patch(url(endpoint, row), {"park": park.pk}).status_code == 403
    assert client.delete(url(endpoint, row)).status_code == 403
    assert LEDGERS[endpoint][0].objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_rows_of_another_park_are_404_for_a_park_manager(api_as, other_manager, park, endpoint):
    row = LEDGERS[endpoint][1](park=park)
    client = api_as(other_manager)
    assert client.get(url(endpoint)).json()["count"] == 0
    assert client.get(url(endpoint, row)).status_code == 404
    assert client.patch(url(endpoint, row), {}).status_code == 404
    assert client.delete(url(endpoint, row)).status_code == 404


def test_a_park_manager_cannot_move_a_row_to_another_park(
    api_as, park_manager, park, other_park, office_user
):
    row = CarePaymentFactory(park=park)
    response = api_as(park_manager).patch(url("subsidies", row), {"park": other_park.pk})
    assert response.status_code == 400
    assert CarePayment.objects.get(pk=row.pk).park == park


def test_a_correction_saves_only_the_fields_sent(api_as, park_manager, park):
    row = CarePaymentFactory(park=park, reason="高温补贴")
    # Someone else corrected the reason after the manager read the row.
    CarePayment.objects.filter(pk=row.pk).update(reason="高温慰问")
    response = api_as(park_manager).patch(url("subsidies", row), {"amount": "900.50"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.amount == Decimal("900.50") and row.reason == "高温慰问"


def test_district_wide_publicity_is_the_offices_and_seen_by_everyone(
    api_as, office_user, park_manager, liaison
):
    payload = _payload("publicity", None)
    assert api_as(park_manager).post(url("publicity"), payload).status_code == 403
    created = api_as(office_user).post(url("publicity"), payload)
    assert created.status_code == 201, created.json()
    assert created.json()["park"] is None and created.json()["park_name"] is None
    row = Publicity.objects.get()
    assert api_as(liaison).get(url("publicity", row)).status_code == 200
    assert api_as(park_manager).patch(url("publicity", row), {"title": "x"}).status_code == 403


def test_a_care_payment_links_only_an_activity_of_its_park(
    api_as, office_user, park, grid_zone, other_grid_zone
):
    here = ActivityFactory(grid_zone=grid_zone, kind="care")
    there = ActivityFactory(grid_zone=other_grid_zone, kind="care")
    client = api_as(office_user)
    linked = client.post(url("subsidies"), {**_payload("subsidies", park), "activity": here.pk})
    assert linked.status_code == 201 and linked.json()["activity"] == here.pk
    refused = client.post(url("subsidies"), {**_payload("subsidies", park), "activity": there.pk})
    assert refused.status_code == 400 and list(refused.json()) == ["activity"]


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "field", "value"),
    [
        ("subsidies", "amount", "-1.00"),
        ("subsidies", "recipients", -3),
        ("subsidies", "recipients", 0),
        ("trainings", "trainees", -1),
        ("trainings", "hours", "-2"),
        ("trainings", "certificates", -1),
        ("proposals", "benefit_amount", "-100.00"),
        ("subsidies", "amount", "not money"),
        ("subsidies", "amount", "12.345"),
    ],
)
def test_negative_or_malformed_numbers_are_refused_naming_the_field(
    api_as, office_user, park, endpoint, field, value
):
    response = api_as(office_user).post(url(endpoint), {**_payload(endpoint, park), field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not LEDGERS[endpoint][0].objects.exists()


@pytest.mark.parametrize(
    ("endpoint", "field"),
    [
        ("subsidies", "paid_on"),
        ("publicity", "published_on"),
        ("trainings", "started_on"),
        ("proposals", "submitted_on"),
    ],
)
def test_a_future_date_is_refused_naming_the_field(api_as, office_user, park, endpoint, field):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api_as(office_user).post(
        url(endpoint), {**_payload(endpoint, park), field: tomorrow}
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    far = api_as(office_user).post(url(endpoint), {**_payload(endpoint, park), field: "9999-12-31"})
    assert far.status_code == 400 and list(far.json()) == [field]


def test_more_certificates_than_trainees_is_refused(api_as, office_user, park):
    payload = {**_payload("trainings", park), "trainees": 5, "certificates": 6}
    response = api_as(office_user).post(url("trainings"), payload)
    assert response.status_code == 400
    assert "certificates" in response.json()


def test_money_comes_back_as_decimal_strings(api_as, office_user, park):
    row = CarePaymentFactory(park=park, amount=Decimal("42000.00"))
    body = api_as(office_user).get(url("subsidies", row)).json()
    assert body["amount"] == "42000.00"
    training = TrainingFactory(park=park, hours=Decimal("16.5"))
    assert api_as(office_user).get(url("trainings", training)).json()["hours"] == "16.5"


# --- Lists, filters and totals ----------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_list_runs_the_same_queries_for_2_and_50_rows(api_as, office_user, park, endpoint):
    model, factory = LEDGERS[endpoint]
    client = api_as(office_user)

    def count_queries(n):
        model.objects.all().delete()
        factory.create_batch(n, park=park, recorded_by=UserFactory(role=Role.OFFICE))
        factory.create_batch(n, recorded_by=UserFactory(role=Role.OFFICE))  # other parks too
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(endpoint), {"page_size": 200}).json()["count"] == 2 * n
        return len(queries)

    assert count_queries(2) == count_queries(50)


def _care_data_set(park, other_park):
    """The source document's figures for one park: 23 care payments, 42 people, 42,000 yuan.

    June: 19 payments of 2 people and 2,000 yuan; July: 4 of 1 person and 1,000 yuan. Around
    them, rows the filters must leave out: another park, and the park outside the period.
    """
    CarePaymentFactory.create_batch(
        19, park=park, paid_on=date(2026, 6, 20), recipients=2, amount=Decimal("2000.00")
    )
    CarePaymentFactory.create_batch(
        4, park=park, paid_on=date(2026, 7, 3), recipients=1, amount=Decimal("1000.00")
    )
    CarePaymentFactory(park=other_park, paid_on=date(2026, 6, 20), recipients=5)
    CarePaymentFactory(park=park, paid_on=date(2025, 12, 31), recipients=7)


def test_care_totals_match_the_hand_counted_figures(api_as, office_user, park, other_park):
    _care_data_set(park, other_park)
    response = api_as(office_user).get(
        url("subsidies", extra="totals/"),
        {"park": park.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "totals": {"entries": 23, "recipients": 42, "amount": "42000.00"},
        "by_month": [
            {"month": "2026-06", "entries": 19, "recipients": 38, "amount": "38000.00"},
            {"month": "2026-07", "entries": 4, "recipients": 4, "amount": "4000.00"},
        ],
    }


def test_totals_cover_only_the_users_scope(api_as, park_manager, park, other_park):
    _care_data_set(park, other_park)
    totals = api_as(park_manager).get(url("subsidies", extra="totals/")).json()["totals"]
    # Their park's 23 payments plus the one of December 2025; never the other park's.
    assert totals == {"entries": 24, "recipients": 49, "amount": "52000.00"}


def test_totals_of_nothing_are_zero(api_as, office_user):
    body = api_as(office_user).get(url("subsidies", extra="totals/")).json()
    assert body == {"totals": {"entries": 0, "recipients": 0, "amount": "0.00"}, "by_month": []}


def test_publicity_totals_count_by_channel(api_as, office_user, park):
    for channel, n in {"online_platform": 9, "print": 7, "tv": 3, "government_website": 4}.items():
        PublicityFactory.create_batch(n, park=park, channel=channel)
    PublicityFactory(park=None, channel="official_account")
    client = api_as(office_user)
    totals = client.get(url("publicity", extra="totals/")).json()["totals"]
    assert totals == {
        "entries": 24,
        "online_platform": 9,
        "print": 7,
        "tv": 3,
        "government_website": 4,
        "official_account": 1,
    }
    filtered = client.get(url("publicity", extra="totals/"), {"channel": ["tv", "print"]}).json()
    assert filtered["totals"]["entries"] == 10 and filtered["totals"]["online_platform"] == 0
    district_only = client.get(url("publicity", extra="totals/"), {"district_wide": "true"})
    assert district_only.json()["totals"]["entries"] == 1


def test_training_totals_sum_hours_trainees_and_certificates(api_as, office_user, park):
    TrainingFactory(park=park, hours=Decimal("16.5"), trainees=30, certificates=25)
    TrainingFactory(park=park, hours=Decimal("8.0"), trainees=12, certificates=0)
    totals = api_as(office_user).get(url("trainings", extra="totals/")).json()["totals"]
    assert totals == {"entries": 2, "hours": "24.5", "trainees": 42, "certificates": 25}


def test_proposal_totals_count_by_status_and_sum_benefit_and_reward(api_as, office_user, park):
    ProposalFactory(park=park)
    ProposalFactory(park=park, kind="innovation", status=ProposalStatus.EVALUATED)
    ProposalFactory(
        park=park,
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("80000.00"),
        reward_amount=Decimal("2000.00"),
    )
    totals = api_as(office_user).get(url("proposals", extra="totals/")).json()["totals"]
    assert totals == {
        "entries": 3,
        "innovations": 1,
        "benefit_amount": "80000.00",
        "reward_amount": "2000.00",
        "submitted": 1,
        "evaluated": 1,
        "adopted": 0,
        "rewarded": 1,
        "not_adopted": 0,
    }


def test_the_list_filters_by_period_and_search(api_as, office_user, park):
    CarePaymentFactory(park=park, event="夏季送清凉", paid_on=date(2026, 7, 1))
    CarePaymentFactory(park=park, event="留锡过节", paid_on=date(2026, 2, 1))
    client = api_as(office_user)

    def events(**params):
        return [row["event"] for row in client.get(url("subsidies"), params).json()["results"]]

    assert events(date_from="2026-06-01") == ["夏季送清凉"]
    assert events(date_to="2026-06-01") == ["留锡过节"]
    assert events(q="留锡") == ["留锡过节"]
    assert client.get(url("subsidies"), {"date_to": "9999-12-31"}).status_code == 400


def test_a_list_has_rows_only_and_no_totals(api_as, office_user, park):
    CarePaymentFactory(park=park)
    body = api_as(office_user).get(url("subsidies")).json()
    assert set(body) == {"count", "next", "previous", "results"}


# --- Proposals' workflow ----------------------------------------------------------------------


def advance(client, proposal, **body):
    return client.post(url("proposals", proposal, "advance/"), body)


def test_a_proposal_goes_from_submitted_to_rewarded(api_as, park_manager, park):
    proposal = ProposalFactory(park=park)
    client = api_as(park_manager)
    assert advance(client, proposal, to_status="evaluated").json()["status"] == "evaluated"
    adopted = advance(
        client, proposal, to_status="adopted", benefit="年省电费", benefit_amount="80000.00"
    )
    assert adopted.status_code == 200
    assert adopted.json()["benefit_amount"] == "80000.00"
    rewarded = advance(client, proposal, to_status="rewarded", reward_amount="2000.00")
    assert rewarded.status_code == 200
    body = rewarded.json()
    assert body["status"] == "rewarded" and body["reward_amount"] == "2000.00"
    assert body["status_changed_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("start", "to_status"),
    [
        (ProposalStatus.SUBMITTED, "adopted"),
        (ProposalStatus.SUBMITTED, "rewarded"),
        (ProposalStatus.EVALUATED, "submitted"),
        (ProposalStatus.REWARDED, "evaluated"),
        (ProposalStatus.NOT_ADOPTED, "adopted"),
        (ProposalStatus.EVALUATED, "evaluated"),
    ],
)
def test_an_illegal_move_is_a_409_and_changes_nothing(api_as, office_user, park, start, to_status):
    proposal = ProposalFactory(park=park, status=start)
    response = advance(api_as(office_user), proposal, to_status=to_status)
    assert response.status_code == 409
    assert response.json()["detail"]
    assert Proposal.objects.get(pk=proposal.pk).status == start


def test_an_unknown_status_or_a_reward_too_early_is_a_400(api_as, office_user, park):
    proposal = ProposalFactory(park=park, status=ProposalStatus.EVALUATED)
    client = api_as(office_user)
    unknown = advance(client, proposal, to_status="approved")
    assert unknown.status_code == 400 and list(unknown.json()) == ["to_status"]
    early = advance(client, proposal, to_status="adopted", reward_amount="10.00")
    assert early.status_code == 400 and list(early.json()) == ["reward_amount"]
    negative = advance(client, proposal, to_status="adopted", benefit_amount="-1")
    assert negative.status_code == 400 and list(negative.json()) == ["benefit_amount"]
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.EVALUATED


def test_readers_may_not_advance_and_other_parks_do_not_see_it(
    api_as, liaison, observer, other_manager, park
):
    proposal = ProposalFactory(park=park)
    assert advance(api_as(liaison), proposal, to_status="evaluated").status_code == 403
    assert advance(api_as(observer), proposal, to_status="evaluated").status_code == 403
    assert advance(api_as(other_manager), proposal, to_status="evaluated").status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


def test_status_and_reward_are_read_only_in_crud(api_as, office_user, park):
    proposal = ProposalFactory(park=park)
    response = api_as(office_user).patch(
        url("proposals", proposal), {"status": "rewarded", "reward_amount": "500.00"}
    )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.reward_amount is None


def test_the_schema_documents_the_ledgers(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = (tmp_path / "s.yml").read_text()
    for path in (
        "/api/v1/subsidies/totals/",
        "/api/v1/publicity/totals/",
        "/api/v1/trainings/totals/",
        "/api/v1/proposals/{id}/advance/",
    ):
        assert path in schema
