"""The reform ledgers: which rows each role reads and who may write."""

import pytest
from django.contrib.auth.models import AnonymousUser

from parks.access import may_write_ledger as user_can_write_ledger
from parks.structure.choices import Role
from reforms.ledgers.models import CarePayment, Publicity
from reforms.ledgers.selectors import ledger_visible_to
from tests.factories import UserFactory
from tests.reforms import ledger_services_helpers as shared

# The shared fixtures, bound here so pytest finds them by name.
frozen_now = shared.frozen_now
rows = shared.rows


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("office", {"here", "there", "far", "news_here", "news_there", "news_district"}),
        ("manager", {"here", "news_here", "news_district"}),
        ("liaison", {"here", "news_here", "news_district"}),
        ("instructor", {"here", "news_here", "news_district"}),
        ("subdistrict", {"here", "news_here", "news_district"}),
        ("member", {"here", "there", "far", "news_here", "news_there", "news_district"}),
        ("observer", {"here", "there", "far", "news_here", "news_there", "news_district"}),
        ("park_observer", {"there", "news_there", "news_district"}),
        ("inactive", set()),
        ("anonymous", set()),
    ],
)
def test_ledger_rows_visible_per_role(
    rows,
    role,
    seen,
    park,
    other_park,
    office_user,
    park_manager,
    liaison,
    subdistrict_user,
    member_unit_user,
):
    user = {
        "office": office_user,
        "manager": park_manager,
        "liaison": liaison,
        "instructor": UserFactory(role=Role.INSTRUCTOR, park=park),
        "subdistrict": subdistrict_user,
        "member": member_unit_user,
        "observer": UserFactory(role=Role.OBSERVER),
        "park_observer": UserFactory(role=Role.OBSERVER, park=other_park),
        "inactive": UserFactory(role=Role.OFFICE, is_active=False),
        "anonymous": AnonymousUser(),
    }[role]

    visible = set(ledger_visible_to(CarePayment, user)) | set(ledger_visible_to(Publicity, user))

    assert visible == {rows[name] for name in seen}


def test_who_may_write_a_ledger(park, other_park, office_user, park_manager, liaison):
    assert user_can_write_ledger(office_user, None)
    assert user_can_write_ledger(park_manager, park)
    assert not user_can_write_ledger(park_manager, other_park)
    assert not user_can_write_ledger(park_manager, None)
    assert not user_can_write_ledger(liaison, park)
    assert not user_can_write_ledger(AnonymousUser(), park)
