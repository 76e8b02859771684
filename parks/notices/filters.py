"""Filters for the office's deliveries page: status, channel, kind and a search."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parks.notices.choices import DeliveryChannel, DeliveryStatus, NoticeKind
from parks.notices.models import Delivery


class DeliveryFilter(django_filters.FilterSet):
    """By status, channel and kind; `q` searches the recipient, address, subject and error."""

    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(
        choices=DeliveryChannel.choices, label=pgettext_lazy("delivery", "Channel")
    )
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label=_("Kind"))

    class Meta:
        model = Delivery
        fields = ["status", "channel", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(recipient_label__icontains=value)
            # The whole address only: digit by digit, a search would spell out a masked phone.
            | Q(address=value)
            | Q(subject__icontains=value)
            | Q(last_error__icontains=value)
        )
