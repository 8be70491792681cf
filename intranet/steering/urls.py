from django.urls import path

from . import views

app_name = "steering"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("neu-zaehlen/", views.recount, name="recount"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("jahresbericht/", views.annual_report_latest, name="annual_report_latest"),
    path("jahresbericht/<int:year>/", views.annual_report, name="annual_report"),
    path("netzwerke/<int:pk>/nachfragen/", views.network_nudge, name="nudge"),
    path("netzwerke/<int:pk>/aufloesung-vorschlagen/", views.network_propose_dissolution,
         name="propose_dissolution"),
]
