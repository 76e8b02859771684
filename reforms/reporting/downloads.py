"""A report's files as HTTP responses, for the page and the API alike (never through /media/)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from parks.core.downloads import content_disposition, stored_file_response
from reforms.reporting.excel import report_filename
from reforms.reporting.models import Report, ReportVersion

FORMATS = ("xlsx", "json")


def report_file_response(report: Report, build: Report | ReportVersion, file_format: str):
    """The workbook or the JSON snapshot of `build` (the report itself or an earlier version),
    named after the report and the build's version. Http404 when the workbook is missing."""
    filename = report_filename(report, file_format, version=build.version)
    if file_format == "json":
        body = json.dumps(build.snapshot, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        # JSON is UTF-8 by definition (RFC 8259): no charset parameter.
        response = HttpResponse(body.encode(), content_type="application/json")
        response["Content-Disposition"] = content_disposition(filename)
        return response
    return stored_file_response(build.excel, filename)
