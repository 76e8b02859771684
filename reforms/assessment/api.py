"""REST API v1 of the assessment (考核) under /api/v1/assessment/: schemes, scores and rankings.

Scores come through parks.access.assessment_scores_visible and schemes through
assessment_schemes_visible: the office sees everything; the assessed (a unit's staff, a park's
manager, a subdistrict's staff) their own published scores and the schemes those were computed
with, and another subject's score is a 404. Anyone else is refused (parks.access.sees_assessment).
Writing schemes is the office's (reforms.assessment.policy), through reforms.assessment.services.
"""

from django.db.models import Count, Max, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from parks import access
from parks.core.api.errors import Conflict, state_conflicts_as_409
from parks.core.api.fields import ChoiceLabelField
from parks.core.api.schema import conflict
from parks.core.api.viewsets import EditViewSet, PortalViewSet, ReadOnlyViewSet, assign
from reforms.assessment import policy, selectors, services
from reforms.assessment.filters import RankingFilter, SchemeFilter, ScoreFilter
from reforms.assessment.indicators import INDICATORS
from reforms.assessment.models import (
    Scheme,
    SchemeIndicator,
    SchemeItem,
    Score,
    ScoreAdjustment,
    ScoreEvent,
)


def _points(**kwargs):
    return serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True, **kwargs)


class AssessmentPermission(BasePermission):
    """Reading needs the assessment to show for the user at all; writing is the office's."""

    message = _("The assessment is the district reform office's and the assessed's.")

    def has_permission(self, request, view) -> bool:
        if not access.sees_assessment(request.user):
            return False
        return request.method in SAFE_METHODS or policy.may_write_schemes(request.user)


# --- Schemes ------------------------------------------------------------------------------------


class SchemeIndicatorSerializer(serializers.ModelSerializer):
    term = serializers.SerializerMethodField(help_text=_("The indicator's Chinese name."))

    class Meta:
        model = SchemeIndicator
        fields = ["indicator", "term", "weight", "full_at", "zero_at", "position"]
        read_only_fields = ["position"]
        # One row per indicator: said by reforms.assessment.services.scheme_problems.
        validators = []

    def get_term(self, row) -> str:
        known = INDICATORS.get(row.indicator)
        return known.term if known else row.indicator


class SchemeItemSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("An item of the scheme to change; leave out for a new item."),
    )
    kind_display = ChoiceLabelField(source="kind")

    class Meta:
        model = SchemeItem
        fields = ["id", "kind", "kind_display", "name", "points", "position"]
        read_only_fields = ["position"]


class SchemeSerializer(serializers.ModelSerializer):
    subject_kind_display = ChoiceLabelField(source="subject_kind")
    status_display = ChoiceLabelField(source="status")
    indicators = SchemeIndicatorSerializer(many=True)
    items = SchemeItemSerializer(many=True, required=False)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "year",
            "subject_kind",
            "subject_kind_display",
            "name",
            "total_weight",
            "not_applicable",
            "bonus_cap",
            "deduction_cap",
            "red_list_size",
            "black_list_size",
            "status",
            "status_display",
            "version",
            "indicators",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "version", "created_at", "updated_at"]


STEP_CONFLICT = conflict(
    _("The scheme's status does not allow this (a retired scheme, a scheme already in force).")
)


@extend_schema_view(
    list=extend_schema(summary="Assessment schemes (考核方案) in your scope"),
    retrieve=extend_schema(summary="One assessment scheme with its indicators and items"),
    create=extend_schema(summary="Write a new scheme, as a draft (office staff)"),
    update=extend_schema(
        summary="Change a scheme and its rows (office staff)",
        responses={200: SchemeSerializer, 409: STEP_CONFLICT},
    ),
    partial_update=extend_schema(
        summary="Change some of a scheme (office staff)",
        responses={200: SchemeSerializer, 409: STEP_CONFLICT},
    ),
)
class SchemeViewSet(EditViewSet):
    """Assessment schemes (考核方案): for one year and one kind of subject (member units,
    subdistricts, parks), the indicators that count with their weights (points out of
    `total_weight`) and ranges (`zero_at` earns nothing, `full_at` the whole weight), what becomes
    of the weight of an indicator that does not apply (`not_applicable`), the bonus and deduction
    items with their caps, and how many subjects the 红榜 and the 黑榜 name. The office sees every
    scheme; the assessed the schemes their published scores were computed with. `version` goes
    up with each change to a scheme in force; scores keep the rules they were computed with.

    The office writes schemes: a new one is a draft; `indicators` and `items` are the whole
    list of rows (an item with an `id` is that item changed; items left out are removed). The
    weights must add up to `total_weight`, each indicator must apply to the subjects: a 400
    lists what is wrong. `activate` puts a draft in force (one per year and kind of subject),
    `retire` takes it out; a retired scheme cannot change (409)."""

    serializer_class = SchemeSerializer
    permission_class = AssessmentPermission
    filterset_class = SchemeFilter
    ordering_fields = ["year", "name"]
    chinese_ordering_fields = ["name"]

    def get_queryset(self):
        schemes = access.assessment_schemes_visible(
            self.request.user, Scheme.objects.all(), Score.objects.all()
        )
        return schemes.prefetch_related("indicators", "items").order_by(
            "-year", "subject_kind", "pk"
        )

    def save_with_service(self, scheme, data):
        indicators = data.pop("indicators", None)
        items = data.pop("items", None)
        if scheme.pk is not None and not policy.may_edit_scheme(self.request.user, scheme):
            raise Conflict(policy.RETIRED)
        rows = (
            [SchemeIndicator(**row) for row in indicators]
            if indicators is not None
            else list(scheme.indicators.all())
        )
        if items is None:
            kept = list(scheme.items.all()) if scheme.pk is not None else []
        else:
            kept = [SchemeItem(pk=row.pop("id", None), **row) for row in items]
        return services.save_scheme(assign(scheme, data), rows, kept, by=self.request.user)

    def _fresh(self, scheme, *, status=200):
        self.action = "retrieve"
        scheme = self.get_queryset().get(pk=scheme.pk)
        return Response(
            SchemeSerializer(scheme, context=self.get_serializer_context()).data, status
        )

    @extend_schema(
        summary="Put a draft scheme in force for its year (office staff)",
        request=None,
        responses={200: SchemeSerializer, 409: STEP_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        scheme = self.get_object()
        state_conflicts_as_409(lambda: services.activate_scheme(scheme, by=request.user))
        return self._fresh(scheme)

    @extend_schema(
        summary="Retire a scheme in force; its scores stay (office staff)",
        request=None,
        responses={200: SchemeSerializer, 409: STEP_CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        scheme = self.get_object()
        state_conflicts_as_409(lambda: services.retire_scheme(scheme, by=request.user))
        return self._fresh(scheme)


# --- Scores -------------------------------------------------------------------------------------


class IndicatorRowSerializer(serializers.Serializer):
    """One indicator of a score as it was computed."""

    key = serializers.CharField(read_only=True)
    term = serializers.CharField(read_only=True, help_text=_("The indicator's Chinese name."))
    applies = serializers.BooleanField(
        read_only=True,
        help_text=_("False: nothing to count for the subject in the period (not applicable)."),
    )
    value = serializers.DecimalField(
        max_digits=9, decimal_places=2, read_only=True, allow_null=True, help_text=_("Per cent.")
    )
    weight = _points(help_text=_("The weight in the scheme."))
    weight_used = _points(help_text=_("The weight after the not-applicable rule."))
    points = _points()
    lost = _points(help_text=_("The weight used less the points: what it cost the subject."))


class ScoreSerializer(serializers.ModelSerializer):
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    subject_kind_display = ChoiceLabelField(source="subject_kind")
    subject_id = serializers.IntegerField(read_only=True, help_text=_("unit, subdistrict or park"))
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    period_kind_display = ChoiceLabelField(source="period_kind")

    class Meta:
        model = Score
        fields = [
            "id",
            "scheme",
            "scheme_name",
            "subject_kind",
            "subject_kind_display",
            "subject_id",
            "subject_name",
            "unit",
            "subdistrict",
            "park",
            "period_kind",
            "period_kind_display",
            "period_start",
            "period_end",
            "base",
            "adjustment",
            "total",
            "rank",
            "scheme_version",
            "computed_at",
            "published_at",
        ]
        read_only_fields = fields


class AdjustmentSerializer(serializers.ModelSerializer):
    made_by_name = serializers.CharField(source="made_by.__str__", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True, allow_null=True)

    class Meta:
        model = ScoreAdjustment
        fields = [
            "id",
            "item",
            "item_name",
            "points",
            "reason",
            "made_by",
            "made_by_name",
            "made_at",
            "withdrawn_at",
            "withdrawn_by",
        ]
        read_only_fields = fields


class ScoreEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", read_only=True, allow_null=True)
    action_display = ChoiceLabelField(source="action")

    class Meta:
        model = ScoreEvent
        fields = [
            "id",
            "action",
            "action_display",
            "actor",
            "actor_name",
            "at",
            "total_before",
            "total_after",
            "note",
        ]
        read_only_fields = fields


class ScoreDetailSerializer(ScoreSerializer):
    indicators = IndicatorRowSerializer(source="indicator_rows", many=True, read_only=True)
    shortfalls = IndicatorRowSerializer(
        many=True, read_only=True, help_text=_("The indicators that cost the most points.")
    )
    adjustments = AdjustmentSerializer(many=True, read_only=True)
    events = ScoreEventSerializer(many=True, read_only=True)

    class Meta(ScoreSerializer.Meta):
        fields = [
            *ScoreSerializer.Meta.fields,
            "indicators",
            "shortfalls",
            "inputs",
            "rules",
            "adjustments",
            "events",
        ]
        read_only_fields = fields

    def to_representation(self, score):
        score.indicator_rows = selectors.indicator_rows(score)
        score.shortfalls = selectors.shortfalls(score)
        return super().to_representation(score)


def _scores(user):
    return access.assessment_scores_visible(user, Score.objects.all()).select_related(
        "scheme", *selectors.SUBJECTS
    )


@extend_schema_view(
    list=extend_schema(summary="Assessment scores in your scope"),
    retrieve=extend_schema(
        summary="One score explained: each indicator, the adjustments and the history"
    ),
)
class ScoreViewSet(ReadOnlyViewSet):
    """Scores (考核得分) of a unit, a subdistrict or a park for a month, quarter or year under a
    scheme: `total` = `base` (the indicators' points) + `adjustment` (bonus and deduction items),
    `rank` among the scheme's subjects of the period (1 = best; equal totals share a rank). The
    office sees every score, published or not; the assessed their own published scores.
    `?subject=` is the id of a unit, subdistrict or park: give `subject_kind` or `scheme` too."""

    serializer_class = ScoreSerializer
    permission_class = AssessmentPermission
    filterset_class = ScoreFilter
    ordering_fields = ["period_start", "total", "rank"]

    def get_queryset(self):
        scores = _scores(self.request.user)
        if self.action == "retrieve":
            scores = scores.prefetch_related(
                Prefetch(
                    "adjustments",
                    ScoreAdjustment.objects.select_related("item", "made_by").order_by(
                        "made_at", "pk"
                    ),
                ),
                Prefetch("events", ScoreEvent.objects.select_related("actor").order_by("at", "pk")),
            )
        return scores.order_by("-period_start", "scheme_id", "period_kind", "rank", "pk")

    def get_serializer_class(self):
        return ScoreDetailSerializer if self.action == "retrieve" else ScoreSerializer


# --- Rankings -----------------------------------------------------------------------------------


class RankingRowSerializer(serializers.Serializer):
    score = serializers.IntegerField(source="score.pk", read_only=True)
    rank = serializers.IntegerField(source="score.rank", read_only=True, allow_null=True)
    subject_id = serializers.IntegerField(source="score.subject_id", read_only=True)
    subject_name = serializers.CharField(source="score.subject.name", read_only=True)
    base = _points(source="score.base")
    adjustment = _points(source="score.adjustment")
    total = _points(source="score.total")
    published = serializers.BooleanField(read_only=True)
    red = serializers.BooleanField(read_only=True, help_text=_("On the 红榜 (the best ranks)."))
    black = serializers.BooleanField(read_only=True, help_text=_("On the 黑榜 (the worst ranks)."))
    shortfalls = IndicatorRowSerializer(many=True, read_only=True)


class RankingSerializer(serializers.Serializer):
    """One scheme's period ranked."""

    scheme = serializers.IntegerField(source="scheme.pk", read_only=True)
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    subject_kind = serializers.CharField(source="scheme.subject_kind", read_only=True)
    period_kind = serializers.CharField(read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    size = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "How many subjects the period ranks (for the assessed: those published), "
            "the n of 'rank r of n'."
        ),
    )
    red_list_size = serializers.IntegerField(source="scheme.red_list_size", read_only=True)
    black_list_size = serializers.IntegerField(source="scheme.black_list_size", read_only=True)
    rows = RankingRowSerializer(many=True, read_only=True)


class _Row:
    """A ranking row as the API shows it."""

    def __init__(self, score, ranks):
        self.score = score
        self.published = score.published_at is not None
        self.red, self.black = selectors.list_flags(
            score.scheme, selectors.Standing(score.rank, ranks)
        )
        self.shortfalls = selectors.shortfalls(score)


class _Ranking:
    def __init__(self, group, scores, ranks):
        self.scheme = scores[0].scheme
        self.period_kind = group["period_kind"]
        self.period_start = group["period_start"]
        self.period_end = group["period_end"]
        self.size = sum(ranks.values())
        self.rows = [_Row(score, ranks) for score in scores]


@extend_schema_view(
    list=extend_schema(summary="Rankings (红黑榜): each scheme's period ranked, newest first"),
)
class RankingViewSet(mixins.ListModelMixin, PortalViewSet):
    """Rankings (红黑榜): one per scheme and period scored, the latest period first, each with its
    rows in rank order flagged `red` (the scheme's `red_list_size` best ranks) and `black` (its
    `black_list_size` worst), and each row's main shortfalls. Narrow to one ranking with
    `?scheme=&period_kind=&period_start=`. The office sees every subject, published or not; the
    assessed see only their own published row, with `size` the number of subjects ranked."""

    serializer_class = RankingSerializer
    queryset = Score.objects.none()  # the model of the filters, for the schema
    permission_class = AssessmentPermission
    filterset_class = RankingFilter
    ordering_fields = []

    def get_queryset(self):
        return _scores(self.request.user)

    def list(self, request, *args, **kwargs):
        scores = self.filter_queryset(self.get_queryset())
        groups = (
            scores.values("scheme_id", "period_kind", "period_start")
            .annotate(period_end=Max("period_end"), scored=Count("pk"))
            .order_by("-period_start", "scheme_id", "period_kind")
        )
        page = self.paginate_queryset(groups)
        rows = self._rows(scores, page)
        # The office ranks every score of the period; the assessed are ranked among the
        # published ones, which they do not see.
        everyone = access.is_district_office(request.user)
        counts = selectors.rank_counts(rows, published=not everyone)
        rankings = []
        for group in page:
            key = (group["scheme_id"], group["period_kind"], group["period_start"])
            ranked = [row for row in rows if _key(row) == key]
            rankings.append(_Ranking(group, ranked, counts.get(key, {})))
        return self.get_paginated_response(RankingSerializer(rankings, many=True).data)

    @staticmethod
    def _rows(scores, page):
        if not page:
            return []
        condition = Q(pk__in=[])
        for group in page:
            condition |= Q(
                scheme_id=group["scheme_id"],
                period_kind=group["period_kind"],
                period_start=group["period_start"],
            )
        return list(scores.filter(condition).order_by("rank", "-total", "pk"))


def _key(score):
    return score.scheme_id, score.period_kind, score.period_start
