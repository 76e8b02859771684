"""What a process keeps for the values it is made from and the ambient inputs every drawing
reads implicitly: the language, the time zone, the URL conf and script prefix. `{% memo %}`
(parks/templatetags/memo.py) keeps template fragments this way; `kept` keeps a value built in
Python from plain values (a related panel, a modal form's HTML). `drawn_plainly()` is the plain
path the tests compare against: every fragment drawn and every value made each time.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation

from parks.core.recent import Recent

V = TypeVar("V")
_plain = False


@contextmanager
def drawn_plainly() -> Iterator[None]:
    """The plain path, for the tests that pin a memo: each body drawn every time in the page's
    whole context (its named values pushed on top), so a body reading anything it does not
    name prints what the page would, and differs from the memo's output; and each value kept
    by `kept` made every time."""
    global _plain  # noqa: PLW0603 a switch for tests, read per render
    _plain, before = True, _plain
    try:
        yield
    finally:
        _plain = before


def ambient() -> tuple:
    """What every fragment depends on besides its named values."""
    return (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_urlconf(),
        get_script_prefix(),
    )


def kept(cache: Recent, key: Hashable, make: Callable[[], V]) -> V:
    """`make()`, kept in `cache` per `key` and the ambient inputs: what a memo does for a
    fragment, for a value built in Python from plain values (a related panel, a drawn form).
    The plain path (drawn_plainly) makes it every time."""
    if _plain:
        return make()
    return cache.kept((key, ambient()), make)
