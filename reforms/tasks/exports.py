"""The construction table as an export (parks.exports): the worker rebuilds the table with the
filters and order it was asked with, as the person who asked, and writes reforms.tasks.excel's
sheet (the one the import reads back)."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parks.exports.registry import ExportKind, register
from parks.exports.views import start_export
from reforms.tasks.filters import TaskFilter

KIND = "tasks"
# Tasks are fetched this many at a time, their supporting units with each batch.
CHUNK_SIZE = 1000


@login_required
def task_export(request):
    """The construction table as Excel, with the same filters and order as the page, written
    by the worker: this starts the export and shows its progress (parks.exports)."""
    return start_export(request, KIND)


def _errors(request) -> dict:
    from reforms.tasks.views.tasks import filtered_tasks

    return dict(filtered_tasks(request)[0].errors)


def _write(request, stream, progress):
    from reforms.tasks.excel import write_task_table
    from reforms.tasks.views.tasks import filtered_tasks

    tasks = filtered_tasks(request)[1]
    progress.start(tasks.count())
    write_task_table(progress.rows(tasks.iterator(chunk_size=CHUNK_SIZE)), stream)


def _filename(day):
    return "施工表.xlsx", "construction-table.xlsx"


def register_kind() -> None:
    register(
        ExportKind(
            key=KIND,
            label=_("Construction table"),
            errors=_errors,
            write=_write,
            filename=_filename,
            parameters=lambda: (*TaskFilter.base_filters, "ordering"),
            list_url=lambda: reverse("reforms:task_list"),
        )
    )
