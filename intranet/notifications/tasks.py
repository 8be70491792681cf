"""Sending notifications by e-mail: at once, or gathered into daily and weekly digests."""

from celery import shared_task

from . import delivery

BATCH = 200


@shared_task
def dispatch_notifications() -> int:
    """E-mail every notification due at once. Idempotent: each row is claimed before it is
    sent, and visibility is checked again now, not when the notification was written."""
    return delivery.send_due_notifications(batch=BATCH)


@shared_task
def send_digests(frequency: str) -> int:
    """One e-mail per person with what gathered since the last digest, when the person has
    not been on the platform since."""
    return delivery.send_digests(frequency=frequency)
