"""Who may use process steering's pages: the only place that decides.

Steering and the service organisation see the activity figures of every network, the
confidential ones too, but never their content (DESIGN §3.6); platform admins see what they
see. Everyone else finds every steering page missing: hidden and missing look the same.
"""

from intranet.core.access import not_found
from intranet.core.permissions import can_view_audit_log, can_view_steering

__all__ = ["access_audit_log", "access_steering", "can_nudge_network", "can_view_audit_log",
           "can_view_steering"]


def can_nudge_network(user, network) -> bool:
    """Write to a network's leads (a nudge, a proposal to dissolve): while it is open."""
    return can_view_steering(user) and not network.is_dissolved


def can_see_network_name(network, *, visible_ids) -> bool:
    """A confidential network is named only to those who may see it exists (its members);
    to the rest of steering it is a number with figures (``visible_ids`` holds its members'
    confidential networks)."""
    return network.visibility != "confidential" or network.pk in visible_ids


def access_steering(user) -> None:
    if not can_view_steering(user):
        raise not_found()


def access_audit_log(user) -> None:
    """The audit review: admins and steering, not the service organisation's staff."""
    if not can_view_audit_log(user):
        raise not_found()
