"""The events endpoints of API.md."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from intranet.accounts.services import api_token_create
from intranet.events.models import Event, Registration
from intranet.events.services import event_cancel, registration_create
from networks.models import Visibility
from networks.services import network_found
from tests.events.conftest import in_days

pytestmark = pytest.mark.django_db

EVENT_KEYS = {"id", "kind", "title", "start", "end", "location", "online_url", "capacity",
              "registered_count", "waitlist_count", "my_registration"}


def _post(client, path, data=None, **extra):
    return client.post(path, data=json.dumps(data or {}), content_type="application/json",
                       **extra)


def test_list_and_detail_carry_the_fields_of_api_md(client_for, member, make_event,
                                                    make_people):
    event = make_event(capacity=2)
    for person in make_people(3):
        registration_create(event=event, user=person)
    client = client_for(member)
    page = client.get(reverse("api_events")).json()
    assert set(page) == {"count", "next", "previous", "results"}
    [row] = page["results"]
    assert set(row) >= EVENT_KEYS
    detail = client.get(reverse("api_event", args=[event.pk])).json()
    assert detail["registered_count"] == 2 and detail["waitlist_count"] == 1
    assert detail["my_registration"] is None
    assert datetime.datetime.fromisoformat(detail["start"]) == event.start


def test_list_filters_by_kind_and_time(client_for, member, make_event):
    soon = make_event(kind="steering", title="Bald", start=in_days(2))
    later = make_event(kind="coordinators", title="Später", start=in_days(30))
    client = client_for(member)

    def titles(**params):
        return {row["title"] for row in client.get(reverse("api_events"), params).json()[
            "results"]}

    assert titles(kind="steering") == {soon.title}
    assert titles(**{"from": in_days(10).isoformat()}) == {later.title}
    assert titles(to=in_days(10).isoformat()) == {soon.title}
    assert client.get(reverse("api_events"), {"kind": "party"}).status_code == 400


def test_registration_and_cancellation_move_the_waitlist(make_event, make_people, member):
    event = make_event(capacity=1)
    first = make_people(1)[0]
    url = reverse("api_event_registration", args=[event.pk])
    first_client, member_client = Client(), Client()
    first_client.force_login(first, backend="allauth.account.auth_backends.AuthenticationBackend")
    member_client.force_login(member,
                              backend="allauth.account.auth_backends.AuthenticationBackend")
    assert _post(first_client, url).json()["status"] == "registered"
    response = _post(member_client, url)
    assert response.status_code == 201
    assert response.json() == {"status": "waitlisted", "waitlist_position": 1}
    assert _post(member_client, url).status_code == 200  # again: nothing changes
    detail = member_client.get(reverse("api_event", args=[event.pk])).json()
    assert detail["my_registration"] == {"status": "waitlisted", "waitlist_position": 1}
    assert first_client.delete(url).status_code == 204
    assert Registration.objects.get(event=event, user=member).status == "registered"
    assert member_client.get(reverse("api_event", args=[event.pk])).json()[
        "my_registration"] == {"status": "registered", "waitlist_position": None}


def test_registration_errors_are_409_and_403_with_a_message(client_for, make_event, member,
                                                            outsider, city):
    cancelled = make_event()
    event_cancel(event=cancelled, actor=cancelled.created_by)
    client = client_for(member)
    response = _post(client, reverse("api_event_registration", args=[cancelled.pk]),
                     HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 409 and response.json()["detail"]
    assert client.delete(reverse("api_event_registration",
                                 args=[cancelled.pk])).status_code == 409
    closed = make_event(start=in_days(3), registration_deadline=in_days(1))
    Event.objects.filter(pk=closed.pk).update(registration_deadline=in_days(-1))
    assert _post(client, reverse("api_event_registration", args=[closed.pk])).status_code \
        == 409
    bochum = make_event(audience="cities", cities=[city])
    hidden = _post(client_for(outsider), reverse("api_event_registration", args=[bochum.pk]))
    missing = _post(client_for(outsider), reverse("api_event_registration", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_organisers_create_events_by_token(coordinator, member):
    raw = api_token_create(user=coordinator, name="Skript")[1]
    client = Client()
    start = in_days(20)
    payload = {"kind": "coordinators", "title": "Per API", "start": start.isoformat(),
               "end": (start + datetime.timedelta(hours=2)).isoformat(),
               "location": "Rathaus Herne", "online_url": "", "capacity": 12}
    response = _post(client, reverse("api_events"), payload,
                     HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["location"] == "Rathaus Herne" and body["capacity"] == 12
    assert list(Event.objects.get(pk=body["id"]).organisers.all()) == [coordinator]


def test_network_meetings_by_api_need_the_networks_lead(client_for, coordinator, member):
    network = network_found(founder=coordinator, name="Tiny Forest", mandate="M",
                            visibility=Visibility.OPEN)
    start = in_days(5)
    payload = {"kind": "network", "title": "Pflanztreffen", "start": start.isoformat(),
               "end": (start + datetime.timedelta(hours=1)).isoformat(),
               "network": network.slug}
    assert _post(client_for(member), reverse("api_events"), payload).status_code == 403
    response = _post(client_for(coordinator), reverse("api_events"), payload)
    assert response.status_code == 201
    assert response.json()["network"] == network.slug


@pytest.mark.parametrize(("change", "field"), [
    ({"end_hours": -1}, "end"),
    ({"capacity": 0}, "capacity"),
    ({"kind": "party"}, "kind"),
    ({"start": "morgen"}, "start"),
])
def test_bad_input_is_a_400_with_the_field(client_for, coordinator, change, field):
    start = in_days(5)
    payload = {"kind": change.get("kind", "coordinators"), "title": "X",
               "start": change.get("start", start.isoformat()),
               "end": (start + datetime.timedelta(hours=change.get("end_hours", 1))
                       ).isoformat()}
    if "capacity" in change:
        payload["capacity"] = change["capacity"]
    response = _post(client_for(coordinator), reverse("api_events"), payload,
                     HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert field in response.json()
    assert not Event.objects.exists()


@pytest.mark.parametrize("count", [1, 20])
def test_event_list_query_count_is_flat(client_for, member, make_event, count,
                                        django_assert_num_queries):
    for index in range(count):
        make_event(title=f"Treffen {index}", start=in_days(1 + index))
    client = client_for(member)
    client.get(reverse("api_events"))
    # 1 session, 2 user, 3 roles (the second-factor check of the sign-in), 4 count,
    # 5 the page with network, host city, counts and the person's own registration
    with django_assert_num_queries(5):
        response = client.get(reverse("api_events"))
    assert response.json()["count"] == count
