"""The reform ledgers' writes: who records where, and values refused on their field."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parks.structure.choices import Role
from reforms.ledgers import services
from reforms.ledgers.choices import PublicityChannel
from reforms.ledgers.models import CarePayment, Publicity, Training
from tests.factories import CarePaymentFactory, UserFactory
from tests.reforms import ledger_services_helpers as shared
from tests.reforms.ledger_services_helpers import TODAY, proposal

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
other_manager = shared.other_manager


pytestmark = pytest.mark.django_db


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
