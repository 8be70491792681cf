"""Where Wagtail's admin would show more than the permission rule allows (DESIGN §3).

The explorer, the admin search, the workflow lists and the document and image choosers
already keep to the pages and collections a group has permissions on. Two doors do not:
the page chooser (it lists the whole tree, drafts included) and the document download
(any signed-in person with the address). Both are closed here."""

from django.db.models import Q
from wagtail import hooks
from wagtail.permission_policies.pages import PagePermissionPolicy

from intranet.core.access import not_found

from .permissions import can_view_document


@hooks.register("construct_page_chooser_queryset")
def chooser_shows_published_pages_and_ones_own(pages, request):
    explorable = PagePermissionPolicy().explorable_instances(request.user)
    return pages.filter(Q(live=True) | Q(pk__in=explorable.values("pk")))


@hooks.register("before_serve_document")
def document_only_for_those_who_may_see_it(document, request):
    if not can_view_document(request.user, document):
        raise not_found()
