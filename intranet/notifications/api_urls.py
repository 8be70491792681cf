from django.urls import path

from . import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api_notifications"),
    path("notifications/read-all/", api.NotificationReadAllView.as_view(),
         name="api_notifications_read_all"),
]
