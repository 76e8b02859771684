"""The grievance demo: policies, the 盛阳 survey and grievances in every state, loaded once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grievances import demo
from grievances.choices import Category, Channel, Status
from grievances.models import (
    Grievance,
    GrievanceEvent,
    Mediation,
    MediationSession,
    SurveyCampaign,
    TimeLimitPolicy,
)
from grievances.selectors import rates, rates_by, survey_funnel, with_deadline_flags
from parks.management.commands.load_demo import HUAXIA, SHENGYANG
from parks.notices.models import Notification
from parks.structure.models import User
from tests.demo_signal import demo_without

pytestmark = pytest.mark.django_db

MODELS = [
    TimeLimitPolicy,
    SurveyCampaign,
    Grievance,
    GrievanceEvent,
    Mediation,
    MediationSession,
    Notification,
]


def load_demo():
    """`manage.py load_demo` without the reform tasks, which grievances do not need."""
    out = StringIO()
    with demo_without("reforms_demo"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for this module (it takes seconds) and rolled back after.

    Each test runs inside its own savepoint on top, so what one test changes the next does
    not see.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def test_it_loads_once_and_a_second_run_changes_nothing(loaded):
    before = counts()
    statuses = dict(Grievance.objects.values_list("tracking_code", "status"))
    events = list(GrievanceEvent.objects.order_by("pk").values_list("pk", "at"))

    output = load_demo()

    assert counts() == before
    assert dict(Grievance.objects.values_list("tracking_code", "status")) == statuses
    assert list(GrievanceEvent.objects.order_by("pk").values_list("pk", "at")) == events
    assert "grievances 0 created" in output


def test_every_category_has_a_time_limit_policy(loaded):
    assert set(TimeLimitPolicy.objects.values_list("category", flat=True)) == set(Category.values)
    safety = TimeLimitPolicy.objects.get(category=Category.SAFETY)
    assert (safety.respond_within_hours, safety.resolve_within_days) == (4, 3)


def test_a_policy_the_office_changed_is_left_alone(loaded):
    TimeLimitPolicy.objects.filter(category=Category.WAGES).update(respond_within_hours=12)
    load_demo()
    assert TimeLimitPolicy.objects.get(category=Category.WAGES).respond_within_hours == 12


def test_the_shengyang_survey_keeps_the_reports_proportions(loaded):
    survey = SurveyCampaign.objects.get()
    assert survey.park.name == SHENGYANG
    assert survey.handed_out == 900 and survey.returned > 600
    funnel = survey_funnel(surveys=SurveyCampaign.objects.all(), grievances=Grievance.objects.all())
    assert funnel["opinions"] == 12
    # The report: 47 of 60+ opinions rectified, about three in four.
    assert 0.7 <= funnel["rectified"] / funnel["opinions"] <= 0.8
    assert set(survey.opinions.values_list("category", flat=True)) == {Category.OPINION}


def test_the_grievances_reach_every_state_through_the_workflow(loaded):
    statuses = set(Grievance.objects.values_list("status", flat=True))
    assert {
        Status.RECEIVED,
        Status.ASSIGNED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.REPLIED,
        Status.FOLLOWED_UP,
        Status.CLOSED,
        Status.WITHDRAWN,
    } <= statuses
    # Every state was reached by steps on the timeline, not written directly.
    closed = Grievance.objects.filter(status=Status.CLOSED).first()
    assert list(closed.events.values_list("action", flat=True))[-1] == "close"
    assert GrievanceEvent.objects.filter(action="return").exists()
    reopened = Grievance.objects.get(events__action="reopen")
    assert reopened.status == Status.IN_PROGRESS and reopened.satisfaction == ""


def test_the_seed_reports_kinds_are_there(loaded):
    shengyang = Grievance.objects.filter(park__name=SHENGYANG).exclude(channel=Channel.SURVEY)
    assert shengyang.filter(category=Category.INJURY_SUBSIDY).count() == 3
    assert shengyang.filter(category=Category.ILLNESS).count() == 2
    disputes = [Category.LABOUR_DISPUTE, Category.LIFE_DISPUTE]
    assert shengyang.filter(category__in=disputes).count() == 7
    huaxia = Grievance.objects.filter(park__name=HUAXIA)
    assert huaxia.filter(channel=Channel.GM_MAILBOX).exists()
    assert huaxia.filter(channel=Channel.FORUM).exists()
    assert Grievance.objects.filter(grid_zone__isnull=False).count() > 20


def test_flags_include_breached_and_due_soon(loaded):
    flags = set(
        with_deadline_flags(Grievance.objects.all()).values_list("deadline_flag", flat=True)
    )
    assert {"breached", "due_soon", "done", "ok"} <= flags


def test_one_mediation_reached_an_agreement_with_an_amount(loaded):
    agreed = Mediation.objects.get(outcome="agreement")
    assert agreed.amount_agreed > 0
    assert agreed.sessions.count() == 1
    assert agreed.concluded_on >= agreed.applied_on
    assert Mediation.objects.filter(outcome="").exists()  # one still under way


def test_the_rates_are_filled_in_and_spread_over_months(loaded):
    overall = rates(Grievance.objects.all())
    for name in ("response_rate", "resolution_rate", "satisfaction_rate"):
        assert overall[name] is not None and 0 < overall[name] <= 100
    assert overall["response_rate"] < 100  # one unit was late
    assert overall["satisfaction_rate"] < 100  # one worker was not satisfied
    assert len(rates_by(Grievance.objects.all(), "month")) >= 3
    assert len(rates_by(Grievance.objects.all(), "unit")) >= 4


def test_steps_are_dated_in_order_after_receipt_and_not_in_the_future(loaded):
    for grievance in Grievance.objects.prefetch_related("events"):
        times = [event.at for event in grievance.events.all()]
        assert times[0] == grievance.received_at
        assert times == sorted(times)
        if grievance.responded_at:
            assert grievance.received_at < grievance.responded_at <= times[-1]
        if grievance.closed_at:
            assert grievance.closed_at == times[-1]


def test_workers_on_the_qr_page_leave_no_logger_and_liaisons_log_their_visits(loaded):
    assert not Grievance.objects.filter(channel=Channel.ONLINE, logged_by__isnull=False).exists()
    visit = Grievance.objects.filter(channel=Channel.LIAISON_VISIT).first()
    assert visit.logged_by == visit.grid_zone.liaison


def test_the_units_hear_of_their_assignments_and_the_last_days_are_unread(loaded):
    """The demo's steps announce through the services: 区总工会's staff were told of each
    grievance assigned to them, dated with the step; what is older than a few days was read."""
    union = User.objects.get(username="member_unit")
    assigned = Grievance.objects.filter(handling_unit=union.organisation).count()
    # The demo speaks the portal's language: "Assigned to 区总工会: …".
    heard = Notification.objects.filter(recipient=union, title__startswith="已派单至区总工会")
    assert assigned >= 3 and heard.count() == assigned
    unread = heard.filter(read_at=None)
    assert unread.exists()
    now = timezone.now()
    recent = now - timedelta(days=demo.DEMO_UNREAD_DAYS)
    assert all(recent <= notice.created_at < now for notice in unread)
    assert all(notice.created_at < recent for notice in heard.exclude(read_at=None))
    # Who logged a grievance hears its reply; the office hears that a follow-up call is due.
    assert Notification.objects.filter(title__startswith="已答复：").exists()  # "Replied: "
    assert Notification.objects.filter(
        recipient__username="office",
        title__startswith="待回访：",  # "Follow-up call due: "
    ).exists()


def test_its_cost_is_the_workflow_steps_it_takes(loaded):
    """Each step goes through the services, which validate the row (~40 queries on
    PostgreSQL); dating the steps back adds a fixed few queries per grievance, none per step."""
    office = User.objects.get(username="office")
    Mediation.objects.all().delete()
    Grievance.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        demo.load_grievance_demo(None, office=office, stdout=StringIO())
    assert Grievance.objects.count() == len(demo.GRIEVANCES) + len(demo.SURVEY_GRIEVANCES)
    assert len(queries.captured_queries) < 60 * GrievanceEvent.objects.count()
