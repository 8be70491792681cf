"""What the library does when Wagtail, the networks or the documents change.

Wagtail's page signals are the only moments a page's public state changes, so the index
and the publication notices hang here (DESIGN §4: index published pages on the
publish/unpublish signals, by a task that reads the live version from the database)."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, task_submitted

from intranet.core.search import reindex_after_commit, reindex_many_after_commit
from intranet.core.tasks import enqueue_after_commit


def _page_published(sender, instance, **kwargs):
    from .selectors import library_facets_changed
    from .services import publication_record

    publication_record(page=instance)
    library_facets_changed()


def _page_gone(sender, instance, **kwargs):
    from .models import LibraryPage
    from .selectors import library_facets_changed
    from .services import reindex_documents_after_commit

    reindex_many_after_commit(LibraryPage, [instance.pk])
    library_facets_changed()
    if kwargs.get("signal") is page_unpublished:
        reindex_documents_after_commit(instance)


def _document_saved(sender, instance, update_fields=None, **kwargs):
    from .tasks import extract_document_text

    reindex_after_commit(instance)
    if not (update_fields and set(update_fields) <= {"text", "text_extracted_at"}):
        if instance.text_extracted_at is not None:  # the file may be a new one: unread
            sender.objects.filter(pk=instance.pk).update(text_extracted_at=None)
            instance.text_extracted_at = None
        enqueue_after_commit(extract_document_text, instance.pk)


def _document_deleted(sender, instance, **kwargs):
    reindex_after_commit(instance)


def _grant_changed(sender, instance, **kwargs):
    from .services import editors_sync

    editors_sync(user=instance.user, network=instance.content_object)


def _network_saved(sender, instance, **kwargs):
    from .selectors import library_facets_changed
    from .services import network_changed

    network_changed(network=instance)
    library_facets_changed()  # its name or visibility, which the counts carry


def _review_requested(sender, instance, user=None, **kwargs):
    from .models import NetworkLeadApprovalTask
    from .services import review_request_notify

    if isinstance(instance.task.specific, NetworkLeadApprovalTask):
        review_request_notify(task_state=instance, requested_by=user)


def connect() -> None:
    from networks.models import Network, NetworkUserObjectPermission

    from .models import LibraryDocument, ProjectPage, ResultPage

    for model in (ResultPage, ProjectPage):
        label = model._meta.label_lower
        page_published.connect(_page_published, sender=model, weak=False,
                               dispatch_uid=f"library.published.{label}")
        page_unpublished.connect(_page_gone, sender=model, weak=False,
                                 dispatch_uid=f"library.unpublished.{label}")
        post_delete.connect(_page_gone, sender=model, weak=False,
                            dispatch_uid=f"library.deleted.{label}")
    post_save.connect(_document_saved, sender=LibraryDocument, weak=False,
                      dispatch_uid="library.document_saved")
    post_delete.connect(_document_deleted, sender=LibraryDocument, weak=False,
                        dispatch_uid="library.document_deleted")
    post_save.connect(_grant_changed, sender=NetworkUserObjectPermission, weak=False,
                      dispatch_uid="library.grant_saved")
    post_delete.connect(_grant_changed, sender=NetworkUserObjectPermission, weak=False,
                        dispatch_uid="library.grant_deleted")
    post_save.connect(_network_saved, sender=Network, weak=False,
                      dispatch_uid="library.network_saved")
    task_submitted.connect(_review_requested, weak=False,
                           dispatch_uid="library.review_requested")
