"""The ledgers as exports (parks.exports), one kind each ("ledger-care", "ledger-publicity",
"ledger-training", "ledger-proposal"): the worker rebuilds the ledger's list with the filters
and period it was asked with, as the person who asked, and writes reforms.ledgers.excel's
workbook (the rows, a totals row and the summary sheet)."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse

from parks.exports.registry import ExportKind, register
from parks.exports.views import start_export

PREFIX = "ledger-"
# Besides the filterset's: `period=all` asks for every date (the list's "All time").
PAGE_PARAMETERS = ("period",)


def kind_key(ledger_kind: str) -> str:
    return f"{PREFIX}{ledger_kind}"


@login_required
def ledger_export(request, kind):
    """The filtered ledger as Excel: the same rows and totals as the page, all of them, written
    by the worker: this starts the export (with the page's period) and shows its progress."""
    from reforms.ledgers.views import ledger_of

    return start_export(request, kind_key(ledger_of(kind).kind))


def _kind(ledger):
    from reforms.ledgers import selectors
    from reforms.ledgers.excel import SHEETS, write_ledger
    from reforms.ledgers.views import filtered_ledger, period_filters

    def errors(request) -> dict:
        return dict(filtered_ledger(request, ledger, request.GET)[0].errors)

    def write(request, stream, progress):
        rows = filtered_ledger(request, ledger, request.GET)[1]
        totals = selectors.ledger_totals(rows)
        progress.start(totals["entries"])
        write_ledger(ledger.kind, rows, totals, stream, counted=progress.rows)

    def filename(day):
        return (
            f"{SHEETS[ledger.kind].title}-{day:%Y%m%d}.xlsx",
            f"ledger-{ledger.kind}-{day:%Y%m%d}.xlsx",
        )

    return ExportKind(
        key=kind_key(ledger.kind),
        label=ledger.title,
        errors=errors,
        write=write,
        filename=filename,
        parameters=lambda: (*ledger.filter_class.base_filters, *PAGE_PARAMETERS),
        list_url=lambda: reverse(f"reforms:{ledger.url_prefix}_list"),
        # The list's default period (this year) is fixed when asked, not when written.
        prepare=period_filters,
    )


def register_kinds() -> None:
    from reforms.ledgers.views import LEDGERS

    for ledger in LEDGERS.values():
        register(_kind(ledger))
