from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Notification


def notifications_visible_to(*, user) -> QuerySet[Notification]:
    """The person's own notifications, minus those about networks or posts they can no
    longer see."""
    if not user.is_authenticated:
        return Notification.objects.none()
    from board.selectors import post_list_visible_to
    from intranet.events.selectors import event_list_visible_to
    from networks.selectors import network_list_visible_to

    return Notification.objects.filter(recipient=user).filter(
        Q(network__isnull=True) | Q(network__in=network_list_visible_to(user=user).values("pk"))
    ).filter(
        # Correlated, so each of the person's notifications costs one lookup by key instead
        # of listing every post they may see.
        Q(post__isnull=True)
        | Exists(post_list_visible_to(user=user).filter(pk=OuterRef("post_id")))
    ).filter(
        Q(event__isnull=True)
        | Exists(event_list_visible_to(user=user).filter(pk=OuterRef("event_id"))))


def unread_count(*, user) -> int:
    return notifications_visible_to(user=user).filter(read_at__isnull=True).count()


def preferences_of(*, user) -> dict[str, str]:
    """The kinds the person has chosen for; the others follow ``DEFAULT_FREQUENCY``."""
    from .models import NotificationPreference

    return dict(NotificationPreference.objects.filter(user=user).values_list(
        "kind", "frequency"))
