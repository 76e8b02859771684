from django.urls import path

from . import views

app_name = "grievances"

urlpatterns = [
    path("grievances/", views.inbox, name="inbox"),
    path("grievances/<int:pk>/", views.grievance_detail, name="grievance_detail"),
]
