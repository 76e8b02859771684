"""next_deadline keeps its texts per language, limit, whole minutes and overdue
(grievances.views.common._DEADLINE_TEXTS): what it gives, kept or not, is what the texts made
afresh say, in either order of languages, on both sides of every unit and of the limit."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import translation

from grievances.choices import Status
from grievances.views import common
from grievances.views.common import next_deadline

NOW = datetime(2026, 6, 3, 15, 30, tzinfo=UTC)
# Seconds around each unit's edges, overdue and left, seconds within one minute apart.
OFFSETS = [
    sign * seconds
    for seconds in (0, 0.5, 59.9, 60, 61, 3599, 3600, 3660, 86399, 86400, 90000, 200000, 2e6)
    for sign in (1, -1)
]


def _grievance(offset, *, responding):
    due = NOW + timedelta(seconds=offset)
    return SimpleNamespace(
        status=Status.RECEIVED if responding else Status.IN_PROGRESS,
        responded_at=None if responding else NOW,
        response_due_at=due,
        resolved_at=None,
        resolution_due_at=due,
    )


def _afresh(grievance):
    """What next_deadline said before its texts were kept (the same code, no memo)."""
    responding = grievance.status == Status.RECEIVED
    at = grievance.response_due_at if responding else grievance.resolution_due_at
    seconds = (at - NOW).total_seconds()
    kind, text = common._deadline_texts(responding, seconds)
    return {"at": at, "kind": kind, "text": text, "overdue": seconds < 0}


@pytest.mark.parametrize("languages", [("zh-hans", "en"), ("en", "zh-hans")])
def test_kept_texts_are_the_texts_made_afresh(languages):
    common._DEADLINE_TEXTS.clear()
    for language in languages:
        with translation.override(language):
            for responding in (True, False):
                for offset in OFFSETS:
                    grievance = _grievance(offset, responding=responding)
                    expected = _afresh(grievance)
                    assert next_deadline(grievance, NOW) == expected  # made, then kept
                    assert next_deadline(grievance, NOW) == expected  # kept


def test_the_texts_differ_by_language_and_side():
    common._DEADLINE_TEXTS.clear()
    late = _grievance(-90000, responding=True)
    early = _grievance(90000, responding=True)
    with translation.override("en"):
        assert next_deadline(late, NOW)["text"] == "1 day 1 hour overdue"
        assert next_deadline(early, NOW)["text"] == "1 day 1 hour left"
        assert next_deadline(early, NOW)["kind"] == "Respond"
    with translation.override("zh-hans"):
        assert next_deadline(early, NOW)["text"] != "1 day 1 hour left"
        assert next_deadline(early, NOW)["kind"] != "Respond"
