from rest_framework import serializers

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """``{id, text, url, created_at, read}``; the link is absolute for tools outside the site."""

    url = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "text", "url", "created_at", "read"]
        read_only_fields = fields

    def get_url(self, notification) -> str:
        request = self.context.get("request")
        if not notification.url or request is None:
            return notification.url
        return request.build_absolute_uri(notification.url)

    def get_read(self, notification) -> bool:
        return notification.read_at is not None
