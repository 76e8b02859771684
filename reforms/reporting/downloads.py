"""A report's files as HTTP responses, for the page and the API alike (never through /media/)."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import translation

from parks.core.downloads import content_disposition, file_media_type, stored_file_response
from reforms.reporting.excel import report_filename
from reforms.reporting.models import Report, ReportVersion

FORMATS = ("xlsx", "docx", "json")


def report_file_response(report: Report, build: Report | ReportVersion, file_format: str):
    """The workbook, the Word briefing or the JSON snapshot of `build` (the report itself or an
    earlier version), named after the report and the build's version. Http404 when the stored
    file is missing."""
    filename = report_filename(report, file_format, version=build.version)
    if file_format == "json":
        body = json.dumps(build.snapshot, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        # JSON is UTF-8 by definition (RFC 8259): no charset parameter.
        response = HttpResponse(body.encode(), content_type="application/json")
        response["Content-Disposition"] = content_disposition(filename)
        return response
    if file_format == "docx":
        if not build.briefing and build.snapshot is not None:
            return _briefing_written_now(report, build, filename)
        return stored_file_response(build.briefing, filename)
    return stored_file_response(build.excel, filename)


def _briefing_written_now(report: Report, build: Report | ReportVersion, filename: str):
    """The briefing of a build made before the worker wrote briefings, written from its snapshot
    now, in the language the worker writes them in (the portal's default), not stored."""
    from .briefing import report_briefing  # python-docx is loaded where a briefing is written

    with translation.override(settings.LANGUAGE_CODE):
        body = report_briefing(report, build.snapshot)
    response = HttpResponse(body, content_type=file_media_type(filename))
    response["Content-Disposition"] = content_disposition(filename)
    return response
