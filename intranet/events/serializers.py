from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from intranet.core.api import BoundedDateTimeField

from .models import Event, Kind


class MyRegistrationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["registered", "waitlisted"])
    waitlist_position = serializers.IntegerField(allow_null=True)


class EventSerializer(serializers.ModelSerializer):
    """An event as API.md names it; the counts and ``my_registration`` come annotated from
    the selector (``with_counts``)."""

    location = serializers.CharField(source="venue")
    address = serializers.CharField()
    # Most events have neither: the schema says null may come.
    network = serializers.SlugRelatedField(read_only=True, slug_field="slug", allow_null=True)
    host_organisation = serializers.SlugRelatedField(read_only=True, slug_field="slug",
                                                     allow_null=True)
    cancelled = serializers.SerializerMethodField()
    registered_count = serializers.IntegerField()
    waitlist_count = serializers.IntegerField()
    my_registration = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "kind", "title", "description", "start", "end", "location", "address",
                  "online_url", "host_organisation", "network", "audience", "capacity",
                  "registration_deadline", "cancelled", "registered_count", "waitlist_count",
                  "my_registration", "url"]

    def get_cancelled(self, event) -> bool:
        return event.is_cancelled

    def get_url(self, event) -> str:
        return event.get_absolute_url()

    def get_my_registration(self, event) -> MyRegistrationSerializer(allow_null=True):
        if not event.my_status:
            return None
        return {"status": event.my_status, "waitlist_position": event.my_waitlist_position}


class EventWriteSerializer(serializers.Serializer):
    """POST /api/v1/events/: a new event for everyone, or for a network's members when a
    network is named."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    online_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    registration_deadline = BoundedDateTimeField(required=False, allow_null=True)
    network = serializers.SlugField(required=False, allow_null=True, max_length=80,
                                    help_text=_("The network that meets; its members are "
                                                "invited."))

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": _("The event must end after it starts.")})
        deadline = data.get("registration_deadline")
        if deadline and deadline > data["start"]:
            raise serializers.ValidationError({"registration_deadline": _(
                "The registration deadline must not be after the start.")})
        return data


class RegistrationResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["registered", "waitlisted"])
    waitlist_position = serializers.IntegerField(allow_null=True)
