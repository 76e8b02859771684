"""Small pieces every app's pages share: pagination and running a service from a form."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django_filters.constants import EMPTY_VALUES

from parks.core.tallies import TalliedPaginator

PAGE_SIZE = 25


def paginate(request, queryset, *, per_page=PAGE_SIZE, count=None):
    """The requested page; a scope's whole list of a tallied table is counted from its tally
    (parks.core.tallies), exactly, without reading every row. `count`: how many rows
    `queryset` has, when the page has read that already (the inbox's tabs, the feed's totals):
    the paginator then asks nothing more (tests/parks/test_counted_pages.py pins such pages to
    the counting paginator's)."""
    paginator = TalliedPaginator(queryset, per_page, count=count)
    return paginator.get_page(request.GET.get("page"))


def unfiltered(filterset) -> bool:
    """Whether a bound FilterSet's values narrow nothing: valid, and every value empty. Its `qs`
    is then the queryset it was given (django-filter leaves a queryset as it is for an empty
    value), which a page may read by a query compiled for its scope alone."""
    return not filterset.errors and all(
        value in EMPTY_VALUES for value in filterset.form.cleaned_data.values()
    )


def page_bounds(page) -> tuple[int | None, int | None]:
    """The slice of a page of a queryset (its OFFSET and the row after its last), which its
    SQL holds as text, not as parameters."""
    query = page.object_list.query
    return query.low_mark, query.high_mark


def save_form(form, save):
    """Run a service on a valid form; its validation errors land on the form, never a 500.

    Errors about fields the form does not show are reported at the top of the form.
    """
    try:
        return save()
    except ValidationError as error:
        known = {*form.fields, NON_FIELD_ERRORS}
        if hasattr(error, "error_dict") and not set(error.error_dict) <= known:
            error = ValidationError(error.messages)
        form.add_error(None, error)
        return None


def sort_links(request, current: str, labels) -> dict:
    """Header links for a list's sortable columns (`labels`: key -> label), keeping the filters
    and dropping the page: a column sorts ascending first, a second click descending.
    templates/_sort_header.html draws them."""
    links = {}
    for key, label in labels.items():
        query = request.GET.copy()
        query.pop("page", None)
        direction = ""
        if current == key:
            direction = "asc"
            query["ordering"] = f"-{key}"
        elif current == f"-{key}":
            direction = "desc"
            query["ordering"] = key
        else:
            query["ordering"] = key
        links[key] = {"label": label, "url": f"?{query.urlencode()}", "direction": direction}
    return links
