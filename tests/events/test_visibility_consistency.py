"""DESIGN §3.1 for events: ``event_list_visible_to`` and ``can_view_event`` agree for random
people, roles, cities, networks, audiences and organisers; and the event's page answers
accordingly."""

import datetime
import random

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from intranet.accounts.models import Role
from intranet.events.models import Audience, Event
from intranet.events.permissions import can_view_event
from intranet.events.selectors import event_list_visible_to
from intranet.events.services import event_create
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import membership_invite, membership_join, network_found
from tests.events.conftest import in_days
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _random_world(seed: int):
    rng = random.Random(seed)
    cities = [OrganisationFactory() for _ in range(3)]
    roles = [role.value for role in Role]
    founders = [UserFactory(organisation=rng.choice(cities), roles=["coordinator"])
                for _ in range(2)]
    service = UserFactory(organisation=cities[0], roles=["service"])
    people = founders + [service] + [
        UserFactory(organisation=rng.choice(cities), roles=rng.sample(roles, rng.randint(1, 2)))
        for _ in range(7)]
    networks = []
    for index in range(4):
        founder = rng.choice(founders)
        network = network_found(founder=founder, name=f"Netz {seed}-{index}", mandate="M",
                                visibility=rng.choice(list(Visibility)))
        for person in rng.sample(people, 3):
            if person != founder:
                membership_invite(network=network, user=person, actor=founder)
                membership_join(network=network, user=person)
        networks.append((founder, network))
    for index in range(14):
        audience = rng.choice(list(Audience))
        founder, network = rng.choice(networks)
        fields = {"audience": audience}
        actor = service
        if audience == Audience.NETWORK or rng.random() < 0.3:
            fields.update(kind="network", network=network)
            actor = founder
        else:
            fields["kind"] = rng.choice(["steering", "coordinators"])
        if audience == Audience.ROLES:
            fields["roles"] = rng.sample(roles, 2)
        if audience == Audience.CITIES:
            fields["cities"] = [rng.choice(cities)]
        if audience == Audience.PEOPLE:
            fields["people"] = rng.sample(people, 2)
        start = in_days(rng.randint(-5, 30))
        event_create(actor=actor, title=f"Termin {seed}-{index}", start=start,
                     end=start + datetime.timedelta(hours=2),
                     organisers=rng.sample(people, rng.randint(0, 1)), **fields)
    return people


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_selector_and_predicate_agree_for_random_worlds(seed):
    people = _random_world(seed)
    for person in people:
        forget_grants(person)
        visible = set(event_list_visible_to(user=person).values_list("pk", flat=True))
        for event in Event.objects.all():
            assert (event.pk in visible) == can_view_event(person, event), (person, event)


def test_the_event_page_answers_exactly_when_the_predicate_allows(client):
    people = _random_world(4)
    events = list(Event.objects.all())
    for person in people:  # admins and service staff must have a second factor
        Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP,
                                     data={"secret": "JBSWY3DPEHPK3PXP"})
    for person in people[:6]:
        client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
        forget_grants(person)
        for event in events:
            status = client.get(reverse("events:detail", args=[event.pk])).status_code
            assert status == (200 if can_view_event(person, event) else 404), (
                person, event, status)
