from functools import partial

from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

from parks.core import tallies
from parks.core.api.planned import ListPlan, list_plan
from parks.core.api.reading import prefetched_as_lists, read_as_columns_for
from parks.core.tallies import TalliedPaginator


def shaped_for(serializer_class, queryset):
    """`queryset` as a page of it is read for `serializer_class` (PortalPagination)."""
    queryset = prefetched_as_lists(queryset, serializer_class)
    return read_as_columns_for(queryset, serializer_class)


class PlannedPaginator(TalliedPaginator):
    """TalliedPaginator whose page's rows are read by the list's plan (parks.core.api.planned):
    the same count (from the tally, else by the plan's query counted), the same window of the
    same query."""

    def __init__(self, *args, plan: ListPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            plan = self.plan
            return tallies.count(
                self.object_list, plan_key=plan.key, build=plan.build, values=plan.values
            )
        return super().count

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(self.plan.page(object_list), number, paginator)


class PortalPagination(PageNumberPagination):
    """`count/next/previous/results`; clients may ask for up to 200 rows a page. The count is
    exact and, for a scope's whole list of a tallied table, read from its tally
    (parks.core.tallies) rather than counted row by row. A page keeps what it prefetches for
    the view's serializer as lists its read plan takes, and reads the few columns the
    serializer reads of the rows it joins as columns of its own (parks.core.api.reading); a
    list that opts in is read by SQL compiled once when the request names no filter
    (parks.core.api.planned)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = TalliedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        if view is not None and hasattr(queryset, "_prefetch_related_lookups"):
            serializer_class = view.get_serializer_class()
            queryset = prefetched_as_lists(queryset, serializer_class)
            plan = list_plan(view, request, queryset, partial(shaped_for, serializer_class))
            if plan is not None:
                # The plan reads the page's rows, shaped: this queryset is only counted (the
                # same rows) and tells the page's window and prefetches.
                self.django_paginator_class = partial(PlannedPaginator, plan=plan)
            else:
                queryset = read_as_columns_for(queryset, serializer_class)
        return super().paginate_queryset(queryset, request, view)
