"""Files handed out as HTTP responses, by the pages and the API alike (never through /media/).

One place decides what a download says about itself: its media type (FILE_MEDIA_TYPES, which
the OpenAPI schema also names) and its Content-Disposition (Django's content_disposition_header:
a plain `filename` for an ASCII name, RFC 5987's `filename*` for any other).
"""

import re
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from parks.core.excel import XLSX_CONTENT_TYPE

# The media types of the files the portal accepts, by extension. Downloads send these rather than
# the host's guess (mimetypes differs between machines), so the schema names what a client gets.
FILE_MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": XLSX_CONTENT_TYPE,
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}
# Anything else (a file stored before its type was checked) goes out as plain bytes: a legacy
# .html file must never reach a browser as text/html.
UNKNOWN_FILE = "application/octet-stream"


def file_media_type(name: str) -> str:
    return FILE_MEDIA_TYPES.get(Path(name).suffix.lower(), UNKNOWN_FILE)


def content_disposition(filename: str, *, as_attachment=True, ascii_name: str = "") -> str:
    """The Content-Disposition of a file saved as `filename`. A non-ASCII name is sent as
    `filename*` only, which clients that read just `filename` (curl -J, old browsers) miss:
    `ascii_name`, when given, is sent to them as the plain `filename` before it."""
    header = content_disposition_header(as_attachment, filename)
    if not ascii_name or "filename*=" not in header:
        return header
    encoded = header.partition("; ")[2]
    return f"{content_disposition_header(as_attachment, ascii_name)}; {encoded}"


def stored_file_response(stored, filename: str, *, as_attachment=True) -> FileResponse:
    """The stored file `stored` (a FieldFile) as `filename`, with its media type; Http404 when
    the file is missing from storage (a restore without media, a file deleted by hand)."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    # FileResponse writes the Content-Disposition with content_disposition_header too.
    return FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=filename,
        content_type=file_media_type(filename),
    )


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An .xlsx download whose (Chinese) file name survives every browser (RFC 5987)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # Old clients read the plain `filename`: the name's ASCII part, or a neutral one.
    fallback = re.sub(r"[^A-Za-z0-9_-]", "", filename.rpartition(".")[0]) or "construction-table"
    response["Content-Disposition"] = content_disposition(filename, ascii_name=f"{fallback}.xlsx")
    return response
