from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "intranet.accounts"
    label = "accounts"
    verbose_name = _("People and organisations")

    def ready(self):
        from intranet.core.models import register_audit_actions

        register_audit_actions({
            "organisation.create": _("Organisation created"),
            "organisation.update": _("Organisation page changed"),
            "user.create": _("Account created"),
            "user.roles": _("Roles changed"),
            "user.deactivate": _("Account deactivated"),
            "user.profile_update": _("Profile changed by someone else"),
            "invitation.create": _("Invitation sent"),
            "invitation.resend": _("Invitation sent again"),
            "invitation.revoke": _("Invitation withdrawn"),
            "invitation.accept": _("Invitation accepted"),
            "api_token.create": _("API token created"),
            "api_token.revoke": _("API token revoked"),
            "feed_token.reset": _("Feed address renewed"),
        })
