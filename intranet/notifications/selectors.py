from django.db.models import Q, QuerySet

from .models import Notification


def notifications_visible_to(*, user) -> QuerySet[Notification]:
    """The person's own notifications, minus those about networks they can no longer see."""
    if not user.is_authenticated:
        return Notification.objects.none()
    from networks.selectors import network_list_visible_to

    return Notification.objects.filter(recipient=user).filter(
        Q(network__isnull=True) | Q(network__in=network_list_visible_to(user=user).values("pk"))
    )


def unread_count(*, user) -> int:
    return notifications_visible_to(user=user).filter(read_at__isnull=True).count()
