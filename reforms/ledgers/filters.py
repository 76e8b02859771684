"""Filters for the four ledgers (API and pages).

Choices that name other rows (parks, plans, units, tasks) offer only what the requesting user
may see, so a filter never confirms that a hidden row exists. Without a request they offer
nothing.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks import access
from parks.core.dates import PORTAL_DATE_VALIDATORS
from parks.structure.models import Subdistrict
from reforms.ledgers.choices import ProposalKind, ProposalStatus, PublicityChannel
from reforms.ledgers.models import CarePayment, Proposal, Publicity, Training
from reforms.ledgers.selectors import ledger_in_period

# --- Ledgers ----------------------------------------------------------------------------------


class LedgerFilter(django_filters.FilterSet):
    """What every ledger filters by: park, subdistrict, period (by the ledger's own date)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(
        queryset=access.for_request(access.parks_visible_to), label=_("Park")
    )
    subdistrict = django_filters.ModelChoiceFilter(
        field_name="park__subdistrict", queryset=Subdistrict.objects.all(), label=_("Subdistrict")
    )
    date_from = django_filters.DateFilter(
        method="filter_from", label=_("From"), validators=PORTAL_DATE_VALIDATORS
    )
    date_to = django_filters.DateFilter(
        method="filter_to",
        label=pgettext_lazy("period", "to"),
        validators=PORTAL_DATE_VALIDATORS,
    )

    # Text fields the search looks in; set by each ledger's filter.
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        match = Q()
        for field in self.search_fields:
            match |= Q(**{f"{field}__icontains": value})
        return queryset.filter(match)

    def filter_from(self, queryset, name, value):
        return ledger_in_period(queryset, start=value)

    def filter_to(self, queryset, name, value):
        return ledger_in_period(queryset, end=value)


class CarePaymentFilter(LedgerFilter):
    search_fields = ("event", "reason", "funding_source")

    class Meta:
        model = CarePayment
        fields = ["q", "park", "subdistrict"]


class PublicityFilter(LedgerFilter):
    search_fields = ("title", "outlet")
    channel = django_filters.MultipleChoiceFilter(
        choices=PublicityChannel.choices, label=pgettext_lazy("publicity", "Channel")
    )
    district_wide = django_filters.BooleanFilter(
        field_name="park", lookup_expr="isnull", label=_("District-wide")
    )

    class Meta:
        model = Publicity
        fields = ["q", "park", "subdistrict", "channel", "district_wide"]


class TrainingFilter(LedgerFilter):
    search_fields = ("course", "provider")

    class Meta:
        model = Training
        fields = ["q", "park", "subdistrict"]


class ProposalFilter(LedgerFilter):
    search_fields = ("title", "submitter", "submitter_employer")
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=ProposalStatus.choices, label=_("Status"))

    class Meta:
        model = Proposal
        fields = ["q", "park", "subdistrict", "kind", "status"]
