"""DESIGN §3.1: one selector and one predicate per kind of object, and they agree, for
random people, memberships and networks; and the network's page answers accordingly."""

import random

import pytest
from django.urls import reverse

from networks.models import Network, Visibility
from networks.permissions import can_read_workspace, can_view_network, forget_grants
from networks.selectors import network_list_visible_to, workspaces_readable_by
from networks.services import (
    membership_invite,
    membership_join,
    membership_leave,
    network_found,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _random_world(seed: int):
    rng = random.Random(seed)
    cities = [OrganisationFactory() for _ in range(3)]
    founders = [UserFactory(organisation=rng.choice(cities), roles=["coordinator"])
                for _ in range(3)]
    people = founders + [UserFactory(organisation=rng.choice(cities)) for _ in range(7)]
    networks = []
    for index in range(9):
        founder = rng.choice(founders)
        network = network_found(founder=founder, name=f"Netz {seed}-{index}", mandate="M",
                                visibility=rng.choice(list(Visibility)))
        networks.append(network)
        for person in rng.sample(people, 4):
            if person == founder:
                continue
            if network.visibility == Visibility.CONFIDENTIAL or rng.random() < 0.3:
                membership_invite(network=network, user=person, actor=founder)
                if rng.random() < 0.7:
                    membership_join(network=network, user=person)
            else:
                membership_join(network=network, user=person)
                if rng.random() < 0.2:
                    membership_leave(network=network, user=person)
    return people, networks


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_selector_and_predicate_agree_for_random_worlds(seed):
    people, networks = _random_world(seed)
    for person in people:
        forget_grants(person)
        visible = set(network_list_visible_to(user=person).values_list("pk", flat=True))
        readable = set(workspaces_readable_by(user=person).values_list("pk", flat=True))
        for network in Network.objects.all():
            assert (network.pk in visible) == can_view_network(person, network), (
                person, network)
            assert (network.pk in readable) == can_read_workspace(person, network), (
                person, network)


@pytest.mark.parametrize("seed", [4])
def test_the_network_page_answers_exactly_when_the_predicate_allows(seed, client):
    people, networks = _random_world(seed)
    for person in people[:5]:
        client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
        forget_grants(person)
        for network in networks:
            status = client.get(reverse("networks:detail", args=[network.slug])).status_code
            assert status == (200 if can_view_network(person, network) else 404), (
                person, network, status)
