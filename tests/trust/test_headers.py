"""Security headers on every route (issue 8): CSP, nosniff, referrer policy, no framing,
on pages, redirects, 404 and 500 alike, and HSTS under the production settings."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.views.decorators.clickjacking import xframe_options_sameorigin

from intranet.core.access import access_rule
from intranet.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)

# Dummy values for URL arguments: nothing exists under them, so most answers are 404s,
# which must carry the same headers as everything else.
CONVERTER_VALUES = {"int": "987654", "slug": "kein-objekt", "str": "kein-objekt",
                    "path": "kein/objekt.png", "uuid": "00000000-0000-0000-0000-000000000000"}
TYPED_ARGUMENT = re.compile(r"<(?:(\w+):)?\w+>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _as_path(route: str) -> str:
    route = TYPED_ARGUMENT.sub(lambda m: CONVERTER_VALUES.get(m.group(1) or "str", "x"), route)
    route = REGEX_GROUP.sub("987654", route)
    route = re.sub(r"\\Z|[\^$?]|\\", "", route)
    return "/" + route


def every_route_path() -> list[str]:
    return sorted({_as_path(route) for route in _walk(get_resolver().url_patterns)})


def header_problems(response, *, admin: bool = False) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy", "")
    framing = "frame-ancestors 'self'" if response.get("X-Frame-Options") == "SAMEORIGIN" \
        else "frame-ancestors 'none'"
    if framing not in policy and "sandbox" not in policy:
        problems.append(f"CSP without {framing}: {policy!r}")
    if not admin and "'unsafe-inline'" in policy:
        problems.append(f"CSP with unsafe-inline outside the admin: {policy!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if response.get("X-Frame-Options") not in ("DENY", "SAMEORIGIN"):
        problems.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    return problems


def test_the_walk_covers_our_routes_and_the_admins():
    paths = every_route_path()
    assert len(paths) > 150
    assert {"/", "/brett/", "/api/v1/docs/"} <= set(paths)
    assert any(p.startswith("/cms/") for p in paths)
    assert any(p.startswith("/django-admin/") for p in paths)


def test_every_route_answers_a_member_with_the_security_headers(client, member):
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.raise_request_exception = False
    problems, statuses = [], {}
    for url in every_route_path():
        response = client.get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        admin = url.startswith(("/cms/", "/django-admin/"))
        problems += [f"{url} ({response.status_code}): {p}"
                     for p in header_problems(response, admin=admin)]
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    assert statuses.get(404, 0) > 50  # the dummy arguments found nothing, as meant


def test_a_page_of_ours_gets_the_strict_policy(client, member):
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    policy = client.get("/brett/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert directives["object-src"] == "'none'"


def test_the_admin_gets_a_relaxed_policy_that_still_forbids_framing(client, admin):
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get("/django-admin/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_sign_in_page_anonymous_visitors_see_carries_the_headers(client):
    response = client.get("/konto/login/")
    assert response.status_code == 200
    assert header_problems(response) == []


def test_a_real_404_carries_the_headers(client, member):
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert header_problems(response) == []


@access_rule("login: a test-only view that fails")
def failing_view(request):
    raise RuntimeError("a bug in a view")


@access_rule("login: a test-only view that may be framed by our own pages")
@xframe_options_sameorigin
def frameable_view(request):
    return HttpResponse("Vorschau")


urlpatterns = [path("kaputt/", failing_view), path("cms/vorschau/", frameable_view),
               *site_urlpatterns]
handler404 = "intranet.core.views.error_404"
handler500 = "intranet.core.views.error_500"


@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_a_real_500_carries_the_headers(member):
    client = Client(raise_request_exception=False)
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get("/kaputt/")
    assert response.status_code == 500
    assert "Etwas ist schiefgegangen" in response.content.decode()
    assert header_problems(response) == []


@pytest.mark.urls(__name__)
def test_a_view_marked_sameorigin_may_be_framed_by_our_own_pages_only(client, member):
    # Wagtail marks its page preview so: the editor shows it in a frame beside the form.
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get("/cms/vorschau/")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert [d for d in directives if d.startswith("frame-ancestors")] == ["frame-ancestors 'self'"]


def test_the_api_docs_page_loads_its_start_script_as_a_file(client, member):
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get("/api/v1/docs/").content.decode()
    assert re.search(r"<script>\s*\S", page) is None  # no inline script body
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/-/live", secure=True, SERVER_NAME="localhost")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""


def test_production_settings_send_hsts_on_a_secure_request(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
                   "SECRET_KEY": "x" * 64, "VAR_DIR": str(tmp_path),
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=BASE_DIR, env=environment,
        capture_output=True, text=True, timeout=120, check=True)
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]
    assert answer["status"] == 200
    assert headers["Strict-Transport-Security"] == \
        "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
