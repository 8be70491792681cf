"""Conventions of the JSON API shared by every app (API.md)."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(exc, context):
    # Hidden and missing look the same (DESIGN §3.3): one body for every 404.
    if isinstance(exc, Http404 | exceptions.NotFound):
        exc = exceptions.NotFound(_("Not found."))
    return drf_exception_handler(exc, context)


def not_found_response() -> HttpResponse:
    """The same 404 for a path under /api/ that matches no route (used by ``error_404``)."""
    body = JSONRenderer().render({"detail": _("Not found.")})
    return HttpResponse(body, status=404, content_type="application/json")


def only_our_api(endpoints):
    """Keep Wagtail's internal API and anything else outside /api/v1/ out of the schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
