"""Everything under /api/v1/. Each app contributes its router's routes.

Each app's routes are a guarded include (parks.core.url_guards): a grievance request passes over
the parks and reforms routers' ~150 patterns in one test of the path's beginning instead of
trying each (~0.1 ms a request); the matches, their order and reversing are include's own."""

from parks.core.url_guards import guarded_include

urlpatterns = [
    guarded_include("parks.api_urls"),
    guarded_include("reforms.api_urls"),
    guarded_include("grievances.api.urls"),
]
