from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("karte/", views.project_map, name="project_map"),
    path("netzwerk/<slug:slug>/neu/", views.result_start, name="result_start"),
]
