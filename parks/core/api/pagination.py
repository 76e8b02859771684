from rest_framework.pagination import PageNumberPagination

from parks.core.tallies import TalliedPaginator


class PortalPagination(PageNumberPagination):
    """`count/next/previous/results`; clients may ask for up to 200 rows a page. The count is
    exact and, for a scope's whole list of a tallied table, read from its tally
    (parks.core.tallies) rather than counted row by row."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = TalliedPaginator
