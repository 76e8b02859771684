"""The feed's "logged by" choices (parks.gridlog.filters._visible_loggers): the queryset
loggers_visible_to builds, built once per access.scope_key and handed out as a copy: the same
SQL and the same people as built afresh, for every role, whoever of the scope asked first."""

import pytest
from django.db import connection
from django.test import RequestFactory

from parks.access import loggers_visible_to
from parks.gridlog import filters
from parks.structure.choices import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["office_user", "park_manager", "liaison", "subdistrict_user", "member_unit_user"]


def _request(user):
    request = RequestFactory().get("/activities/")
    request.user = user
    return request


def _sql(queryset):
    return queryset.query.get_compiler(connection=connection).as_sql()


@pytest.mark.parametrize("first", ROLES)
def test_the_kept_loggers_are_those_built_afresh_for_every_role(request, first, other_park):
    UserFactory(role=Role.LIAISON, park=other_park)
    filters._LOGGERS.clear()
    filters._visible_loggers(_request(request.getfixturevalue(first)))
    for role in ROLES:
        user = request.getfixturevalue(role)
        # Another person of the same scope, asking after the first.
        twin = UserFactory(
            role=user.role,
            park=user.park,
            subdistrict=user.subdistrict,
            organisation=user.organisation,
        )
        for person in (user, twin):
            kept = filters._visible_loggers(_request(person))
            built = loggers_visible_to(person)
            assert _sql(kept) == _sql(built)
            assert sorted(kept.values_list("pk", flat=True)) == sorted(
                built.values_list("pk", flat=True)
            )
    # Read through copies only: the kept querysets hold no rows.
    assert all(queryset._result_cache is None for queryset in filters._LOGGERS.values())
