"""``notifications`` of API.md: the caller's own, through the same selector as the page."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Notification
from .serializers import NotificationSerializer


class NotificationListView(generics.ListAPIView):
    access_rule = "login: notifications_visible_to (own only)"
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset reads the selector

    def get_queryset(self):
        return selectors.notifications_visible_to(user=self.request.user)


class NotificationReadAllView(APIView):
    access_rule = "login: own notifications"

    @extend_schema(request=None,
                   responses={204: OpenApiResponse(description="All marked as read.")})
    def post(self, request):
        services.notifications_mark_read(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
