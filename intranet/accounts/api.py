"""``me``, ``organisations``, ``topics`` and ``people`` of API.md, through the same selectors."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .serializers import MeSerializer, OrganisationSerializer, PersonSerializer, TopicSerializer


class MeView(APIView):
    access_rule = "login: the caller"

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        person = selectors.person_list_visible_to(user=request.user).get(pk=request.user.pk)
        return Response(MeSerializer(person).data)


class OrganisationListView(generics.ListAPIView):
    access_rule = "login: organisation_list_visible_to"
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return selectors.organisation_list_visible_to(user=self.request.user)


class TopicListView(generics.ListAPIView):
    access_rule = "login: every topic"
    serializer_class = TopicSerializer

    def get_queryset(self):
        return selectors.topic_list()


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="noop", max_length=100)
    organisation = django_filters.CharFilter(method="noop", max_length=60)
    topic = django_filters.CharFilter(method="noop", max_length=60)

    def noop(self, queryset, name, value):
        return queryset  # the selector applies the filters; this class validates and documents


class PeopleListView(generics.ListAPIView):
    access_rule = "login: person_list_visible_to"
    serializer_class = PersonSerializer
    filterset_class = PeopleFilter

    def get_queryset(self):
        params = self.request.query_params
        return selectors.person_list_visible_to(
            user=self.request.user,
            q=params.get("q", "")[:100],
            organisation=params.get("organisation", ""),
            topic=params.get("topic", ""),
        )
