"""A district's worth of data for the report benchmark, loaded in seconds.

The few structural rows (subdistricts, parks, grid zones, units, people, a plan) go through the
ORM; the bulk — a million grid-log entries, a hundred thousand grievances, the tasks, surveys and
ledgers — is made by PostgreSQL itself with INSERT … SELECT over generate_series, so nothing
crosses the wire row by row. Every row is spread evenly over `days` days from `first_day`, and
every row satisfies the models' check constraints (status-dependent fields included).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from grievances.models import Grievance, SurveyCampaign
from parks.gridlog.choices import ActivityKind
from parks.gridlog.models import Activity
from parks.structure.choices import Role
from parks.structure.models import GridZone, Organisation, Park, Subdistrict, User
from reforms.ledgers.choices import ProposalKind, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.tasks.models import Plan, Task

# Tables this module fills, emptied again by `unload` (children before parents).
BULK_MODELS = (
    CarePayment,
    Publicity,
    Training,
    Proposal,
    Grievance,
    SurveyCampaign,
    Activity,
    Task,
)


@dataclass
class Sizes:
    parks: int = 50
    zones_per_park: int = 10
    subdistricts: int = 5
    units: int = 20
    activities: int = 1_000_000
    grievances: int = 100_000
    tasks: int = 5_000
    surveys: int = 400
    care_payments: int = 5_000
    publicity: int = 10_000
    trainings: int = 2_000
    proposals: int = 5_000
    # Zones that never log anything, so coverage is not trivially 100 %.
    idle_zones: int = 20


@dataclass
class Loaded:
    subdistricts: list[Subdistrict]
    parks: list[Park]
    zones: list[GridZone]
    office: User


def load(*, first_day: date, days: int, sizes: Sizes | None = None) -> Loaded:
    """Load the data set; returns the structural rows for building reports on it."""
    sizes = sizes or Sizes()
    subdistricts = Subdistrict.objects.bulk_create(
        Subdistrict(district="梁溪区", name=f"基准街道{n}") for n in range(sizes.subdistricts)
    )
    parks = Park.objects.bulk_create(
        Park(
            name=f"基准园区{n:03d}",
            kind="market",
            subdistrict=subdistricts[n % sizes.subdistricts],
            pilot_status="pilot",
            designation_year=2021,
        )
        for n in range(sizes.parks)
    )
    zones = GridZone.objects.bulk_create(
        GridZone(park=park, code=f"G{z:02d}", name=f"{park.name}网格{z}")
        for park in parks
        for z in range(sizes.zones_per_park)
    )
    units = Organisation.objects.bulk_create(
        Organisation(name=f"基准成员单位{n}", kind="member_unit") for n in range(sizes.units)
    )
    office = User.objects.create(username="bench-office", role=Role.OFFICE)
    plan = Plan.objects.create(
        title="基准实施方案", year=first_day.year, scope="district", issuer=units[0]
    )

    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(first_day, time.min, tzinfo=zone)
    span = timedelta(days=days).total_seconds()
    active_zones = zones[: len(zones) - sizes.idle_zones]
    params = {
        "start": start,
        "first_day": first_day,
        "days": days,
        "span": span,
        "parks": [park.pk for park in parks],
        "zones": [z.pk for z in active_zones],
        "zone_parks": [z.park_id for z in active_zones],
        "units": [unit.pk for unit in units],
        "kinds": list(ActivityKind.values),
        "channels": list(PublicityChannel.values),
        "office": office.pk,
        "plan": plan.pk,
    }
    with _bulk_load(Activity, Grievance) as cursor:
        _activities(cursor, sizes.activities, params)
        _grievances(cursor, sizes.grievances, params)
        _tasks(cursor, sizes.tasks, params)
        _surveys(cursor, sizes.surveys, params)
        _ledgers(cursor, sizes, params)
    analyze()
    return Loaded(subdistricts=subdistricts, parks=parks, zones=zones, office=office)


@contextmanager
def _bulk_load(*models) -> Iterator:
    """One transaction in which the big tables' secondary indexes and foreign keys are dropped
    for the load and made again after it, as pg_restore does: building an index over a million
    rows at once, and checking a foreign key with one join, is many times quicker than updating
    seven indexes and firing three triggers per row. Constraint-backed indexes (primary key,
    unique) stay. Should the load fail, the transaction takes everything back."""
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to sort a million index entries in memory.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = ANY(%s)
                AND indexname NOT IN (SELECT conname FROM pg_constraint)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        yield cursor
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def analyze() -> None:
    """Fresh statistics (and a visibility map, outside a transaction), as autovacuum would
    leave them on a live database."""
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (*BULK_MODELS, GridZone, Park):
            cursor.execute(f"{verb} {model._meta.db_table}")


def unload() -> None:
    """Remove everything `load` made, so later benchmarks start from an empty database."""
    tables = ", ".join(model._meta.db_table for model in BULK_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")
    Plan.objects.filter(title="基准实施方案").delete()
    User.objects.filter(username="bench-office").delete()
    GridZone.objects.filter(park__name__startswith="基准园区").delete()
    Park.objects.filter(name__startswith="基准园区").delete()
    Organisation.objects.filter(name__startswith="基准成员单位").delete()
    Subdistrict.objects.filter(name__startswith="基准街道").delete()


# The SQL below binds every value; n runs over generate_series, and `at` (or `on`) spreads row
# n of `total` evenly over the period. PARK / UNIT / KIND / CHANNEL pick an element of a bound
# array by a number (SQL arrays count from 1).
AT = "%(start)s::timestamptz + (n::float8 / %(total)s * %(span)s) * interval '1 second'"
ON = "%(first_day)s::date + (n::bigint * %(days)s / %(total)s)::int"
PARK = "(%(parks)s::bigint[])[1 + mod({}, cardinality(%(parks)s::bigint[]))]"
UNIT = "(%(units)s::bigint[])[1 + mod({}, cardinality(%(units)s::bigint[]))]"
KIND = "(%(kinds)s::text[])[1 + mod({}, cardinality(%(kinds)s::text[]))]"
CHANNEL = "(%(channels)s::text[])[1 + mod({}, cardinality(%(channels)s::text[]))]"


def _insert(cursor, model, columns: str, select: str, params: dict, total: int) -> None:
    """INSERT INTO the model's table (columns) SELECT … FROM generate_series(0, total - 1) n."""
    sql = (
        f"INSERT INTO {model._meta.db_table} ({columns}) {select}"  # noqa: S608 names from models
        " FROM generate_series(0, %(total)s - 1) AS n"
    )
    cursor.execute(sql.replace("{AT}", AT).replace("{ON}", ON), {**params, "total": total})


def _activities(cursor, total: int, params: dict) -> None:
    # One in ten is park-wide; the rest go to the zones that log, spread by a multiplicative hash
    # so neighbouring rows land in different zones and parks.
    zone = "1 + mod(n::bigint * 7919, cardinality(%(zones)s::bigint[]))"
    _insert(
        cursor,
        Activity,
        "park_id, grid_zone_id, kind, occurred_at, place, title, description, participants,"
        " organisers, logged_by_id, created_at, updated_at",
        f"""
        SELECT (%(zone_parks)s::bigint[])[{zone}],
            CASE WHEN mod(n, 10) = 0 THEN NULL ELSE (%(zones)s::bigint[])[{zone}] END,
            {KIND.format("n / 7")}, {{AT}}, '', '走访' || n, '', mod(n, 50), '', %(office)s,
            {{AT}}, {{AT}}
        """,
        params,
        total,
    )


def _grievances(cursor, total: int, params: dict) -> None:
    # Status by n mod 10: 0–1 received (no unit yet), 2 withdrawn, 3–4 replied, 5–8 closed
    # with a satisfaction level, 9 in progress. Responses take n mod 48 hours against a 24-hour
    # limit; resolutions n mod 20 days against 15.
    _insert(
        cursor,
        Grievance,
        "tracking_code, park_id, channel, category, title, description, complainant_name,"
        " complainant_phone, complainant_employer, status, received_at, response_due_at,"
        " resolution_due_at, responded_at, resolved_at, closed_at, satisfaction, rectified,"
        " reply, updated_at, handling_unit_id, sms_consent",
        f"""
        SELECT 'BN' || lpad(n::text, 8, '0'), {PARK.format("n * 31")},
            (ARRAY['survey', 'gm_mailbox', 'forum', 'liaison_visit', 'hotline'])[1 + mod(n, 5)],
            (ARRAY['wages', 'labour_dispute', 'opinion', 'illness'])[1 + mod(n, 4)],
            '诉求' || n, '说明', '', '', '',
            CASE
                WHEN mod(n, 10) < 2 THEN 'received'
                WHEN mod(n, 10) = 2 THEN 'withdrawn'
                WHEN mod(n, 10) < 5 THEN 'replied'
                WHEN mod(n, 10) < 9 THEN 'closed'
                ELSE 'in_progress'
            END,
            {{AT}}, {{AT}} + interval '24 hours', {{AT}} + interval '15 days',
            CASE WHEN mod(n, 10) >= 3 THEN {{AT}} + mod(n, 48) * interval '1 hour' END,
            CASE WHEN mod(n, 10) BETWEEN 3 AND 8 THEN {{AT}} + mod(n, 20) * interval '1 day' END,
            CASE WHEN mod(n, 10) BETWEEN 5 AND 8 THEN {{AT}} + interval '21 days' END,
            CASE WHEN mod(n, 10) BETWEEN 5 AND 8
                THEN (ARRAY['satisfied', 'basically_satisfied', 'unsatisfied'])[1 + mod(n, 3)]
                ELSE '' END,
            mod(n, 4) = 0, '', {{AT}},
            CASE WHEN mod(n, 10) >= 3 THEN {UNIT.format("n")} END, false
        """,
        params,
        total,
    )


def _tasks(cursor, total: int, params: dict) -> None:
    # Status by n mod 5: planned, in progress, done (a third early, a third on the day, a third
    # late), suspended, cancelled. One in ten is district-wide (no park).
    start_on = "(%(first_day)s::date + mod(n * 7, %(days)s))"
    due_on = f"({start_on} + 30 + mod(n, 300))"
    _insert(
        cursor,
        Task,
        "code, plan_id, park_id, category, title, description, lead_unit_id, start_date,"
        " due_date, weight, status, progress, done_on, created_at, updated_at",
        f"""
        SELECT 'BT-' || n, %(plan)s,
            CASE WHEN mod(n, 10) = 0 THEN NULL ELSE {PARK.format("n")} END,
            'care', '任务' || n, '', {UNIT.format("n / 3")}, {start_on}, {due_on}, 1,
            (ARRAY['planned', 'in_progress', 'done', 'suspended', 'cancelled'])[1 + mod(n, 5)],
            CASE WHEN mod(n, 5) = 2 THEN 100 ELSE mod(n, 100) END,
            CASE WHEN mod(n, 5) = 2 THEN {due_on} + (mod(n, 3) - 1) * 10 END,
            now(), now()
        """,
        params,
        total,
    )


def _surveys(cursor, total: int, params: dict) -> None:
    _insert(
        cursor,
        SurveyCampaign,
        "park_id, title, held_on, handed_out, returned",
        f"SELECT {PARK.format('n')}, '满意度调查' || n, {{ON}}, 100 + mod(n, 50), 60 + mod(n, 40)",
        params,
        total,
    )


def _ledgers(cursor, sizes: Sizes, params: dict) -> None:
    _insert(
        cursor,
        CarePayment,
        "park_id, event, paid_on, recipients, amount, reason, funding_source, recorded_by_id,"
        " created_at, updated_at",
        f"""
        SELECT {PARK.format("n")}, '送清凉' || n, {{ON}}, 1 + mod(n, 20),
            1000 * (1 + mod(n, 20)), '', '', %(office)s, now(), now()
        """,
        params,
        sizes.care_payments,
    )
    _insert(
        cursor,
        Publicity,
        "park_id, channel, outlet, title, published_on, link, recorded_by_id, created_at,"
        " updated_at",
        f"""
        SELECT CASE WHEN mod(n, 10) = 0 THEN NULL ELSE {PARK.format("n")} END,
            {CHANNEL.format("n")}, '无锡观察', '报道' || n, {{ON}}, '', %(office)s, now(), now()
        """,
        params,
        sizes.publicity,
    )
    _insert(
        cursor,
        Training,
        "park_id, course, provider, started_on, hours, trainees, certificates, recorded_by_id,"
        " created_at, updated_at",
        f"""
        SELECT {PARK.format("n")}, '技能培训' || n, '技师学院', {{ON}}, 4 + mod(n, 20),
            10 + mod(n, 30), mod(n, 10), %(office)s, now(), now()
        """,
        params,
        sizes.trainings,
    )
    _insert(
        cursor,
        Proposal,
        "park_id, kind, title, submitter, submitter_employer, description, submitted_on,"
        " status, benefit, benefit_amount, recorded_by_id, created_at, updated_at",
        f"""
        SELECT {PARK.format("n")},
            CASE WHEN mod(n, 3) = 0 THEN %(innovation)s ELSE %(rationalisation)s END,
            '建议' || n, '王师傅', '', '', {{ON}},
            (ARRAY['submitted', 'evaluated', 'adopted', 'not_adopted'])[1 + mod(n, 4)], '',
            CASE WHEN mod(n, 4) = 2 THEN 500 * (1 + mod(n, 10)) END,
            %(office)s, now(), now()
        """,
        {
            **params,
            "innovation": ProposalKind.INNOVATION.value,
            "rationalisation": ProposalKind.RATIONALISATION.value,
        },
        sizes.proposals,
    )
