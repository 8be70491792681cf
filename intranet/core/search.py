"""Keeping the index in step with the database (DESIGN §4).

Whoosh allows one writer, so web processes never write the index: each change queues a
task on the ``search`` queue (one worker, concurrency 1) once its transaction has
committed. The task reads the object again and indexes what the database says now, or
removes it when it is gone or no longer to be found (a hidden post).
"""

from django.apps import apps
from haystack import connections

from .tasks import enqueue_after_commit


def reindex_after_commit(instance) -> None:
    from .tasks import update_search_document

    enqueue_after_commit(update_search_document, instance._meta.label_lower, instance.pk)


def reindex_many_after_commit(model, pks) -> None:
    from .tasks import update_search_documents

    pks = list(pks)
    if pks:
        enqueue_after_commit(update_search_documents, model._meta.label_lower, pks)


def update_documents(label: str, pks: list[int]) -> None:
    """Index these objects as they are now; remove those that are gone or hidden."""
    model = apps.get_model(label)
    index = connections["default"].get_unified_index().get_index(model)
    found = {obj.pk: obj for obj in index.index_queryset().filter(pk__in=pks)}
    backend = connections["default"].get_backend()
    if found:
        backend.update(index, list(found.values()))
    for pk in set(pks) - set(found):
        backend.remove(f"{label}.{pk}")
