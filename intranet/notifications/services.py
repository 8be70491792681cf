from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(*, recipients: Iterable, text: str, url: str = "", network=None,
           exclude=None) -> list[Notification]:
    """Write one notification per recipient in the caller's transaction; send after commit."""
    excluded = getattr(exclude, "pk", None)
    rows = Notification.objects.bulk_create(
        Notification(recipient=person, text=text[:500], url=url, network=network)
        for person in {p.pk: p for p in recipients if p.pk != excluded}.values()
    )
    if rows:
        from .tasks import dispatch_notifications

        transaction.on_commit(dispatch_notifications.delay)
    return rows


def notifications_mark_read(*, user, notification_ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
