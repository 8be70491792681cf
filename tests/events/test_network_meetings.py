"""A network's page lists its coming meetings as its visitor may see them, and offers its
leads to plan one."""

import datetime

import pytest
from django.urls import reverse

from intranet.events.services import event_cancel, event_create
from networks.models import Visibility
from networks.services import membership_join, network_dissolve, network_found
from tests.events.conftest import in_days

pytestmark = pytest.mark.django_db

CANARY = "Kanarienvogel-Treffen-4412"


@pytest.fixture
def network(coordinator, member):
    network = network_found(founder=coordinator, name="Baumrigolen", mandate="Wie bauen wir?",
                            visibility=Visibility.OPEN)
    membership_join(network=network, user=member)
    return network


def _meeting(network, actor, days=10, **fields):
    fields.setdefault("audience", "network")
    start = in_days(days)
    return event_create(actor=actor, kind="network", network=network,
                        start=start, end=start + datetime.timedelta(hours=2), **fields)


def test_members_see_the_coming_meetings_soonest_first(client_for, coordinator, member,
                                                      network):
    later = _meeting(network, coordinator, days=30, title="Zweites Treffen")
    sooner = _meeting(network, coordinator, days=5, title="Erstes Treffen")
    past = _meeting(network, coordinator, days=-3, title="Vergangenes Treffen")
    cancelled = _meeting(network, coordinator, days=8, title="Abgesagtes Treffen")
    event_cancel(event=cancelled, actor=coordinator)
    page = client_for(member).get(network.get_absolute_url()).content.decode()
    section = page[page.index('id="h-meetings"'):]
    assert section.index(sooner.get_absolute_url()) < section.index(later.get_absolute_url())
    assert past.title not in page and cancelled.title not in page


def test_a_members_only_meeting_stays_hidden_from_visitors_of_an_open_network(
        client_for, coordinator, outsider, network):
    _meeting(network, coordinator, title=f"Nur Mitglieder {CANARY}")
    open_to_all = _meeting(network, coordinator, title="Offenes Treffen", audience="everyone")
    page = client_for(outsider).get(network.get_absolute_url()).content.decode()
    assert CANARY not in page
    assert open_to_all.get_absolute_url() in page


def test_leads_are_offered_to_plan_a_meeting_members_are_not(client_for, coordinator,
                                                             member, network):
    create = f'{reverse("events:create")}?network={network.slug}'
    assert create in client_for(coordinator).get(network.get_absolute_url()).content.decode()
    assert create not in client_for(member).get(network.get_absolute_url()).content.decode()
    form = client_for(coordinator).get(create)
    assert form.status_code == 200 and form.context["form"]["network"].value() == network.slug


def test_a_dissolved_network_offers_no_new_meeting(client_for, coordinator, steering,
                                                   network):
    network_dissolve(network=network, actor=steering, summary="Fertig",
                     results="Im Handbuch, Kapitel 3")
    page = client_for(coordinator).get(network.get_absolute_url()).content.decode()
    assert reverse("events:create") not in page


def test_no_meetings_says_so(client_for, member, network):
    page = client_for(member).get(network.get_absolute_url()).content.decode()
    assert 'id="h-meetings"' in page and "forum-plan" not in page
