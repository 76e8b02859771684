"""factory_boy factories for every model the tests build."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory

from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from parks.structure.choices import FacilityKind, ParkKind, PilotStatus, Role
from parks.structure.models import (
    Facility,
    GridZone,
    Industry,
    Organisation,
    Park,
    Subdistrict,
    User,
)
from reforms.ledgers.choices import ProposalKind, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training

TEST_PASSWORD = "correct-horse-battery"  # noqa: S105


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ("district", "name")

    district = "梁溪区"
    name = factory.Sequence(lambda n: f"测试街道{n}")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"行业{n}")


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    name = factory.Sequence(lambda n: f"测试园区{n}")
    kind = ParkKind.MARKET
    subdistrict = factory.SubFactory(SubdistrictFactory)
    pilot_status = PilotStatus.PILOT
    designation_year = 2021
    address = "无锡市梁溪区"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"成员单位{n}")
    kind = "member_unit"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.OFFICE
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class GridZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridZone

    park = factory.SubFactory(ParkFactory)
    code = factory.Sequence(lambda n: f"G{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}网格")


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    park = factory.SubFactory(ParkFactory)
    kind = FacilityKind.WORKERS_LIBRARY
    name = factory.Sequence(lambda n: f"职工书屋{n}")
    area_m2 = Decimal("30.0")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reforms.Plan"

    title = factory.Sequence(lambda n: f"产改实施方案{n}")
    issuer = factory.SubFactory(OrganisationFactory, kind="district_office")
    year = 2026
    scope = "district"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reforms.Task"

    code = factory.Sequence(lambda n: f"T-{n:03d}")
    plan = factory.SubFactory(PlanFactory)
    category = "care"
    title = factory.Sequence(lambda n: f"产改任务{n}")
    lead_unit = factory.SubFactory(OrganisationFactory)
    start_date = factory.LazyFunction(lambda: date(2026, 1, 1))
    due_date = factory.LazyFunction(lambda: date(2026, 12, 31))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reforms.Milestone"

    task = factory.SubFactory(TaskFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"节点{n}")
    due_date = factory.LazyFunction(lambda: date(2026, 6, 30))


class GrievanceFactory(factory.django.DjangoModelFactory):
    """A grievance received at a fixed moment with a 24-hour / 15-day limit, status received."""

    class Meta:
        model = "grievances.Grievance"
        # The follow-up calls are rows of their own: the grievance needs no second save.
        skip_postgeneration_save = True

    park = factory.SubFactory(ParkFactory)
    channel = "gm_mailbox"
    category = "wages"
    title = factory.Sequence(lambda n: f"职工诉求{n}")
    description = "拖欠工资两个月。"
    complainant_name = "张三丰"
    complainant_phone = "13812345678"
    received_at = factory.LazyFunction(lambda: datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    response_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(hours=24))
    resolution_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=15))

    @factory.post_generation
    def follow_ups(grievance, create, extracted, **kwargs):
        """A grievance made with a satisfaction had one follow-up call that said so, as the
        workflow records it; `follow_ups=[...]` gives its calls' answers instead, in order."""
        if not create:
            return
        answers = extracted if extracted is not None else [grievance.satisfaction]
        record_follow_ups(grievance, [answer for answer in answers if answer])


def record_follow_ups(grievance, answers):
    """The grievance's follow-up calls, one per answer, dated one day apart after its reply."""
    from grievances.models import FollowUp

    start = grievance.resolved_at or grievance.received_at
    FollowUp.objects.bulk_create(
        FollowUp(
            grievance=grievance,
            number=number,
            at=start + timedelta(days=number),
            satisfaction=answer,
        )
        for number, answer in enumerate(answers, start=1)
    )


class SurveyCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "grievances.SurveyCampaign"

    park = factory.SubFactory(ParkFactory)
    title = "经营户满意度调查"
    held_on = factory.LazyFunction(lambda: date(2026, 5, 20))
    handed_out = 900
    returned = 600


# --- The grid log and the ledgers ---------------------------------------------------------------


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    grid_zone = factory.SubFactory(GridZoneFactory)
    park = factory.LazyAttribute(lambda a: a.grid_zone.park if a.grid_zone else ParkFactory())
    kind = ActivityKind.VISIT
    occurred_at = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)
    title = factory.Sequence(lambda n: f"网格走访{n}")
    participants = 5
    logged_by = factory.SubFactory(UserFactory, role=Role.OFFICE)


class CarePaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarePayment

    park = factory.SubFactory(ParkFactory)
    event = factory.Sequence(lambda n: f"夏季送清凉{n}")
    paid_on = date(2026, 6, 10)
    recipients = 10
    amount = Decimal("10000.00")
    recorded_by = factory.SubFactory(UserFactory, role=Role.OFFICE)


class PublicityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publicity

    park = factory.SubFactory(ParkFactory)
    channel = PublicityChannel.ONLINE_PLATFORM
    outlet = "无锡观察"
    title = factory.Sequence(lambda n: f"园区产改报道{n}")
    published_on = date(2026, 6, 12)
    recorded_by = factory.SubFactory(UserFactory, role=Role.OFFICE)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    park = factory.SubFactory(ParkFactory)
    course = factory.Sequence(lambda n: f"电工技能培训{n}")
    provider = "无锡技师学院"
    started_on = date(2026, 6, 15)
    hours = Decimal("16.0")
    trainees = 30
    certificates = 25
    recorded_by = factory.SubFactory(UserFactory, role=Role.OFFICE)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    park = factory.SubFactory(ParkFactory)
    kind = ProposalKind.RATIONALISATION
    title = factory.Sequence(lambda n: f"冷库节能改造建议{n}")
    submitter = "王师傅"
    submitted_on = date(2026, 6, 5)
    recorded_by = factory.SubFactory(UserFactory, role=Role.OFFICE)
