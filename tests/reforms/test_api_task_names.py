"""The task API reads the names of a task's plan, park, lead unit and owner as columns of the
task's own query (parks.core.api.columns, as TaskSerializer's Meta.read_related declares), not
from joined rows (issue 14).
Every answer is byte for byte the one the joined rows gave: each read is made both ways, by
each role, in Chinese and in English, over tasks with and without a park, an owner and
supporting units, and owners with and without a display name."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework import serializers

from reforms.tasks.api import views
from reforms.tasks.api.serializers import (
    TaskMilestoneSerializer,
    TaskSerializer,
)
from reforms.tasks.api.views import TaskViewSet
from tests.factories import MilestoneFactory, OrganisationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = ["office_user", "park_manager", "subdistrict_user", "member_unit_user", "liaison"]


class JoinedNames(TaskSerializer):
    # The names as TaskSerializer read them from the joined rows: no relation read as columns.
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    park_name = serializers.CharField(source="park.name", read_only=True, allow_null=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)

    class Meta(TaskSerializer.Meta):
        read_related = {}

    def get_owner_name(self, task):
        return str(task.owner) if task.owner_id else None


class JoinedNamesDetail(JoinedNames):
    milestones = TaskMilestoneSerializer(many=True, read_only=True)

    class Meta(JoinedNames.Meta):
        fields = [*JoinedNames.Meta.fields, "milestones"]


@pytest.fixture
def tasks(park, other_park, member_unit_user):
    unit = member_unit_user.organisation
    named = UserFactory(display_name="王科长")
    unnamed = UserFactory(display_name="", username="li.si")
    rows = [
        TaskFactory(park=park, lead_unit=unit, owner=named, progress=30),
        TaskFactory(park=None, owner=None, status="done", progress=100, done_on=date(2027, 1, 3)),
        TaskFactory(park=other_park, owner=unnamed, due_date=date(2026, 1, 20)),
        TaskFactory(park=park, owner=unnamed, lead_unit=OrganisationFactory(name="区人社局")),
    ]
    rows[0].supporting_units.add(unit, OrganisationFactory(name="区妇联"))
    rows[2].supporting_units.add(OrganisationFactory(name="A 区总工会"))
    MilestoneFactory(task=rows[0], order=1, title="启动")
    return rows


def _paths(tasks):
    return [
        "/api/v1/tasks/",
        "/api/v1/tasks/?page_size=2&page=2",
        "/api/v1/tasks/?ordering=warning",
        "/api/v1/tasks/?ordering=-title",
        "/api/v1/tasks/?status=planned",
        "/api/v1/tasks/cursor/",
        *(f"/api/v1/tasks/{task.pk}/" for task in tasks),
    ]


def _answers(client, paths, language, joined=False):
    with translation.override(language), CaptureQueriesContext(connection) as queries:
        answers = [client.get(path, HTTP_ACCEPT_LANGUAGE=language) for path in paths]
    # A plan's document is selected only where the plan is a joined row.
    assert any('"reforms_plan"."document"' in q["sql"] for q in queries) is joined
    return [(path, a.status_code, a.content) for path, a in zip(paths, answers, strict=True)]


def _joined(monkeypatch):
    """Read the names from the joined rows, as DRF's path reads them."""
    monkeypatch.setattr(views, "TaskSerializer", JoinedNames)
    monkeypatch.setattr(
        TaskViewSet,
        "get_serializer_class",
        lambda view: JoinedNamesDetail if view.action == "retrieve" else JoinedNames,
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", USERS)
def test_the_names_read_as_columns_are_the_joined_rows_names(
    request, api_as, tasks, monkeypatch, who, language
):
    client = api_as(request.getfixturevalue(who))
    paths = _paths(tasks)
    as_columns = _answers(client, paths, language)
    _joined(monkeypatch)
    assert as_columns == _answers(client, paths, language, joined=True)
    if who == "office_user":
        assert all(status == 200 for _path, status, _body in as_columns)
        assert "王科长".encode() in as_columns[0][2] and b'"li.si"' in as_columns[0][2]


def test_the_comparison_can_fail(api_as, office_user, tasks, monkeypatch):
    """Joined rows named differently are told apart: the two reads are not one."""
    client = api_as(office_user)
    as_columns = _answers(client, ["/api/v1/tasks/"], "zh-hans")
    _joined(monkeypatch)
    monkeypatch.setattr(JoinedNames, "get_owner_name", lambda serializer, task: "?")
    assert as_columns != _answers(client, ["/api/v1/tasks/"], "zh-hans", joined=True)


def test_writes_answer_the_row_a_read_answers(api_as, office_user, tasks):
    """Edits and workflow steps answer the task's row with the same names as a read."""
    client = api_as(office_user)
    task = tasks[0]
    edited = client.patch(f"/api/v1/tasks/{task.pk}/", {"title": "新标题"}, format="json")
    assert edited.status_code == 200, edited.json()
    read = client.get(f"/api/v1/tasks/{task.pk}/").json()
    assert edited.json() == {name: value for name, value in read.items() if name != "milestones"}
    started = client.post(f"/api/v1/tasks/{tasks[3].pk}/start/", {}, format="json")
    assert started.status_code == 200, started.json()
    row = started.json()
    assert (row["plan_title"], row["park_name"], row["lead_unit_name"], row["owner_name"]) == (
        tasks[3].plan.title,
        tasks[3].park.name,
        "区人社局",
        "li.si",
    )
    created = client.post(
        "/api/v1/tasks/",
        {
            "code": "2026-NEW-1",
            "plan": task.plan_id,
            "category": "care",
            "title": "新任务",
            "lead_unit": task.lead_unit_id,
            "start_date": "2026-01-01",
            "due_date": "2026-12-31",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["plan_title"], created.json()["owner_name"]) == (task.plan.title, None)
