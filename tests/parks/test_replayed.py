"""parks.core.replayed: the one statement the ORM ran for a key is run again, read as the ORM
read it; nothing is kept for no statement, several, or a key of None; the oldest is forgotten
first (parks.core.recent)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parks.core.recent import Recent
from parks.core.replayed import KeptStatements
from parks.structure.models import Park
from tests.factories import ParkFactory

pytestmark = pytest.mark.django_db


def _count(name):
    return lambda: Park.objects.filter(name=name).count()


def _read(cursor):
    return cursor.fetchone()[0]


def test_the_statement_is_run_again_and_reads_the_rows_as_they_are_now():
    kept = KeptStatements(most=2)
    park = ParkFactory()
    with CaptureQueriesContext(connection) as asked:
        assert kept.answer(("parks", park.name), _count(park.name), _read) == 1
    Park.objects.filter(pk=park.pk).update(name=park.name + " (renamed)")
    with CaptureQueriesContext(connection) as replayed:
        assert kept.answer(("parks", park.name), _count("unused"), _read) == 0
    assert [q["sql"] for q in replayed] == [q["sql"] for q in asked]


def test_nothing_is_kept_for_no_statement_several_or_no_key():
    kept = KeptStatements(most=5)
    park = ParkFactory()
    assert kept.answer("none", lambda: Park.objects.none().count(), _read) == 0
    assert kept.answer("two", lambda: _count(park.name)() + _count("x")(), _read) == 1
    assert kept.answer(None, _count(park.name), _read) == 1
    assert len(kept) == 0


def test_the_least_recently_used_is_forgotten_first():
    kept = KeptStatements(most=2)
    for name in ("a", "b", "a", "c"):
        kept.answer(name, _count(name), _read)
    with CaptureQueriesContext(connection) as queries:
        kept.answer("a", lambda: pytest.fail("a was kept"), _read)
        kept.answer("c", lambda: pytest.fail("c was kept"), _read)
    assert len(queries) == 2
    assert kept.answer("b", lambda: "asked again", _read) == "asked again"


def test_a_recent_memo_keeps_none_too_and_forgets_the_least_recently_used():
    memo = Recent(2)
    made = []
    for key in ("a", "b", "a", "c", "a", "b"):
        memo.kept(key, lambda key=key: made.append(key))  # None, kept as found
    assert made == ["a", "b", "c", "b"]  # "b" was forgotten for "c", "a" never
    assert list(memo) == ["a", "b"]
