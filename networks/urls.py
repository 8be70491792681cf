from django.urls import path

from . import idea_views, views

app_name = "networks"
urlpatterns = [
    path("", views.network_list, name="list"),
    path("gruenden/", views.network_found, name="found"),
    path("aufgaben/", views.my_tasks, name="my_tasks"),
    path("ideen/", idea_views.idea_list, name="ideas"),
    path("ideen/<int:pk>/", idea_views.idea_detail, name="idea"),
    path("ideen/<int:pk>/interesse/", idea_views.idea_interest, name="idea_interest"),
    path("ideen/<int:pk>/umsetzen/", idea_views.idea_convert, name="idea_convert"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/bearbeiten/", views.network_edit, name="edit"),
    path("<slug:slug>/mitglieder/", views.network_members, name="members"),
    path("<slug:slug>/beitreten/", views.network_join, name="join"),
    path("<slug:slug>/verlassen/", views.network_leave, name="leave"),
    path("<slug:slug>/einladen/", views.network_invite, name="invite"),
    path("<slug:slug>/mitglieder/<int:user_id>/annehmen/", views.membership_approve,
         name="approve"),
    path("<slug:slug>/mitglieder/<int:user_id>/ablehnen/", views.membership_decline,
         name="decline"),
    path("<slug:slug>/mitglieder/<int:user_id>/entfernen/", views.membership_remove,
         name="remove"),
    path("<slug:slug>/mitglieder/<int:user_id>/rolle/", views.membership_set_role,
         name="set_role"),
    path("<slug:slug>/aufgaben/", views.network_tasks, name="tasks"),
    path("<slug:slug>/aufgaben/<int:pk>/", views.task_edit, name="task_edit"),
    path("<slug:slug>/dokumente/", views.network_documents, name="documents"),
    path("<slug:slug>/dokumente/<int:pk>/", views.network_document, name="document"),
    path("<slug:slug>/dokumente/<int:pk>/v<int:number>/", views.document_download,
         name="download"),
    path("<slug:slug>/beenden/", views.network_end, name="end"),
    path("<slug:slug>/wiedereroeffnen/", views.network_reopen, name="reopen"),
]
