"""Events and registrations of API.md, through the same selectors and permissions as the
pages. Hidden or missing → 404; registration closed or the event cancelled → 409; not
invited or not an organiser → 403; bad input → 400."""

import datetime

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.core.access import not_found
from networks.permissions import access_network

from . import permissions, selectors, services
from .models import Audience, Event, Kind
from .serializers import EventSerializer, EventWriteSerializer, RegistrationResultSerializer


class _StorableIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time within years the platform stores, turned into UTC: PostgreSQL
    refuses offsets beyond ±16 hours and a year-1 time overflows (both were 500s)."""

    FIRST_YEAR, LAST_YEAR = 2000, 2100

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            in_utc = parsed.astimezone(datetime.UTC)
        except OverflowError:
            in_utc = None
        if in_utc is None or not self.FIRST_YEAR <= in_utc.year <= self.LAST_YEAR:
            raise ValidationError(
                _("Enter a date between the years %(first)s and %(last)s.")
                % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR})
        return in_utc


class StorableIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _StorableIsoDateTimeField


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices, field_name="kind")
    to = StorableIsoDateTimeFilter(
        field_name="start", lookup_expr="lte",
        help_text="Events that start at or before this time (ISO 8601).")


# ``from`` is a Python keyword, so it joins the declared filters by name.
EventFilter.base_filters["from"] = StorableIsoDateTimeFilter(
    field_name="end", lookup_expr="gte",
    help_text="Events that end at or after this time (ISO 8601).")


def _event_for(user, pk) -> Event:
    event = selectors.event_with_counts(user=user, pk=pk)
    if event is None:
        raise not_found()
    return event


class EventListView(generics.ListCreateAPIView):
    access_rule = "login: event_list_visible_to with counts; POST can_create_event"
    serializer_class = EventSerializer
    filterset_class = EventFilter
    queryset = Event.objects.none()  # for the schema; get_queryset reads the selector

    def get_queryset(self):
        return selectors.with_counts(selectors.event_list_visible_to(user=self.request.user),
                                     user=self.request.user).select_related(
            "network", "host_organisation").order_by("start", "pk")

    @extend_schema(request=EventWriteSerializer, responses={201: EventSerializer})
    def post(self, request):
        data = EventWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["venue"] = fields.pop("location", "")
        slug = fields.pop("network", None)
        if slug:
            fields.update(network=access_network(request.user, slug),
                          audience=Audience.NETWORK)
        if not permissions.can_create_event(request.user, kind=fields["kind"],
                                            network=fields.get("network")):
            raise PermissionDenied(_("You cannot create this kind of event."))
        event = services.event_create(actor=request.user, **fields)
        return Response(EventSerializer(_event_for(request.user, event.pk)).data,
                        status=status.HTTP_201_CREATED)


class EventDetailView(APIView):
    access_rule = "login: access_event (event_list_visible_to) with counts"
    http_method_names = ["get", "head", "options"]

    @extend_schema(responses=EventSerializer)
    def get(self, request, pk):
        return Response(EventSerializer(_event_for(request.user, pk)).data)


class RegistrationView(APIView):
    access_rule = "login: access_event; POST registration_create (can_register_for_event), " \
                  "DELETE one's own registration"
    http_method_names = ["post", "delete", "options"]

    @extend_schema(request=None, responses={201: RegistrationResultSerializer,
                                            200: RegistrationResultSerializer})
    def post(self, request, pk):
        event = permissions.access_event(request.user, pk)
        already = selectors.registration_of(user=request.user, event=event)
        registration = services.registration_create(event=event, user=request.user)
        return Response({"status": registration.status,
                         "waitlist_position": selectors.waitlist_position(registration)},
                        status=status.HTTP_200_OK if already else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: OpenApiResponse(
        description="Cancelled; the first on the waitlist moves up.")})
    def delete(self, request, pk):
        event = permissions.access_event(request.user, pk)
        services.registration_cancel(event=event, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

