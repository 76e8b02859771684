from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("subdistricts", views.SubdistrictViewSet, basename="subdistrict")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("parks", views.ParkViewSet, basename="park")
router.register("grids", views.GridZoneViewSet, basename="gridzone")
router.register("facilities", views.FacilityViewSet, basename="facility")

urlpatterns = router.urls
