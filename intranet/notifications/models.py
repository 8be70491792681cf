from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person, written in the transaction of the change that caused it
    (the outbox of DESIGN §5). The dispatcher e-mails what is unsent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # When set, the recipient must still be able to see this network when it is sent and
    # shown; a removed member then hears nothing more of a confidential network.
    network = models.ForeignKey("networks.Network", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
                   models.Index(fields=["emailed_at"], name="notification_outbox_idx")]

    def __str__(self):
        return self.text
