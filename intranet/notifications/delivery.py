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

def may_still_see(notification: Notification) -> bool:
    from board.permissions import can_view_post
    from networks.permissions import can_view_network

    recipient = notification.recipient
    if not recipient.is_active:
        return False
    if notification.network and not can_view_network(recipient, notification.network):
        return False
    return not notification.post or can_view_post(recipient, notification.post)


def _claim(pks) -> int:
    return Notification.objects.filter(pk__in=pks, emailed_at__isnull=True).update(
        emailed_at=timezone.now())


def send_due_notifications(*, batch: int) -> int:
    sent = 0
    due = Notification.objects.filter(emailed_at__isnull=True,
                                      delivery=Frequency.IMMEDIATELY)
    while rows := list(due.select_related("recipient", "network", "post__network")
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
                    .select_related("network", "post__network").order_by("created_at", "pk"))
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            emailed_at=timezone.now())
    return rows


def _digest_items(person, rows) -> list[Notification]:
    """What goes into the person's digest: nothing if they were here after it happened,
    nothing they may no longer see."""
    from board.selectors import post_list_visible_to
    from networks.selectors import network_list_visible_to

    if not person.is_active:
        return []
    if person.last_seen_at:
        rows = [row for row in rows if row.created_at > person.last_seen_at]
    post_ids = {row.post_id for row in rows if row.post_id}
    network_ids = {row.network_id for row in rows if row.network_id}
    visible_posts = set(post_list_visible_to(user=person).filter(pk__in=post_ids)
                        .values_list("pk", flat=True)) if post_ids else set()
    visible_networks = set(network_list_visible_to(user=person).filter(pk__in=network_ids)
                           .values_list("pk", flat=True)) if network_ids else set()
    return [row for row in rows
            if (not row.post_id or row.post_id in visible_posts)
            and (not row.network_id or row.network_id in visible_networks)]


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
