from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("", views.board_list, name="list"),
    path("gelesen/", views.board_mark_all_read, name="mark_all_read"),
    path("archiv/", views.board_archive, name="archive"),
    path("neu/", views.post_create, name="create"),
    path("<int:pk>/", views.post_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.post_edit, name="edit"),
    path("<int:pk>/loeschen/", views.post_delete, name="delete"),
    path("<int:pk>/anheften/", views.post_pin, name="pin"),
    path("<int:pk>/ausblenden/", views.post_hide, name="hide"),
    path("<int:pk>/folgen/", views.post_follow, name="follow"),
    path("<int:pk>/kommentare/<int:comment_pk>/entfernen/", views.comment_remove,
         name="comment_remove"),
    path("<int:pk>/dateien/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/dateien/<int:attachment_pk>/", views.attachment_download,
         name="attachment_download"),
    path("<int:pk>/dateien/<int:attachment_pk>/entfernen/", views.attachment_delete,
         name="attachment_delete"),
]
