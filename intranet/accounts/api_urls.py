from django.urls import path

from . import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api_me"),
    path("organisations/", api.OrganisationListView.as_view(), name="api_organisations"),
    path("topics/", api.TopicListView.as_view(), name="api_topics"),
    path("people/", api.PeopleListView.as_view(), name="api_people"),
]
