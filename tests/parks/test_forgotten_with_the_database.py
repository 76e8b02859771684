"""What a process keeps is forgotten when the database is made anew (parks.core.recent): a flush
or a migrate may make a kept key name other rows (tests/reforms/test_report_freshness_flushed.py
shows the list that went wrong)."""

import pytest
from django.core.management.sql import emit_post_migrate_signal

from parks.core import compiled, prepared
from parks.core import recent as kept_memos
from parks.core.recent import Recent, forgotten_with_the_database

pytestmark = pytest.mark.django_db


def test_every_recent_and_every_memo_of_a_module_is_emptied_after_a_migrate_or_flush():
    recent = Recent(4)
    recent.keep("plan", "SELECT … WHERE content_type_id IN (7, 9)")
    memo = forgotten_with_the_database({"rows": [1, 2]})
    compiled._COMPILED["a key"] = None
    prepared._PLANS.keep("a key", None)

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert (dict(recent), memo) == ({}, {})
    assert "a key" not in compiled._COMPILED
    assert "a key" not in prepared._PLANS


def test_a_recent_no_longer_used_is_not_kept_to_be_forgotten():
    before = len(kept_memos._EVERY_RECENT)
    Recent(4)
    assert len(kept_memos._EVERY_RECENT) == before
