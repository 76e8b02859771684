"""Everything under /api/v1/. Each app contributes its router's routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("parks.api_urls")),
    path("", include("reforms.api_urls")),
    path("", include("grievances.api.urls")),
]
