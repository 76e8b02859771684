"""A moment as a whole number, for a row drawn once per set of its values ({% memo %}).

The memo keeps a fragment only for plain values (str, int, bool, None): a timestamp kept as its
microseconds since 1970 keys a list's row, and the row prints it (in the current time zone,
which the memo keys on too) only when the fragment is drawn — not on every page, for every row,
as when the printed text itself was the key (grievances.views.inbox_rows,
parks.gridlog.views.feed_rows).
"""

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """`moment` (aware) as microseconds since 1970: exact, whatever its time zone."""
    return (moment - EPOCH) // ONE


def moment(micros: int) -> datetime:
    """The moment `micros` names, in UTC: equal to the one it was made from."""
    return EPOCH + timedelta(microseconds=micros)
