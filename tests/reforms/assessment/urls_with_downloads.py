"""The portal's URLs with stand-ins at the names of the assessment's downloads (the Excel
ranking and the Word notice, served by their own views), so the ranking page's buttons are
tested apart from them."""

from django.http import HttpResponse
from django.urls import URLResolver, include, path

from config import urls as portal
from reforms import urls as reforms


def stand_in(request, **kwargs):
    return HttpResponse()


PERIOD = "<int:scheme_pk>/<str:period_kind>/<str:period_start>"
DOWNLOADS = [
    path(f"test-downloads/{PERIOD}/ranking.xlsx", stand_in, name="assessment_ranking_xlsx"),
    path(f"test-downloads/{PERIOD}/notice.docx", stand_in, name="assessment_notice"),
]

urlpatterns = [
    pattern
    for pattern in portal.urlpatterns
    if not (isinstance(pattern, URLResolver) and pattern.namespace == "reforms")
] + [path("reforms/", include(([*reforms.urlpatterns, *DOWNLOADS], "reforms")))]
