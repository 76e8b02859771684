from rest_framework.routers import DefaultRouter

from . import activity_views, audit, views

router = DefaultRouter()
router.register("subdistricts", views.SubdistrictViewSet, basename="subdistrict")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("parks", views.ParkViewSet, basename="park")
router.register("grids", views.GridZoneViewSet, basename="gridzone")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("activities", activity_views.ActivityViewSet, basename="activity")
router.register("audit", audit.AuditEventViewSet, basename="audit")

urlpatterns = router.urls
