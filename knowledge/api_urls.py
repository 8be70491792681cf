from django.urls import path

from . import api

urlpatterns = [
    path("results/", api.ResultListView.as_view(), name="api_results"),
    path("results/<int:pk>/", api.ResultDetailView.as_view(), name="api_result"),
]
