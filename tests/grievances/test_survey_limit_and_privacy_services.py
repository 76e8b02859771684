"""Grievance surveys, time limits set by the office, and logged views of personal data."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grievances import services
from grievances.models import PersonalDataView, SurveyCampaign, TimeLimitPolicy
from tests.factories import GrievanceFactory

pytestmark = pytest.mark.django_db


def test_surveys_are_recorded_by_the_office_or_staff_of_their_park(
    liaison, park, other_park, office_user
):
    services.survey_save(
        survey=SurveyCampaign(
            park=park, title="满意度调查", held_on=date(2026, 5, 1), handed_out=900, returned=600
        ),
        actor=liaison,
    )
    with pytest.raises(PermissionDenied):
        services.survey_save(
            survey=SurveyCampaign(
                park=other_park, title="调查", held_on=date(2026, 5, 1), handed_out=9, returned=1
            ),
            actor=liaison,
        )
    with pytest.raises(ValidationError):
        services.survey_save(
            survey=SurveyCampaign(
                park=park, title="调查", held_on=date(2026, 5, 1), handed_out=9, returned=10
            ),
            actor=office_user,
        )
    assert SurveyCampaign.objects.count() == 1


def test_only_the_office_sets_time_limits(park_manager, office_user):
    with pytest.raises(PermissionDenied):
        services.policy_save(
            policy=TimeLimitPolicy(category="wages", respond_within_hours=8, resolve_within_days=5),
            actor=park_manager,
        )
    with pytest.raises(ValidationError):
        services.policy_save(
            policy=TimeLimitPolicy(category="wages", respond_within_hours=0, resolve_within_days=5),
            actor=office_user,
        )
    assert not TimeLimitPolicy.objects.exists()


def test_personal_data_views_are_logged_in_one_go(office_user, django_assert_num_queries):
    grievances = GrievanceFactory.create_batch(3)
    with django_assert_num_queries(1):
        services.record_personal_data_views(grievances=grievances, viewer=office_user, via="api")
    assert PersonalDataView.objects.filter(viewer=office_user, via="api").count() == 3
