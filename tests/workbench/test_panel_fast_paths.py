"""The pages' cheaper paths answer exactly as the plain ones: a row's address reversed once
(parks.core.row_urls) is `reverse()`'s; a related panel whose filter values the page has read
applies the same filters with a narrowed FilterSet as with the whole one, and its first rows
and count in one query are the two queries' answers; a model select's options read by a plain
query are those Django's iterator reads."""

import pytest
from django.core.exceptions import EmptyResultSet
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone, translation

from grievances import selectors as grievance_selectors
from grievances.choices import DISPUTE_CATEGORIES
from grievances.filters import GrievanceFilter
from grievances.forms import MediationOpenForm
from parks.core import related
from parks.core.forms import ListedChoiceIterator
from parks.core.row_urls import named_url, pk_url
from reforms.supervision import selectors as order_selectors
from reforms.supervision.filters import OrderFilter
from reforms.supervision.services import order_issue
from reforms.tasks import selectors as task_selectors
from reforms.tasks.filters import TaskFilter
from tests.factories import GrievanceFactory, TaskFactory

ROW_PAGES = (
    "parks:park_detail",
    "parks:grid_zone_detail",
    "parks:activity_detail",
    "grievances:grievance_detail",
    "reforms:task_detail",
    "reforms:report_detail",
    "reforms:order_detail",
    "grievances:qr_poster",
    "reforms:park_roadmap",
    # The API report list's links (reforms.reporting.api.report_serializers._links).
    "report-detail",
    "report-download",
)


@pytest.mark.parametrize("name", ROW_PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_rows_address_is_reverses_for_every_id_language_and_prefix(name, language):
    with translation.override(language):
        for pk in (1, 7, 10, 123, 50010, 2**31 - 1):
            assert pk_url(name, pk) == reverse(name, args=[pk])
        set_script_prefix("/portal/")
        try:
            assert pk_url(name, 42) == reverse(name, args=[42]) == reverse(name, args=[42])
            assert pk_url(name, 42).startswith("/portal/")
        finally:
            set_script_prefix("/")
        assert pk_url(name, 42) == reverse(name, args=[42])


@pytest.mark.parametrize(
    "name",
    [
        "parks:audit",
        "reforms:order_list",
        "reforms:order_issue",
        # The park page's panels (grievances, grid log, tasks, ledgers, reports).
        "grievances:inbox",
        "parks:activity_feed",
        "reforms:task_list",
        "reforms:ledgers",
        "reforms:report_list",
        "reforms:care_payment_list",
        "reforms:proposal_list",
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_route_without_arguments_is_reversed_once_per_language_and_prefix(name, language):
    with translation.override(language):
        assert named_url(name) == reverse(name) == named_url(name)
        set_script_prefix("/portal/")
        try:
            assert named_url(name) == reverse(name)
            assert named_url(name).startswith("/portal/")
        finally:
            set_script_prefix("/")
        assert named_url(name) == reverse(name)


def test_a_route_that_does_not_take_an_id_is_refused():
    with pytest.raises(NoReverseMatch):
        pk_url("grievances:inbox", 1)


def _whole(filterset_class, query, rows, user, **known):
    """The plain path: the whole FilterSet made, its named filters applied."""
    data = query.copy()
    for name in known:
        data.pop(name, None)
    filterset = filterset_class(data, queryset=rows, request=related.Asker(user))
    for name, value in known.items():
        rows = filterset.filters[name].filter(rows, value)
    return rows


def _sql(rows):
    try:
        return str(rows.order_by("pk").query)
    except EmptyResultSet:  # a user who sees none of these rows
        return "none"


def _users(request):
    return [
        request.getfixturevalue(name)
        for name in ("office_user", "park_manager", "subdistrict_user", "member_unit_user")
    ]


@pytest.mark.django_db
def test_a_panel_with_known_values_filters_as_the_whole_filterset(request, park):
    TaskFactory(park=park)
    GrievanceFactory(park=park)
    query = QueryDict(mutable=True)
    query["park"] = str(park.pk)
    for user in _users(request):
        cases = (
            (TaskFilter, task_selectors.with_warning_rank(task_selectors.tasks_visible_to(user))),
            (GrievanceFilter, grievance_selectors.inbox(user=user)),
            (OrderFilter, order_selectors.order_table(user=user, today=timezone.localdate())),
        )
        for filterset_class, rows in cases:
            fast = related.filtered(filterset_class, query, rows, user, park=park)
            plain = _whole(filterset_class, query, rows, user, park=park)
            assert _sql(fast) == _sql(plain)
            assert list(fast.order_by("pk")) == list(plain.order_by("pk"))


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["grievance", "task"])
def test_a_subjects_orders_filter_as_the_validated_query(request, park, field):
    subject = (GrievanceFactory if field == "grievance" else TaskFactory)(park=park)
    query = QueryDict(mutable=True)
    query[field] = str(subject.pk)
    for user in _users(request):
        rows = order_selectors.order_table(user=user, today=timezone.localdate())
        known = related.filtered(OrderFilter, query, rows, user, **{field: subject})
        validated = related.filtered(OrderFilter, query, rows, user)
        assert _sql(known) == _sql(validated)


@pytest.mark.django_db
def test_a_panels_first_rows_and_count_in_one_query_are_the_two_queries_answers(
    request, park, office_user, django_assert_max_num_queries
):
    ordering = ("-issued_at", "-pk")
    for n in (0, 1, 7):
        for _ in range(n if n < 2 else n - 1):
            task = TaskFactory(park=park)
            order_issue(
                actor=office_user,
                unit=None,
                colour="red",
                requirement="限期反馈",
                reply_due=timezone.localdate(),
                task=task,
            )
        for user in _users(request):
            rows = order_selectors.order_table(user=user, today=timezone.localdate())
            expected = (list(rows.order_by(*ordering)[: related.PANEL_ITEMS]), rows.count())
            with django_assert_max_num_queries(1):
                first, count = related.first_and_count(rows, *ordering)
            assert (first, count) == expected
            # Made DISTINCT (a multiple-choice filter), the rows are counted apart, as before.
            assert related.first_and_count(rows.distinct(), *ordering) == expected


@pytest.mark.django_db
def test_a_model_select_offers_djangos_options_in_one_plain_query(park, office_user, grid_zone):
    grievance = GrievanceFactory(park=park, category=next(iter(DISPUTE_CATEGORIES)))
    for language in ("zh-hans", "en"):
        with translation.override(language):
            form = MediationOpenForm(grievance=grievance)
            field = form.fields["mediator"]
            assert field.iterator is ListedChoiceIterator
            plain = [(str(value), str(label)) for value, label in ModelChoiceIterator(field)]
            assert [(str(value), str(label)) for value, label in field.choices] == plain
            assert len(plain) > 1
            html = str(form["mediator"])
            field.iterator = ModelChoiceIterator
            field.widget.choices = field.choices
            assert str(form["mediator"]) == html
