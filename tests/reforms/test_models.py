"""What the database itself refuses about tasks, and how the model reports it to forms."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from reforms.tasks.models import Task
from tests.factories import PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_date", date(1, 1, 1)),
        ("start_date", date(1999, 12, 31)),
        ("due_date", date(2101, 1, 1)),
        ("due_date", date(9999, 12, 31)),
    ],
)
def test_the_database_refuses_task_dates_outside_2000_to_2100(field, value):
    task = TaskFactory(start_date=date(2026, 1, 1), due_date=date(2026, 12, 31))
    changes = {field: value}
    if field == "start_date":
        changes["due_date"] = date(2026, 12, 31)
    with pytest.raises(IntegrityError, match="date_range"):
        Task.objects.filter(pk=task.pk).update(**changes)


def test_the_first_and_last_allowed_dates_are_accepted():
    TaskFactory(start_date=date(2000, 1, 1), due_date=date(2100, 12, 31))


@pytest.mark.parametrize(
    ("field", "value"), [("start_date", date(1999, 12, 31)), ("due_date", date(2101, 1, 1))]
)
def test_a_date_outside_2000_to_2100_is_reported_on_its_field(field, value):
    task = TaskFactory.build(plan=PlanFactory(), lead_unit=PlanFactory().issuer, **{field: value})
    if field == "start_date":
        task.due_date = date(2026, 12, 31)
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert field in error.value.message_dict


def test_a_code_with_spaces_is_reported_on_the_code_in_words():
    task = TaskFactory.build(code="2026 HX 01", plan=PlanFactory(), lead_unit=PlanFactory().issuer)

    with pytest.raises(ValidationError) as error:
        task.full_clean()

    messages = error.value.message_dict
    assert "code" in messages
    assert "task_code_no_spaces" not in str(messages)
