"""A worker serving many people keeps their compiled queries (parks.core.prepared): the office's
people, however many, share one plan per query (access.shared_scope), and more people of
scopes of their own than the old bound of 128 plans keep theirs without pushing each other out.
Each person's rows are those of the plain path."""

import pytest
from django.test import RequestFactory

from grievances.api.views.grievances import _one_shown
from grievances.views.common import visible_grievance
from parks.core import prepared
from parks.structure.choices import Role
from parks.structure.models import User
from tests.factories import GrievanceFactory, OrganisationFactory
from tests.grievances.pages_helpers import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(NOW, tick=False)


# More people than the plans the old bound kept (128).
PEOPLE = 130


def _fields(row):
    """A row as read: its columns and annotations, its related rows, its prefetched ones."""
    if row is None:
        return None
    prefetched = getattr(row, "_prefetched_objects_cache", {})
    return (
        {k: v for k, v in vars(row).items() if k not in ("_state", "_prefetched_objects_cache")},
        {name: _fields(other) for name, other in row._state.fields_cache.items()},
        {name: [_fields(one) for one in rows] for name, rows in prefetched.items()},
    )


def _read(users, grievance):
    """Each user's grievance, as the page and the API read it."""
    found = []
    for user in users:
        request = RequestFactory().get("/")
        request.user = user
        rows = [visible_grievance(request, grievance.pk), *_one_shown(user, grievance.pk)]
        found.append([_fields(row) for row in rows])
    return found


def _people(**fields):
    return User.objects.bulk_create(
        [User(username=f"{fields['role']}{n}", **fields) for n in range(PEOPLE)]
    )


def _plain(monkeypatch):
    monkeypatch.setattr(prepared, "_plan", lambda *args: None)
    prepared.forget()


def test_the_office_people_share_their_plans(park, monkeypatch):
    users = _people(role=Role.OFFICE, organisation=OrganisationFactory(name="区改革办"))
    grievance = GrievanceFactory(park=park)
    prepared.forget()
    _read(users[:1], grievance)
    made = len(prepared._PLANS)
    kept = _read(users, grievance)
    assert len(prepared._PLANS) == made  # one plan each, whoever asks
    _plain(monkeypatch)
    assert kept == _read(users, grievance)


def test_people_of_scopes_of_their_own_keep_their_plans(park, monkeypatch):
    users = _people(role=Role.LIAISON, park=park)  # each reads their own zones: their own key
    grievance = GrievanceFactory(park=park)
    prepared.forget()
    kept = _read(users, grievance)
    assert len(prepared._PLANS) > PEOPLE  # a page's and an API detail's plan each, at least
    assert len(prepared._PLANS) <= prepared.MAX_PLANS

    def nothing_forgotten(*args):
        raise AssertionError("a plan was made again: one was pushed out")

    monkeypatch.setattr(prepared, "_plan", nothing_forgotten)
    assert kept == _read(users, grievance)
    _plain(monkeypatch)
    assert kept == _read(users, grievance)
