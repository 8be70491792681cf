from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can_view_steering

# Each entry: (url name, label, prefix that marks it current, who sees it).
NAVIGATION = [
    ("home", _("Start"), "/", None),
    ("networks:list", _("Networks"), "/netzwerke/", None),
    ("board:list", _("Notice board"), "/brett/", None),
    ("events:calendar", _("Events"), "/termine/", None),
    ("/wissen/", _("Library"), "/wissen/", None),  # Wagtail's page tree: a path, no name
    ("people", _("People"), "/personen/", None),
    ("organisations", _("Cities"), "/staedte/", None),
    ("steering:dashboard", _("Steering"), "/steuerung/", can_view_steering),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"navigation": []}
    path = request.path
    items = []
    for url_name, label, prefix, visible in NAVIGATION:
        if visible is not None and not visible(user):
            continue
        current = path == prefix if prefix == "/" else path.startswith(prefix)
        url = url_name if url_name.startswith("/") else reverse(url_name)
        items.append({"url": url, "label": label, "current": current})
    return {"navigation": items, "unread_notifications": _unread_count(user)}


def _unread_count(user):
    """The header's unread count: the template calls it, so a page without the header (an
    htmx fragment) runs no query, and the one with it runs one COUNT however often it asks."""
    from intranet.notifications.selectors import unread_count

    @cache
    def count() -> int:
        return unread_count(user=user)

    return count
