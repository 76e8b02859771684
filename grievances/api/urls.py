from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("grievances", views.GrievanceViewSet, basename="grievance")
router.register("extensions", views.ExtensionViewSet, basename="extension")
router.register("grievance-attachments", views.AttachmentViewSet, basename="grievance-attachment")
router.register("surveys", views.SurveyViewSet, basename="survey")
router.register("grievance-policies", views.TimeLimitPolicyViewSet, basename="grievance-policy")

urlpatterns = router.urls
