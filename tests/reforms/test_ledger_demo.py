"""The demo grid log and ledgers: loaded once, the source document's figures, nothing dated in
the future, and zones left idle on purpose for the coverage view."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from parks.gridlog.choices import ActivityKind
from parks.gridlog.demo import IDLE_FROM, WITH_PHOTOS, care_window, spread
from parks.gridlog.models import Activity, ActivityPhoto
from parks.gridlog.selectors import idle_grid_zones, week_start
from parks.management.commands.load_demo import HUAXIA, SHENGYANG
from parks.structure.models import GridZone
from reforms.ledgers.choices import ProposalStatus, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.ledgers.selectors import ledger_in_period, ledger_totals
from tests.demo_signal import demo_without

pytestmark = pytest.mark.django_db

MODELS = [Activity, ActivityPhoto, CarePayment, Publicity, Training, Proposal]


def load_demo():
    """`manage.py load_demo` without the grievances, which the ledgers do not need."""
    out = StringIO()
    with demo_without("grievances_demo"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module and rolled back after; each test runs in its own
    savepoint on top."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def test_a_second_run_adds_nothing(loaded):
    before = counts()
    stamps = list(CarePayment.objects.order_by("pk").values_list("pk", "updated_at"))
    output = load_demo()
    assert counts() == before
    assert list(CarePayment.objects.order_by("pk").values_list("pk", "updated_at")) == stamps
    assert "activities 0 created" in output
    assert "care 0 created, publicity 0 created, training 0 created, proposals 0 created" in output


def test_shengyang_had_23_care_activities_in_the_year_each_in_the_care_ledger(loaded):
    start, end = care_window(timezone.localdate())
    care = ledger_in_period(CarePayment.objects.filter(park__name=SHENGYANG), start=start, end=end)
    assert ledger_totals(care)["entries"] == 23
    logged = Activity.objects.filter(park__name=SHENGYANG, kind=ActivityKind.CARE)
    assert logged.count() == 23
    assert set(care.values_list("activity", flat=True)) == set(logged.values_list("pk", flat=True))


def test_the_special_subsidy_paid_42_people_42000_yuan(loaded):
    subsidy = CarePayment.objects.filter(park__name=SHENGYANG, reason__contains="特殊补贴")
    totals = ledger_totals(subsidy)
    assert (totals["recipients"], totals["amount"]) == (42, Decimal("42000.00"))


def test_shengyang_publicity_is_counted_by_channel_as_in_the_source(loaded):
    by_channel = dict(
        Publicity.objects.filter(park__name=SHENGYANG)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert by_channel == {
        PublicityChannel.ONLINE_PLATFORM: 90,
        PublicityChannel.PRINT: 70,
        PublicityChannel.TV: 33,
        PublicityChannel.GOVERNMENT_WEBSITE: 41,
    }
    # 近两年: last year and this one.
    first = Publicity.objects.filter(park__name=SHENGYANG).order_by("published_on").first()
    assert first.published_on.year == timezone.localdate().year - 1
    assert Publicity.objects.filter(park__isnull=True).exists()  # the office's own


def test_training_happens_at_the_technician_colleges_base(loaded):
    for park in (SHENGYANG, HUAXIA):
        trainings = Training.objects.filter(park__name=park)
        assert trainings.filter(provider__contains="技师学院").count() >= 4
        assert (
            trainings.aggregate(n=Sum("trainees"))["n"]
            >= trainings.aggregate(n=Sum("certificates"))["n"]
        )


def test_there_are_several_proposals_in_every_status_with_benefits_and_rewards(loaded):
    by_status = dict(Proposal.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert set(by_status) == set(ProposalStatus.values)
    assert all(n >= 2 for n in by_status.values())
    rewarded = Proposal.objects.filter(status=ProposalStatus.REWARDED)
    assert all(p.reward_amount and p.benefit_amount and p.benefit for p in rewarded)
    assert not Proposal.objects.exclude(status=ProposalStatus.REWARDED).filter(
        reward_amount__isnull=False
    )


def test_nothing_is_dated_in_the_future(loaded):
    today, now = timezone.localdate(), timezone.now()
    assert not Activity.objects.filter(occurred_at__gt=now).exists()
    assert not CarePayment.objects.filter(paid_on__gt=today).exists()
    assert not Publicity.objects.filter(published_on__gt=today).exists()
    assert not Training.objects.filter(started_on__gt=today).exists()
    assert not Proposal.objects.filter(submitted_on__gt=today).exists()
    for proposal in Proposal.objects.exclude(status=ProposalStatus.SUBMITTED):
        assert proposal.submitted_on <= proposal.status_changed_on <= today


def test_every_liaison_logged_in_their_own_zone_and_some_zones_are_idle(loaded):
    zones = GridZone.objects.filter(park__name__in=[SHENGYANG, HUAXIA]).select_related("liaison")
    for zone in zones:
        assert zone.activities.filter(logged_by=zone.liaison).exists(), zone
    # A zone's entries are its own liaison's.
    assert not (
        Activity.objects.filter(grid_zone__isnull=False)
        .exclude(logged_by=F("grid_zone__liaison"))
        .exists()
    )
    today = timezone.localdate()
    idle_this_week = {
        (zone.park.name, zone.code)
        for zone in idle_grid_zones(zones=zones, since=week_start(today))
    }
    prefixes = {"sy": SHENGYANG, "hx": HUAXIA}
    assert {(prefixes[p], code) for p, code in IDLE_FROM} <= idle_this_week
    long_idle = idle_grid_zones(zones=zones, since=week_start(today) - timedelta(weeks=4))
    assert {(z.park.name, z.code) for z in long_idle} == {
        (prefixes[p], code) for (p, code), weeks in IDLE_FROM.items() if weeks == 5
    }
    # Twelve weeks of work, about one entry a zone a week.
    first = Activity.objects.filter(grid_zone__isnull=False).order_by("occurred_at").first()
    assert (today - timezone.localdate(first.occurred_at)).days >= 11 * 7


def test_a_few_entries_carry_re_encoded_photos(loaded):
    photos = ActivityPhoto.objects.all()
    assert photos.count() == sum(WITH_PHOTOS.values())
    for photo in photos:
        assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")
        assert photo.original_name.startswith("IMG_")
        assert max(photo.width, photo.height) <= 1600
        with photo.image.open("rb") as image:
            assert image.read(3) == b"\xff\xd8\xff"  # the portal's own JPEG


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (date(2026, 11, 27), date(2026, 1, 1)),
        (date(2026, 3, 2), date(2026, 1, 1)),
        # Early in a year "this year" holds little: the last 365 days instead.
        (date(2026, 3, 1), date(2025, 3, 2)),
        (date(2027, 1, 10), date(2026, 1, 11)),
    ],
)
def test_the_care_window_is_this_year_or_the_last_365_days_early_in_a_year(today, start):
    assert care_window(today) == (start, today)
    days = [spread(start, today, number, 23) for number in range(23)]
    assert days == sorted(days) and start <= days[0] and days[-1] <= today
