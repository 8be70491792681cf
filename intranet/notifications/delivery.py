"""Turning notifications into e-mails: one at a time, or gathered into a digest.

Both paths claim their rows before sending (a second run sends nothing more) and ask the
selectors again whether the recipient may still see what a notification is about.
"""

from collections import defaultdict
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Frequency, Kind, Notification
from .services import unsubscribe_token

DIGEST_BATCH = 500


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _unsubscribe_url(user, kinds) -> str:
    return absolute(reverse("notifications:unsubscribe",
                            args=[unsubscribe_token(user=user, kinds=kinds)]))


def _email(*, user, subject: str, template: str, context: dict, kinds) -> EmailMultiAlternatives:
    unsubscribe = _unsubscribe_url(user, kinds)
    context = {**context, "person": user, "unsubscribe_url": unsubscribe,
               "kind_names": [Kind(kind).label for kind in sorted(kinds)],
               "preferences_url": absolute(reverse("notifications:preferences"))}
    message = EmailMultiAlternatives(
        subject, render_to_string(f"notifications/email/{template}.txt", context),
        None, [user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated"})
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html")
    return message


# --- At once ----------------------------------------------------------------------------

def may_still_see(notification: Notification, recipient=None) -> bool:
    """Whether the recipient may still see what the notification is about, by the apps'
    own predicates (with grants and cities prefetched, the digest asks this for free)."""
    from board.permissions import can_view_post
    from intranet.events.permissions import can_view_event
    from networks.permissions import can_view_network

    recipient = recipient or notification.recipient
    if not recipient.is_active:
        return False
    if notification.network and not can_view_network(recipient, notification.network):
        return False
    if notification.event and not can_view_event(recipient, notification.event):
        return False
    return not notification.post or can_view_post(recipient, notification.post)


def _claim(pks) -> int:
    return Notification.objects.filter(pk__in=pks, emailed_at__isnull=True).update(
        emailed_at=timezone.now())


def send_due_notifications(*, batch: int) -> int:
    sent = 0
    due = Notification.objects.filter(emailed_at__isnull=True,
                                      delivery=Frequency.IMMEDIATELY)
    while rows := list(due.select_related("recipient", "network", "post__network",
                                          "event__network")
                       .order_by("pk")[:batch]):
        for notification in rows:
            if not _claim([notification.pk]) or not may_still_see(notification):
                continue
            recipient = notification.recipient
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                _email(user=recipient, subject=f"[Klima.Werk] {notification.text[:80]}",
                       template="notification", kinds=[notification.kind],
                       context={"notification": notification,
                                "link": absolute(notification.url)}).send()
            sent += 1
    return sent


# --- Digests ----------------------------------------------------------------------------

def _chunks(items, size):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def send_digests(*, frequency: str, batch: int = DIGEST_BATCH) -> int:
    """One digest per person with waiting notifications of this frequency."""
    waiting = Notification.objects.filter(emailed_at__isnull=True, delivery=frequency)
    recipient_ids = sorted(set(waiting.values_list("recipient_id", flat=True)))
    sent = 0
    connection = get_connection()
    for chunk in _chunks(recipient_ids, batch):
        messages = _digest_batch(waiting=waiting, recipient_ids=chunk, frequency=frequency)
        if messages:
            sent += connection.send_messages(messages) or 0
    return sent


def _digest_batch(*, waiting, recipient_ids, frequency) -> list[EmailMultiAlternatives]:
    people = get_user_model().objects.filter(pk__in=recipient_ids).prefetch_related(
        "role_assignments")
    rows_of = defaultdict(list)
    for row in _claim_waiting(waiting.filter(recipient_id__in=recipient_ids)):
        rows_of[row.recipient_id].append(row)
    people = list(people)
    _prefetch_for_visibility(people, rows_of)
    messages = []
    for person in people:
        items = _digest_items(person, rows_of[person.pk])
        if items:
            messages.append(_digest_email(person, items, frequency))
    return messages


def _claim_waiting(waiting) -> list[Notification]:
    """Take these rows for this run in one statement; a concurrent run skips them (on
    PostgreSQL by the row locks, on SQLite because writers take turns)."""
    with transaction.atomic():
        rows = list(waiting.select_for_update(skip_locked=True, of=("self",))
                    .select_related("network", "post__network", "event__network")
                    .order_by("created_at", "pk"))
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            emailed_at=timezone.now())
    return rows


def _prefetch_for_visibility(people, rows_of) -> None:
    """A fixed number of queries for the whole batch: the cities of the posts, whom the
    events reach, and the people's grants on the networks concerned. The checks that follow
    then run without a query."""
    from networks.permissions import prefetch_grants

    rows = [row for rows in rows_of.values() for row in rows]
    prefetch_related_objects([row.post for row in rows if row.post_id], "cities")
    prefetch_related_objects([row.event for row in rows if row.event_id], *EVENT_AUDIENCE)
    prefetch_grants({
        person: {network_id for row in rows_of[person.pk]
                 for network_id in _networks_concerned(row) if network_id}
        for person in people})


# What can_view_event reads of an event besides the network: prefetched for a digest.
EVENT_AUDIENCE = ("organisers", "audience_roles", "audience_cities", "audience_people")


def _networks_concerned(row: Notification) -> tuple:
    return (row.network_id, row.post.network_id if row.post else None,
            row.event.network_id if row.event else None)


def _digest_items(person, rows) -> list[Notification]:
    """What goes into the person's digest: nothing if they were here after it happened,
    nothing they may no longer see."""
    if person.last_seen_at:
        rows = [row for row in rows if row.created_at > person.last_seen_at]
    return [row for row in rows if may_still_see(row, recipient=person)]


def _group_by_network(items) -> list[tuple[str, list[Notification]]]:
    groups = defaultdict(list)
    for item in items:
        network = item.network or (item.post.network if item.post else None)
        groups[network.name if network else ""].append(item)
    return sorted(groups.items(), key=lambda group: (group[0] != "", group[0].lower()))


def _digest_email(person, items, frequency) -> EmailMultiAlternatives:
    with translation.override(person.language or settings.LANGUAGE_CODE):
        groups = [(name or _("The whole platform and your city"),
                   [(item, absolute(item.url)) for item in group])
                  for name, group in _group_by_network(items)]
        if frequency == Frequency.WEEKLY:
            title = ngettext("Your week on Klima.Werk: %(count)d new item",
                             "Your week on Klima.Werk: %(count)d new items", len(items))
        else:
            title = ngettext("Your day on Klima.Werk: %(count)d new item",
                             "Your day on Klima.Werk: %(count)d new items", len(items))
        title %= {"count": len(items)}
        return _email(user=person, subject=f"[Klima.Werk] {title}", template="digest",
                      kinds={item.kind for item in items},
                      context={"title": title, "groups": groups,
                               "home_url": absolute(reverse("home"))})
