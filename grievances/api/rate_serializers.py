"""Serializers of /api/v1/grievances/rates/: its query (scope and period) and its answer, every
figure documented by its definition in grievances.rates, in English and in the fixed Chinese of
the reports' workbooks (口径)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grievances import rates as grievance_rates
from grievances.api.serializers import ParkIdField, VisibleGridZoneField, VisibleOrganisationField
from grievances.funnel import FUNNEL
from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.structure.models import Subdistrict


class RatesQuerySerializer(serializers.Serializer):
    """Scope and period of /grievances/rates/. `from` and `to` are Python keywords, hence
    get_fields."""

    park = ParkIdField(required=False, help_text=_("Only this park."))
    subdistrict = serializers.PrimaryKeyRelatedField(
        queryset=Subdistrict.objects.all(),
        required=False,
        help_text=_("Only parks of this subdistrict."),
    )
    grid_zone = VisibleGridZoneField(required=False, help_text=_("Only this grid zone."))
    unit = VisibleOrganisationField(
        required=False, help_text=_("Only grievances handled by this unit.")
    )
    group_by = serializers.ChoiceField(
        choices=[
            ("park", _("Park")),
            ("grid_zone", _("Grid zone")),
            ("unit", _("Handling unit")),
            ("month", _("Month of receipt")),
        ],
        required=False,
        help_text=_("Break the rates down; `groups` is empty without it."),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False,
            validators=PORTAL_DATE_VALIDATORS,
            help_text=_("First day of receipt, inclusive."),
        )
        fields["to"] = serializers.DateField(
            required=False,
            validators=PORTAL_DATE_VALIDATORS,
            help_text=_("Last day of receipt, inclusive."),
        )
        return fields

    def validate(self, data):
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise serializers.ValidationError({"to": _("The period ends before it starts.")})
        return data


class RatesPeriodSerializer(RatesQuerySerializer):
    """RatesQuerySerializer for a query naming nothing but the period (`from`, `to`): the same
    fields for what it names, without building the scope's four optional fields (with their
    querysets) that such a query leaves out. The same validated data and the same errors."""

    park = None
    subdistrict = None
    grid_zone = None
    unit = None
    group_by = None


def rates_query_serializer(query_params) -> type[RatesQuerySerializer]:
    """The serializer of a rates query: RatesPeriodSerializer where it names only the period."""
    if set(query_params) <= PERIOD_ONLY:
        return RatesPeriodSerializer
    return RatesQuerySerializer


PERIOD_ONLY = frozenset({"from", "to"})


RATE_NOTE = _("Percent, one decimal; null when its denominator is 0.")


def _figure_field(measure: grievance_rates.Measure) -> serializers.Field:
    """A grievance figure's field, documented by its definition in English and in the fixed
    Chinese of the workbook (口径)."""
    if measure.is_rate:
        help_text = format_lazy("{} {} 口径：{}", measure.definition, RATE_NOTE, measure.basis)
        return serializers.FloatField(allow_null=True, help_text=help_text)
    help_text = format_lazy("{} 口径：{}", measure.definition, measure.basis)
    return serializers.IntegerField(help_text=help_text)


# Every figure of grievances.rates, in its order: the counts, then the rates.
RateCountsSerializer = type(
    "RateCountsSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The grievance figures of a scope and period (grievances.rates).",
        **{measure.key: _figure_field(measure) for measure in grievance_rates.MEASURES},
    },
)


class RateGroupSerializer(RateCountsSerializer):
    key = serializers.CharField(
        allow_null=True,
        help_text=_("The park, grid zone or unit id, or the month as YYYY-MM; null for none."),
    )
    label = serializers.CharField(allow_null=True)


SurveyFunnelSerializer = type(
    "SurveyFunnelSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "Satisfaction surveys: handed out → returned → opinions → rectified.",
        **{step.key: _figure_field(step) for step in FUNNEL},
    },
)


class RatesSerializer(serializers.Serializer):
    definitions = serializers.DictField(
        child=serializers.CharField(),
        help_text=_(
            "What each figure counts (口径), by key: the fixed Chinese text of the reports' "
            "workbooks."
        ),
    )
    totals = RateCountsSerializer()
    groups = RateGroupSerializer(many=True)
    funnel = SurveyFunnelSerializer()
