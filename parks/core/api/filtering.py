"""The API's filter backend: django-filter's, without building a FilterSet that has nothing to
filter."""

from django_filters.rest_framework import DjangoFilterBackend

# Query parameters that are never a filter's: paging, ordering, the unmask switch.
NOT_FILTERS = frozenset({"page", "page_size", "cursor", "ordering", "unmask"})


class PortalFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend, skipped when the request names no filter.

    Every filter of the portal's FilterSets leaves the rows as they are when its parameter is
    absent, so with none given the FilterSet returns the queryset it was handed; building it
    (a form, its fields, the scoped choice querysets) cost a list a few milliseconds for that.
    A parameter that is not one of NOT_FILTERS, known or not, goes through the FilterSet as
    before, and so does every parameter when a FilterSet declares a filter of such a name."""

    def filters_nothing(self, request, queryset, view) -> bool:
        """Whether this request leaves `queryset` as it is (nothing above to filter by)."""
        if set(request.query_params) - NOT_FILTERS:
            return False
        filterset_class = self.get_filterset_class(view, queryset)
        return filterset_class is None or not NOT_FILTERS & set(filterset_class.base_filters)

    def filter_queryset(self, request, queryset, view):
        if self.filters_nothing(request, queryset, view):
            return queryset
        return super().filter_queryset(request, queryset, view)
