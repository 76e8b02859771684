"""The demo's assessment (考核), loaded by `manage.py load_demo` (through parks.signals): this
year's three schemes in force — member units, subdistricts, parks — with weights and bonus and
deduction items a district office would use, and last month's scores computed and published.

Written through the services, as the office would. Schemes already there for a year are left
alone, so a second run changes nothing. The scores are computed once the whole demo is committed
(transaction.on_commit): the grievance demo loads after this app's, and last month's figures
need its cases. A period already scored is left as it is (services.compute_period).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from reforms.assessment import services
from reforms.assessment.choices import ItemKind, SchemeStatus, SubjectKind
from reforms.assessment.models import Scheme, SchemeIndicator, SchemeItem
from reforms.reporting.periods import last_complete_period

# (indicator, weight, full marks at, no points at)
UNIT_INDICATORS = [
    ("task_on_time", 30, 100, 60),
    ("milestone_on_time", 15, 100, 60),
    ("response_rate", 15, 100, 80),
    ("resolution_rate", 15, 100, 70),
    ("satisfaction_rate", 15, 100, 70),
    ("orders_on_time", 10, 100, 50),
]
SUBDISTRICT_INDICATORS = [
    ("task_on_time", 30, 100, 60),
    ("response_rate", 15, 100, 80),
    ("resolution_rate", 15, 100, 70),
    ("satisfaction_rate", 15, 100, 70),
    ("orders_on_time", 10, 100, 50),
    ("coverage", 15, 100, 50),
]
PARK_INDICATORS = [
    ("task_on_time", 20, 100, 60),
    ("response_rate", 15, 100, 80),
    ("resolution_rate", 15, 100, 70),
    ("satisfaction_rate", 15, 100, 70),
    ("on_time_resolution_rate", 10, 100, 60),
    ("return_rate", 5, 0, 20),
    ("reopen_rate", 5, 0, 20),
    ("coverage", 15, 100, 50),
]
# (kind, name, points)
ITEMS = [
    (ItemKind.BONUS, "经验做法被市级以上推广", 2),
    (ItemKind.BONUS, "工作信息被区级以上采用", 1),
    (ItemKind.DEDUCTION, "诉求被投诉升级", 5),
    (ItemKind.DEDUCTION, "督办事项逾期未反馈", 2),
]
SCHEMES = [
    (SubjectKind.UNIT, "成员单位产改工作考核方案", UNIT_INDICATORS),
    (SubjectKind.SUBDISTRICT, "街道产改工作考核方案", SUBDISTRICT_INDICATORS),
    (SubjectKind.PARK, "园区产改工作考核方案", PARK_INDICATORS),
]


def _rows(indicators):
    return [
        SchemeIndicator(
            indicator=key,
            weight=Decimal(weight),
            full_at=Decimal(full_at),
            zero_at=Decimal(zero_at),
        )
        for key, weight, full_at, zero_at in indicators
    ]


def _items():
    return [
        SchemeItem(kind=kind, name=name, points=Decimal(points)) for kind, name, points in ITEMS
    ]


def load_schemes(*, office, year: int) -> int:
    """The year's three schemes, in force; those of a kind that already has one are left."""
    existing = set(Scheme.objects.filter(year=year).values_list("subject_kind", flat=True))
    made = 0
    for kind, name, indicators in SCHEMES:
        if kind in existing:
            continue
        scheme = services.save_scheme(
            Scheme(
                year=year,
                subject_kind=kind,
                name=f"{year}年{name}",
                # The demo scores two parks and a couple of units: one each end.
                red_list_size=1,
                black_list_size=1,
            ),
            _rows(indicators),
            _items(),
            by=office,
        )
        services.activate_scheme(scheme, by=office)
        made += 1
    return made


def score_last_month(*, office) -> int:
    """Last month scored with every scheme in force for its year, and published."""
    start, _end = last_complete_period("month", timezone.localdate())
    scored = 0
    for scheme in Scheme.objects.filter(year=start.year, status=SchemeStatus.ACTIVE):
        scored += len(services.compute_period(scheme, "month", start, by=office))
        services.publish_period(scheme, "month", start, by=office)
    return scored


def load_assessment_demo(sender, *, office, stdout, **kwargs):
    today = timezone.localdate()
    last_month = last_complete_period("month", today)[0]
    # In January last month is last year's: its schemes are needed to score it.
    made = sum(load_schemes(office=office, year=year) for year in {today.year, last_month.year})
    stdout.write(f"  Assessment demo   schemes {made} created; last month scored on commit")
    transaction.on_commit(lambda: score_last_month(office=office))
