"""The cold dashboard's cheaper queries count what the full definitions count: the trend's
rates from only the counts behind them, the backlog over only the grievances that can be open,
no year-ago figures computed, and the same numbers after grievances are edited."""

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from grievances import rates as grievance_rates
from grievances import selectors
from grievances.models import Grievance
from reforms.reporting import spec
from reforms.reporting.contents import SECTIONS
from reforms.reporting.views import dashboard
from tests.factories import ActivityFactory, GrievanceFactory, TaskFactory
from tests.grievances.rates_helpers import Desk, days, hours, local

pytestmark = pytest.mark.django_db

TODAY = local(2026, 6, 10, 10, 0)  # the dashboard's "today": 1–10 June 2026 so far


@pytest.fixture
def desk(time_machine):
    return Desk(time_machine)


def _histories(desk, park):
    """May and June grievances taking every step the trend's rates count."""
    grievances = []
    for month, day in ((5, 4), (5, 20), (6, 2), (6, 3)):
        start = local(2026, month, day, 9, 0)
        late = desk.handled(desk.received(park, start), accepted=hours(30), replied=days(2))
        desk.call(late, start + days(3), "unsatisfied")
        desk.reopen(late, start + days(3) + hours(1))
        desk.reply(late, start + days(4))
        desk.call(late, start + days(5), "satisfied")
        on_time = desk.handled(desk.received(park, start), accepted=hours(2), replied=days(1))
        desk.call(on_time, start + days(2), "basically_satisfied")
        waiting = desk.received(park, start + hours(1))
        grievances += [late, on_time, waiting]
    # Received on the 9th: its deadlines have not passed on the 10th (pending, not late).
    grievances.append(desk.received(park, local(2026, 6, 9, 9, 0)))
    return grievances


def _trend(client):
    cache.clear()
    response = client.get(reverse("reforms:dashboard"))
    assert response.status_code == 200
    return response.context["trend"]


def _raw_trend(months):
    """The trend's grievance columns from every figure's full definition, month by month."""
    by_month = {
        f"{timezone.localtime(row['month']):%Y-%m}": row
        for row in selectors.rates_by(Grievance.objects.all(), "month")
    }
    return {
        **{key: [by_month.get(month, {}).get(key) for month in months] for key in spec.RATES},
        "received": [by_month.get(month, {}).get("received", 0) for month in months],
    }


def _shown(trend):
    return {key: trend[key] for key in (*spec.RATES, "received")}


def test_the_trend_counts_the_full_definitions_after_edits(
    client, office_user, desk, park, time_machine
):
    grievances = _histories(desk, park)
    time_machine.move_to(TODAY)
    client.force_login(office_user)
    trend = _trend(client)
    assert _shown(trend) == _raw_trend(trend["months"])
    june = trend["months"].index("2026-06")
    assert trend["received"][june] == 7
    assert trend["satisfaction_rate"][june] is not None

    # Withdrawn (counts nowhere), reopened and called again, moved to another unit, deleted,
    # and one received back in May: the trend follows every edit.
    late, on_time, waiting = grievances[6:9]
    desk.withdraw(waiting, TODAY - hours(4))
    desk.reopen(on_time, TODAY - hours(3))
    desk.reply(on_time, TODAY - hours(2))
    desk.call(on_time, TODAY - hours(1), "unsatisfied")
    Grievance.objects.filter(pk=on_time.pk).update(handling_unit=desk.unit_b)
    grievances[0].delete()
    Grievance.objects.filter(pk=late.pk).update(received_at=local(2026, 5, 28, 9, 0))
    time_machine.move_to(TODAY)
    after = _trend(client)
    assert _shown(after) == _raw_trend(after["months"])
    assert after["received"][june] == 5
    assert after["satisfaction_rate"][june] != trend["satisfaction_rate"][june]


def test_the_trend_columns_are_the_full_figures_columns(desk, park, time_machine):
    _histories(desk, park)
    now = TODAY
    full = selectors.rates(Grievance.objects.all(), now=now)
    few = grievance_rates.with_rates(
        Grievance.objects.order_by().aggregate(**selectors.rate_counts(now, rates=spec.RATES)),
        spec.RATES,
    )
    # Received, the three rates and the counts behind them, and nothing else.
    assert set(few) == {
        "received",
        *spec.RATES,
        *(grievance_rates.BY_KEY[rate].part for rate in spec.RATES),
        *(grievance_rates.BY_KEY[rate].whole for rate in spec.RATES),
    }
    assert few == {key: full[key] for key in few}


def test_a_scope_without_grievances_has_every_count_at_zero():
    nothing = selectors.no_grievances()
    assert {key: nothing[key] for key in selectors.rate_counts()} == dict.fromkeys(
        selectors.rate_counts(), 0
    )


def test_the_backlog_over_its_candidates_is_the_backlog_over_every_grievance(park):
    first, second = local(2026, 5, 1, 0, 0), local(2026, 6, 1, 0, 0)
    moments = {"first": first, "second": second}
    for resolved in (
        None,
        first - timedelta(seconds=1),  # replied before either moment: open at neither
        first,  # replied at the first moment: still open then
        first + days(3),
        second,
        second + days(1),
    ):
        for received in (first - days(40), first + days(2), second + days(2)):
            GrievanceFactory(
                park=park,
                received_at=received,
                resolved_at=resolved if resolved is None or resolved > received else None,
                resolution_due_at=received + days(15),
            )
    GrievanceFactory(park=park, received_at=first - days(5), status="withdrawn")

    def backlog(grievances, counted_only=False):
        return grievances.order_by().aggregate(
            **{
                f"{name}_{key}": expression
                for name, at in moments.items()
                for key, expression in selectors.backlog_counts(
                    at, counted_only=counted_only
                ).items()
            }
        )

    everything = backlog(Grievance.objects.all())
    candidates = Grievance.objects.filter(selectors.backlog_candidates(moments.values()))
    assert backlog(candidates) == everything
    # The candidates are counted grievances only: the report counts them without asking again.
    assert backlog(candidates, counted_only=True) == everything
    # Received before the first moment and not replied to before it (the withdrawn one aside).
    assert everything["first_open_at_end"] == 5
    assert candidates.count() < Grievance.objects.count()


def _page(client):
    cache.clear()
    response = client.get(reverse("reforms:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    # Each response has its own nonce and CSRF token (the sign-out form).
    return re.sub(r'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', "", html)


def test_the_sections_the_page_counts_show_what_the_whole_report_shows(
    client, office_user, desk, park, other_park, time_machine, monkeypatch
):
    _histories(desk, park)
    ActivityFactory(park=other_park, occurred_at=local(2026, 6, 3, 10, 0))
    TaskFactory(park=park, due_date=date(2026, 6, 5))
    time_machine.move_to(TODAY)
    client.force_login(office_user)
    shown = _page(client)
    monkeypatch.setattr(dashboard, "SECTIONS_SHOWN", SECTIONS)
    assert _page(client) == shown


def _grouped_months(scope, end):
    """The trend's grievance months as one query grouped by TruncMonth (the plain path the
    per-month aggregates replace)."""
    from django.db.models.functions import TruncMonth

    from parks.core.dates import month_start
    from reforms.reporting.periods import as_instants, period_containing

    first = month_start(end, -(dashboard.TREND_MONTHS - 1))
    since, until = as_instants(first, period_containing("month", end)[1])
    rows = (
        selectors.only_counted(
            scope.of(Grievance.objects.filter(received_at__gte=since, received_at__lt=until))
        )
        .order_by()
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(**selectors.rate_counts(rates=spec.RATES, counted_only=True))
    )
    return {
        timezone.localtime(row.pop("month")).date(): selectors.with_rates(row, spec.RATES)
        for row in rows
    }


def test_the_trend_months_are_the_grouped_months_at_every_edge(
    desk, park, other_park, subdistrict, time_machine, fresh_plans
):
    from reforms.reporting.contents import Scope
    from reforms.reporting.models import Report

    _histories(desk, park)
    # Each side of the months' local midnights, the first month's and the year's ends, the
    # instants before and after the twelve months, in two parks; a withdrawn one counts nowhere.
    for moment in (
        local(2025, 7, 1, 0, 0),
        local(2025, 6, 30, 23, 59, 59, 999999),
        local(2026, 3, 1, 0, 0),
        local(2026, 2, 28, 23, 59, 59, 999999),
        local(2026, 6, 30, 23, 59, 59, 999999),
        local(2026, 7, 1, 0, 0),
    ):
        for where in (park, other_park):
            GrievanceFactory(park=where, received_at=moment)
    GrievanceFactory(park=park, received_at=local(2026, 3, 1, 0, 0), status="withdrawn")
    time_machine.move_to(TODAY)
    scopes = (
        {"scope": "district"},
        {"scope": "subdistrict", "subdistrict": subdistrict},
        {"scope": "park", "park": park},
        {"scope": "park", "park": other_park},
    )
    for scope_kwargs in scopes:
        for end in (date(2026, 6, 10), date(2026, 2, 28)):
            report = Report(
                period_kind="month", period_start=end.replace(day=1), period_end=end, **scope_kwargs
            )
            scope = Scope(report)
            grouped = _grouped_months(scope, end)
            # Twice: compiled the first time, run from its plan the second.
            for _ in range(2):
                assert dashboard._trends(scope, end)[1] == grouped
    # The last: the other park from March 2025 to February 2026, three of its six.
    assert sum(row["received"] for row in grouped.values()) == 3
