"""Events in the one search: found by those the event reaches, by nobody else — a
confidential network's meeting not even by its name (DESIGN §3, §4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.events.services import event_create, event_update
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import membership_invite, membership_join, network_found

pytestmark = pytest.mark.django_db

CANARY = "Kanarienvogelrigole"


def _soon(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _titles(client, q, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return [hit.title for hit in response.context["page"]]


@pytest.fixture
def meetings(service_staff, coordinator, member, city, other_city,
             django_capture_on_commit_callbacks):
    secret = network_found(founder=coordinator, name="Verschwiegene Runde", mandate="Intern",
                           visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=secret, user=member, actor=coordinator)
    membership_join(network=secret, user=member)
    forget_grants(member)

    def create(title, **fields):
        actor = fields.pop("actor", service_staff)
        return event_create(actor=actor, kind=fields.pop("kind", "coordinators"), title=title,
                            start=_soon(10), end=_soon(10) + datetime.timedelta(hours=2),
                            **fields)

    with django_capture_on_commit_callbacks(execute=True):
        events = {
            "everyone": create("Zisternentag für alle", description="Regenwasser nutzen",
                               host_organisation=city),
            "coordinators": create("Zisternenrunde der Koordination", audience="roles",
                                   roles=["coordinator"]),
            "essen": create("Zisternen in Essen", audience="cities", cities=[other_city]),
            "secret": create(f"Sitzung {CANARY}", kind="network", audience="network",
                             network=secret, actor=coordinator,
                             description=f"Wir beraten {CANARY}"),
        }
    return secret, events


def test_an_event_for_everyone_is_found_as_an_event(client_for, outsider, meetings):
    client = client_for(outsider)
    assert "Zisternentag für alle" in _titles(client, "Zisterne")
    assert _titles(client, "Regenwasser", type="event") == ["Zisternentag für alle"]
    api = client.get(reverse("api_search"), {"q": "Regenwasser", "type": "event"}).json()
    assert [(hit["type"], hit["title"]) for hit in api["results"]] == [
        ("event", "Zisternentag für alle")]


def test_each_audience_finds_its_events_and_only_those(client_for, coordinator, member,
                                                       outsider, meetings):
    assert set(_titles(client_for(coordinator), "Zisterne", type="event")) == {
        "Zisternentag für alle", "Zisternenrunde der Koordination"}
    assert set(_titles(client_for(member), "Zisterne", type="event")) == {
        "Zisternentag für alle"}
    assert set(_titles(client_for(outsider), "Zisterne", type="event")) == {
        "Zisternentag für alle", "Zisternen in Essen"}


def test_a_confidential_networks_meeting_is_found_by_its_members_only(
        client_for, member, outsider, steering, service_staff, meetings):
    assert _titles(client_for(member), CANARY) == [f"Sitzung {CANARY}"]
    for stranger in (outsider, steering, service_staff):
        response = client_for(stranger).get(reverse("search"), {"q": CANARY})
        assert response.context["page"].paginator.count == 0
        page = response.content.decode()
        assert "Sitzung" not in page and "Verschwiegene" not in page


def test_narrowing_an_events_audience_takes_it_out_of_search(
        client_for, service_staff, outsider, city, meetings,
        django_capture_on_commit_callbacks):
    _secret, events = meetings
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=events["essen"], actor=service_staff, cities=[city])
        event_update(event=events["everyone"], actor=service_staff, audience="roles",
                     roles=["steering"])
    assert _titles(client_for(outsider), "Zisterne", type="event") == []


def test_the_host_city_is_a_facet_of_event_hits(client_for, outsider, city, meetings):
    response = client_for(outsider).get(reverse("search"), {"q": "Zisterne", "type": "event"})
    cities = {value["label"]: value["count"] for field, _heading, values
              in response.context["facets"] if field == "city" for value in values}
    assert cities == {city.name: 1}
