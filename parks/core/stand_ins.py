"""SQL compiled once, with stand-in values, and reused with each request's values.

Both parks.core.compiled (annotations and aggregates) and parks.core.prepared (whole querysets)
keep the SQL Django compiles from a definition and afterwards only put the request's values in
its parameters. Which parameter is which value is found here, the same way for both: the
definition is compiled twice, with two sets of stand-in values that differ in every part and
that no real request uses, and each parameter is matched to the stand-in it came from. A
parameter that is neither a stand-in nor the same constant both times (a value Django rewrote,
as `%value%` for a `contains`, or a backend adapting dates into text) means the definition is
compiled afresh on every use instead.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

try:  # the wrappers Django's PostgreSQL backend puts around an integer field's values
    from psycopg.types.numeric import Int2, Int4, Int8

    _INT_WRAPPERS: frozenset[type] = frozenset({Int2, Int4, Int8})
    # What each wrapper's column holds: no row has a value beyond it, and Django's plain path
    # answers so without SQL; a plan would send the value (psycopg may refuse to).
    _INT_RANGES: dict[type, range] = {
        Int2: range(-(2**15), 2**15),
        Int4: range(-(2**31), 2**31),
        Int8: range(-(2**63), 2**63),
    }
except ImportError:  # another database's driver: its values come as they are
    _INT_WRAPPERS = frozenset()
    _INT_RANGES = {}

# Per parameter: (True, the position of the value it is), (True, (that position, the int
# wrapper the backend put around it)) or (False, a constant).
Slots = tuple[tuple[bool, Any], ...]


# Stand-ins of one set are far apart, and the second set's steps differ from the first's: a
# parameter that is a value shifted a little (the day after, id - 1) can then match no stand-in
# in both compilations, and is compiled afresh instead of being taken for another value. The
# integers are positive and within every integer column's range (a small positive integer
# field's too): Django drops a condition whose value lies outside its column's range, which a
# stand-in must never make it do.
# Thirty values: a page of ids (the inbox's 25 rows) among them.
_INT_STARTS, _INT_STEPS = (1_009, 2_003), (1_009, 1_013)
MOST_VALUES = 30  # the integer stand-ins stay below 32,767 (31,380 at most)
_DAY_STARTS = (date(1901, 2, 1), date(1972, 11, 10))
_MOMENT_STARTS = (
    datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC),
    datetime(1972, 11, 25, 17, 43, 29, tzinfo=UTC),
)
_DAY_STEPS = (397, 409)


def stand_ins(values: Sequence[Any], second: bool) -> list[Any]:
    """Values of the same types as `values`, told apart by their position; the second set
    differs from the first in every part (for a moment: year, month, day and time)."""
    if len(values) > MOST_VALUES:
        raise TypeError(f"SQL compiled once takes at most {MOST_VALUES} values")
    which = int(second)
    made: list[Any] = []
    for position, value in enumerate(values):
        if isinstance(value, bool):
            # True and 1 compare equal: a boolean belongs in the key, not among the values.
            raise TypeError("SQL compiled once takes no booleans as values: put them in the key")
        if isinstance(value, int):
            made.append(_INT_STARTS[which] + _INT_STEPS[which] * position)
        elif isinstance(value, str):
            made.append(f"stand-in-{'b' if second else 'a'}-{position}")
        elif isinstance(value, datetime):
            made.append(
                _MOMENT_STARTS[which]
                + timedelta(days=_DAY_STEPS[which] * position, microseconds=position + 1)
            )
        elif isinstance(value, date):
            made.append(_DAY_STARTS[which] + timedelta(days=_DAY_STEPS[which] * position))
        else:
            raise TypeError(
                f"SQL compiled once takes ints, strings, datetimes and dates, not {value!r}"
            )
    return made


def slots(
    first: tuple[str, Sequence[Any]],
    second: tuple[str, Sequence[Any]],
    first_stand_ins: Sequence[Any],
    second_stand_ins: Sequence[Any],
) -> Slots | None:
    """Each parameter of two compilations (sql, params) — with the first and the second set of
    stand-ins — as a value's position or a constant; None when some parameter is neither: the
    same constant both times, or the same value's stand-in in each compilation."""
    (first_sql, first_params), (second_sql, second_params) = first, second
    if first_sql != second_sql or len(first_params) != len(second_params):
        return None
    found: list[tuple[bool, Any]] = []
    for one, other in zip(first_params, second_params, strict=True):
        if type(one) is type(other) and one == other:
            found.append((False, one))
            continue
        position = next(
            (
                i
                for i, (stand_in, second_stand_in) in enumerate(
                    zip(first_stand_ins, second_stand_ins, strict=True)
                )
                if _is(one, stand_in) and _is(other, second_stand_in)
            ),
            None,
        )
        if position is None:
            return None
        if type(one) in _INT_WRAPPERS:
            # An integer field's value, wrapped the same way in both compilations (the type
            # names the column's SQL type, never the value): each use's value is wrapped alike.
            if type(other) is not type(one):
                return None
            found.append((True, (position, type(one))))
        else:
            found.append((True, position))
    return tuple(found)


def _is(param: Any, stand_in: Any) -> bool:
    """Whether the parameter is the stand-in: itself, or an int the backend wrapped."""
    if type(param) is type(stand_in):
        return param == stand_in
    return type(stand_in) is int and type(param) in _INT_WRAPPERS and int(param) == stand_in


def fits(slots_: Slots, values: Sequence[Any]) -> bool:
    """Whether each integer field's value lies within its column's range: where one does not,
    the caller compiles afresh (Django then runs no SQL: no row can match)."""
    for is_value, value in slots_:
        if is_value and type(value) is tuple:
            position, wrapper = value
            if values[position] not in _INT_RANGES[wrapper]:
                return False
    return True


def filled(slots_: Slots, values: Sequence[Any]) -> list[Any]:
    """The parameters for `values`."""
    params = []
    for is_value, value in slots_:
        if not is_value:
            params.append(value)
        elif type(value) is tuple:  # (position, wrapper): an integer field's value
            position, wrapper = value
            params.append(wrapper(values[position]))
        else:
            params.append(values[value])
    return params
