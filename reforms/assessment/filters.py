"""Filters of the assessment's scores, shared by the API's score list and its rankings."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reforms.assessment.choices import AssessedPeriod, SchemeStatus, SubjectKind
from reforms.assessment.models import Scheme, Score

# A database id: a larger number names nothing (and must not reach PostgreSQL as a bigint).
LARGEST_ID = 2**31 - 1


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number from 1 (a form error otherwise, so the API answers 400)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


def _year(field_name):
    return django_filters.NumberFilter(
        field_name=field_name, min_value=2000, max_value=2100, decimal_places=0, label=_("Year")
    )


class SchemeFilter(django_filters.FilterSet):
    year = _year("year")
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices, label=_("Assessed"))
    status = django_filters.ChoiceFilter(choices=SchemeStatus.choices, label=_("Status"))

    class Meta:
        model = Scheme
        fields = ["year", "subject_kind", "status"]


class RankingFilter(django_filters.FilterSet):
    """Which periods' rankings: by scheme, kind of period, first day and year."""

    scheme = IdFilter(field_name="scheme_id", label=_("Assessment scheme"))
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices, label=_("Assessed"))
    period_kind = django_filters.ChoiceFilter(choices=AssessedPeriod.choices, label=_("Period"))
    period_start = django_filters.DateFilter(
        field_name="period_start", label=_("First day of the period")
    )
    year = _year("period_start__year")

    class Meta:
        model = Score
        fields = ["scheme", "subject_kind", "period_kind", "period_start", "year"]


class ScoreFilter(RankingFilter):
    """A ranking's filters, and one subject's scores."""

    subject = IdFilter(method="filter_subject", label=_("Unit, subdistrict or park"))
    # true / false, and anything else a 400 (a BooleanFilter would quietly ignore "maybe").
    published = django_filters.ChoiceFilter(
        choices=[("true", _("Published")), ("false", _("Not published"))],
        method="filter_published",
        label=_("Published"),
    )

    class Meta(RankingFilter.Meta):
        fields = [*RankingFilter.Meta.fields, "subject", "published"]

    def filter_published(self, queryset, name, value):
        return queryset.filter(published_at__isnull=value != "true")

    def filter_subject(self, queryset, name, value):
        # Ids of different kinds of subject may be equal: `subject_kind` or `scheme` tells them
        # apart.
        subject_id = int(value)
        return queryset.filter(
            Q(unit_id=subject_id) | Q(subdistrict_id=subject_id) | Q(park_id=subject_id)
        )
