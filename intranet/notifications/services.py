from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification

# A text is either plain, or (lazy template, parameters) rendered in each recipient's language.
Text = str | tuple


def _render(text: Text, person) -> str:
    if isinstance(text, str):
        return text
    template, params = text
    with translation.override(person.language or settings.LANGUAGE_CODE):
        return str(template) % params


def notify(*, recipients: Iterable, text: Text, url: str = "", network=None,
           exclude=None) -> list[Notification]:
    """Write one notification per recipient in the caller's transaction; send after commit."""
    excluded = getattr(exclude, "pk", None)
    rows = Notification.objects.bulk_create(
        Notification(recipient=person, text=_render(text, person)[:500], url=url,
                     network=network)
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
