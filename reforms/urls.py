from django.urls import path

from reforms.assessment import views as views_assessment
from reforms.assessment import views_downloads as assessment_downloads
from reforms.assessment import views_scores
from reforms.ledgers import exports as ledger_exports
from reforms.ledgers import views as ledgers_views
from reforms.reporting.views import dashboard as views_dashboard
from reforms.reporting.views import report_schedules as views_report_schedules
from reforms.reporting.views import reports as views_reports
from reforms.supervision import views as views_orders
from reforms.tasks import exports as task_exports
from reforms.tasks.views import charts, imports
from reforms.tasks.views import plans as views_plans
from reforms.tasks.views import tasks as views_tasks

app_name = "reforms"


def ledger_paths(kind, name):
    """A ledger's list, new-entry, edit and delete pages: reforms:<name>_list and so on."""
    return [
        path(f"ledgers/{kind}/", ledgers_views.ledger_list, {"kind": kind}, name=f"{name}_list"),
        path(
            f"ledgers/{kind}/new/",
            ledgers_views.ledger_create,
            {"kind": kind},
            name=f"{name}_create",
        ),
        path(
            f"ledgers/{kind}/<int:pk>/",
            ledgers_views.ledger_edit,
            {"kind": kind},
            name=f"{name}_edit",
        ),
        path(
            f"ledgers/{kind}/<int:pk>/delete/",
            ledgers_views.ledger_delete,
            {"kind": kind},
            name=f"{name}_delete",
        ),
    ]


urlpatterns = [
    path("tasks/", views_tasks.task_list, name="task_list"),
    path("tasks/export/", task_exports.task_export, name="task_export"),
    path("tasks/new/", views_tasks.task_create, name="task_create"),
    path("tasks/import/", imports.task_import, name="task_import"),
    path("tasks/import/sample.xlsx", imports.task_import_sample, name="task_import_sample"),
    path("tasks/import/<int:pk>/", imports.task_import_preview, name="task_import_preview"),
    path("tasks/import/<int:pk>/commit/", imports.task_import_commit, name="task_import_commit"),
    path(
        "tasks/import/<int:pk>/discard/",
        imports.task_import_discard,
        name="task_import_discard",
    ),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views_tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", views_tasks.task_transition, name="task_transition"),
    path("tasks/<int:pk>/progress/", views_tasks.progress_create, name="progress_create"),
    path("tasks/<int:pk>/milestones/new/", views_tasks.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views_tasks.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/done/", views_tasks.milestone_toggle, name="milestone_toggle"),
    path("evidence/<int:pk>/", views_tasks.evidence_download, name="evidence_download"),
    path("plans/<int:pk>/document/", views_plans.plan_document, name="plan_document"),
    path("my/", views_tasks.my_tasks, name="my_tasks"),
    path("parks/<int:park_id>/roadmap/", charts.park_roadmap, name="park_roadmap"),
    path("roadmap/", charts.district_roadmap, name="district_roadmap"),
    path("units/", charts.unit_league, name="unit_league"),
    # The ledgers (台账): one set of views serves the four, told apart by `kind`.
    path("ledgers/", ledgers_views.ledger_overview, name="ledgers"),
    *ledger_paths("care", "care_payment"),
    *ledger_paths("publicity", "publicity"),
    *ledger_paths("training", "training"),
    *ledger_paths("proposal", "proposal"),
    path(
        "ledgers/proposal/<int:pk>/advance/",
        ledgers_views.proposal_advance,
        name="proposal_advance",
    ),
    path("ledgers/<str:kind>/export.xlsx", ledger_exports.ledger_export, name="ledger_export"),
    # Progress reports (进展报告) and the dashboard (H4).
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/new/", views_reports.report_request, name="report_request"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/status/", views_reports.report_status, name="report_status"),
    path("reports/<int:pk>/download/", views_reports.report_download, name="report_download"),
    path("reports/<int:pk>/regenerate/", views_reports.report_regenerate, name="report_regenerate"),
    path("reports/schedules/", views_report_schedules.report_schedules, name="report_schedules"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/parks/<int:pk>/", views_dashboard.dashboard_park, name="dashboard_park"),
    # Supervision orders (督办单).
    path("orders/", views_orders.order_list, name="order_list"),
    path("orders/export.xlsx", views_orders.order_export, name="order_export"),
    path("orders/new/", views_orders.order_issue, name="order_issue"),
    path("orders/<int:pk>/", views_orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/reply/", views_orders.order_reply, name="order_reply"),
    path("orders/<int:pk>/act/", views_orders.order_act, name="order_act"),
    path("order-files/<int:pk>/", views_orders.order_file_download, name="order_file_download"),
    # Assessment (考核评分) and the 红黑榜.
    path("assessment/", views_assessment.home, name="assessment"),
    path(
        "assessment/schemes/new/", views_assessment.scheme_create, name="assessment_scheme_create"
    ),
    path(
        "assessment/schemes/<int:pk>/",
        views_assessment.scheme_detail,
        name="assessment_scheme_detail",
    ),
    path(
        "assessment/schemes/<int:pk>/edit/",
        views_assessment.scheme_edit,
        name="assessment_scheme_edit",
    ),
    path(
        "assessment/schemes/<int:pk>/status/",
        views_assessment.scheme_status,
        name="assessment_scheme_status",
    ),
    path("assessment/schemes/<int:pk>/compute/", views_scores.compute, name="assessment_compute"),
    path(
        "assessment/schemes/<int:pk>/<str:period_kind>/<str:period_start>/",
        views_scores.ranking,
        name="assessment_ranking",
    ),
    path(
        "assessment/schemes/<int:pk>/<str:period_kind>/<str:period_start>/publish/",
        views_scores.publish,
        name="assessment_publish",
    ),
    path("assessment/scores/<int:pk>/", views_scores.score_detail, name="assessment_score_detail"),
    path("assessment/scores/<int:pk>/adjust/", views_scores.score_adjust, name="assessment_adjust"),
    path(
        "assessment/adjustments/<int:pk>/withdraw/",
        views_scores.adjustment_withdraw,
        name="assessment_withdraw",
    ),
    # The assessment's (考核) downloads: a period's ranking as Excel and its Word notice.
    path(
        "assessment/schemes/<int:scheme_pk>/<str:period_kind>/<str:period_start>/ranking.xlsx",
        assessment_downloads.ranking_xlsx,
        name="assessment_ranking_xlsx",
    ),
    path(
        "assessment/schemes/<int:scheme_pk>/<str:period_kind>/<str:period_start>/notice.docx",
        assessment_downloads.ranking_notice,
        name="assessment_notice",
    ),
]
