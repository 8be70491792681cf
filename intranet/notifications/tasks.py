from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

BATCH = 200


@shared_task
def dispatch_notifications() -> int:
    """E-mail every unsent notification once. Idempotent: each row is claimed before sending,
    and visibility is checked again now, not when the notification was written."""
    from networks.permissions import can_view_network

    from .models import Notification

    sent = 0
    pending = (Notification.objects.filter(emailed_at__isnull=True)
               .select_related("recipient", "network").order_by("pk")[:BATCH])
    for notification in pending:
        with transaction.atomic():
            claimed = Notification.objects.filter(
                pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
        if not claimed:
            continue
        recipient = notification.recipient
        if not recipient.is_active:
            continue
        if notification.network and not can_view_network(recipient, notification.network):
            continue
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + notification.url
            body = f"{notification.text}\n\n{link}\n\n" + _(
                "You receive this e-mail because you take part in Klima.Werk.")
            send_mail(f"[Klima.Werk] {notification.text[:80]}", body, None, [recipient.email])
        sent += 1
    return sent
