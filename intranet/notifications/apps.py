from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "intranet.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from intranet.core.models import register_audit_actions

        register_audit_actions({
            "notifications.preferences": _("Notification settings changed"),
        })
