import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from whoosh.index import LockError

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_email(*, subject: str, body: str, from_email: str, to: list[str],
               html: str | None = None) -> None:
    """Send one rendered e-mail from the ``email`` queue, so no request waits for SMTP."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def enqueue_after_commit(task, *args, run_here_if_broker_down: bool = False,
                         **kwargs) -> None:
    """Queue ``task`` once the transaction commits, never failing the request that caused it.

    With the broker unreachable the work is not lost: either what it would have done stays
    in an outbox table that a periodic sweep works through when the broker is back, or
    (``run_here_if_broker_down``, for a single e-mail with no outbox) it runs right here.
    """
    transaction.on_commit(lambda: _publish(task, args, kwargs, run_here_if_broker_down))


def _publish(task, args, kwargs, run_here_if_broker_down) -> None:
    if task.app.conf.task_always_eager:  # tests: let the task's own errors surface
        task.apply_async(args=args, kwargs=kwargs)
        return
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # any broker or transport failure
        if run_here_if_broker_down:
            logger.warning("Could not queue %s; running it in this process.", task.name,
                           exc_info=True)
            task.apply(args=args, kwargs=kwargs)
        else:
            logger.warning("Could not queue %s; the periodic sweep will pick it up.",
                           task.name, exc_info=True)


@shared_task(autoretry_for=(OSError, LockError), retry_backoff=True, max_retries=8)
def drain_search_updates() -> int:
    """Runs on the ``search`` queue only: the single writer of the index. Whoosh's write
    lock held by someone else (LockError): retried later; the outbox rows stay until then."""
    from .search import drain_updates

    return drain_updates()


@shared_task
def sweep_file_texts() -> int:
    """Beat: reads the text of files whose reading was never queued (the broker was away
    at upload time): board attachments, workspace document versions, library documents.
    Each reading notes it was done, so a file is read once (core.text_extraction)."""
    from board.services import attachment_texts_sweep
    from knowledge.services import document_texts_sweep as library_texts_sweep
    from networks.services import document_texts_sweep

    return attachment_texts_sweep() + document_texts_sweep() + library_texts_sweep()
