"""The office's downloads of a period's ranking: the workbook (红黑榜) and the Word notice
(情况通报). The period is named in the address; one that is not a month, quarter or year
starting on that day, or that has no scores, is a 404."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from parks.core.downloads import content_disposition, file_media_type
from reforms.assessment import policy, selectors
from reforms.assessment.choices import AssessedPeriod
from reforms.assessment.excel import ranking_filename, ranking_xlsx_response
from reforms.assessment.models import Scheme
from reforms.assessment.notice import notice_docx
from reforms.reporting.periods import period_containing


def office_ranking(request, scheme_pk: int, period_kind: str, period_start: str):
    """The whole ranking of the period the address names, for the office; else 403 or 404."""
    if not policy.may_export_ranking(request.user):
        raise PermissionDenied
    scheme = get_object_or_404(Scheme, pk=scheme_pk)
    if period_kind not in AssessedPeriod.values:
        raise Http404
    try:
        start = date.fromisoformat(period_start)
    except ValueError as error:
        raise Http404 from error
    # Only YYYY-MM-DD, the first day of the period (not 20261001, not the 2nd).
    if start.isoformat() != period_start or period_containing(period_kind, start)[0] != start:
        raise Http404
    ranking = selectors.ranking(scheme, period_kind, start, user=request.user)
    if not ranking.rows:
        raise Http404
    return ranking


@login_required
def ranking_xlsx(request, scheme_pk, period_kind, period_start):
    """The period's ranking as an Excel workbook."""
    return ranking_xlsx_response(office_ranking(request, scheme_pk, period_kind, period_start))


@login_required
def ranking_notice(request, scheme_pk, period_kind, period_start):
    """The period's notice (情况通报) as a Word document, in the page's language."""
    ranking = office_ranking(request, scheme_pk, period_kind, period_start)
    filename = ranking_filename(ranking, "docx")
    response = HttpResponse(notice_docx(ranking), content_type=file_media_type(filename))
    response["Content-Disposition"] = content_disposition(
        filename, ascii_name=f"assessment-{ranking.period_start:%Y%m%d}.docx"
    )
    return response
