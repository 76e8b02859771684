from rest_framework.routers import DefaultRouter

from grievances.api.views import attachments, extensions, grievances, policies, surveys

router = DefaultRouter()
router.register("grievances", grievances.GrievanceViewSet, basename="grievance")
router.register("extensions", extensions.ExtensionViewSet, basename="extension")
router.register(
    "grievance-attachments", attachments.AttachmentViewSet, basename="grievance-attachment"
)
router.register("surveys", surveys.SurveyViewSet, basename="survey")
router.register("grievance-policies", policies.TimeLimitPolicyViewSet, basename="grievance-policy")
router.register(
    "grievance-reply-templates",
    policies.ReplyTemplateViewSet,
    basename="grievance-reply-template",
)

urlpatterns = router.urls
