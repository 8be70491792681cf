"""Every write to notifications and to the choices of how they arrive."""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation

from intranet.core.services import audit_record
from intranet.core.tasks import enqueue_after_commit

from .models import DEFAULT_FREQUENCY, Frequency, Kind, Notification, NotificationPreference

# A text is either plain, or (lazy template, parameters) rendered in each recipient's language.
Text = str | tuple

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def _render(text: Text, language: str) -> str:
    if isinstance(text, str):
        return text
    template, params = text
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(template) % params


def frequencies_of(*, user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How ``kind`` reaches each of these people: their choice, or the default."""
    user_ids = list(user_ids)
    chosen = dict(NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)
                  .values_list("user_id", "frequency"))
    return {pk: chosen.get(pk, DEFAULT_FREQUENCY[kind]) for pk in user_ids}


def notify(*, recipients: Iterable, text: Text, url: str = "", network=None, post=None,
           event=None, kind: str = Kind.NETWORK, event_key: str = "",
           exclude=None) -> list[Notification]:
    """Write one notification per recipient in the caller's transaction; send after commit.

    People who switched this kind off get none. With an ``event_key`` a second call for the
    same event writes nothing more, so a fan-out may safely run twice."""
    excluded = getattr(exclude, "pk", None)
    people = {p.pk: p for p in recipients if p.pk != excluded}
    delivery = frequencies_of(user_ids=people, kind=kind)
    texts: dict[str, str] = {}
    rows = []
    for pk, person in people.items():
        if delivery[pk] == Frequency.OFF:
            continue
        language = person.language or settings.LANGUAGE_CODE
        if language not in texts:
            texts[language] = _render(text, language)[:500]
        rows.append(Notification(recipient_id=pk, text=texts[language], url=url,
                                 network=network, post=post, event=event, kind=kind,
                                 delivery=delivery[pk], event_key=event_key))
    rows = Notification.objects.bulk_create(rows, ignore_conflicts=bool(event_key))
    if any(row.delivery == Frequency.IMMEDIATELY for row in rows):
        from .tasks import dispatch_notifications

        enqueue_after_commit(dispatch_notifications)
    return rows


def notifications_mark_read(*, user, notification_ids=None, post=None, event=None) -> int:
    """Mark the person's notifications read: all, these, or those about one post or event
    (opening its page is reading them)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    if post is not None:
        unread = unread.filter(post=post)
    if event is not None:
        unread = unread.filter(event=event)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_update(*, user, frequencies: dict[str, str]) -> None:
    """Store the person's choice per kind; what is still waiting follows the new choice."""
    for kind, frequency in frequencies.items():
        Kind(kind), Frequency(frequency)  # unknown values are a programming error here
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"frequency": frequency})
        waiting = Notification.objects.filter(recipient=user, kind=kind,
                                              emailed_at__isnull=True)
        if frequency == Frequency.OFF:
            waiting.update(emailed_at=timezone.now(), delivery=frequency)
        else:
            waiting.update(delivery=frequency)
    audit_record(actor=user, action="notifications.preferences", target=user,
                 kinds=sorted(frequencies))


def unsubscribe_token(*, user, kinds: Iterable[str]) -> str:
    return signing.dumps({"u": user.pk, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT,
                         compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, list[str]] | None:
    """The person and kinds of a link from an e-mail, or None for a forged or broken one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kinds = [Kind(kind) for kind in data["k"]]
        return int(data["u"]), kinds
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe(*, user, kinds: Iterable[str]) -> None:
    preferences_update(user=user, frequencies=dict.fromkeys(kinds, Frequency.OFF))
