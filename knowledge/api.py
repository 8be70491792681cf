"""The library's results in the JSON API (API.md), read through the same selectors."""

import django_filters
from rest_framework import generics

from intranet.core.api import Pagination
from intranet.core.paging import CappedPaginator
from networks.permissions import prefetch_grants

from . import selectors
from .models import LibraryPage, ResultType
from .permissions import access_library_page
from .serializers import ResultSerializer


class ResultFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(method="noop", max_length=60)
    network = django_filters.CharFilter(method="noop", max_length=80)
    type = django_filters.ChoiceFilter(choices=ResultType.choices, method="noop")
    city = django_filters.CharFilter(method="noop", max_length=60)
    year = django_filters.NumberFilter(method="noop", min_value=1990, max_value=2100)

    def noop(self, queryset, name, value):
        return queryset  # the selector applies the filters; this class validates and documents


class ResultPagination(Pagination):
    django_paginator_class = CappedPaginator


def _with_network_names(user, pages):
    prefetch_grants({user: {page.network_id for page in pages if page.network_id}})
    for page in pages:
        page.network_shown = selectors.network_name_visible_to(user=user, page=page)
    return pages


class ResultListView(generics.ListAPIView):
    access_rule = "login: library_pages_visible_to (published pages only)"
    serializer_class = ResultSerializer
    pagination_class = ResultPagination
    filterset_class = ResultFilter
    queryset = LibraryPage.objects.none()  # for the schema; get_queryset reads the selector

    def get_queryset(self):
        params = self.request.query_params
        year = params.get("year")
        return selectors.library_page_list_visible_to(
            user=self.request.user, topic=params.get("topic", ""),
            result_type=params.get("type", ""), network=params.get("network", ""),
            city=params.get("city", ""), year=int(year) if year and year.isdigit() else None,
        ).prefetch_related("topics", "cities", "documents__document")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return _with_network_names(self.request.user, page) if page is not None else page


class ResultDetailView(generics.RetrieveAPIView):
    access_rule = "login: access_library_page (published pages only)"
    serializer_class = ResultSerializer
    queryset = LibraryPage.objects.none()

    def get_object(self):
        page = access_library_page(self.request.user, self.kwargs["pk"])
        return _with_network_names(self.request.user, [page])[0]
