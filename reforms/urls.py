from django.urls import path

from . import views

app_name = "reforms"


def ledger_paths(kind, name):
    """A ledger's list, new-entry, edit and delete pages: reforms:<name>_list and so on."""
    return [
        path(f"ledgers/{kind}/", views.ledger_list, {"kind": kind}, name=f"{name}_list"),
        path(f"ledgers/{kind}/new/", views.ledger_create, {"kind": kind}, name=f"{name}_create"),
        path(f"ledgers/{kind}/<int:pk>/", views.ledger_edit, {"kind": kind}, name=f"{name}_edit"),
        path(
            f"ledgers/{kind}/<int:pk>/delete/",
            views.ledger_delete,
            {"kind": kind},
            name=f"{name}_delete",
        ),
    ]


urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/export/", views.task_export, name="task_export"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/import/", views.task_import, name="task_import"),
    path("tasks/import/sample.xlsx", views.task_import_sample, name="task_import_sample"),
    path("tasks/import/<int:pk>/", views.task_import_preview, name="task_import_preview"),
    path("tasks/import/<int:pk>/commit/", views.task_import_commit, name="task_import_commit"),
    path("tasks/import/<int:pk>/discard/", views.task_import_discard, name="task_import_discard"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", views.task_transition, name="task_transition"),
    path("tasks/<int:pk>/progress/", views.progress_create, name="progress_create"),
    path("tasks/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/done/", views.milestone_toggle, name="milestone_toggle"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("plans/<int:pk>/document/", views.plan_document, name="plan_document"),
    path("my/", views.my_tasks, name="my_tasks"),
    path("parks/<int:park_id>/roadmap/", views.park_roadmap, name="park_roadmap"),
    path("roadmap/", views.district_roadmap, name="district_roadmap"),
    path("units/", views.unit_league, name="unit_league"),
    # The ledgers (台账): one set of views serves the four, told apart by `kind`.
    path("ledgers/", views.ledger_overview, name="ledgers"),
    *ledger_paths("care", "care_payment"),
    *ledger_paths("publicity", "publicity"),
    *ledger_paths("training", "training"),
    *ledger_paths("proposal", "proposal"),
    path("ledgers/proposal/<int:pk>/advance/", views.proposal_advance, name="proposal_advance"),
    path("ledgers/<str:kind>/export.xlsx", views.ledger_export, name="ledger_export"),
    # Progress reports (进展报告) and the dashboard (H4).
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_request, name="report_request"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("reports/<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
    path("reports/schedules/", views.report_schedules, name="report_schedules"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/parks/<int:pk>/", views.dashboard_park, name="dashboard_park"),
]
