"""A page's to-many prefetches read by plans (parks.core.prefetched) leave on the rows what
Django's prefetch_related_objects leaves (issue 14), from the same query but for its condition:
`<fk> = ANY('{a,b}'::bigint[])` where Django writes `<fk> IN (a, b)`.

Compared, row by row: the cache of prefetched rows (its keys, each relation's rows in order and
their columns, the queryset each manager answers and its SQL), a `to_attr` list, each row
pointing back at its instance (a reverse foreign key), a many-to-many row's value of the join
table, and the queries run (as many, the same SQL once the condition is written Django's way).
Lookups it does not plan (two steps, a sliced queryset, the same relation twice, no rows) go
Django's way, queries and all.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.test.utils import CaptureQueriesContext

from grievances.models import Attachment, Grievance
from parks.core import prefetched as prefetched_module
from parks.core import prepared as prepared_module
from parks.core.prefetched import prefetch_planned
from parks.structure.models import Organisation
from reforms.tasks.models import Task
from tests.factories import GrievanceFactory, OrganisationFactory, TaskFactory
from tests.page_helpers import as_django_writes_it

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(park, fresh_plans):
    grievances = [GrievanceFactory(park=park) for _ in range(4)]
    GrievanceFactory(park=park, status="merged", merged_into=grievances[1])
    for n, grievance in enumerate([grievances[0], grievances[2], grievances[2]]):
        Attachment.objects.create(
            grievance=grievance,
            file=ContentFile(b"%PDF-1.4", name=f"a{n}.pdf"),
            original_name=f"工资单{n}.pdf",
            size=8 + n,
        )
    units = [OrganisationFactory(name=name) for name in ("区人社局", "区总工会", "B 单位")]
    tasks = [TaskFactory(park=park) for _ in range(3)]
    tasks[0].supporting_units.add(*units)
    tasks[2].supporting_units.add(units[1])
    return grievances, tasks


def _row(rel):
    return (
        type(rel).__name__,
        {k: v for k, v in vars(rel).items() if k != "_state"},
        rel._state.db,
        rel._state.adding,
        sorted(rel._state.fields_cache),
    )


def _state(instances, relations, to_attrs=()):
    """What a prefetch left on `instances`, read without a query."""
    seen = []
    with CaptureQueriesContext(connection) as queries:
        for instance in instances:
            cache = instance.__dict__.get("_prefetched_objects_cache")
            row = {"cache": None if cache is None else sorted(cache)}
            for name in relations:
                if cache is None or name not in cache:
                    continue
                found = cache[name]
                manager = getattr(instance, name).all()
                related = [_row(rel) for rel in manager]
                row[name] = (
                    found._prefetch_done,
                    str(found.query),
                    found.db,
                    related,
                    [rel.__dict__.get("_prefetched_objects_cache") for rel in manager],
                )
                back = [
                    rel._state.fields_cache.get(field)
                    for rel in manager
                    for field in rel._state.fields_cache
                ]
                row[name + " points back"] = [other is instance for other in back]
            for name in to_attrs:
                listed = instance.__dict__.get(name)
                row[name] = None if listed is None else [_row(rel) for rel in listed]
                row[name + " points back"] = [
                    [other is instance for other in rel._state.fields_cache.values()]
                    for rel in listed or ()
                ]
            seen.append(row)
    assert len(queries) == 0
    return seen


def _both(read, lookups, relations, to_attrs=()):
    """The state and SQL of Django's prefetch and of the planned one, over fresh rows, twice
    for the planned one (making its plans, then from them)."""
    answers = []
    for prefetch in (
        lambda found: prefetch_related_objects(found, *lookups()),
        lambda found: prefetch_planned(found, lookups(), ("test", "prefetched")),
        lambda found: prefetch_planned(found, lookups(), ("test", "prefetched")),
    ):
        found = read()
        with CaptureQueriesContext(connection) as queries:
            prefetch(found)
        sql = [query["sql"] for query in queries]
        answers.append((_state(found, relations, to_attrs), sql))
    return answers


def _pinned(answers, *, planned=True):
    (django_state, django_sql), *planned_answers = answers
    for state, sql in planned_answers:
        assert state == django_state
        assert [as_django_writes_it(one) for one in sql] == django_sql
        assert all(("= ANY(" in one) is planned for one in sql)
    return django_state


def test_a_reverse_foreign_key_leaves_what_djangos_prefetch_leaves(rows):
    grievances, _tasks = rows
    pks = [g.pk for g in grievances]

    def read():
        return list(Grievance.objects.filter(pk__in=pks).order_by("-pk"))

    state = _pinned(_both(read, lambda: ["attachments"], ["attachments"]))
    assert [len(row.get("attachments", (0, 0, 0, []))[3]) for row in state] == [0, 2, 0, 1]


def test_a_many_to_many_with_its_own_queryset_leaves_what_djangos_prefetch_leaves(rows):
    _grievances, tasks = rows
    pks = [t.pk for t in tasks]

    def read():
        return list(Task.objects.filter(pk__in=pks).order_by("pk"))

    def lookups():
        from parks.structure.models import Organisation

        return [Prefetch("supporting_units", queryset=Organisation.objects.order_by("name"))]

    state = _pinned(_both(read, lookups, ["supporting_units"]))
    assert [len(row.get("supporting_units", (0, 0, 0, []))[3]) for row in state] == [3, 0, 1]


def test_lists_kept_in_an_attribute_and_two_relations_at_once(rows):
    grievances, tasks = rows
    pks = [g.pk for g in grievances]

    def read():
        return list(Grievance.objects.filter(pk__in=pks).order_by("pk"))

    def lookups():
        return [
            Prefetch("attachments", queryset=Attachment.objects.order_by("-size"), to_attr="kept"),
            "merged_duplicates",
        ]

    relations = ["merged_duplicates"]
    _pinned(_both(read, lookups, relations, to_attrs=["kept"]))


def test_a_repeated_row_points_where_djangos_prefetch_points(rows):
    grievances, _tasks = rows

    def read():
        found = list(Grievance.objects.filter(pk=grievances[2].pk))
        return found + list(Grievance.objects.filter(pk=grievances[2].pk))

    _pinned(_both(read, lambda: ["attachments"], ["attachments"]))


@pytest.mark.parametrize(
    "lookups",
    [
        lambda: ["attachments__grievance"],
        lambda: [
            Prefetch("attachments", queryset=Attachment.objects.order_by("pk")[:1], to_attr="kept")
        ],
        lambda: ["attachments", "attachments"],
        lambda: ["attachments", Prefetch("park")],
    ],
)
def test_what_is_not_planned_goes_djangos_way(rows, lookups):
    grievances, _tasks = rows
    pks = [g.pk for g in grievances]

    def read():
        return list(Grievance.objects.filter(pk__in=pks).order_by("pk"))

    _pinned(_both(read, lookups, ["attachments", "park"]), planned=False)


def test_no_rows_no_query(rows):
    with CaptureQueriesContext(connection) as queries:
        prefetch_planned([], ["attachments"], ("test", "prefetched"))
    assert len(queries) == 0


def test_one_plan_per_key_and_relation(rows):
    grievances, _tasks = rows
    for size in (1, 3, 4):
        found = list(Grievance.objects.filter(pk__in=[g.pk for g in grievances[:size]]))
        prefetch_planned(found, ["attachments"], ("test", "prefetched"))
    keys = [key for key in prepared_module._PLANS if key[0][0] == ("test", "prefetched")]
    assert keys == [((("test", "prefetched"), "prefetch", "attachments"), "default", False)]
    assert prepared_module._PLANS.recall(keys[0]) is not None


def test_a_relations_plain_in_is_asked_once_and_a_prefetchs_own_queryset_each_time(
    rows, monkeypatch
):
    grievances, tasks = rows
    asked = []
    filtered = prefetched_module._filtered

    def counted(base, field_name, array):
        asked.append((base.model.__name__, field_name, array))
        return filtered(base, field_name, array)

    monkeypatch.setattr(prefetched_module, "_PLAIN_IN", {})
    monkeypatch.setattr(prefetched_module, "_filtered", counted)
    own = Grievance.objects.filter(pk__in=[g.pk for g in grievances]).order_by("pk")
    units = Prefetch("supporting_units", queryset=Organisation.objects.order_by("name"))
    for _ in range(3):
        found, django = list(own), list(own)
        prefetch_planned(found, ["attachments"], ("test", "asked once"))
        prefetch_related_objects(django, "attachments")
        assert _state(found, ["attachments"]) == _state(django, ["attachments"])
        planned_tasks = list(Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("pk"))
        prefetch_planned(planned_tasks, [units], ("test", "asked each time"))
    checks = [entry for entry in asked if entry[2] == "{}"]
    assert checks.count(("Attachment", "grievance", "{}")) == 1
    assert checks.count(("Organisation", "supported_tasks", "{}")) == 3
