"""The reform ledgers' writes and sums: who may record what, what is refused (on its field, never
as a database error), the proposal workflow, and totals equal to figures counted by hand."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.choices import Role
from reforms import services
from reforms.choices import ProposalKind, ProposalStatus, PublicityChannel
from reforms.models import CarePayment, Proposal, Publicity, Training
from reforms.selectors import (
    ledger_by_month,
    ledger_in_period,
    ledger_totals,
    ledger_visible_to,
    user_can_write_ledger,
)
from tests.factories import (
    CarePaymentFactory,
    OrganisationFactory,
    ParkFactory,
    ProposalFactory,
    PublicityFactory,
    SubdistrictFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WUXI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 20)


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(datetime(2026, 6, 20, 12, 0, tzinfo=WUXI), tick=False)


@pytest.fixture
def other_manager(other_park):
    return UserFactory(role=Role.PARK_MANAGER, park=other_park)


def care(park, **fields):
    values = {"event": "夏季送清凉", "paid_on": date(2026, 6, 10), "recipients": 2}
    values["amount"] = Decimal("2000.00")
    return CarePayment(park=park, **{**values, **fields})


def publicity(park, **fields):
    values = {"channel": PublicityChannel.TV, "outlet": "无锡电视台", "title": "园区产改"}
    values["published_on"] = date(2026, 6, 12)
    return Publicity(park=park, **{**values, **fields})


def training(park, **fields):
    values = {"course": "电工技能培训", "provider": "无锡技师学院", "hours": Decimal("16.0")}
    values.update(started_on=date(2026, 6, 15), trainees=30, certificates=25)
    return Training(park=park, **{**values, **fields})


def proposal(park, **fields):
    values = {"kind": ProposalKind.RATIONALISATION, "title": "冷库节能改造", "submitter": "王师傅"}
    values["submitted_on"] = date(2026, 6, 5)
    return Proposal(park=park, **{**values, **fields})


NEW = {"care": care, "publicity": publicity, "training": training, "proposal": proposal}


# --- Who may record -------------------------------------------------------------------------


@pytest.mark.parametrize("ledger", sorted(NEW))
def test_office_staff_record_in_any_park(office_user, other_park, ledger):
    entry = services.ledger_save(entry=NEW[ledger](other_park), actor=office_user)

    assert entry.pk and entry.park == other_park and entry.recorded_by == office_user


@pytest.mark.parametrize("ledger", sorted(NEW))
def test_a_park_manager_records_in_their_park_only(park_manager, park, other_park, ledger):
    entry = services.ledger_save(entry=NEW[ledger](park), actor=park_manager)
    assert entry.recorded_by == park_manager

    with pytest.raises(PermissionDenied):
        services.ledger_save(entry=NEW[ledger](other_park), actor=park_manager)
    assert type(entry).objects.count() == 1


@pytest.mark.parametrize(
    "role", ["liaison", "subdistrict", "member", "observer", "instructor", "inactive_manager"]
)
@pytest.mark.parametrize("ledger", sorted(NEW))
def test_others_record_nothing(role, ledger, park, liaison, subdistrict_user, member_unit_user):
    actor = {
        "liaison": liaison,
        "subdistrict": subdistrict_user,
        "member": member_unit_user,
        "observer": UserFactory(role=Role.OBSERVER),
        "instructor": UserFactory(role=Role.INSTRUCTOR, park=park),
        "inactive_manager": UserFactory(role=Role.PARK_MANAGER, park=park, is_active=False),
    }[role]

    with pytest.raises(PermissionDenied):
        services.ledger_save(entry=NEW[ledger](park), actor=actor)

    assert not type(NEW[ledger](park)).objects.exists()


def test_district_wide_publicity_is_the_offices(office_user, park_manager):
    saved = services.ledger_save(entry=publicity(None), actor=office_user)
    assert saved.park is None

    with pytest.raises(PermissionDenied):
        services.ledger_save(entry=publicity(None), actor=park_manager)
    saved.title = "改标题"
    with pytest.raises(PermissionDenied):
        services.ledger_save(entry=saved, actor=park_manager, fields=["title"])
    with pytest.raises(PermissionDenied):
        services.ledger_delete(entry=saved, actor=park_manager)
    assert Publicity.objects.get().title == "园区产改"


def test_moving_a_row_to_another_park_needs_both_parks(
    park_manager, other_manager, office_user, park, other_park
):
    row = services.ledger_save(entry=care(park), actor=park_manager)

    row.park = other_park
    with pytest.raises(PermissionDenied):  # may write in the old park, not the new one
        services.ledger_save(entry=row, actor=park_manager, fields=["park"])
    with pytest.raises(PermissionDenied):  # may write in the new park, not the old one
        services.ledger_save(entry=row, actor=other_manager, fields=["park"])
    assert CarePayment.objects.get().park == park

    services.ledger_save(entry=row, actor=office_user, fields=["park"])
    assert CarePayment.objects.get().park == other_park


def test_publicity_may_move_between_a_park_and_the_district_by_the_office_only(
    park_manager, office_user, park
):
    row = services.ledger_save(entry=publicity(park), actor=park_manager)

    row.park = None
    with pytest.raises(PermissionDenied):
        services.ledger_save(entry=row, actor=park_manager, fields=["park"])
    services.ledger_save(entry=row, actor=office_user, fields=["park"])

    assert Publicity.objects.get().park is None


@pytest.mark.parametrize("ledger", ["care", "training", "proposal"])
def test_a_row_without_a_park_is_refused_on_the_park(ledger, office_user, park_manager):
    for actor in (office_user, park_manager):
        with pytest.raises(ValidationError) as error:
            services.ledger_save(entry=NEW[ledger](None), actor=actor)
        assert "park" in error.value.message_dict


def test_a_park_manager_deletes_their_parks_rows_only(park_manager, park, other_park):
    mine, theirs = CarePaymentFactory(park=park), CarePaymentFactory(park=other_park)

    services.ledger_delete(entry=mine, actor=park_manager)
    with pytest.raises(PermissionDenied):
        services.ledger_delete(entry=theirs, actor=park_manager)

    assert list(CarePayment.objects.all()) == [theirs]


def test_only_the_given_fields_of_a_correction_are_saved(park_manager, office_user, park):
    row = services.ledger_save(entry=training(park), actor=park_manager)
    stale = Training.objects.get(pk=row.pk)
    row.provider = "无锡交通技师学院"
    services.ledger_save(entry=row, actor=office_user, fields=["provider"])

    stale.hours = Decimal("24.0")
    services.ledger_save(entry=stale, actor=park_manager, fields=["hours"])

    row.refresh_from_db()
    assert (row.provider, row.hours) == ("无锡交通技师学院", Decimal("24.0"))


# --- What is refused, on its field ----------------------------------------------------------


@pytest.mark.parametrize(
    ("ledger", "fields", "field"),
    [
        ("care", {"amount": Decimal("-0.01")}, "amount"),
        ("care", {"recipients": 0}, "recipients"),
        ("care", {"recipients": -1}, "recipients"),
        ("care", {"amount": Decimal("12345678901.00")}, "amount"),
        ("care", {"paid_on": date(1999, 12, 31)}, "paid_on"),
        ("training", {"certificates": 31}, "certificates"),
        ("training", {"hours": Decimal("0")}, "hours"),
        ("training", {"hours": Decimal("-2")}, "hours"),
        ("training", {"hours": Decimal("2000.5")}, "hours"),
        ("training", {"trainees": 0, "certificates": 0}, "trainees"),
        ("publicity", {"channel": "radio"}, "channel"),
        ("publicity", {"link": "javascript:alert(1)"}, "link"),
        ("proposal", {"kind": "complaint"}, "kind"),
        ("proposal", {"reward_amount": Decimal("500.00")}, "reward_amount"),
        ("proposal", {"benefit_amount": Decimal("-1.00")}, "benefit_amount"),
    ],
)
def test_bad_values_are_refused_on_their_field(office_user, park, ledger, fields, field):
    with pytest.raises(ValidationError) as error:
        services.ledger_save(entry=NEW[ledger](park, **fields), actor=office_user)

    assert list(error.value.message_dict) == [field], error.value.message_dict
    assert not type(NEW[ledger](park)).objects.exists()


@pytest.mark.parametrize(
    ("ledger", "fields", "field"),
    [
        ("care", {"paid_on": "last Friday"}, "paid_on"),
        ("care", {"amount": "a lot"}, "amount"),
        ("training", {"trainees": "thirty"}, "trainees"),
        ("proposal", {"reward_amount": "some"}, "reward_amount"),
    ],
)
def test_values_of_the_wrong_type_are_refused_on_their_field(
    office_user, park, ledger, fields, field
):
    with pytest.raises(ValidationError) as error:
        services.ledger_save(entry=NEW[ledger](park, **fields), actor=office_user)

    assert field in error.value.message_dict


def test_the_constraint_messages_are_clear(office_user, park):
    with pytest.raises(ValidationError) as care_error:
        services.ledger_save(entry=care(park, recipients=0), actor=office_user)
    with pytest.raises(ValidationError) as training_error:
        services.ledger_save(entry=training(park, certificates=40), actor=office_user)
    with pytest.raises(ValidationError) as reward_error:
        services.ledger_save(entry=proposal(park, reward_amount=100), actor=office_user)

    assert care_error.value.message_dict["recipients"] == ["At least one person is paid."]
    assert training_error.value.message_dict["certificates"] == ["More certificates than trainees."]
    [message] = reward_error.value.message_dict["reward_amount"]
    assert "Constraint" not in message and "rewarded" in message


@pytest.mark.parametrize(
    ("ledger", "field"),
    [
        ("care", "paid_on"),
        ("publicity", "published_on"),
        ("training", "started_on"),
        ("proposal", "submitted_on"),
    ],
)
def test_dates_in_the_future_are_refused_and_today_is_not(office_user, park, ledger, field):
    with pytest.raises(ValidationError) as error:
        services.ledger_save(
            entry=NEW[ledger](park, **{field: date(2026, 6, 21)}), actor=office_user
        )
    assert error.value.message_dict[field] == ["The date cannot be in the future."]

    saved = services.ledger_save(entry=NEW[ledger](park, **{field: TODAY}), actor=office_user)
    assert getattr(saved, field) == TODAY


def test_today_is_wuxis_today_not_utcs(office_user, park, time_machine):
    # 00:30 on 21 June in Wuxi is still 20 June in UTC.
    time_machine.move_to(datetime(2026, 6, 20, 16, 30, tzinfo=UTC), tick=False)

    saved = services.ledger_save(entry=care(park, paid_on=date(2026, 6, 21)), actor=office_user)

    assert saved.paid_on == date(2026, 6, 21)


# --- Proposals: the workflow ----------------------------------------------------------------

# Written out rather than read from PROPOSAL_TRANSITIONS.
PROPOSAL_MOVES = {
    ("submitted", "evaluated"),
    ("evaluated", "adopted"),
    ("evaluated", "not_adopted"),
    ("adopted", "rewarded"),
}


@pytest.mark.parametrize("to_status", ProposalStatus.values)
@pytest.mark.parametrize("from_status", ProposalStatus.values)
def test_proposal_moves_follow_the_workflow(office_user, park, from_status, to_status):
    row = ProposalFactory(park=park, status=from_status)

    if (from_status, to_status) in PROPOSAL_MOVES:
        moved = services.proposal_advance(proposal=row, actor=office_user, to_status=to_status)
        assert moved.status == to_status and moved.status_changed_on == TODAY
    else:
        with pytest.raises(ValidationError):
            services.proposal_advance(proposal=row, actor=office_user, to_status=to_status)
    row.refresh_from_db()
    expected = to_status if (from_status, to_status) in PROPOSAL_MOVES else from_status
    assert row.status == expected


def test_an_unknown_status_is_refused(office_user, park):
    row = ProposalFactory(park=park)

    with pytest.raises(ValidationError) as error:
        services.proposal_advance(proposal=row, actor=office_user, to_status="approved")

    assert "approved" in error.value.messages[0]


def test_a_proposal_is_rewarded_with_its_benefit_and_reward(park_manager, park):
    row = ProposalFactory(park=park, status=ProposalStatus.ADOPTED)

    services.proposal_advance(
        proposal=row,
        actor=park_manager,
        to_status=ProposalStatus.REWARDED,
        benefit="每年节电三万度",
        benefit_amount=Decimal("24000.00"),
        reward_amount=Decimal("2000.00"),
    )

    row.refresh_from_db()
    assert row.status == ProposalStatus.REWARDED
    assert (row.benefit_amount, row.reward_amount) == (Decimal("24000.00"), Decimal("2000.00"))


def test_a_reward_before_the_proposal_is_rewarded_is_refused_on_the_reward(office_user, park):
    row = ProposalFactory(park=park, status=ProposalStatus.EVALUATED)

    with pytest.raises(ValidationError) as error:
        services.proposal_advance(
            proposal=row,
            actor=office_user,
            to_status=ProposalStatus.ADOPTED,
            reward_amount=Decimal("100.00"),
        )

    assert list(error.value.message_dict) == ["reward_amount"]
    row.refresh_from_db()
    assert row.status == ProposalStatus.EVALUATED and row.reward_amount is None


def test_a_negative_reward_is_refused_on_the_reward(office_user, park):
    row = ProposalFactory(park=park, status=ProposalStatus.ADOPTED)

    with pytest.raises(ValidationError) as error:
        services.proposal_advance(
            proposal=row,
            actor=office_user,
            to_status=ProposalStatus.REWARDED,
            reward_amount=Decimal("-1.00"),
        )

    assert list(error.value.message_dict) == ["reward_amount"]


def test_who_may_move_a_proposal(park_manager, other_manager, liaison, park):
    row = ProposalFactory(park=park)

    for actor in (other_manager, liaison):
        with pytest.raises(PermissionDenied):
            services.proposal_advance(proposal=row, actor=actor, to_status=ProposalStatus.EVALUATED)
    services.proposal_advance(proposal=row, actor=park_manager, to_status=ProposalStatus.EVALUATED)

    row.refresh_from_db()
    assert row.status == ProposalStatus.EVALUATED


def test_saving_a_proposal_does_not_set_its_status(office_user, park):
    row = proposal(park)
    row.status = ProposalStatus.REWARDED

    saved = services.ledger_save(entry=row, actor=office_user)

    saved.refresh_from_db()
    assert saved.status == ProposalStatus.SUBMITTED and saved.status_changed_on is None


def test_correcting_a_proposal_keeps_the_status_it_moved_to_meanwhile(office_user, park):
    row = services.ledger_save(entry=proposal(park), actor=office_user)
    stale = Proposal.objects.get(pk=row.pk)
    services.proposal_advance(proposal=row, actor=office_user, to_status=ProposalStatus.EVALUATED)

    stale.title = "冷库节能改造（修订）"
    services.ledger_save(entry=stale, actor=office_user)

    row.refresh_from_db()
    assert row.title == "冷库节能改造（修订）" and row.status == ProposalStatus.EVALUATED
    assert row.status_changed_on == TODAY


def test_a_correction_cannot_move_a_proposal_past_the_workflow(office_user, park):
    row = services.ledger_save(entry=proposal(park), actor=office_user)

    row.status = ProposalStatus.REWARDED
    row.title = "新标题"
    services.ledger_save(entry=row, actor=office_user, fields=["title", "status"])

    row.refresh_from_db()
    assert row.status == ProposalStatus.SUBMITTED


# --- Who sees what --------------------------------------------------------------------------


@pytest.fixture
def rows(park, other_park):
    far_park = ParkFactory(subdistrict=SubdistrictFactory(name="黄巷街道"))
    return {
        "here": CarePaymentFactory(park=park),
        "there": CarePaymentFactory(park=other_park),
        "far": CarePaymentFactory(park=far_park),
        "news_here": PublicityFactory(park=park),
        "news_there": PublicityFactory(park=other_park),
        "news_district": PublicityFactory(park=None),
    }


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("office", {"here", "there", "far", "news_here", "news_there", "news_district"}),
        ("manager", {"here", "news_here", "news_district"}),
        ("liaison", {"here", "news_here", "news_district"}),
        ("instructor", {"here", "news_here", "news_district"}),
        ("subdistrict", {"here", "news_here", "news_district"}),
        ("member", {"here", "there", "far", "news_here", "news_there", "news_district"}),
        ("observer", {"here", "there", "far", "news_here", "news_there", "news_district"}),
        ("park_observer", {"there", "news_there", "news_district"}),
        ("inactive", set()),
        ("anonymous", set()),
    ],
)
def test_ledger_rows_visible_per_role(
    rows,
    role,
    seen,
    park,
    other_park,
    office_user,
    park_manager,
    liaison,
    subdistrict_user,
    member_unit_user,
):
    user = {
        "office": office_user,
        "manager": park_manager,
        "liaison": liaison,
        "instructor": UserFactory(role=Role.INSTRUCTOR, park=park),
        "subdistrict": subdistrict_user,
        "member": member_unit_user,
        "observer": UserFactory(role=Role.OBSERVER),
        "park_observer": UserFactory(role=Role.OBSERVER, park=other_park),
        "inactive": UserFactory(role=Role.OFFICE, is_active=False),
        "anonymous": AnonymousUser(),
    }[role]

    visible = set(ledger_visible_to(CarePayment, user)) | set(ledger_visible_to(Publicity, user))

    assert visible == {rows[name] for name in seen}


def test_who_may_write_a_ledger(park, other_park, office_user, park_manager, liaison):
    assert user_can_write_ledger(office_user, None)
    assert user_can_write_ledger(park_manager, park)
    assert not user_can_write_ledger(park_manager, other_park)
    assert not user_can_write_ledger(park_manager, None)
    assert not user_can_write_ledger(liaison, park)
    assert not user_can_write_ledger(AnonymousUser(), park)


# --- Totals on a known data set -------------------------------------------------------------


@pytest.fixture
def care_ledger(park, other_park):
    """The source document's figures: 23 care payments, 42 people, 42,000 yuan (in park, June),
    plus rows outside the period and the park that must not count."""
    for day in range(1, 20):  # 19 payments of 2 people, 2,000 yuan, 1–19 June
        CarePaymentFactory(
            park=park, paid_on=date(2026, 6, day), recipients=2, amount=Decimal("2000.00")
        )
    for amount in ("1000.50", "999.50", "1000.00", "1000.00"):  # 4 payments of 1 person
        CarePaymentFactory(
            park=park, paid_on=date(2026, 6, 20), recipients=1, amount=Decimal(amount)
        )
    CarePaymentFactory(park=park, paid_on=date(2026, 5, 31), recipients=5, amount=Decimal("5000"))
    CarePaymentFactory(park=other_park, paid_on=date(2026, 6, 10), recipients=3, amount=300)
    return CarePayment.objects.filter(park=park)


def test_care_totals_match_the_source_documents_figures(care_ledger):
    june = ledger_in_period(care_ledger, start=date(2026, 6, 1), end=date(2026, 6, 30))

    assert ledger_totals(june) == {
        "entries": 23,
        "recipients": 42,
        "amount": Decimal("42000.00"),
    }


def test_care_totals_by_month(care_ledger):
    assert ledger_by_month(care_ledger) == [
        {"month": date(2026, 5, 1), "entries": 1, "recipients": 5, "amount": Decimal("5000.00")},
        {"month": date(2026, 6, 1), "entries": 23, "recipients": 42, "amount": Decimal("42000.00")},
    ]


def test_the_period_includes_both_ends(care_ledger):
    assert ledger_totals(ledger_in_period(care_ledger, start=date(2026, 6, 20)))["entries"] == 4
    assert ledger_totals(ledger_in_period(care_ledger, end=date(2026, 5, 31)))["entries"] == 1
    assert ledger_totals(ledger_in_period(care_ledger))["entries"] == 24


def test_empty_totals_are_zero_not_none(park):
    assert ledger_totals(CarePayment.objects.none()) == {
        "entries": 0,
        "recipients": 0,
        "amount": Decimal("0.00"),
    }
    assert ledger_by_month(CarePayment.objects.none()) == []


@pytest.fixture
def publicity_ledger(park, office_user):
    """Online platforms 90, print 70, TV 33, government websites 41 (the source document's)."""
    counts = {
        PublicityChannel.ONLINE_PLATFORM: 90,
        PublicityChannel.PRINT: 70,
        PublicityChannel.TV: 33,
        PublicityChannel.GOVERNMENT_WEBSITE: 41,
    }
    Publicity.objects.bulk_create(
        Publicity(
            # Every third one is the office's own, district-wide.
            park=None if n % 3 == 0 else park,
            channel=channel,
            outlet="媒体",
            title=f"{channel}{n}",
            published_on=date(2026, 5 + n % 2, 1 + n % 28),
            recorded_by=office_user,
        )
        for channel, count in counts.items()
        for n in range(count)
    )
    return ledger_visible_to(Publicity, office_user)


def test_publicity_totals_by_channel(publicity_ledger):
    assert ledger_totals(publicity_ledger) == {
        "entries": 234,
        "online_platform": 90,
        "print": 70,
        "tv": 33,
        "government_website": 41,
        "official_account": 0,
    }


def test_publicity_by_month_adds_up_to_the_totals(publicity_ledger):
    months = ledger_by_month(publicity_ledger)

    assert [row["month"] for row in months] == [date(2026, 5, 1), date(2026, 6, 1)]
    # n even → May: 45 + 35 + 17 + 21 of them.
    assert months[0] == {
        "month": date(2026, 5, 1),
        "entries": 118,
        "online_platform": 45,
        "print": 35,
        "tv": 17,
        "government_website": 21,
        "official_account": 0,
    }
    assert months[1]["entries"] == 116 and months[1]["tv"] == 16


def test_training_totals(park):
    TrainingFactory(park=park, hours=Decimal("16.0"), trainees=30, certificates=25)
    TrainingFactory(park=park, hours=Decimal("7.5"), trainees=12, certificates=0)
    TrainingFactory(park=park, started_on=date(2026, 4, 3), hours=40, trainees=8, certificates=8)

    assert ledger_totals(Training.objects.all()) == {
        "entries": 3,
        "hours": Decimal("63.5"),
        "trainees": 50,
        "certificates": 33,
    }
    assert ledger_by_month(Training.objects.all()) == [
        {
            "month": date(2026, 4, 1),
            "entries": 1,
            "hours": Decimal("40.0"),
            "trainees": 8,
            "certificates": 8,
        },
        {
            "month": date(2026, 6, 1),
            "entries": 2,
            "hours": Decimal("23.5"),
            "trainees": 42,
            "certificates": 25,
        },
    ]


def test_proposal_totals(park):
    ProposalFactory(park=park)
    ProposalFactory(park=park, kind=ProposalKind.INNOVATION, status=ProposalStatus.EVALUATED)
    ProposalFactory(
        park=park,
        kind=ProposalKind.INNOVATION,
        status=ProposalStatus.REWARDED,
        benefit_amount=Decimal("24000.00"),
        reward_amount=Decimal("2000.00"),
    )
    ProposalFactory(
        park=park,
        status=ProposalStatus.ADOPTED,
        submitted_on=date(2026, 5, 2),
        benefit_amount=Decimal("500.50"),
    )
    ProposalFactory(park=park, status=ProposalStatus.NOT_ADOPTED)

    expected_june = {
        "entries": 4,
        "innovations": 2,
        "benefit_amount": Decimal("24000.00"),
        "reward_amount": Decimal("2000.00"),
        "submitted": 1,
        "evaluated": 1,
        "adopted": 0,
        "rewarded": 1,
        "not_adopted": 1,
    }
    assert ledger_totals(Proposal.objects.all()) == {
        **expected_june,
        "entries": 5,
        "benefit_amount": Decimal("24500.50"),
        "adopted": 1,
    }
    may, june = ledger_by_month(Proposal.objects.all())
    assert june == {"month": date(2026, 6, 1), **expected_june}
    assert may["entries"] == 1 and may["adopted"] == 1


@pytest.mark.parametrize("model", [CarePayment, Publicity, Training, Proposal])
def test_totals_and_months_take_one_query_each(model, park):
    rows = ledger_visible_to(model, UserFactory(role=Role.OFFICE))
    {
        CarePayment: CarePaymentFactory,
        Publicity: PublicityFactory,
        Training: TrainingFactory,
        Proposal: ProposalFactory,
    }[model].create_batch(3, park=park)

    with CaptureQueriesContext(connection) as queries:
        ledger_totals(rows)
        ledger_by_month(rows)

    assert len(queries) == 2


def test_a_member_unit_user_without_scope_reads_the_whole_districts_totals(
    park, other_park, member_unit_user
):
    CarePaymentFactory(park=park, recipients=2, amount=Decimal("100"))
    CarePaymentFactory(park=other_park, recipients=3, amount=Decimal("200"))
    scoped = UserFactory(role=Role.MEMBER_UNIT, organisation=OrganisationFactory(), park=other_park)

    assert ledger_totals(ledger_visible_to(CarePayment, member_unit_user))["recipients"] == 5
    assert ledger_totals(ledger_visible_to(CarePayment, scoped))["recipients"] == 3
