"""Satisfaction survey campaigns (满意度调查), at /api/v1/surveys/."""

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from grievances import selectors, services
from grievances.api.serializers import SurveySerializer
from grievances.api.views.grievances import CONFLICT_RESPONSE
from grievances.filters import SurveyFilter
from parks.core.api.errors import state_conflicts_as_409
from parks.core.api.viewsets import EditViewSet, assign


@extend_schema_view(
    list=extend_schema(summary="Satisfaction survey campaigns in your scope"),
    retrieve=extend_schema(summary="One survey campaign with its opinion counts"),
    create=extend_schema(summary="Record a survey campaign (office, or staff of that park)"),
    update=extend_schema(summary="Replace a survey campaign's details"),
    partial_update=extend_schema(summary="Change some of a survey campaign's details"),
    destroy=extend_schema(
        summary="Delete a survey campaign that has no opinions logged",
        responses={204: None, 409: CONFLICT_RESPONSE},
    ),
)
class SurveyViewSet(mixins.DestroyModelMixin, EditViewSet):
    """Satisfaction survey campaigns (满意度调查): handed out and returned, with the opinions
    logged from them as grievances of channel `survey` and how many of those were rectified.
    Written by the office, or by a liaison or park manager of the survey's park."""

    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    ordering_fields = ["held_on", "handed_out", "returned"]

    def get_queryset(self):
        return (
            selectors.surveys_visible_to(self.request.user)
            .select_related("park")
            .annotate(
                opinion_count=Count("opinions"),
                rectified_count=Count("opinions", filter=Q(opinions__rectified=True)),
            )
            .order_by("-held_on", "-pk")
        )

    def save_with_service(self, survey, data):
        # services.survey_save refuses (403) a user who may not write the survey's park.
        survey = services.survey_save(survey=assign(survey, data), actor=self.request.user)
        # Re-read with the counts so the response shows the same fields as GET.
        return self.get_queryset().get(pk=survey.pk)

    def perform_destroy(self, survey):
        state_conflicts_as_409(
            lambda: services.survey_delete(survey=survey, actor=self.request.user)
        )
