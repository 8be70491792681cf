"""Wagtail's admin answers a draft the person cannot reach as a page that does not exist.

Left alone, Wagtail tells an editor of one shelf that a page id of another network exists:
it redirects with "no permission" (or to their own shelf) where a missing id gets its 404.
Counting ids would then reveal how many drafts the other networks hold and when they were
started (DESIGN §3.3: hidden and missing look the same). Published pages stay reachable as
before: everyone may know them, and the page chooser links to them.
"""

from functools import wraps

from django.utils.cache import add_never_cache_headers
from django.views.defaults import page_not_found
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.utils.urlpatterns import decorate_urlpatterns

PAGE_ARGUMENTS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
# Routes that take the page id as their first positional argument.
POSITIONAL_PAGE_ROUTES = {"revisions_compare"}


def _is_hidden_from(user, page_id) -> bool:
    page = Page.objects.filter(pk=page_id).only("pk", "live").first()
    if page is None or page.live:
        return False  # missing: Wagtail's own 404; published: anyone may know it
    return not PagePermissionPolicy().explorable_instances(user).filter(pk=page_id).exists()


def _page_ids(request, args, kwargs) -> list:
    ids = [kwargs[name] for name in PAGE_ARGUMENTS if name in kwargs]
    match = request.resolver_match
    if args and match is not None and match.url_name in POSITIONAL_PAGE_ROUTES:
        ids.append(args[0])
    return ids


def _missing_page(request):
    """Exactly what Wagtail's admin sends for an id that does not exist."""
    response = page_not_found(request, "", template_name="wagtailadmin/404.html")
    add_never_cache_headers(response)
    return response


def _has_admin(user) -> bool:
    # Without admin access Wagtail sends the person to the sign-in or away, as before.
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def hide_unreachable_drafts(view):
    if getattr(view, "hides_unreachable_drafts", False):
        return view

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if _has_admin(request.user) and any(
                _is_hidden_from(request.user, page_id)
                for page_id in _page_ids(request, args, kwargs)):
            return _missing_page(request)
        return view(request, *args, **kwargs)

    guarded.hides_unreachable_drafts = True
    return guarded


def admin_urlpatterns(module):
    """Wagtail's admin URL patterns (``wagtail.admin.urls``) behind the guard above."""
    return decorate_urlpatterns(module.urlpatterns, hide_unreachable_drafts)
