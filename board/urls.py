from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("", views.board_list, name="list"),
    path("archiv/", views.board_archive, name="archive"),
    path("neu/", views.post_create, name="create"),
    path("<int:pk>/", views.post_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.post_edit, name="edit"),
    path("<int:pk>/loeschen/", views.post_delete, name="delete"),
    path("<int:pk>/anheften/", views.post_pin, name="pin"),
    path("<int:pk>/ausblenden/", views.post_hide, name="hide"),
]
