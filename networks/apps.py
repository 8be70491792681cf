from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Expert networks")

    def ready(self):
        from intranet.core.models import register_audit_actions, register_audit_hider

        from .selectors import documents_hidden_from, networks_hidden_from

        register_audit_hider("networks.network", networks_hidden_from)
        register_audit_hider("networks.document", documents_hidden_from)
        register_audit_hider("networks.networkidea", lambda user, ids: set())
        _keep_the_index_in_step()

        register_audit_actions({
            "network.found": _("Network founded"),
            "network.update": _("Network changed"),
            "network.dissolve": _("Network dissolved"),
            "network.continue": _("Network marked as continued"),
            "network.reopen": _("Network reopened"),
            "membership.join": _("Joined a network"),
            "membership.request": _("Asked to join a network"),
            "membership.approve": _("Request to join approved"),
            "membership.decline": _("Request to join declined"),
            "membership.invite": _("Invited to a network"),
            "membership.accept": _("Invitation to a network accepted"),
            "membership.leave": _("Left a network"),
            "membership.remove": _("Removed from a network"),
            "membership.role": _("Network role changed"),
            "document.upload": _("Document uploaded"),
            "idea.propose": _("Network idea proposed"),
            "idea.convert": _("Network idea turned into a network"),
            "idea.archive": _("Network idea archived"),
        })


def _keep_the_index_in_step() -> None:
    from django.db.models.signals import post_delete, post_save

    from intranet.core.search import reindex_after_commit

    from .models import Document, Network

    def network_changed(sender, instance, **kwargs):
        reindex_after_commit(instance)

    def document_deleted(sender, instance, **kwargs):
        reindex_after_commit(instance)  # the task finds it gone and takes it out

    post_save.connect(network_changed, sender=Network, weak=False, dispatch_uid="search.network")
    post_delete.connect(network_changed, sender=Network, weak=False,
                        dispatch_uid="search.network_delete")
    post_delete.connect(document_deleted, sender=Document, weak=False,
                        dispatch_uid="search.document_delete")
