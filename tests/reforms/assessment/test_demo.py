"""The demo's assessment: this year's three schemes in force and last month's scores, computed
once the whole demo is in, published and ranked; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from reforms.assessment.choices import SchemeStatus, SubjectKind
from reforms.assessment.models import Scheme, Score
from reforms.reporting.periods import last_complete_period

pytestmark = pytest.mark.django_db


def load_demo(capture):
    with capture(execute=True):
        call_command("load_demo", stdout=StringIO())


def test_the_demo_scores_last_month_with_this_years_schemes(
    django_capture_on_commit_callbacks,
):
    load_demo(django_capture_on_commit_callbacks)
    today = timezone.localdate()
    schemes = Scheme.objects.filter(year=today.year, status=SchemeStatus.ACTIVE)
    assert sorted(schemes.values_list("subject_kind", flat=True)) == sorted(SubjectKind.values)
    month = last_complete_period("month", today)[0]
    scores = Score.objects.filter(period_kind="month", period_start=month)
    kinds = set(scores.values_list("subject_kind", flat=True))
    assert kinds == set(SubjectKind.values)
    assert not scores.filter(published_at__isnull=True).exists()
    assert scores.filter(rank=1).exists() and not scores.filter(rank__isnull=True).exists()

    before = (Scheme.objects.count(), Score.objects.count())
    load_demo(django_capture_on_commit_callbacks)
    assert (Scheme.objects.count(), Score.objects.count()) == before
