from django.urls import path

from . import views

app_name = "reforms"

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
]
