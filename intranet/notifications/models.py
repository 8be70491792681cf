from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; each person sets how each kind reaches them."""

    NETWORK_POST = "network_post", _("New posts in my networks")
    ANNOUNCEMENT = "announcement", _("Platform announcements")
    FOLLOWED_COMMENT = "followed_comment", _("Comments on posts I follow")
    MENTION = "mention", _("Mentions of me")
    NETWORK = "network", _("My networks and tasks (invitations, requests, tasks)")
    RESULT = "result", _("New results in the library from my networks and topics")
    EVENT = "event", _("My events (changes, places from the waitlist, reminders)")


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("immediately by e-mail")
    DAILY = "daily", _("in a daily digest")
    WEEKLY = "weekly", _("in a weekly digest")
    OFF = "off", _("off (no notification)")


# What a person gets before choosing: direct address at once, the rest gathered.
DEFAULT_FREQUENCY = {
    Kind.NETWORK_POST: Frequency.DAILY,
    Kind.ANNOUNCEMENT: Frequency.DAILY,
    Kind.FOLLOWED_COMMENT: Frequency.IMMEDIATELY,
    Kind.MENTION: Frequency.IMMEDIATELY,
    Kind.NETWORK: Frequency.IMMEDIATELY,
    Kind.RESULT: Frequency.WEEKLY,
    Kind.EVENT: Frequency.IMMEDIATELY,
}


class Notification(models.Model):
    """One message to one person, written in the transaction of the change that caused it
    (the outbox of DESIGN §5). The dispatcher e-mails what is due at once; the digest task
    gathers the rest."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.NETWORK)
    # How it goes out by e-mail, fixed by the person's choice when it was written.
    delivery = models.CharField(max_length=12, choices=Frequency,
                                default=Frequency.IMMEDIATELY)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # When set, the recipient must still be able to see this network (post, event) when it is
    # sent and shown; a removed member then hears nothing more of a confidential network.
    network = models.ForeignKey("networks.Network", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("board.Post", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    # Makes writing idempotent: one notification per person and event ("comment:17").
    event_key = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
                   models.Index(fields=["emailed_at", "delivery"],
                                name="notification_outbox_idx")]
        constraints = [models.UniqueConstraint(
            "recipient", "event_key", condition=~models.Q(event_key=""),
            name="notification_once_per_event")]

    def __str__(self):
        return self.text


class NotificationPreference(models.Model):
    """A person's choice for one kind; without a row, ``DEFAULT_FREQUENCY`` applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=Kind)
    frequency = models.CharField(max_length=12, choices=Frequency)

    class Meta:
        constraints = [models.UniqueConstraint("user", "kind",
                                               name="notification_preference_unique")]

    def __str__(self):
        return f"{self.user_id}: {self.kind} {self.frequency}"
