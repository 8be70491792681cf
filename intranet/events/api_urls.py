from django.urls import path

from . import api

urlpatterns = [
    path("events/", api.EventListView.as_view(), name="api_events"),
    path("events/<int:pk>/", api.EventDetailView.as_view(), name="api_event"),
    path("events/<int:pk>/registration/", api.RegistrationView.as_view(),
         name="api_event_registration"),
]
