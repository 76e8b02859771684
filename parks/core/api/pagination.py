from rest_framework.pagination import PageNumberPagination

from parks.core.api.reading import narrowed_to_what_is_read, prefetched_as_lists
from parks.core.tallies import TalliedPaginator


class PortalPagination(PageNumberPagination):
    """`count/next/previous/results`; clients may ask for up to 200 rows a page. The count is
    exact and, for a scope's whole list of a tallied table, read from its tally
    (parks.core.tallies) rather than counted row by row. A page keeps what it prefetches for
    the view's serializer as lists its read plan takes, and fetches of the rows it joins the
    columns the serializer reads (parks.core.api.reading)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = TalliedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        if view is not None and hasattr(queryset, "_prefetch_related_lookups"):
            serializer_class = view.get_serializer_class()
            queryset = prefetched_as_lists(queryset, serializer_class)
            queryset = narrowed_to_what_is_read(queryset, serializer_class)
        return super().paginate_queryset(queryset, request, view)
