"""CSRF on every state change (issue 8, item 2): a walk over every URL pattern, ours and the
trusted mounts (allauth, Wagtail admin, Django admin), sends each unsafe method as a
signed-in person without a CSRF token and expects 403 and an unchanged database.

Django's CsrfViewMiddleware checks the token before any view runs, so a made-up primary key
or slug in the address is enough: the request never reaches the view. Where the platform
fixture has an object with that key, a missing check would really change it.
"""

import hashlib
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve
from rest_framework.views import APIView

from tests.core.test_access_rules import TRUSTED_MOUNTS, _walk

from .platform_fixtures import platform_fixture  # noqa: F401 (the "platform" fixture)

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")

# Views that accept a state change without a CSRF token, and why that is safe.
CSRF_EXEMPT_BY_DESIGN = {
    # RFC 8058 one-click unsubscribe: mail programs post without any session; the signed
    # token of one person's e-mail is the permission and the only thing it can do is stop
    # that person's e-mails.
    "intranet.notifications.views.unsubscribe",
}

# Stamps that any signed-in request may write (idle timeout, "new since your last visit");
# they are no state change of the person's making.
ACTIVITY_STAMPS = {("accounts", "user"): {"last_seen_at", "previous_visit_at"}}

# Samples for the parts of an address; the first that fits a pattern's group is taken.
SAMPLES = ["1", "x", "abc", "1-x", "2026", "de", "a/", "00000000-0000-0000-0000-000000000001", ""]
CONVERTER_SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x",
                     "uuid": "00000000-0000-0000-0000-000000000001"}


def _sample_for(group_pattern: str) -> str | None:
    try:
        return next((s for s in SAMPLES if re.fullmatch(group_pattern, s)), None)
    except re.error:
        return None


def _concrete_path(route: str) -> str | None:
    """An address that the route resolves, with sample values for its parameters."""
    def fill(match):
        return _sample_for(match.group(1)) or "\0"

    raw = route.replace("^", "").replace("$", "")
    raw = re.sub(r"(?<!\?P)<(?:(\w+):)?\w+>",
                 lambda m: CONVERTER_SAMPLES.get(m.group(1) or "str", "x"), raw)
    # Groups, innermost first: (?P<name>...), (?:...)*, (...).
    for _ in range(4):
        raw = re.sub(r"\(\?P<\w+>([^()]*)\)", fill, raw)
        raw = re.sub(r"\((?:\?:)?([^()]*)\)[*?]", "", raw)
        raw = re.sub(r"\((?:\?:)?([^()]*)\)", fill, raw)
    path = raw.replace("\\", "")
    if "\0" in path or re.search(r"[()\[\]*+?|]", path):
        return None
    return "/" + path


def _routes():
    """(route, address, view) for every pattern, ours and the trusted mounts."""
    for route, pattern in _walk(get_resolver().url_patterns):
        path = _concrete_path(route)
        if path is None:
            yield route, None, pattern.callback
            continue
        try:
            match = resolve(path)
        except Resolver404:
            yield route, None, pattern.callback
            continue
        yield route, (path if match.func == pattern.callback else None), pattern.callback


def _name(callback) -> str:
    owner = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return f"{owner.__module__}.{owner.__name__}"


def _is_drf(callback) -> bool:
    owner = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return isinstance(owner, type) and issubclass(owner, APIView)


def database_fingerprint() -> dict[str, str]:
    """A hash of every row of every table but the sessions, per model."""
    prints = {}
    for model in apps.get_models():
        if model is Session or model._meta.proxy:
            continue
        skip = ACTIVITY_STAMPS.get((model._meta.app_label, model._meta.model_name), set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        prints[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return prints


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def test_the_walk_reaches_nearly_every_pattern():
    routes = list(_routes())
    unreached = [route for route, path, _ in routes if path is None]
    # A few patterns are shadowed on purpose (the admin logins are our redirects) or take
    # no sample (catch-alls); everything else is walked.
    assert len(unreached) <= len(routes) // 20, "\n".join(unreached)


# Static files are mounted only with DEBUG (and take no state change).
@pytest.mark.parametrize("mount", ["ours", *(m for m in TRUSTED_MOUNTS if m != "^static/")])
def test_no_state_change_without_a_csrf_token(platform, admin, mount):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.get("/")  # the activity stamps of this visit are written before the snapshot
    before = database_fingerprint()
    accepted, walked = [], 0
    for route, path, callback in _routes():
        in_mount = route.startswith(mount) if mount != "ours" else not route.startswith(
            tuple(TRUSTED_MOUNTS))
        if path is None or not in_mount or _name(callback) in CSRF_EXEMPT_BY_DESIGN:
            continue
        # The middleware treats every unsafe method alike; our own views get all four,
        # the mounts (hundreds of admin pages) a POST.
        for method in UNSAFE if mount == "ours" else ("post",):
            response = getattr(client, method)(path)
            walked += 1
            # API views are csrf_exempt for token clients (a Bearer token is no cookie a
            # foreign page could make the browser send); with the session cookie DRF's
            # SessionAuthentication demands the token itself and answers 403 as well.
            if response.status_code != 403:
                kind = "api" if _is_drf(callback) else "page"
                accepted.append(f"{method.upper()} {path} ({kind}): {response.status_code}")
    assert walked > 0
    assert accepted == [], "accepted without CSRF token:\n" + "\n".join(accepted)
    assert _changed(before, database_fingerprint()) == []
    assert "_auth_user_id" in client.session, "a request without token signed the admin out"


def test_a_bearer_token_api_call_needs_no_csrf_token(member):
    from intranet.accounts import services

    _, raw = services.api_token_create(user=member, name="Skript")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/posts/", {}, HTTP_AUTHORIZATION=f"Bearer {raw}",
                           content_type="application/json")
    # Not 403 for a missing CSRF token: the token client is refused only for its input.
    assert response.status_code in (400, 404, 405), response.content[:300]


def test_the_exempt_unsubscribe_changes_nothing_without_its_signed_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    before = database_fingerprint()
    response = client.post("/benachrichtigungen/abbestellen/gefaelscht/")
    assert response.status_code == 404
    assert _changed(before, database_fingerprint()) == []
