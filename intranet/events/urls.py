from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("neu/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.event_edit, name="edit"),
    path("<int:pk>/absagen/", views.event_cancel, name="cancel"),
    path("<int:pk>/anmelden/", views.register, name="register"),
    path("<int:pk>/abmelden/", views.unregister, name="unregister"),
    path("<int:pk>/teilnehmende/", views.participants, name="participants"),
    path("<int:pk>/teilnehmende.csv", views.participants_csv, name="participants_csv"),
    path("expertenforum/", views.forum_list, name="forum_list"),
    path("expertenforum/gastgeber/", views.forum_hosts, name="forum_hosts"),
    path("expertenforum/gastgeber/uebernehmen/", views.forum_host_adopt,
         name="forum_host_adopt"),
    path("expertenforum/<int:year>/", views.forum_detail, name="forum_detail"),
]
