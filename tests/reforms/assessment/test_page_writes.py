"""The office's writes through the pages, each through reforms.assessment.services: saving a
scheme, putting it in force and retiring it, a new version when a scheme in force changes,
scoring a period from the scheme's page, recomputing with a reason, publishing, adjusting a
score within the caps and withdrawing an adjustment. Refusals come back as messages or on the
form, with nothing saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from parks.structure.choices import Role
from reforms.assessment.choices import SchemeStatus, ScoreAction
from reforms.assessment.models import Scheme, SchemeItem, Score, ScoreEvent
from tests.factories import OrganisationFactory, TaskFactory, UserFactory
from tests.reforms.assessment.factories_web import SchemeFactory, make_score
from tests.reforms.assessment.test_scheme_pages import _form

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def test_the_office_writes_a_scheme_puts_it_in_force_and_retires_it(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("reforms:assessment_scheme_create"),
        _form(
            {"task_on_time": "60", "response_rate": "40"},
            items=[("bonus", "典型案例被推广", "2", ""), ("deduction", "投诉升级", "5", "")],
        ),
    )
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and response["Location"] == scheme.get_absolute_url()
    assert scheme.status == SchemeStatus.DRAFT and scheme.created_by == office_user
    assert [(row.indicator, row.weight) for row in scheme.indicators.all()] == [
        ("task_on_time", Decimal("60")),
        ("response_rate", Decimal("40")),
    ]
    assert sorted(scheme.items.values_list("name", flat=True)) == ["典型案例被推广", "投诉升级"]
    status = reverse("reforms:assessment_scheme_status", args=[scheme.pk])
    client.post(status, {"action": "activate"})
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.ACTIVE
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert 'id="compute-form"' in page and 'id="retire-scheme"' in page
    client.post(status, {"action": "retire"})
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.RETIRED
    assert 'id="edit-scheme"' not in client.get(scheme.get_absolute_url()).content.decode()


def test_changing_a_scheme_in_force_gives_it_a_new_version_and_keeps_its_items(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE)
    bonus = SchemeItem.objects.get(scheme=scheme, kind="bonus")
    client.force_login(office_user)
    data = _form(
        {"task_on_time": "50", "response_rate": "50"},
        items=[("bonus", "典型案例被市里推广", "2", str(bonus.pk))],
    )
    response = client.post(reverse("reforms:assessment_scheme_edit", args=[scheme.pk]), data)
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.version == 2
    assert list(scheme.items.values_list("pk", "name")) == [(bonus.pk, "典型案例被市里推广")]


def test_a_unit_is_scored_from_the_schemes_page_then_published(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE)
    unit = OrganisationFactory(name="区人社局")
    TaskFactory(lead_unit=unit, due_date=date(2026, 3, 20))
    client.force_login(office_user)
    response = client.post(
        reverse("reforms:assessment_compute", args=[scheme.pk]),
        {"period_kind": "month", "day": "2026-03-17"},
    )
    ranking = reverse("reforms:assessment_ranking", args=[scheme.pk, "month", "2026-03-01"])
    assert response.status_code == 302 and response["Location"] == ranking
    score = Score.objects.get(unit=unit)
    assert score.published_at is None and score.rank == 1
    staff = UserFactory(role=Role.MEMBER_UNIT, organisation=unit)
    client.force_login(staff)
    assert client.get(ranking).status_code == 404
    client.force_login(office_user)
    client.post(reverse("reforms:assessment_publish", args=[scheme.pk, "month", "2026-03-01"]))
    score.refresh_from_db()
    assert score.published_at is not None
    client.force_login(staff)
    assert "rank 1 of 1" in client.get(ranking).content.decode()


def test_a_period_not_yet_closed_is_refused_with_the_reason(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE, year=2026)
    client.force_login(office_user)
    response = client.post(
        reverse("reforms:assessment_compute", args=[scheme.pk]),
        {"period_kind": "year", "day": "2026-06-01"},
        follow=True,
    )
    assert "The period has not ended yet" in " ".join(_messages(response))
    assert not Score.objects.exists()


def test_recomputing_needs_a_reason_and_is_recorded(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE)
    unit = OrganisationFactory()
    TaskFactory(lead_unit=unit, due_date=date(2026, 3, 20))
    client.force_login(office_user)
    url = reverse("reforms:assessment_compute", args=[scheme.pk])
    client.post(url, {"period_kind": "month", "day": "2026-03-01"})
    score = Score.objects.get()
    response = client.post(
        url,
        {"period_kind": "month", "day": "2026-03-01", "recompute": "1", "reason": ""},
        follow=True,
    )
    assert _messages(response)[-1] == "Say why the period is recomputed."
    assert response.request["PATH_INFO"] == reverse(
        "reforms:assessment_ranking", args=[scheme.pk, "month", "2026-03-01"]
    )
    assert not score.events.filter(action=ScoreAction.RECOMPUTED).exists()
    client.post(
        url,
        {"period_kind": "month", "day": "2026-03-01", "recompute": "1", "reason": "任务数据更正"},
    )
    event = score.events.get(action=ScoreAction.RECOMPUTED)
    assert "任务数据更正" in event.note
    page = client.get(score.get_absolute_url()).content.decode()
    assert 'data-action="recomputed"' in page and "任务数据更正" in page


def test_the_office_adjusts_within_the_cap_and_withdraws(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE)
    first = make_score(scheme, OrganisationFactory(), rank=1, total="80.00")
    second = make_score(scheme, OrganisationFactory(), rank=2, total="79.00")
    bonus = SchemeItem.objects.get(scheme=scheme, kind="bonus")
    client.force_login(office_user)
    url = reverse("reforms:assessment_adjust", args=[second.pk])
    response = client.post(url, {"item": bonus.pk, "reason": "经验被推广"})
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.total, second.rank, first.rank) == (Decimal("81.00"), 1, 2)
    # Above the bonus cap of 5: refused on the form, nothing saved.
    response = client.post(url, {"points": "4", "reason": "再加"})
    assert response.status_code == 400
    assert "above the cap of 5" in response.content.decode()
    assert second.adjustments.count() == 1
    adjustment = second.adjustments.get()
    withdraw = reverse("reforms:assessment_withdraw", args=[adjustment.pk])
    client.post(withdraw, {"reason": "推广未落实"})
    second.refresh_from_db()
    adjustment.refresh_from_db()
    assert second.total == Decimal("79.00") and adjustment.withdrawn_at is not None
    assert ScoreEvent.objects.filter(score=second, action=ScoreAction.ADJUSTMENT_WITHDRAWN).exists()
    page = client.get(second.get_absolute_url()).content.decode()
    assert "推广未落实" in page and "Withdrawn by" in page


def test_a_withdrawal_without_a_reason_is_refused(client, office_user):
    scheme = SchemeFactory(status=SchemeStatus.ACTIVE)
    score = make_score(scheme, OrganisationFactory(), rank=1, total="80.00")
    client.force_login(office_user)
    client.post(
        reverse("reforms:assessment_adjust", args=[score.pk]), {"points": "-2", "reason": "迟报"}
    )
    adjustment = score.adjustments.get()
    response = client.post(
        reverse("reforms:assessment_withdraw", args=[adjustment.pk]), {"reason": ""}, follow=True
    )
    adjustment.refresh_from_db()
    assert adjustment.withdrawn_at is None and _messages(response)
