from django.urls import path
from rest_framework.routers import DefaultRouter

from parks.exports import api as exports
from parks.gridlog.api import views as activity_views
from parks.history import api as audit
from parks.notices import api as notices
from parks.structure.api import views

router = DefaultRouter()
router.register("subdistricts", views.SubdistrictViewSet, basename="subdistrict")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("parks", views.ParkViewSet, basename="park")
router.register("grids", views.GridZoneViewSet, basename="gridzone")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("activities", activity_views.ActivityViewSet, basename="activity")
router.register("audit", audit.AuditEventViewSet, basename="audit")
router.register("exports", exports.ExportViewSet, basename="export")

urlpatterns = [
    path(
        "notices/preferences/",
        notices.NoticePreferencesView.as_view(),
        name="notice-preferences",
    ),
    *router.urls,
]
