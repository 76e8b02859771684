"""The portal's URLs, and beside them the raw-SQL floors the benchmark compares them with."""

from django.urls import include, path

from config.urls import handler404, handler500  # noqa: F401  (the portal's error pages)
from config.urls import urlpatterns as portal
from tests.bench import floors

urlpatterns = [
    path("bench-floor/", include(floors.urlpatterns)),
    *portal,
]
