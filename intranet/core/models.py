from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What each audit action means, in words; every app registers its own in AppConfig.ready().
AUDIT_ACTION_LABELS: dict[str, str] = {}


def register_audit_actions(labels: dict[str, str]) -> None:
    AUDIT_ACTION_LABELS.update(labels)


# For each object type: ``hidden(user, ids) -> ids the person may not see``. The audit log
# then shows such objects without their name, so it is no side door into confidential work.
AUDIT_TARGET_HIDERS: dict = {}


def register_audit_hider(target_type: str, hidden) -> None:
    AUDIT_TARGET_HIDERS[target_type] = hidden


class AuditEntry(models.Model):
    """Who did what to what, and when. Written only by services; never changed."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry still says who acted after the account is gone.
    actor_label = models.CharField(_("actor name"), max_length=200, blank=True)
    actor_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("actor's organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("object type"), max_length=80, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    @property
    def action_label(self) -> str:
        return AUDIT_ACTION_LABELS.get(self.action, self.action)


class SearchUpdate(models.Model):
    """The outbox of the index: written in the transaction of the change, worked through
    by the single writer on the ``search`` queue (and by beat every minute). A broker that
    is away delays index updates; it loses none."""

    label = models.CharField(max_length=100)  # "board.post"
    object_pk = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.label}.{self.object_pk}"
