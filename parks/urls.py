from django.urls import path

from parks.exports import views as export_views
from parks.gridlog import exports as activity_exports
from parks.gridlog.views import liaison as views_liaison
from parks.gridlog.views import office as views_office
from parks.history import views as history_views
from parks.notices import views as notice_views
from parks.structure import views as structure_views

app_name = "parks"

urlpatterns = [
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", export_views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("parks/", structure_views.park_list, name="park_list"),
    path("parks/new/", structure_views.park_create, name="park_create"),
    path("parks/<int:pk>/", structure_views.park_detail, name="park_detail"),
    path("parks/<int:pk>/edit/", structure_views.park_edit, name="park_edit"),
    path(
        "parks/<int:park_pk>/grids/new/", structure_views.grid_zone_create, name="grid_zone_create"
    ),
    path("grids/<int:pk>/", structure_views.grid_zone_detail, name="grid_zone_detail"),
    path("grids/<int:pk>/edit/", structure_views.grid_zone_edit, name="grid_zone_edit"),
    path(
        "parks/<int:park_pk>/facilities/new/",
        structure_views.facility_create,
        name="facility_create",
    ),
    path("facilities/<int:pk>/edit/", structure_views.facility_edit, name="facility_edit"),
    path("people/", structure_views.people_list, name="people_list"),
    path("people/new/", structure_views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", structure_views.person_edit, name="person_edit"),
    path("account/tokens/", structure_views.api_tokens, name="api_tokens"),
    path(
        "account/tokens/<str:digest>/revoke/",
        structure_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("audit/", history_views.audit_log, name="audit"),
    path("notifications/", notice_views.notification_list, name="notifications"),
    path(
        "notifications/read/",
        notice_views.notifications_mark_read,
        name="notifications_mark_read",
    ),
    path(
        "notifications/settings/",
        notice_views.notice_preferences,
        name="notice_preferences",
    ),
    path("notifications/deliveries/", notice_views.delivery_list, name="deliveries"),
    path(
        "notifications/deliveries/<int:pk>/retry/",
        notice_views.delivery_retry,
        name="delivery_retry",
    ),
    # The liaison's phone pages of the grid log (views/liaison.py).
    path("grid-log/", views_liaison.my_grid_zones, name="my_grid_zones"),
    path("grid-log/new/", views_liaison.activity_create, name="activity_create"),
    path("grid-log/<int:pk>/", views_liaison.activity_detail, name="activity_detail"),
    path("grid-log/<int:pk>/edit/", views_liaison.activity_edit, name="activity_edit"),
    path("grid-log/<int:pk>/delete/", views_liaison.activity_delete, name="activity_delete"),
    path("grid-log/photos/<int:pk>/", views_liaison.activity_photo, name="activity_photo"),
    # The office's pages of the grid log (parks/views/activity_office.py).
    path("activities/", views_office.activity_feed, name="activity_feed"),
    path("activities/export/", activity_exports.activity_export, name="activity_export"),
    path("activities/calendar/", views_office.activity_calendar, name="activity_calendar"),
    path("activities/coverage/", views_office.coverage, name="coverage"),
]
