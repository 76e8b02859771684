from rest_framework.filters import OrderingFilter

from parks.core.db import chinese_order


class ChineseOrderingFilter(OrderingFilter):
    """`?ordering=name` sorts names by pinyin, as the lists do by default, not by code point.

    A view lists its Chinese text fields in `chinese_ordering_fields`.
    """

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        text_fields = set(getattr(view, "chinese_ordering_fields", ()))
        terms = []
        for term in ordering:
            field = term.lstrip("-")
            if field in text_fields:
                terms.append(chinese_order(field, descending=term.startswith("-")))
            else:
                terms.append(term)
        return queryset.order_by(*terms, "pk")
