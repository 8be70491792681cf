"""Who may see and do what in expert networks (DESIGN §3.6): the only place that decides.

Membership is read from the guardian grants the services write: ``view_network`` for every
active member, ``lead_network`` for leads. Superusers get no shortcut here: a confidential
network is visible to its members only.
"""

from django.http import Http404

from intranet.core.access import not_found
from intranet.core.permissions import has_role

from .models import (
    Membership,
    MemberState,
    Network,
    NetworkUserObjectPermission,
    Status,
    Visibility,
)

FOUNDER_ROLES = ("coordinator", "service", "steering", "admin")
STEERING_ROLES = ("steering",)


def granted(user, network: Network) -> frozenset[str]:
    """The person's grants on the network, read once per request and network."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    cache = user.__dict__.setdefault("_network_grants", {})
    if network.pk not in cache:
        cache[network.pk] = frozenset(NetworkUserObjectPermission.objects.filter(
            user=user, content_object=network).values_list("permission__codename", flat=True))
    return cache[network.pk]


def prefetch_grants(network_ids_of: dict) -> None:
    """Fill the grant cache of many people at once (one query): ``network_ids_of`` maps each
    person to the networks about to be checked for them. The digest checks thousands."""
    pairs = {(person.pk, network_id) for person, ids in network_ids_of.items()
             for network_id in ids}
    found: dict[tuple[int, int], set[str]] = {pair: set() for pair in pairs}
    if pairs:
        rows = NetworkUserObjectPermission.objects.filter(
            user__in=[person.pk for person in network_ids_of],
            content_object_id__in={network_id for _, network_id in pairs},
        ).values_list("user_id", "content_object_id", "permission__codename")
        for user_id, network_id, codename in rows:
            if (user_id, network_id) in found:
                found[(user_id, network_id)].add(codename)
    for person, ids in network_ids_of.items():
        cache = person.__dict__.setdefault("_network_grants", {})
        for network_id in ids:
            cache[network_id] = frozenset(found[(person.pk, network_id)])


def forget_grants(user) -> None:
    user.__dict__.pop("_network_grants", None)


def is_member(user, network: Network) -> bool:
    return "view_network" in granted(user, network)


def is_lead(user, network: Network) -> bool:
    return "lead_network" in granted(user, network)


def can_view_network(user, network: Network) -> bool:
    """Sees that the network exists: its page, mandate, members' cities, results."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return network.visibility != Visibility.CONFIDENTIAL or is_member(user, network)


def can_read_workspace(user, network: Network) -> bool:
    """Reads tasks, documents and the members' names."""
    if not can_view_network(user, network):
        return False
    return network.visibility == Visibility.OPEN or is_member(user, network)


def can_join(user, network: Network) -> bool:
    """Joins at once (open) or asks to (on request); confidential ones only by invitation."""
    return (can_view_network(user, network) and not network.is_dissolved
            and network.visibility != Visibility.CONFIDENTIAL and not is_member(user, network))


def can_contribute(user, network: Network) -> bool:
    """Writes tasks and documents: members, while the network is not dissolved."""
    return is_member(user, network) and not network.is_dissolved


def can_lead(user, network: Network) -> bool:
    """Manages members and edits the network's description."""
    return is_lead(user, network) and not network.is_dissolved


def can_end_network(user, network: Network) -> bool:
    return can_view_network(user, network) and not network.is_dissolved and (
        is_lead(user, network) or has_role(user, *STEERING_ROLES))


def can_reopen_network(user, network: Network) -> bool:
    return (can_view_network(user, network) and network.status == Status.DISSOLVED
            and has_role(user, *STEERING_ROLES))


def can_found_network(user) -> bool:
    return has_role(user, *FOUNDER_ROLES)


def can_download_document(user, document) -> bool:
    return can_read_workspace(user, document.network)


def access_network(user, slug: str) -> Network:
    """The network, or the one 404 for missing and hidden alike."""
    from .selectors import network_list_visible_to

    network = network_list_visible_to(user=user).filter(slug=slug).first()
    if network is None:
        raise not_found()
    return network


def access_network_to_answer(user, slug: str) -> Network:
    """The network as ``access_network`` finds it, or one the person is invited to.

    A confidential network is hidden from everyone but its members, so its invitees could
    otherwise never accept (or turn down) the invitation; they see it for that, and only that.
    """
    try:
        return access_network(user, slug)
    except Http404:
        invitation = (Membership.objects.select_related("network")
                      .filter(network__slug=slug, user=user, state=MemberState.INVITED).first()
                      if user and user.is_authenticated and user.is_active else None)
        if invitation is None:
            raise
        return invitation.network


def access_task(user, pk: int):
    """A task of a workspace the person may read, or the one 404 for missing and hidden."""
    from .selectors import task_by_id

    task = task_by_id(pk=pk)
    if task is None or not can_read_workspace(user, task.network):
        raise not_found()
    return task


def access_workspace(user, slug: str) -> Network:
    network = access_network(user, slug)
    if not can_read_workspace(user, network):
        raise not_found()
    return network


# --- Network ideas: proposed, discussed and supported by everyone on the platform -------

def can_view_idea(user, idea) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_take_part_in_idea(user, idea) -> bool:
    """Mark interest and comment, while the idea is open."""
    from .models import IdeaStatus

    return can_view_idea(user, idea) and idea.status == IdeaStatus.OPEN


def can_convert_idea(user, idea) -> bool:
    return can_take_part_in_idea(user, idea) and can_found_network(user)


def access_idea(user, pk):
    from .selectors import idea_list_visible_to

    idea = idea_list_visible_to(user=user, status="").filter(pk=pk).first()
    if idea is None:
        raise not_found()
    return idea
