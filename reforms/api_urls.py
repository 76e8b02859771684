from rest_framework.routers import DefaultRouter

from reforms.assessment import api as assessment
from reforms.ledgers import api as ledgers
from reforms.reporting.api import reports
from reforms.supervision import api as supervision
from reforms.tasks.api import views

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("subsidies", ledgers.CarePaymentViewSet, basename="subsidy")
router.register("publicity", ledgers.PublicityViewSet, basename="publicity")
router.register("trainings", ledgers.TrainingViewSet, basename="training")
router.register("proposals", ledgers.ProposalViewSet, basename="proposal")
router.register("reports", reports.ReportViewSet, basename="report")
router.register(
    "supervision-orders", supervision.SupervisionOrderViewSet, basename="supervision-order"
)
# The assessment (考核) under one prefix: /api/v1/assessment/schemes/, scores/, rankings/.
router.register("assessment/schemes", assessment.SchemeViewSet, basename="assessment-scheme")
router.register("assessment/scores", assessment.ScoreViewSet, basename="assessment-score")
router.register("assessment/rankings", assessment.RankingViewSet, basename="assessment-ranking")

urlpatterns = router.urls
