"""The kinds of export: each domain registers the lists it exports at AppConfig.ready, as the
related panels do (parks.core.related), since parks may not import grievances or reforms.

A kind rebuilds its list from a request standing in for the asker's (parks.exports.services
builds one with the saved filters as its GET and the asker as its user), through the very
function its list page uses, so an export holds the rows the page shows and no others.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise


class Progress:
    """What a writer reports as it goes: how many rows there are, then each row written. The
    service persists it every `every` rows (the page's bar, the API's rows_done)."""

    def __init__(self, save: Callable[[int, int | None], None], every: int = 2000) -> None:
        self.total: int | None = None
        self.done = 0
        self._save = save
        self._every = every

    def start(self, total: int) -> None:
        self.total = total
        self._save(0, total)

    def rows(self, rows: Iterable[Any]) -> Iterable[Any]:
        """Yield `rows`, counting them, and saving the count every `every` rows."""
        for row in rows:
            yield row
            self.done += 1
            if self.done % self._every == 0:
                self._save(self.done, self.total)


# What a kind's writer returns: a step to run in the transaction that marks the export done
# (the grievance sheet logs the personal data it revealed there, so a build that fails or is
# run again logs nothing twice), or None.
Finish = Callable[[], None] | None


@dataclass(frozen=True)
class ExportKind:
    """One exportable list.

    `errors(request)` answers the list's filter errors ({} when the filters are valid);
    `write(request, stream, progress)` writes the workbook to the binary `stream` and returns a
    Finish; `filename(day)` answers (name, ASCII name) of the file; `parameters` are the query
    parameters the list understands besides its filterset's (`group`, `ordering`, `unmask`…);
    `prepare(data)` fixes what the list would take from the moment of asking (the ledgers'
    default period: this year), so the worker writes what the person saw.
    """

    key: str
    label: Promise | str
    errors: Callable[[HttpRequest], dict[str, list[str]]]
    write: Callable[[HttpRequest, Any, Progress], Finish]
    filename: Callable[[Any], tuple[str, str]]
    parameters: Callable[[], Iterable[str]]
    list_url: Callable[[], str]
    prepare: Callable[[QueryDict], QueryDict] = field(default=lambda data: data)
    may_export: Callable[[Any], bool] = field(default=lambda user: True)


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    """Offer `kind`; registering a key again replaces it (ready() may run twice in tests)."""
    _KINDS[kind.key] = kind


def kind_of(key: str) -> ExportKind | None:
    return _KINDS.get(key)


def kinds() -> list[ExportKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)
