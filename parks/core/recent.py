"""A memo of at most so many entries, the least recently used forgotten first.

The plans of parks.core.prepared and the statements of parks.core.replayed are kept per key
for the life of a worker; a key may name a scope, and a worker serves more scopes than it needs
to remember, so each memo is bounded. Workers run one request at a time (gunicorn's sync
workers); a thread that finds an entry forgotten by another meanwhile takes it as found.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable, MutableMapping
from typing import Any, TypeVar
from weakref import WeakValueDictionary

V = TypeVar("V")
M = TypeVar("M", bound=MutableMapping)
_UNKNOWN: Any = object()


class Recent(OrderedDict):
    """An OrderedDict of at most `most` entries, least recently used first; forgotten with
    every other when the database is made anew (forget_the_database)."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most
        _EVERY_RECENT[id(self)] = self

    def recall(self, key: Hashable, default: Any = None) -> Any:
        """The value kept for `key` (now the most recently used), else `default`."""
        found = self.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            return default
        try:
            self.move_to_end(key)
        except KeyError:  # forgotten by another thread meanwhile: still the value found
            pass
        return found

    def keep(self, key: Hashable, value: V) -> V:
        """Keep `value` for `key`, forgetting the least recently used beyond `most`."""
        self[key] = value
        while len(self) > self.most:
            try:
                self.popitem(last=False)
            except KeyError:  # another thread emptied it meanwhile
                break
        return value

    def kept(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for `key` (None included), else `make()`'s, kept."""
        found = self.recall(key, _UNKNOWN)
        return self.keep(key, make()) if found is _UNKNOWN else found


# --- Forgotten when the database is made anew -----------------------------------------------
# What a process keeps was read or compiled from the database as it was: SQL holding content
# types' ids as constants (reporting.freshness), rows kept under a version of the watched tables
# (parks.core.watched), querysets and HTML naming rows. A migrate, or a flush (the end of every
# transactional test), may make the same keys mean other rows: content types made again with new
# ids, sequences started again. Then everything kept is forgotten (parks.apps: post_migrate), in
# the process that migrates or flushes: the tests'. A deploy starts its web and worker processes
# after its migrate.
# (A dict is not hashable, so not in a WeakSet: each by its id, gone when it is.)
_EVERY_RECENT: "WeakValueDictionary[int, Recent]" = WeakValueDictionary()
_OTHERS: list[MutableMapping] = []


def forgotten_with_the_database(memo: M) -> M:
    """`memo` (a module's dict: kept for the process's life), to be emptied with every Recent
    when the database is made anew."""
    _OTHERS.append(memo)
    return memo


def forget_the_database(**_signal: Any) -> None:
    """Empty every Recent and every memo forgotten_with_the_database: a post_migrate receiver."""
    for memo in [*_EVERY_RECENT.values(), *_OTHERS]:
        memo.clear()
