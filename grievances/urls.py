from django.urls import path

from grievances import exports, public_views, views

app_name = "grievances"

urlpatterns = [
    path("grievances/", views.inbox, name="inbox"),
    path("grievances/<int:pk>/", views.grievance_detail, name="grievance_detail"),
    path("grievances/new/", views.grievance_create, name="grievance_create"),
    path("grievances/new/duplicates/", views.duplicate_check, name="duplicate_check"),
    path("grievances/export/", exports.grievance_export, name="export"),
    path("grievances/rates/", views.rates, name="rates"),
    path("grievances/surveys/", views.survey_list, name="survey_list"),
    path("grievances/surveys/new/", views.survey_create, name="survey_create"),
    path("grievances/surveys/<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("grievances/policies/", views.policies, name="policies"),
    path("grievances/replies/", views.reply_templates, name="reply_templates"),
    path(
        "grievances/replies/<int:pk>/edit/",
        views.reply_template_edit,
        name="reply_template_edit",
    ),
    path("grievances/<int:pk>/act/<slug:action>/", views.grievance_act, name="grievance_act"),
    path("grievances/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("grievances/<int:pk>/merge/", views.grievance_merge_view, name="grievance_merge"),
    path(
        "grievances/extensions/<int:pk>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
    path("grievances/<int:pk>/mediation/", views.mediation_open, name="mediation_open"),
    path(
        "grievances/<int:pk>/mediation/sessions/",
        views.mediation_session_add,
        name="mediation_session_add",
    ),
    path(
        "grievances/<int:pk>/mediation/conclude/",
        views.mediation_conclude,
        name="mediation_conclude",
    ),
    path(
        "grievances/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    # Public pages a worker opens from a QR code, without an account (public_views).
    path("g/track/", public_views.public_track_form, name="public_track_form"),
    path("g/track/<str:code>/", public_views.public_track, name="public_track"),
    path("g/track/<str:code>/withdraw/", public_views.public_withdraw, name="public_withdraw"),
    path("g/<int:park_id>/", public_views.public_form, name="public_form"),
    path("g/<int:park_id>/thanks/", public_views.public_thanks, name="public_thanks"),
    path("g/<int:park_id>/qr.svg", public_views.public_qr, name="public_qr"),
    path(
        "g/<int:park_id>/<int:grid_zone_id>/",
        public_views.public_form,
        name="public_form_zone",
    ),
    path(
        "g/<int:park_id>/<int:grid_zone_id>/qr.svg",
        public_views.public_qr_zone,
        name="public_qr_zone",
    ),
    path("grievances/parks/<int:park_id>/qr/", public_views.qr_poster, name="qr_poster"),
]
