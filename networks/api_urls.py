from django.urls import path

from . import api

urlpatterns = [
    path("networks/", api.NetworkListView.as_view(), name="api_networks"),
    path("networks/<slug:slug>/", api.NetworkDetailView.as_view(), name="api_network"),
    path("networks/<slug:slug>/join/", api.NetworkJoinView.as_view(), name="api_network_join"),
    path("networks/<slug:slug>/leave/", api.NetworkLeaveView.as_view(),
         name="api_network_leave"),
    path("networks/<slug:slug>/dissolve/", api.NetworkDissolveView.as_view(),
         name="api_network_dissolve"),
    path("networks/<slug:slug>/reopen/", api.NetworkReopenView.as_view(),
         name="api_network_reopen"),
    path("networks/<slug:slug>/members/", api.MemberListView.as_view(),
         name="api_network_members"),
    path("networks/<slug:slug>/members/<int:user_id>/", api.MemberDetailView.as_view(),
         name="api_network_member"),
    path("networks/<slug:slug>/members/<int:user_id>/approve/", api.MemberApproveView.as_view(),
         name="api_network_member_approve"),
    path("networks/<slug:slug>/members/<int:user_id>/decline/", api.MemberDeclineView.as_view(),
         name="api_network_member_decline"),
    path("networks/<slug:slug>/tasks/", api.TaskListView.as_view(), name="api_network_tasks"),
    path("tasks/<int:pk>/", api.TaskDetailView.as_view(), name="api_task"),
]
