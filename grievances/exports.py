"""The inbox as an export (parks.exports): the worker rebuilds the inbox with the filters and
tab it was asked with, as the person who asked, and writes grievances.excel's sheet. Names and
phones stay masked unless that person may see them and asked (`unmask=1`); each revealed row
is logged when the export is marked done, once."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grievances import selectors, services
from grievances.choices import DataView
from grievances.filters import GrievanceFilter
from parks.exports.registry import ExportKind, register
from parks.exports.views import start_export

KIND = "grievances"
# Besides the filterset's: the inbox's tab, its sort order and the ask to unmask.
PAGE_PARAMETERS = ("group", "ordering", "unmask")
# Revealed rows logged per insert.
LOG_BATCH = 5000


@login_required
def grievance_export(request):
    """The inbox as Excel, with the same filters and tab, written by the worker: this starts
    the export and shows its progress (parks.exports)."""
    return start_export(request, KIND)


def _errors(request) -> dict:
    from grievances.views.inbox import filtered_grievances

    grievance_filter = filtered_grievances(request)[0]
    return dict(grievance_filter.errors)


def _write(request, stream, progress):
    from grievances.excel import write_grievances
    from grievances.views.inbox import filtered_grievances

    grievances = filtered_grievances(request)[2]
    user, asked = request.user, request.GET.get("unmask") == "1"

    def reveal(grievance):
        return selectors.may_unmask(user, grievance, asked=asked)

    progress.start(grievances.count())
    revealed = write_grievances(grievances, stream, reveal=reveal, counted=progress.rows)
    if not revealed:
        return None

    def log_revealed():
        # In batches: 100k log rows built at once would hold 100k objects in the worker.
        for start in range(0, len(revealed), LOG_BATCH):
            services.record_personal_data_views(
                ids=revealed[start : start + LOG_BATCH], viewer=user, via=DataView.EXPORT
            )

    return log_revealed


def _filename(day):
    return f"职工诉求-{day:%Y%m%d}.xlsx", f"grievances-{day:%Y%m%d}.xlsx"


def register_kind() -> None:
    register(
        ExportKind(
            key=KIND,
            label=_("Grievances"),
            errors=_errors,
            write=_write,
            filename=_filename,
            parameters=lambda: (*GrievanceFilter.base_filters, *PAGE_PARAMETERS),
            list_url=lambda: reverse("grievances:inbox"),
        )
    )
