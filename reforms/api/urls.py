from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("evidence", views.EvidenceViewSet, basename="evidence")

urlpatterns = router.urls
