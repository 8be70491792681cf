"""Conventions of the JSON API shared by every app (API.md)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ConflictError, FileTooLarge


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time within years the platform can store. A year like 0001 passes DRF's
    parsing and overflows when it is turned into UTC for the database (a 500)."""

    FIRST_YEAR, LAST_YEAR = 2000, 2100

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:  # DRF's own time-zone check overflows at year 1
            parsed = None
        if parsed is None or not self.FIRST_YEAR <= parsed.year <= self.LAST_YEAR:
            raise serializers.ValidationError(
                _("Enter a date between the years %(first)s and %(last)s.")
                % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR})
        return parsed


class Pagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "Too large."
    default_code = "too_large"


class Conflict(exceptions.APIException):
    """409: the object's state forbids the change (e.g. writing to a dissolved network)."""

    status_code = 409
    default_detail = "Conflict."
    default_code = "conflict"


def _validation_detail(error: DjangoValidationError) -> dict:
    """A service's ValidationError as API.md's ``{"field": ["message"], ...}``."""
    if hasattr(error, "error_dict"):
        return {(api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field):
                messages for field, messages in error.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def exception_handler(exc, context):
    # Hidden and missing look the same (DESIGN §3.3): one body for every 404.
    if isinstance(exc, Http404 | exceptions.NotFound):
        exc = exceptions.NotFound(_("Not found."))
    # The services' own errors (services.py raises Django's, not DRF's, exceptions).
    elif isinstance(exc, ConflictError):
        exc = Conflict(str(exc))
    elif isinstance(exc, FileTooLarge):
        exc = PayloadTooLarge(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_detail(exc))
    return drf_exception_handler(exc, context)


def not_found_response() -> HttpResponse:
    """The same 404 for a path under /api/ that matches no route (used by ``error_404``)."""
    body = JSONRenderer().render({"detail": _("Not found.")})
    return HttpResponse(body, status=404, content_type="application/json")


def only_our_api(endpoints):
    """Keep Wagtail's internal API and anything else outside /api/v1/ out of the schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
