"""Every write to the library: shelves and their editors, starting a result, publication.

Wagtail's admin does the editing itself; what is ours is who may edit where. Each network
that starts a result gets a shelf page, a collection for its documents and images, and
two Wagtail groups (editors: every active member; leads: may also publish). The groups
follow the guardian grants (``editors_sync``), so removing someone from a network takes
their editor rights with it in the same transaction.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from intranet.core.services import audit_record
from intranet.core.tasks import enqueue_after_commit
from networks import permissions as network_permissions
from networks.models import MemberState, Network

from .models import (
    LibraryIndexPage,
    LibraryPage,
    NetworkLeadApprovalTask,
    ProjectPage,
    PublicationEvent,
    ResultPage,
    ResultType,
    ShelfPage,
)

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page")
LEAD_PAGE_PERMISSIONS = ("publish_page", "unlock_page")
PUBLISHED_TEXT = gettext_lazy("New in the library: %(title)s")
REVIEW_TEXT = gettext_lazy("Please review the result “%(title)s” for publication.")
COLLECTION_PERMISSIONS = (
    ("wagtaildocs", ("add_document", "change_document", "choose_document")),
    ("wagtailimages", ("add_image", "change_image", "choose_image")),
)


# --- Shelves and their editors ----------------------------------------------------------

def library_root() -> LibraryIndexPage:
    return LibraryIndexPage.objects.get()


def _group(network: Network, role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=f"library-{network.pk}-{role}")
    return group


def _page_permissions(codenames) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="wagtailcore",
                                          codename__in=codenames))


def _grant_shelf(shelf: ShelfPage, collection: Collection) -> None:
    editors, leads = _group(shelf.network, "editors"), _group(shelf.network, "leads")
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin",
                                          codename="access_admin")
    for group, codenames in ((editors, EDITOR_PAGE_PERMISSIONS),
                             (leads, EDITOR_PAGE_PERMISSIONS + LEAD_PAGE_PERMISSIONS)):
        group.permissions.add(admin_access)
        for permission in _page_permissions(codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=shelf,
                                                      permission=permission)
        for app_label, codenames in COLLECTION_PERMISSIONS:
            for permission in Permission.objects.filter(content_type__app_label=app_label,
                                                        codename__in=codenames):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission)


def review_workflow() -> Workflow:
    """The one workflow of the library: a lead of the page's network approves."""
    workflow = Workflow.objects.filter(name="Netzwerk-Freigabe").first()
    if workflow is None:
        workflow = Workflow.objects.create(name="Netzwerk-Freigabe")
        task = NetworkLeadApprovalTask.objects.create(name="Freigabe durch die Netzwerkleitung")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.get_or_create(page=library_root(), defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def shelf_for(network: Network) -> ShelfPage:
    """The network's shelf, its collection and groups, made on first use."""
    shelf = ShelfPage.objects.filter(network=network).first()
    if shelf is not None:
        return shelf
    review_workflow()
    collection = Collection.get_first_root_node().add_child(
        name=f"{network.name} ({network.pk})")
    shelf = ShelfPage(title=network.name, slug=f"netzwerk-{network.pk}", network=network,
                      collection=collection)
    library_root().add_child(instance=shelf)
    _grant_shelf(shelf, collection)
    for membership in network.memberships.filter(state=MemberState.ACTIVE).select_related(
            "user"):
        editors_sync(user=membership.user, network=network)
    return shelf


def editors_sync(*, user, network: Network) -> None:
    """Put the person in or out of the network's editor groups, as their grants say now.
    Nothing to do for a network without a shelf: nobody edits there yet."""
    if not ShelfPage.objects.filter(network=network).exists():
        return
    network_permissions.forget_grants(user)
    writable = not network.is_dissolved and user.is_active
    for role, wanted in (("editors", writable and network_permissions.is_member(user, network)),
                         ("leads", writable and network_permissions.is_lead(user, network))):
        group = _group(network, role)
        (user.groups.add if wanted else user.groups.remove)(group)


def editors_sync_network(*, network: Network) -> None:
    from intranet.accounts.models import User

    in_groups = User.objects.filter(groups__name__in=[f"library-{network.pk}-editors",
                                                      f"library-{network.pk}-leads"])
    members = User.objects.filter(memberships__network=network,
                                  memberships__state=MemberState.ACTIVE)
    for user in {*in_groups, *members}:
        editors_sync(user=user, network=network)


def network_changed(*, network: Network) -> None:
    """A network's status or visibility may have changed: editor rights follow the status
    (a dissolved network is read-only), the index the visibility (its name is indexed with
    its results only where anyone may know it)."""
    from intranet.core.search import reindex_many_after_commit

    shelf = ShelfPage.objects.filter(network=network).first()
    if shelf is None:
        return
    editors_sync_network(network=network)
    reindex_many_after_commit(LibraryPage, list(
        LibraryPage.objects.live().filter(network=network).values_list("pk", flat=True)))


# --- Starting a result from the workspace -----------------------------------------------

def _unique_slug(shelf: ShelfPage, title: str) -> str:
    base = slugify(title)[:70] or "ergebnis"
    taken = set(shelf.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def result_start(*, network: Network, actor, title: str, kind: str) -> LibraryPage:
    """A draft result (or building project) on the network's shelf, for the editor."""
    if not network_permissions.can_contribute(actor, network):
        raise PermissionDenied(_("Only members of an active network publish its results."))
    title = title.strip()
    if not title:
        raise ValidationError({"title": [_("Give the result a title.")]})
    shelf = shelf_for(network)
    editors_sync(user=actor, network=network)
    if kind == ResultType.PROJECT:
        page = ProjectPage(title=title, summary="", city=actor.organisation
                           if getattr(actor.organisation, "kind", "") == "municipality" else None)
    else:
        page = ResultPage(title=title, summary="", result_type=kind or ResultType.GUIDELINE)
    page.slug = _unique_slug(shelf, title)
    page.live = False
    page.owner = actor
    page.contact = actor
    page.network = network
    shelf.add_child(instance=page)
    # A draft needs only its title (Wagtail defers the required fields to publication).
    page.save_revision(user=actor, log_action=True, clean=False)
    audit_record(actor=actor, action="result.start", target=network, page=page.pk)
    return page


# --- Publication ------------------------------------------------------------------------

def publication_record(*, page: LibraryPage) -> None:
    """On the first publication: an outbox row, fanned out to the network's members and the
    followers of its topics once the transaction has committed."""
    from intranet.core.search import reindex_many_after_commit

    from .tasks import fan_out_publications

    with transaction.atomic():
        reindex_many_after_commit(LibraryPage, [page.pk])
        reindex_documents_after_commit(page)
        if not PublicationEvent.objects.filter(page_id=page.pk).exists():
            PublicationEvent.objects.create(page_id=page.pk)
            enqueue_after_commit(fan_out_publications)


def reindex_documents_after_commit(page: LibraryPage) -> None:
    from intranet.core.search import reindex_many_after_commit

    from .models import LibraryDocument

    reindex_many_after_commit(LibraryDocument, list(
        page.documents.values_list("document_id", flat=True)))


def fan_out_publications() -> int:
    """Notify for every publication not yet fanned out; safe to run twice (event keys)."""
    from intranet.notifications.models import Kind
    from intranet.notifications.services import notify

    from . import selectors

    done = 0
    for event in PublicationEvent.objects.filter(fanned_out_at__isnull=True)[:200]:
        with transaction.atomic():
            page = LibraryPage.objects.live().filter(pk=event.page_id).first()
            if page is not None:
                notify(recipients=selectors.people_to_tell_of(page=page),
                       text=(PUBLISHED_TEXT, {"title": page.title}),
                       url=page.url or "", kind=Kind.RESULT,
                       event_key=f"result:{page.pk}", exclude=page.owner)
            PublicationEvent.objects.filter(pk=event.pk).update(fanned_out_at=timezone.now())
        done += 1
    return done


def review_request_notify(*, task_state, requested_by) -> None:
    """Tell the network's leads that a page waits for their approval."""
    from intranet.notifications.models import Kind
    from intranet.notifications.services import notify

    from .selectors import leads_of

    page = task_state.workflow_state.content_object.specific
    if getattr(page, "network", None) is None:
        return
    notify(recipients=leads_of(network=page.network),
           text=(REVIEW_TEXT, {"title": page.title}),
           url=reverse("wagtailadmin_pages:edit", args=[page.pk]), network=page.network,
           kind=Kind.NETWORK,
           event_key=f"review:{task_state.pk}", exclude=requested_by)


# --- Document text ----------------------------------------------------------------------

def document_text_extract(*, document_id: int) -> None:
    """Read the document's text once (in the worker) and have the index take it."""
    from intranet.core.search import reindex_after_commit
    from intranet.core.text_extraction import extract_text

    from .models import LibraryDocument

    document = LibraryDocument.objects.filter(pk=document_id).first()
    if document is None:
        return
    document.text = extract_text(document.file, document.filename)
    document.text_extracted_at = timezone.now()
    with transaction.atomic():
        document.save(update_fields=["text", "text_extracted_at"])
        reindex_after_commit(document)


def document_texts_sweep() -> int:
    """Beat: reads the documents whose text was never read (their task was not queued, the
    broker being away when the file was uploaded or replaced)."""
    from intranet.core.text_extraction import read_unread

    from .models import LibraryDocument

    return read_unread(LibraryDocument.objects.all(), uploaded_field="created_at",
                       read=lambda pk: document_text_extract(document_id=pk))
