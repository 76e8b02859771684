from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Errors outside DRF's views: JSON under /api/, otherwise pages that need no database.
handler404 = "parks.core.error_pages.page_not_found"
handler500 = "parks.core.error_pages.server_error"

# Nothing serves MEDIA_URL, not even in development: every uploaded file goes out through a
# view that checks who is asking (e.g. reforms:plan_document, reforms:evidence_download).
urlpatterns = [
    # The API first: Django tries the patterns in order, and the pages' hundreds (several of
    # them included at "") cost every API request ~0.5 ms of failed matches. No page pattern
    # matches a path under api/v1/ (else the API would be shadowed), so the order changes no
    # answer.
    path("api/v1/", include("config.api_router")),
    # The workbench (工作台) at "/", the global search and the unit pages: the reader layer.
    path("", include("reforms.workbench.urls")),
    path("", include("parks.urls")),
    path("accounts/", include("parks.account_urls")),
    path("reforms/", include("reforms.urls")),
    path("", include("grievances.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from ?script rather than inline, for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
