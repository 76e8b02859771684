"""A memo of at most so many entries, the least recently used forgotten first.

The plans of parks.core.prepared and the statements of parks.core.replayed are kept per key
for the life of a worker; a key may name a scope, and a worker serves more scopes than it needs
to remember, so each memo is bounded. Workers run one request at a time (gunicorn's sync
workers); a thread that finds an entry forgotten by another meanwhile takes it as found.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

V = TypeVar("V")
_UNKNOWN: Any = object()


class Recent(OrderedDict):
    """An OrderedDict of at most `most` entries, least recently used first."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most

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
