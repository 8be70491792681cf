"""``GET /api/v1/search/?q=&type=`` of API.md: the same search and re-check as /suche/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from .search import KINDS, SearchUnavailable, search_visible_to, snippet

API_MAX_RESULTS = 100


class SearchUnavailableError(APIException):
    status_code = 503
    default_detail = "The search is unavailable at the moment."
    default_code = "search_unavailable"


class SearchParams(serializers.Serializer):
    q = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=[("", "")] + [(kind, kind) for kind in KINDS],
                                   required=False, default="")


class SearchView(APIView):
    access_rule = "login: search_visible_to (audience filter, then each hit's own selector)"

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True),
                    OpenApiParameter("type", str, enum=list(KINDS))],
        responses=inline_serializer("SearchResults", {
            "count": serializers.IntegerField(),
            "results": inline_serializer("SearchHit", {
                "type": serializers.CharField(), "id": serializers.IntegerField(),
                "title": serializers.CharField(), "url": serializers.CharField(),
                "snippet": serializers.CharField()}, many=True)}))
    def get(self, request):
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        q = params.validated_data["q"]
        try:
            hits = search_visible_to(user=request.user, q=q, type=params.validated_data["type"])
        except SearchUnavailable:
            raise SearchUnavailableError from None
        return Response({"count": len(hits), "results": [
            {"type": hit.kind, "id": hit.obj.pk, "title": hit.title,
             "url": request.build_absolute_uri(hit.url), "snippet": str(snippet(hit.text, q))}
            for hit in hits[:API_MAX_RESULTS]]})
