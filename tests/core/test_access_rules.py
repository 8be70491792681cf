"""Deny by default (DESIGN §3.2): every view of ours declares its access rule."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from intranet.core.access import ACCESS_RULE_ATTR, PUBLIC

pytestmark = pytest.mark.django_db

# Third-party mounts that guard themselves, and why that is enough. Their login forms are
# replaced by redirects to our one sign-in (tested in tests/accounts/test_security.py).
TRUSTED_MOUNTS = {
    "konto/": "allauth: sign-in, password reset, second factor; public by design, throttled",
    "cms/": "Wagtail admin: login plus the wagtailadmin.access_admin permission",
    "django-admin/": "Django admin: an active staff account, which only admins have",
    "dokumente/": "Wagtail documents: login (LoginRequiredMiddleware); the library issue "
                  "adds per-document checks",
    "^wissen/": "Wagtail page serving: login (LoginRequiredMiddleware), published pages only",
    "^static/": "static files, DEBUG only",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _declared_rule(callback):
    for owner in (getattr(callback, "view_class", None), getattr(callback, "cls", None), callback):
        if owner is not None and getattr(owner, ACCESS_RULE_ATTR, None):
            return getattr(owner, ACCESS_RULE_ATTR)
    return None


def _module(callback):
    owner = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return owner.__module__


def our_views():
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(tuple(TRUSTED_MOUNTS)):
            yield route, pattern


def test_every_view_of_ours_declares_an_access_rule():
    undeclared = [f"{route} -> {_module(p.callback)}.{p.callback.__name__}"
                  for route, p in our_views() if not _declared_rule(p.callback)]
    assert undeclared == [], "views without a declared access rule:\n" + "\n".join(undeclared)


def test_the_walk_sees_our_views():
    routes = [route for route, _ in our_views()]
    assert any(route.startswith("personen/") for route in routes)
    assert any(route.startswith("api/v1/") for route in routes)


def _parameterless_routes():
    for route, pattern in our_views():
        if "<" not in route and "(?P" not in route and "^" not in route:
            yield "/" + route, _declared_rule(pattern.callback)


def test_anonymous_is_sent_to_sign_in_on_every_non_public_page(client):
    leaks = []
    for path, rule in _parameterless_routes():
        if rule == PUBLIC or rule.startswith("public"):
            continue
        response = client.get(path)
        to_login = response.status_code == 302 and "/konto/login/" in response["Location"]
        api_denied = path.startswith("/api/") and response.status_code in (401, 403)
        if not (to_login or api_denied):
            leaks.append(f"{path}: {response.status_code}")
    assert leaks == []


def test_public_pages_answer_without_sign_in(client):
    for path, rule in _parameterless_routes():
        if rule == PUBLIC:
            response = client.get(path)
            assert response.status_code in (200, 302, 405), path

