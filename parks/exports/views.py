"""The pages of exports: a list's export link starts one (start_export) and lands on its page,
which follows the build with a progress bar (static/js/export_progress.js polls export_status)
and then offers the download, streamed from disk. Only the person who asked sees an export:
anyone else gets a 404, as for one that does not exist (the file may hold personal data
revealed to them and logged under their name)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from parks.core.downloads import content_disposition
from parks.core.excel import XLSX_CONTENT_TYPE
from parks.exports import registry, services
from parks.exports.choices import UNFINISHED, ExportStatus
from parks.exports.models import Export

# Exports listed on "my exports": the recent ones (older ones expire anyway).
MY_EXPORTS_SHOWN = 50


def start_export(request, kind: str):
    """Start an export of `kind` with the list's query string and show its page; a filter the
    list refuses goes back to the list with the reason."""
    try:
        export = services.export_request(user=request.user, kind=kind, filters=request.GET)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        export_kind = registry.kind_of(kind)
        if export_kind is None:
            raise Http404 from error
        query = request.GET.urlencode()
        return redirect(f"{export_kind.list_url()}?{query}" if query else export_kind.list_url())
    return redirect(export)


def _with_query(url: str, filters: dict) -> str:
    query = urlencode(filters, doseq=True)
    return f"{url}?{query}" if query else url


def _own_export(request, pk) -> Export:
    return get_object_or_404(services.exports_of(request.user), pk=pk)


def status_of(export: Export) -> dict:
    """What the progress bar and the API say of an export."""
    return {
        "id": export.pk,
        "kind": export.kind,
        "status": export.status,
        "status_label": str(export.get_status_display()),
        "progress": export.progress,
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "error": export.error,
        "download_url": export.download_url,
    }


@login_required
def export_list(request):
    exports = list(services.exports_of(request.user)[:MY_EXPORTS_SHOWN])
    for export in exports:
        kind = registry.kind_of(export.kind)
        export.kind_label = kind.label if kind else export.kind
    return render(request, "parks/exports/export_list.html", {"exports": exports})


@login_required
def export_detail(request, pk):
    export = _own_export(request, pk)
    kind = registry.kind_of(export.kind)
    return render(
        request,
        "parks/exports/export_detail.html",
        {
            "export": export,
            "kind_label": kind.label if kind else export.kind,
            # Back to the list as it was when exported.
            "list_url": _with_query(kind.list_url(), export.filters) if kind else "",
            "building": export.status in UNFINISHED,
        },
    )


@never_cache
@login_required
def export_status(request, pk):
    """What the progress bar needs: polled every second or two while the export is written."""
    return JsonResponse(status_of(_own_export(request, pk)))


@login_required
def export_download(request, pk):
    """The finished workbook, streamed from disk to the person who asked for it."""
    export = _own_export(request, pk)
    if export.status != ExportStatus.DONE:
        raise Http404
    try:
        handle = services.export_path(export).open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return export_file_response(export, handle)


def export_file_response(export: Export, handle) -> FileResponse:
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    kind = registry.kind_of(export.kind)
    day = timezone.localdate(export.finished_at)
    ascii_name = kind.filename(day)[1] if kind else "export.xlsx"
    # Old clients read the plain `filename`, so it is ASCII; the rest read the Chinese one.
    response["Content-Disposition"] = content_disposition(export.filename, ascii_name=ascii_name)
    response["Cache-Control"] = "private, no-store"
    return response
