"""Health checks for load balancers and operators: no login, no personal data."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .access import PUBLIC, access_rule


@never_cache
@access_rule(PUBLIC)
def live(request):
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    from intranet.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _search_ok() -> bool:
    try:
        from haystack import connections

        backend = connections["default"].get_backend()
        if hasattr(backend, "setup") and "PATH" in settings.HAYSTACK_CONNECTIONS["default"]:
            backend.setup()
        return True
    except Exception:
        return False


@never_cache
@access_rule(PUBLIC)
def ready(request):
    """The database is fatal (503); a broker or search that is down only degrades the site."""
    checks = {"database": _database_ok(), "broker": _broker_ok(), "search": _search_ok()}
    if not checks["database"]:
        status, code = "fail", 503
    elif all(checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
