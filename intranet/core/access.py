"""Deny by default: every view declares who may call it (DESIGN §3.2).

``LoginRequiredMiddleware`` already turns every view without a declaration into a
login-only one; the declaration makes the rule visible in the code, and
``tests/core/test_access_rules.py`` walks every URL pattern and fails on a view that has
none. The rule text names the ``can_*``/``access_*`` piece the view reads through.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.utils.translation import gettext_lazy as _

ACCESS_RULE_ATTR = "access_rule"
PUBLIC = "public"


def access_rule(rule: str):
    """Declare a function view's access rule; ``PUBLIC`` also lifts the login requirement."""

    def decorate(view):
        if rule == PUBLIC:
            view = login_not_required(view)
        setattr(view, ACCESS_RULE_ATTR, rule)
        return view

    return decorate


class AccessRuleMixin:
    """Class-based views set ``access_rule``; ``PUBLIC`` lifts the login requirement."""

    access_rule: str | None = None

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        if cls.access_rule == PUBLIC:
            view = login_not_required(view)
        return view


def not_found():
    """The one 404 for hidden and missing alike (DESIGN §3.3): no detail that tells them apart."""
    return Http404(_("This page does not exist or you cannot see it."))
