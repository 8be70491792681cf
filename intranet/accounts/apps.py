from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "intranet.accounts"
    label = "accounts"
    verbose_name = _("People and organisations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from intranet.core.models import register_audit_actions

        from .middleware import stamp_activity
        from .services import visit_record

        # Signing in starts a visit, so the first page after it writes nothing more.
        user_logged_in.connect(lambda sender, user, **kwargs: visit_record(user=user),
                               weak=False, dispatch_uid="accounts.visit_on_login")
        # ... and starts the idle clock (IdleTimeoutMiddleware) with the new session.
        user_logged_in.connect(lambda sender, request, **kwargs: stamp_activity(request),
                               weak=False, dispatch_uid="accounts.idle_clock_on_login")

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
            "user.delete": _("Account deleted (anonymised)"),
            "data_export.request": _("Data export requested"),
        })
