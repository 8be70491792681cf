from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "intranet.steering"
    label = "steering"
    verbose_name = _("Process steering")

    def ready(self):
        from intranet.core.models import register_audit_actions

        register_audit_actions({
            "steering.nudge": _("Steering nudged a network's leads"),
            "steering.propose_dissolution": _("Steering proposed dissolving a network"),
        })
