"""A list's pages read by its main query compiled once (parks.core.api.planned) answer what the
plain path answers (issue 14): the grievances, the grid log and the tasks.

Every page is read three times — planned (making the plans), planned again (from them), then
with planning switched off — by each role, in Chinese and in English, masked and unmasked, on
the first page, a middle one, the last one (a shorter window), past the last (a 404), with
each ordering the lists take; the answers, their bytes, the SQL of every query and the unmasked
views logged are the same. The one difference allowed: a to-many prefetch's condition, which a
planned page writes `<fk> = ANY('{a,b}'::bigint[])` (parks.core.prefetched) where Django writes
`<fk> IN (a, b)`: the same values in the same order. A request naming a filter or an unknown
ordering is not planned.
"""

import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

import parks.core.api.pagination as pagination
from grievances.api.views.grievances import GrievanceViewSet
from grievances.models import PersonalDataView
from parks import access
from parks.access.lists import ScopedPlannedListMixin
from parks.core import prepared as prepared_module
from parks.core.prepared import PreparedQuery
from parks.gridlog.api.views import ActivityViewSet
from reforms.tasks.api.views import TaskViewSet
from tests.page_helpers import PLANNED_PREFETCH as _ANY
from tests.page_helpers import as_django_writes_it
from tests.parks.test_fast_reading import USERS, _answers
from tests.parks.test_fast_reading import varied as varied_rows  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PLANNED = [
    "/api/v1/grievances/",
    "/api/v1/grievances/?page_size=2",
    "/api/v1/grievances/?page_size=2&page=2",
    "/api/v1/grievances/?page_size=4&page=2",
    "/api/v1/grievances/?page_size=2&page=9",
    "/api/v1/grievances/?unmask=1&page_size=3",
    "/api/v1/grievances/?ordering=-received_at&unmask=true",
    "/api/v1/grievances/?ordering=status&page_size=2&page=2",
    "/api/v1/activities/",
    "/api/v1/activities/?page_size=1&page=2",
    "/api/v1/activities/?ordering=title",
    "/api/v1/activities/?ordering=-participants&page_size=1",
    "/api/v1/tasks/",
    "/api/v1/tasks/?page_size=1&page=2",
    "/api/v1/tasks/?ordering=warning",
    "/api/v1/tasks/?ordering=-days_left&page_size=1",
]
NOT_PLANNED = [
    "/api/v1/grievances/?flag=breached",
    "/api/v1/grievances/?ordering=title",
    "/api/v1/grievances/?ordering=-received_at,status",
    "/api/v1/activities/?kind=visit",
    "/api/v1/tasks/?status=planned&ordering=warning",
]


def _read(client, paths, language):
    before = PersonalDataView.objects.count()
    with CaptureQueriesContext(connection) as queries:
        answers = _answers(client, paths, language)
    logged = sorted(
        PersonalDataView.objects.order_by("pk")[before:].values_list("grievance_id", "via")
    )
    return answers, logged, [as_django_writes_it(query["sql"]) for query in queries]


def _prefetched_by_plans(client, paths):
    """The to-many prefetches of these pages that ran as planned (`= ANY(…)`)."""
    with CaptureQueriesContext(connection) as queries:
        _answers(client, paths, "zh-hans")
    return [query["sql"] for query in queries if _ANY.search(query["sql"])]


def _unplanned(view, request, queryset, shaped):
    return None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_a_planned_page_answers_what_the_plain_path_answers(
    request,
    api_as,
    varied_rows,  # noqa: F811 (the fixture)
    monkeypatch,
    who,
    language,
):
    client = api_as(request.getfixturevalue(who))
    paths = PLANNED + NOT_PLANNED
    planned = _read(client, paths, language)
    again = _read(client, paths, language)  # from the plans made above
    monkeypatch.setattr(pagination, "list_plan", _unplanned)
    plain = _read(client, paths, language)
    assert planned == again == plain
    statuses = {status for _path, status, _body in planned[0]}
    assert 200 in statuses and 404 in statuses
    monkeypatch.undo()
    # The planned pages did read their to-many rows by plans: the grievances' attachments,
    # the activities' photos and the tasks' supporting units (first pages of each).
    ran = _prefetched_by_plans(client, ["/api/v1/activities/", "/api/v1/tasks/"])
    assert [sql.split(" FROM ")[1].split(" ")[0] for sql in ran] == [
        '"parks_activityphoto"',
        '"parks_organisation"',
    ]
    if who != "member_unit_user":  # a unit's people see no grievance of the fixture unhandled
        assert _prefetched_by_plans(client, ["/api/v1/grievances/"])


def _plans():
    return {key for key, plan in prepared_module._PLANS.items() if key[0][0] == "api list"}


def _ran_a_plan(monkeypatch):
    """Whether a page was read by a plan: the windowed queries that ran through PreparedQuery
    (a page's to-many prefetches run plans of their own, without a window)."""
    ran = []
    original = PreparedQuery.get_compiler
    original_rows = prepared_module._rows

    def counted(self, *args, **kwargs):
        if self.prepared[5] is not None:
            ran.append(self.prepared[1])
        return original(self, *args, **kwargs)

    def counted_rows(query, using):  # rows read as Django's iterables read them (the same SQL)
        if query.prepared[5] is not None:
            ran.append(query.prepared[1])
        return original_rows(query, using)

    monkeypatch.setattr(PreparedQuery, "get_compiler", counted)
    monkeypatch.setattr(prepared_module, "_rows", counted_rows)
    return ran


def test_only_a_page_naming_no_filter_is_planned(
    api_as,
    office_user,
    varied_rows,  # noqa: F811 (the fixture)
    monkeypatch,
):
    client = api_as(office_user)
    ran = _ran_a_plan(monkeypatch)
    for path in NOT_PLANNED:
        assert client.get(path).status_code == 200
    assert ran == []
    for path in PLANNED:
        client.get(path)
    assert len(ran) == len(PLANNED) - 1  # past the last page: a 404, no rows read
    # Each page's window after the list's SQL: the first page's two rows, the second page's.
    assert ran[1].endswith(" LIMIT 2") and ran[2].endswith(" LIMIT 2 OFFSET 2")
    assert ran[1].removesuffix(" LIMIT 2") == ran[2].removesuffix(" LIMIT 2 OFFSET 2")


def test_a_plan_is_keyed_on_the_scope_the_ordering_the_language_and_the_settings(
    api_as,
    office_user,
    park_manager,
    varied_rows,  # noqa: F811 (the fixture)
):
    prepared_module.forget()
    api_as(office_user).get("/api/v1/tasks/")
    api_as(office_user).get("/api/v1/tasks/?page_size=1&page=2")  # the same plan
    assert len(_plans()) == 1
    api_as(park_manager).get("/api/v1/tasks/")
    api_as(office_user).get("/api/v1/tasks/?ordering=warning")
    api_as(office_user).get("/api/v1/tasks/", HTTP_ACCEPT_LANGUAGE="en")
    assert len(_plans()) == 4
    with override_settings(REFORM_DUE_SOON_DAYS=30):
        soon = api_as(office_user).get("/api/v1/tasks/").json()["results"]
        assert len(_plans()) == 5
        prepared_module.forget()
        assert api_as(office_user).get("/api/v1/tasks/").json()["results"] == soon


def test_a_plan_never_serves_another_scope(
    api_as,
    office_user,
    park_manager,
    liaison,
    varied_rows,  # noqa: F811 (the fixture)
    monkeypatch,
):
    paths = ["/api/v1/grievances/", "/api/v1/activities/", "/api/v1/tasks/"]
    users = [office_user, park_manager, liaison, office_user]
    planned = [_answers(api_as(user), paths, "zh-hans") for user in users]
    monkeypatch.setattr(pagination, "list_plan", _unplanned)
    plain = [_answers(api_as(user), paths, "zh-hans") for user in users]
    assert planned == plain
    assert planned[0] != planned[1] and planned[0] != planned[2]  # the office sees more


def test_a_planned_list_is_keyed_on_its_users_scope_key_by_default(
    office_user, park_manager, liaison
):
    for view_class in (GrievanceViewSet, ActivityViewSet, TaskViewSet):
        assert view_class.list_scope is ScopedPlannedListMixin.list_scope  # no copy of its own
    for user in (office_user, park_manager, liaison):
        request = APIRequestFactory().get("/")
        request.user = user
        assert GrievanceViewSet(request=request).list_scope() == access.scope_key(user)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_planned_list_says_what_of_its_user_its_sql_holds():
    """The scoped lists' key is the user's access.scope_key, which leaves out who the user is: a
    list whose SQL held the user's own id ("mine") would serve one user's plan to another. So a
    new scoped list is added here on purpose (its SQL depends on the scope alone); any other
    keys its plans itself (its own list_scope)."""
    importlib.import_module(settings.ROOT_URLCONF)  # every viewset the portal serves
    by_scope_alone = {GrievanceViewSet, ActivityViewSet, TaskViewSet}
    defaulted = {
        view
        for view in _subclasses(ScopedPlannedListMixin)
        if view.list_scope is ScopedPlannedListMixin.list_scope and "Test" not in view.__name__
    }
    assert defaulted == by_scope_alone
