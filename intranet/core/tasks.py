import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_email(*, subject: str, body: str, from_email: str, to: list[str],
               html: str | None = None) -> None:
    """Send one rendered e-mail from the ``email`` queue, so no request waits for SMTP."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the transaction commits, never failing the request that caused it.

    With the broker unreachable the work is not lost: what it would have done stays in an
    outbox table, and the periodic sweep of that outbox picks it up when the broker is back.
    """
    transaction.on_commit(lambda: _publish(task, args, kwargs))


def _publish(task, args, kwargs) -> None:
    if task.app.conf.task_always_eager:  # tests: let the task's own errors surface
        task.apply_async(args=args, kwargs=kwargs)
        return
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # any broker or transport failure: the sweep catches up
        logger.warning("Could not queue %s; the periodic sweep will pick it up.", task.name,
                       exc_info=True)
