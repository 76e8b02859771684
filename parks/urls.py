from django.urls import path

from . import views

app_name = "parks"

urlpatterns = [
    path("", views.home, name="home"),
    path("parks/", views.park_list, name="park_list"),
    path("parks/new/", views.park_create, name="park_create"),
    path("parks/<int:pk>/", views.park_detail, name="park_detail"),
    path("parks/<int:pk>/edit/", views.park_edit, name="park_edit"),
    path("parks/<int:park_pk>/grids/new/", views.grid_zone_create, name="grid_zone_create"),
    path("grids/<int:pk>/", views.grid_zone_detail, name="grid_zone_detail"),
    path("grids/<int:pk>/edit/", views.grid_zone_edit, name="grid_zone_edit"),
    path("parks/<int:park_pk>/facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("people/", views.people_list, name="people_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/tokens/<str:digest>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("audit/", views.audit_log, name="audit"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    # The liaison's phone pages of the grid log (views/liaison.py).
    path("grid-log/", views.my_grid_zones, name="my_grid_zones"),
    path("grid-log/new/", views.activity_create, name="activity_create"),
    path("grid-log/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("grid-log/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("grid-log/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("grid-log/photos/<int:pk>/", views.activity_photo, name="activity_photo"),
    # The office's pages of the grid log (parks/views/activity_office.py).
    path("activities/", views.activity_feed, name="activity_feed"),
    path("activities/calendar/", views.activity_calendar, name="activity_calendar"),
    path("activities/coverage/", views.coverage, name="coverage"),
]
