"""Statements the ORM ran for a question, kept to run again.

A count read from a tally or a rollup, or a panel's count, is one short statement whose text
and parameters depend on nothing but the question (the table, the park ids, the status asked):
building it through the ORM each time cost more Python than running it. `KeptStatements.answer`
asks the ORM the first time for a key, remembers the one statement it ran, and afterwards runs
that statement again and reads its rows as the ORM read them. The statement is kept, never
its answer: each use reads the rows as they are now.

The key must hold everything the statement depends on (the caller says what its key holds).
Where the ORM ran no statement (rows known to be empty) or several, nothing is kept and the ORM
answers every time.
"""

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper

from parks.core.recent import Recent

T = TypeVar("T")
Statement = tuple[str, tuple[Any, ...]]


class KeptStatements:
    """At most `most` statements, least recently used forgotten first."""

    def __init__(self, most: int) -> None:
        self._kept = Recent(most)

    def answer(
        self,
        key: Hashable | None,
        ask: Callable[[], T],
        read: Callable[[CursorWrapper], T],
        *,
        using: str = DEFAULT_DB_ALIAS,
    ) -> T:
        """`ask()` through the ORM the first time for `key` (and always for a key of None);
        afterwards the statement it ran, run again, its cursor read by `read` as `ask` reads
        its rows."""
        cache_key = (key, using)
        statement = None if key is None else self._kept.recall(cache_key)
        if statement is not None:
            with connections[using].cursor() as cursor:
                cursor.execute(*statement)
                return read(cursor)
        ran: list[Statement] = []

        def remember(execute, sql, params, many, context):
            ran.append((sql, tuple(params or ())))
            return execute(sql, params, many, context)

        with connections[using].execute_wrapper(remember):
            answer = ask()
        if key is not None and len(ran) == 1:
            self._kept.keep(cache_key, ran[0])
        return answer

    def clear(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
