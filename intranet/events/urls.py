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

# The open space of the Expertenforum: proposals, interest, the programme grid, results.
urlpatterns += [
    path("expertenforum/<int:year>/open-space/", views.open_space, name="open_space"),
    path("expertenforum/<int:year>/open-space/vorschlagen/", views.open_space_propose,
         name="open_space_propose"),
    path("expertenforum/<int:year>/open-space/<int:pk>/bearbeiten/", views.open_space_edit,
         name="open_space_edit"),
    path("expertenforum/<int:year>/open-space/<int:pk>/zurueckziehen/",
         views.open_space_withdraw, name="open_space_withdraw"),
    path("expertenforum/<int:year>/open-space/<int:pk>/interesse/", views.open_space_interest,
         name="open_space_interest"),
    path("expertenforum/<int:year>/open-space/<int:pk>/ergebnisse/", views.open_space_results,
         name="open_space_results"),
    path("expertenforum/<int:year>/programm/", views.open_space_programme,
         name="open_space_programme"),
    path("expertenforum/<int:year>/programm/einplanen/", views.open_space_place,
         name="open_space_place"),
    path("expertenforum/<int:year>/programm/raeume/", views.open_space_room_add,
         name="open_space_room_add"),
    path("expertenforum/<int:year>/programm/raeume/<int:pk>/entfernen/",
         views.open_space_room_delete, name="open_space_room_delete"),
    path("expertenforum/<int:year>/programm/zeiten/", views.open_space_slot_add,
         name="open_space_slot_add"),
    path("expertenforum/<int:year>/programm/zeiten/<int:pk>/entfernen/",
         views.open_space_slot_delete, name="open_space_slot_delete"),
]
