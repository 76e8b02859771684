from django.urls import path

from reforms.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
