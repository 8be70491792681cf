"""The JSON API of networks, membership, tasks and notifications (API.md)."""

import datetime
import json

import pytest
from django.test import Client

from intranet.accounts.services import api_token_create
from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from intranet.notifications.services import notify
from networks import permissions
from networks.models import MemberRole, Membership, MemberState, Network, Status, Task
from networks.services import (
    membership_invite,
    membership_join,
    membership_set_role,
    network_dissolve,
    task_create,
)
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-vertraulich-7f3a"
NETWORK_KEYS = {"slug", "name", "status", "visibility", "mandate", "topics", "member_count",
                "my_role"}
DETAIL_KEYS = NETWORK_KEYS | {"goals", "founded_at", "ended_at", "end_summary", "end_results",
                              "end_reason"}
TASK_KEYS = {"id", "title", "description", "assignee_id", "due", "state"}
PAGE_KEYS = {"count", "next", "previous", "results"}


def bearer(raw_key):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


def send(client, method, path, data=None, **extra):
    """JSON in, as API.md says; ``data`` None (and every GET) sends no body."""
    if data is None or method == "get":
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, data=json.dumps(data),
                                   content_type="application/json", **extra)


def add_member(network, user, role=MemberRole.MEMBER):
    """An active member (or lead) of the network, through the services."""
    lead = network.founded_by
    membership_invite(network=network, user=user, actor=lead)
    membership = membership_join(network=network, user=user)
    if role == MemberRole.LEAD:
        membership = membership_set_role(membership=membership, role=role, actor=lead)
    permissions.forget_grants(user)
    return membership


def membership(network, user):
    return Membership.objects.filter(network=network, user=user).first()


@pytest.fixture
def open_net(make_network, member, lead):
    """Open, founded by the coordinator (lead); ``lead`` also leads, ``member`` belongs."""
    network = make_network("open", name="Baumrigolen", mandate="Wie bauen wir Rigolen?")
    add_member(network, member)
    add_member(network, lead, role=MemberRole.LEAD)
    return network


@pytest.fixture
def request_net(make_network, member):
    network = make_network("on_request", name="Hitzeaktionsplanung", mandate="Hitze")
    add_member(network, member)
    return network


@pytest.fixture
def secret_net(make_network, member, lead):
    network = make_network("confidential", name=f"Geheimrat {CANARY}",
                           mandate=f"Vertraulich {CANARY}")
    add_member(network, member)
    add_member(network, lead, role=MemberRole.LEAD)
    return network


@pytest.fixture
def token_of():
    def create(user):
        return api_token_create(user=user, name="Skript")[1]

    return create


@pytest.fixture
def missing_404(client_for, member):
    """The body of a 404 for a slug that does not exist at all."""
    response = client_for(member).get("/api/v1/networks/gibt-es-nicht/")
    assert response.status_code == 404
    return response.content


def state_of_the_world():
    """Everything a write could have touched."""
    return (
        list(Network.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values("network", "user", "role", "state")),
        list(Task.objects.order_by("pk").values()),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )


# --- Authentication -----------------------------------------------------------------------

def _every_endpoint(network, task, someone):
    base = f"/api/v1/networks/{network.slug}/"
    return [
        ("get", "/api/v1/networks/"), ("post", "/api/v1/networks/"),
        ("get", base), ("patch", base),
        ("post", base + "join/"), ("post", base + "leave/"),
        ("get", base + "members/"), ("post", base + "members/"),
        ("delete", f"{base}members/{someone.pk}/"),
        ("post", f"{base}members/{someone.pk}/approve/"),
        ("post", f"{base}members/{someone.pk}/decline/"),
        ("post", base + "dissolve/"), ("post", base + "reopen/"),
        ("get", base + "tasks/"), ("post", base + "tasks/"),
        ("get", f"/api/v1/tasks/{task.pk}/"), ("patch", f"/api/v1/tasks/{task.pk}/"),
        ("get", "/api/v1/notifications/"), ("post", "/api/v1/notifications/read-all/"),
    ]


def test_anonymous_gets_401_on_every_endpoint_and_nothing_changes(client, open_net, member):
    task = task_create(network=open_net, actor=member, title="Karte")
    before = state_of_the_world()
    for method, path in _every_endpoint(open_net, task, member):
        response = send(client, method, path, {"name": "X", "title": "X", "summary": "X",
                                               "reason": "X", "user_id": member.pk})
        assert response.status_code == 401, (method, path)
        assert response["WWW-Authenticate"] == "Bearer"
        assert set(response.json()) == {"detail"}
    assert state_of_the_world() == before


def test_bearer_token_reads_and_writes_without_csrf(client, open_net, outsider, token_of):
    auth = bearer(token_of(outsider))
    response = client.get("/api/v1/networks/", **auth)
    assert response.status_code == 200
    assert [n["slug"] for n in response.json()["results"]] == [open_net.slug]

    response = send(client, "post", f"/api/v1/networks/{open_net.slug}/join/", **auth)
    assert response.status_code == 200
    assert response.json() == {"my_role": "member"}


def test_a_revoked_or_unknown_token_gets_401(client, open_net):
    response = client.get("/api/v1/networks/", **bearer("kw_unknown"))
    assert response.status_code == 401
    response = send(client, "post", f"/api/v1/networks/{open_net.slug}/join/",
                    **bearer("kw_unknown"))
    assert response.status_code == 401


def test_session_writes_need_the_csrf_token(open_net, outsider):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(outsider, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = browser.post(f"/api/v1/networks/{open_net.slug}/join/")
    assert response.status_code == 403
    assert membership(open_net, outsider) is None


# --- GET /networks/ -----------------------------------------------------------------------

def test_network_list_items_have_exactly_the_documented_shape(client_for, open_net, member):
    open_net.topics.set([TopicFactory(slug="wasser-x", name="BBB Wasser"),
                         TopicFactory(slug="baum-x", name="AAA Baum")])
    body = client_for(member).get("/api/v1/networks/").json()

    assert set(body) == PAGE_KEYS
    assert body["results"] == [{
        "slug": open_net.slug, "name": "Baumrigolen", "status": "active", "visibility": "open",
        "mandate": "Wie bauen wir Rigolen?", "topics": ["baum-x", "wasser-x"],  # by name
        "member_count": 3, "my_role": "member",
    }]


def test_my_role_is_lead_member_requested_invited_or_null(
        client_for, make_network, coordinator, member, outsider, steering):
    net = make_network("on_request")
    add_member(net, member)
    membership_join(network=net, user=outsider)  # asks to join
    membership_invite(network=net, user=steering, actor=coordinator)
    expected = {coordinator: "lead", member: "member", outsider: "requested",
                steering: "invited", UserFactory(): None}
    for person, my_role in expected.items():
        item = client_for(person).get("/api/v1/networks/").json()["results"][0]
        assert item["my_role"] == my_role, person
        assert item["member_count"] == 2  # the active ones only


def test_confidential_network_is_not_listed_or_counted_for_an_outsider(
        client_for, open_net, request_net, secret_net, outsider, member):
    response = client_for(outsider).get("/api/v1/networks/")
    body = response.json()
    assert {n["slug"] for n in body["results"]} == {open_net.slug, request_net.slug}
    assert body["count"] == 2
    assert CANARY not in response.content.decode()
    for query in ("?q=Geheimrat", f"?q={CANARY}", "?status=active", "?organisation=bochum"):
        response = client_for(outsider).get("/api/v1/networks/" + query)
        assert secret_net.slug not in response.content.decode(), query
        assert CANARY not in response.content.decode(), query

    body = client_for(member).get("/api/v1/networks/").json()
    assert body["count"] == 3
    assert secret_net.slug in {n["slug"] for n in body["results"]}


def test_network_list_filters(client_for, make_network, open_net, member, outsider, coordinator):
    hitze = TopicFactory(slug="hitze-z", name="Hitze Z")
    cool = make_network("open", name="Kühle Orte", mandate="Schatten in der Innenstadt")
    cool.topics.set([hitze])
    ended = make_network("open", name="Tiny Forest", mandate="Kleine Wälder")
    network_dissolve(network=ended, actor=coordinator, summary="Fertig", reason="Erledigt")
    membership_join(network=cool, user=outsider)
    client = client_for(member)

    def slugs(query):
        response = client.get("/api/v1/networks/" + query)
        assert response.status_code == 200, query
        return {n["slug"] for n in response.json()["results"]}

    assert slugs("") == {open_net.slug, cool.slug, ended.slug}
    assert slugs("?status=dissolved") == {ended.slug}
    assert slugs("?status=active") == {open_net.slug, cool.slug}
    assert slugs("?topic=hitze-z") == {cool.slug}
    assert slugs("?q=schatten") == {cool.slug}
    assert slugs("?q=kühle+orte") == {cool.slug}
    assert slugs("?organisation=essen") == {cool.slug}
    assert slugs("?mine=true") == {open_net.slug}
    assert slugs("?q=niemand") == set()


def test_network_list_rejects_an_unknown_status(client_for, member):
    response = client_for(member).get("/api/v1/networks/?status=geheim")
    assert response.status_code == 400
    assert set(response.json()) == {"status"}


def test_network_list_query_count_does_not_grow_with_networks(
        client_for, make_network, member, coordinator, django_assert_num_queries):
    """Signed in with the session; measured at 1 and at 20 networks (DESIGN §8)."""
    topics = TopicFactory.create_batch(3)
    first = make_network("open", name="Netz 00")
    first.topics.set(topics[:2])
    client = client_for(member)
    # 1. the session, 2. the signed-in person, 3. their roles (second-factor middleware),
    # 4. COUNT for the paginator, 5. the page of networks with member_count, my_state and
    # my_role as subqueries, 6. their topics (prefetch).
    with django_assert_num_queries(6):
        body = client.get("/api/v1/networks/").json()
    assert body["count"] == 1

    for n in range(1, 20):
        visibility = ["open", "on_request", "confidential"][n % 3]
        network = make_network(visibility, name=f"Netz {n:02}")
        network.topics.set(topics[: n % 4])
        if n % 2 or visibility == "confidential":
            add_member(network, member)
    make_network("confidential", name="Netz ohne Max")  # not listed, not counted
    with django_assert_num_queries(6):
        body = client.get("/api/v1/networks/?page_size=100").json()
    assert body["count"] == 20
    assert len(body["results"]) == 20


# --- POST /networks/ ----------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["coordinator", "steering", "service_staff", "admin"])
def test_founders_create_a_network_and_become_its_lead(client_for, request, persona):
    founder = request.getfixturevalue(persona)
    TopicFactory(slug="starkregen-x", name="Starkregen X")
    response = send(client_for(founder), "post", "/api/v1/networks/", {
        "name": "Starkregenvorsorge", "mandate": "Wie schützen wir Keller?",
        "visibility": "on_request", "topics": ["starkregen-x"]})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["slug"] == "starkregenvorsorge"
    assert {k: body[k] for k in ("name", "status", "visibility", "topics", "member_count",
                                 "my_role")} == {
        "name": "Starkregenvorsorge", "status": "active", "visibility": "on_request",
        "topics": ["starkregen-x"], "member_count": 1, "my_role": "lead"}
    network = Network.objects.get(slug="starkregenvorsorge")
    assert network.founded_by == founder
    assert permissions.is_lead(founder, network)
    assert membership(network, founder).role == MemberRole.LEAD


@pytest.mark.parametrize("persona", ["member", "lead", "outsider", "department_head"])
def test_others_may_not_create_a_network(client_for, request, persona):
    response = send(client_for(request.getfixturevalue(persona)), "post", "/api/v1/networks/",
                    {"name": "Eigenes Netz", "mandate": "Warum nicht?"})
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert not Network.objects.exists()


def test_create_validates_with_field_messages(client_for, coordinator):
    client = client_for(coordinator)
    response = send(client, "post", "/api/v1/networks/", {})
    assert response.status_code == 400
    assert set(response.json()) == {"name", "mandate"}
    assert all(isinstance(m, list) and m for m in response.json().values())

    response = send(client, "post", "/api/v1/networks/", {
        "name": "X" * 151, "mandate": "M", "visibility": "geheim", "topics": ["gibt-es-nicht"]})
    assert response.status_code == 400
    assert set(response.json()) == {"name", "visibility", "topics"}
    assert not Network.objects.exists()


def test_create_ignores_status_slug_and_founder_in_the_body(client_for, coordinator, member):
    response = send(client_for(coordinator), "post", "/api/v1/networks/", {
        "name": "Biodiversität", "mandate": "Mehr Arten", "status": "dissolved",
        "slug": "eigener-slug", "founded_by": member.pk, "member_count": 99, "my_role": None,
        "end_summary": "schon fertig"})
    assert response.status_code == 201
    network = Network.objects.get()
    assert (network.slug, network.status, network.founded_by, network.end_summary) == (
        "biodiversitat", Status.ACTIVE, coordinator, "")
    assert list(Membership.objects.values_list("user", "role")) == [(coordinator.pk, "lead")]


# --- GET/PATCH /networks/{slug}/ ----------------------------------------------------------

@pytest.mark.parametrize("persona", ["member", "lead", "outsider", "steering",
                                     "department_head", "admin"])
def test_everyone_signed_in_sees_an_open_network(client_for, request, open_net, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        f"/api/v1/networks/{open_net.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert (body["slug"], body["member_count"], body["ended_at"]) == (open_net.slug, 3, None)


@pytest.mark.parametrize("persona", ["outsider", "steering", "admin", "department_head"])
def test_non_members_get_the_missing_404_on_a_confidential_network(
        client_for, request, secret_net, missing_404, persona):
    client = client_for(request.getfixturevalue(persona))
    base = f"/api/v1/networks/{secret_net.slug}/"
    for method, path in [("get", base), ("patch", base), ("post", base + "join/"),
                         ("post", base + "leave/"), ("get", base + "members/"),
                         ("post", base + "members/"), ("get", base + "tasks/"),
                         ("post", base + "tasks/"), ("post", base + "dissolve/"),
                         ("post", base + "reopen/")]:
        response = send(client, method, path, {"name": "X", "title": "X"})
        assert response.status_code == 404, (method, path)
        assert response.content == missing_404, (method, path)
        assert CANARY not in response.content.decode()


def test_members_see_their_confidential_network(client_for, secret_net, member):
    response = client_for(member).get(f"/api/v1/networks/{secret_net.slug}/")
    assert response.status_code == 200
    assert response.json()["my_role"] == "member"
    assert CANARY in response.json()["mandate"]


def test_a_lead_changes_name_mandate_visibility_and_topics(client_for, open_net, lead):
    TopicFactory(slug="gruen-x", name="Grün X")
    response = send(client_for(lead), "patch", f"/api/v1/networks/{open_net.slug}/", {
        "name": "Baumrigolen und Mulden", "mandate": "Neu gefasst",
        "visibility": "on_request", "topics": ["gruen-x"]})

    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("name", "mandate", "visibility", "topics")} == {
        "name": "Baumrigolen und Mulden", "mandate": "Neu gefasst",
        "visibility": "on_request", "topics": ["gruen-x"]}
    open_net.refresh_from_db()
    assert (open_net.name, open_net.visibility) == ("Baumrigolen und Mulden", "on_request")
    assert list(open_net.topics.values_list("slug", flat=True)) == ["gruen-x"]
    assert AuditEntry.objects.filter(action="network.update", actor=lead).exists()


def test_patch_changes_only_what_is_sent(client_for, request_net, coordinator):
    request_net.topics.set([TopicFactory(slug="bleibt-x")])
    response = send(client_for(coordinator), "patch", f"/api/v1/networks/{request_net.slug}/",
                    {"mandate": "Nur das"})
    assert response.status_code == 200
    request_net.refresh_from_db()
    assert (request_net.name, request_net.mandate, request_net.visibility) == (
        "Hitzeaktionsplanung", "Nur das", "on_request")  # no default for what is not sent
    assert list(request_net.topics.values_list("slug", flat=True)) == ["bleibt-x"]


@pytest.mark.parametrize("persona", ["member", "outsider", "steering", "admin"])
def test_who_does_not_lead_gets_403_on_patch(client_for, request, open_net, persona):
    client = client_for(request.getfixturevalue(persona))
    before = state_of_the_world()
    response = send(client, "patch",
                    f"/api/v1/networks/{open_net.slug}/", {"name": "Übernommen"})
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert state_of_the_world() == before


def test_patch_ignores_status_slug_and_other_fields(client_for, open_net, lead, member):
    response = send(client_for(lead), "patch", f"/api/v1/networks/{open_net.slug}/", {
        "name": "Neuer Name", "status": "dissolved", "slug": "gekapert",
        "founded_by": member.pk, "ended_at": "2020-01-01T00:00:00+01:00",
        "end_summary": "nichts", "member_count": 0, "id": 999})
    assert response.status_code == 200
    open_net.refresh_from_db()
    assert (open_net.name, open_net.status, open_net.slug, open_net.ended_at,
            open_net.end_summary) == ("Neuer Name", Status.ACTIVE, "baumrigolen", None, "")
    assert open_net.founded_by.email == "carla@bochum.example"


def test_patch_validates_with_field_messages(client_for, open_net, lead):
    before = state_of_the_world()
    response = send(client_for(lead), "patch", f"/api/v1/networks/{open_net.slug}/",
                    {"name": "", "visibility": "geheim"})
    assert response.status_code == 400
    assert set(response.json()) == {"name", "visibility"}
    assert state_of_the_world() == before


def test_put_is_not_offered(client_for, open_net, lead):
    response = send(client_for(lead), "put", f"/api/v1/networks/{open_net.slug}/",
                    {"name": "X", "mandate": "Y"})
    assert response.status_code == 405


# --- Writes to a dissolved network: 409, nothing changes ----------------------------------

@pytest.fixture
def dissolved_net(open_net, coordinator, member, outsider, department_head):
    membership_join(network=open_net, user=outsider)
    task = task_create(network=open_net, actor=member, title="Karte")
    request_of = Membership.objects.create(network=open_net, user=department_head,
                                           state=MemberState.REQUESTED)
    network_dissolve(network=open_net, actor=coordinator, summary="Fertig", reason="Erledigt")
    return open_net, task, request_of


def test_every_write_to_a_dissolved_network_gets_409_and_changes_nothing(
        client_for, dissolved_net, coordinator, member, department_head, outsider):
    network, task, _request = dissolved_net
    base = f"/api/v1/networks/{network.slug}/"
    newcomer = UserFactory(organisation=outsider.organisation)
    writes = [
        (coordinator, "patch", base, {"name": "Wieder da"}),
        (newcomer, "post", base + "join/", None),
        (coordinator, "post", base + "members/", {"user_id": newcomer.pk, "role": "member"}),
        (coordinator, "post", f"{base}members/{department_head.pk}/approve/", None),
        (coordinator, "post", f"{base}members/{department_head.pk}/decline/", None),
        (coordinator, "delete", f"{base}members/{outsider.pk}/", None),
        (coordinator, "post", base + "dissolve/", {"summary": "Noch mal", "reason": "X"}),
        (member, "post", base + "tasks/", {"title": "Noch eine Aufgabe"}),
        (member, "patch", f"/api/v1/tasks/{task.pk}/", {"state": "done"}),
    ]
    before = state_of_the_world()
    for person, method, path, data in writes:
        response = send(client_for(person), method, path, data)
        assert response.status_code == 409, (method, path, response.content)
        assert set(response.json()) == {"detail"}
    assert state_of_the_world() == before


def test_a_dissolved_network_can_still_be_read(client_for, dissolved_net, member):
    network, task, _request = dissolved_net
    client = client_for(member)
    body = client.get(f"/api/v1/networks/{network.slug}/").json()
    assert (body["status"], body["end_summary"], body["end_reason"]) == (
        "dissolved", "Fertig", "Erledigt")
    assert client.get(f"/api/v1/networks/{network.slug}/tasks/").json()["count"] == 1
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 200


# --- join and leave -----------------------------------------------------------------------

def test_joining_an_open_network_makes_a_member(client_for, open_net, outsider):
    response = send(client_for(outsider), "post", f"/api/v1/networks/{open_net.slug}/join/")
    assert response.status_code == 200
    assert response.json() == {"my_role": "member"}
    assert membership(open_net, outsider).state == MemberState.ACTIVE
    assert permissions.is_member(outsider, open_net)


def test_joining_twice_changes_nothing(client_for, open_net, member, lead):
    for person, my_role in ((member, "member"), (lead, "lead")):
        before = state_of_the_world()
        response = send(client_for(person), "post", f"/api/v1/networks/{open_net.slug}/join/")
        assert response.json() == {"my_role": my_role}
        assert state_of_the_world() == before


def test_request_then_approval_through_the_api(client_for, request_net, coordinator, outsider):
    base = f"/api/v1/networks/{request_net.slug}/"
    response = send(client_for(outsider), "post", base + "join/")
    assert response.status_code == 200
    assert response.json() == {"my_role": "requested"}
    assert not permissions.is_member(outsider, request_net)
    assert client_for(outsider).get(base + "tasks/").status_code == 403

    members = client_for(coordinator).get(base + "members/").json()["results"]
    assert {"user": {"id": outsider.pk, "name": "Otto Außen",
                     "organisation": {"slug": "essen", "name": "Stadt Essen"}},
            "role": "member", "state": "requested"} in members

    response = send(client_for(coordinator), "post", f"{base}members/{outsider.pk}/approve/")
    assert response.status_code == 200
    assert response.json() == {
        "user": {"id": outsider.pk, "name": "Otto Außen",
                 "organisation": {"slug": "essen", "name": "Stadt Essen"}},
        "role": "member", "state": "active"}
    permissions.forget_grants(outsider)
    assert permissions.is_member(outsider, request_net)
    item = client_for(outsider).get("/api/v1/networks/?mine=true").json()["results"][0]
    assert item["my_role"] == "member"
    assert client_for(outsider).get(base + "tasks/").status_code == 200


def test_a_declined_request_leaves_no_membership(client_for, request_net, coordinator, outsider):
    base = f"/api/v1/networks/{request_net.slug}/"
    send(client_for(outsider), "post", base + "join/")
    response = send(client_for(coordinator), "post", f"{base}members/{outsider.pk}/decline/")
    assert response.status_code == 204
    assert response.content == b""
    assert membership(request_net, outsider) is None


def test_an_invitee_accepts_a_confidential_network_by_joining(
        client_for, secret_net, coordinator, outsider, missing_404):
    base = f"/api/v1/networks/{secret_net.slug}/"
    membership_invite(network=secret_net, user=outsider, actor=coordinator)
    # Invited, not yet a member: the content stays hidden.
    assert client_for(outsider).get(base).content == missing_404
    assert client_for(outsider).get(base + "members/").content == missing_404
    response = send(client_for(outsider), "post", base + "join/")
    assert response.status_code == 200
    assert response.json() == {"my_role": "member"}
    assert client_for(outsider).get(base + "members/").status_code == 200


def test_an_invitee_may_turn_a_confidential_invitation_down(
        client_for, secret_net, coordinator, outsider):
    membership_invite(network=secret_net, user=outsider, actor=coordinator)
    response = send(client_for(outsider), "post", f"/api/v1/networks/{secret_net.slug}/leave/")
    assert response.status_code == 204
    assert membership(secret_net, outsider) is None


def test_nobody_uninvited_joins_a_confidential_network(client_for, secret_net, outsider,
                                                       missing_404):
    response = send(client_for(outsider), "post", f"/api/v1/networks/{secret_net.slug}/join/")
    assert response.status_code == 404
    assert response.content == missing_404
    assert membership(secret_net, outsider) is None


def test_a_member_leaves_with_204(client_for, open_net, member):
    response = send(client_for(member), "post", f"/api/v1/networks/{open_net.slug}/leave/")
    assert response.status_code == 204
    assert membership(open_net, member) is None
    assert not permissions.is_member(member, open_net)


def test_the_last_lead_cannot_leave(client_for, request_net, coordinator):
    before = state_of_the_world()
    response = send(client_for(coordinator), "post",
                    f"/api/v1/networks/{request_net.slug}/leave/")
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert state_of_the_world() == before
    assert membership(request_net, coordinator).role == MemberRole.LEAD


def test_one_of_two_leads_may_leave(client_for, open_net, lead):
    response = send(client_for(lead), "post", f"/api/v1/networks/{open_net.slug}/leave/")
    assert response.status_code == 204
    assert membership(open_net, lead) is None


# --- members ------------------------------------------------------------------------------

def test_members_list_shape_and_only_active_members_for_members(
        client_for, request_net, coordinator, member, outsider):
    membership_join(network=request_net, user=outsider)  # a request, seen by leads only
    response = client_for(member).get(f"/api/v1/networks/{request_net.slug}/members/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["results"] == [
        {"user": {"id": coordinator.pk, "name": "Carla Koordinatorin",
                  "organisation": {"slug": "bochum", "name": "Stadt Bochum"}},
         "role": "lead", "state": "active"},
        {"user": {"id": member.pk, "name": "Max Mitglied",
                  "organisation": {"slug": "bochum", "name": "Stadt Bochum"}},
         "role": "member", "state": "active"},
    ]
    lead_view = client_for(coordinator).get(f"/api/v1/networks/{request_net.slug}/members/")
    assert [(m["user"]["id"], m["state"]) for m in lead_view.json()["results"]] == [
        (coordinator.pk, "active"), (member.pk, "active"), (outsider.pk, "requested")]
    assert "@" not in lead_view.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "steering", "admin"])
def test_non_members_get_403_on_the_workspace_of_a_network_on_request(
        client_for, request, request_net, persona):
    """They may see that it exists (and its mandate), not who works in it or on what."""
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/api/v1/networks/{request_net.slug}/").status_code == 200
    for path in ("members/", "tasks/"):
        response = client.get(f"/api/v1/networks/{request_net.slug}/{path}")
        assert response.status_code == 403, path
        assert "Max Mitglied" not in response.content.decode()


def test_everyone_reads_the_members_of_an_open_network(client_for, open_net, outsider):
    response = client_for(outsider).get(f"/api/v1/networks/{open_net.slug}/members/")
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_a_lead_invites_through_the_api(client_for, open_net, lead, outsider):
    response = send(client_for(lead), "post", f"/api/v1/networks/{open_net.slug}/members/",
                    {"user_id": outsider.pk, "role": "lead"})
    assert response.status_code == 201
    assert response.json() == {
        "user": {"id": outsider.pk, "name": "Otto Außen",
                 "organisation": {"slug": "essen", "name": "Stadt Essen"}},
        "role": "lead", "state": "invited"}
    assert membership(open_net, outsider).state == MemberState.INVITED
    assert not permissions.is_member(outsider, open_net)
    assert Notification.objects.filter(recipient=outsider, text__contains="Baumrigolen").exists()
    item = client_for(outsider).get("/api/v1/networks/").json()["results"][0]
    assert item["my_role"] == "invited"


@pytest.mark.parametrize("persona", ["member", "outsider", "steering"])
def test_who_does_not_lead_may_not_invite(client_for, request, open_net, persona):
    newcomer = UserFactory()
    client = client_for(request.getfixturevalue(persona))
    before = state_of_the_world()
    response = send(client, "post",
                    f"/api/v1/networks/{open_net.slug}/members/",
                    {"user_id": newcomer.pk, "role": "member"})
    assert response.status_code == 403
    assert state_of_the_world() == before


def test_invite_validates_with_field_messages(client_for, open_net, coordinator, admin):
    from intranet.accounts.services import user_deactivate

    gone = UserFactory()
    user_deactivate(user=gone, actor=admin)
    client = client_for(coordinator)
    before = state_of_the_world()
    for data, keys in (({}, {"user_id"}), ({"user_id": 999999}, {"user_id"}),
                       ({"user_id": gone.pk}, {"user_id"}),
                       ({"user_id": "x", "role": "chef"}, {"user_id", "role"})):
        response = send(client, "post", f"/api/v1/networks/{open_net.slug}/members/", data)
        assert response.status_code == 400, data
        assert set(response.json()) == keys, data
    assert state_of_the_world() == before


def test_inviting_a_member_again_is_a_conflict(client_for, open_net, coordinator, member):
    response = send(client_for(coordinator), "post", f"/api/v1/networks/{open_net.slug}/members/",
                    {"user_id": member.pk})
    assert response.status_code == 409


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_only_leads_decide_requests(client_for, request_net, member, outsider, action):
    membership_join(network=request_net, user=outsider)
    before = state_of_the_world()
    response = send(client_for(member), "post",
                    f"/api/v1/networks/{request_net.slug}/members/{outsider.pk}/{action}/")
    assert response.status_code == 403
    assert state_of_the_world() == before
    response = send(client_for(outsider), "post",
                    f"/api/v1/networks/{request_net.slug}/members/{outsider.pk}/{action}/")
    assert response.status_code == 403
    assert state_of_the_world() == before


def test_deciding_where_there_is_no_request(client_for, request_net, coordinator, member,
                                            missing_404):
    client = client_for(coordinator)
    nobody = UserFactory()
    response = send(client, "post", f"/api/v1/networks/{request_net.slug}/members/"
                                    f"{nobody.pk}/approve/")
    assert response.status_code == 404
    assert response.content == missing_404
    response = send(client, "post", f"/api/v1/networks/{request_net.slug}/members/"
                                    f"{member.pk}/approve/")
    assert response.status_code == 409  # already a member


def test_a_lead_removes_a_member_who_then_sees_nothing_of_a_confidential_network(
        client_for, secret_net, lead, member, missing_404):
    task_create(network=secret_net, actor=member, title=f"Aufgabe {CANARY}")
    base = f"/api/v1/networks/{secret_net.slug}/"
    assert client_for(member).get(base + "tasks/").status_code == 200

    response = send(client_for(lead), "delete", f"{base}members/{member.pk}/")
    assert response.status_code == 204
    assert membership(secret_net, member) is None

    client = client_for(member)
    for path in ("", "members/", "tasks/"):
        response = client.get(base + path)
        assert response.status_code == 404, path
        assert response.content == missing_404
    task = Task.objects.get()
    assert client.get(f"/api/v1/tasks/{task.pk}/").content == missing_404
    listing = client.get("/api/v1/networks/")
    assert listing.json()["count"] == 0 and CANARY not in listing.content.decode()


@pytest.mark.parametrize("persona", ["member", "outsider", "steering"])
def test_who_does_not_lead_may_not_remove(client_for, request, open_net, lead, persona):
    client = client_for(request.getfixturevalue(persona))
    before = state_of_the_world()
    response = send(client, "delete",
                    f"/api/v1/networks/{open_net.slug}/members/{lead.pk}/")
    assert response.status_code == 403
    assert state_of_the_world() == before


def test_the_last_lead_cannot_be_removed(client_for, request_net, coordinator):
    response = send(client_for(coordinator), "delete",
                    f"/api/v1/networks/{request_net.slug}/members/{coordinator.pk}/")
    assert response.status_code == 409
    assert membership(request_net, coordinator).role == MemberRole.LEAD


def test_removing_someone_who_is_not_in_the_network_is_404(client_for, open_net, coordinator,
                                                           missing_404):
    response = send(client_for(coordinator), "delete",
                    f"/api/v1/networks/{open_net.slug}/members/{UserFactory().pk}/")
    assert response.status_code == 404
    assert response.content == missing_404


# --- dissolve and reopen ------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["lead", "steering"])
def test_leads_and_steering_dissolve(client_for, request, open_net, member, persona):
    response = send(client_for(request.getfixturevalue(persona)), "post",
                    f"/api/v1/networks/{open_net.slug}/dissolve/",
                    {"summary": "Leitfaden erstellt", "reason": "Aufgabe erledigt"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert (body["status"], body["end_summary"], body["end_reason"]) == (
        "dissolved", "Leitfaden erstellt", "Aufgabe erledigt")
    assert body["ended_at"]
    open_net.refresh_from_db()
    assert open_net.status == Status.DISSOLVED
    assert Notification.objects.filter(recipient=member, network=open_net).exists()


def test_dissolve_takes_results_instead_of_a_reason(client_for, open_net, coordinator):
    response = send(client_for(coordinator), "post", f"/api/v1/networks/{open_net.slug}/dissolve/",
                    {"summary": "Fertig", "results": "https://wissen.example/leitfaden"})
    assert response.status_code == 200
    assert response.json()["end_results"] == "https://wissen.example/leitfaden"


@pytest.mark.parametrize("persona", ["member", "outsider", "admin", "department_head"])
def test_others_may_not_dissolve(client_for, request, open_net, persona):
    client = client_for(request.getfixturevalue(persona))
    before = state_of_the_world()
    response = send(client, "post",
                    f"/api/v1/networks/{open_net.slug}/dissolve/",
                    {"summary": "Weg damit", "reason": "Einfach so"})
    assert response.status_code == 403
    assert state_of_the_world() == before


def test_dissolve_needs_a_summary_and_results_or_a_reason(client_for, open_net, lead):
    before = state_of_the_world()
    response = send(client_for(lead), "post", f"/api/v1/networks/{open_net.slug}/dissolve/", {})
    assert response.status_code == 400
    assert set(response.json()) == {"summary", "reason"}
    response = send(client_for(lead), "post", f"/api/v1/networks/{open_net.slug}/dissolve/",
                    {"summary": "X" * 5001, "reason": "Y"})
    assert response.status_code == 400
    assert set(response.json()) == {"summary"}
    assert state_of_the_world() == before


def test_steering_reopens_a_dissolved_network(client_for, dissolved_net, steering):
    network, _task, _request = dissolved_net
    response = send(client_for(steering), "post", f"/api/v1/networks/{network.slug}/reopen/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["ended_at"]) == ("active", None)
    network.refresh_from_db()
    assert network.status == Status.ACTIVE


@pytest.mark.parametrize("persona", ["coordinator", "member", "admin", "department_head"])
def test_only_steering_reopens(client_for, request, dissolved_net, persona):
    network, _task, _request = dissolved_net
    client = client_for(request.getfixturevalue(persona))
    before = state_of_the_world()
    response = send(client, "post",
                    f"/api/v1/networks/{network.slug}/reopen/")
    assert response.status_code == 403
    assert state_of_the_world() == before


def test_reopening_an_active_network_is_a_conflict(client_for, open_net, steering):
    response = send(client_for(steering), "post", f"/api/v1/networks/{open_net.slug}/reopen/")
    assert response.status_code == 409


# --- tasks --------------------------------------------------------------------------------

def test_task_list_shape_with_done_tasks_last(client_for, open_net, member, lead):
    soon = task_create(network=open_net, actor=member, title="Karte", description="Details",
                       assignee=lead, due=datetime.date(2030, 5, 1))
    done = task_create(network=open_net, actor=member, title="Erledigt")
    done.state = "done"
    done.save()
    later = task_create(network=open_net, actor=member, title="Ohne Termin")
    response = client_for(member).get(f"/api/v1/networks/{open_net.slug}/tasks/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["results"][0] == {"id": soon.pk, "title": "Karte", "description": "Details",
                                  "assignee_id": lead.pk, "due": "2030-05-01", "state": "open"}
    assert [t["id"] for t in body["results"]] == [soon.pk, later.pk, done.pk]
    only_done = client_for(member).get(f"/api/v1/networks/{open_net.slug}/tasks/?state=done")
    assert [t["id"] for t in only_done.json()["results"]] == [done.pk]
    bad = client_for(member).get(f"/api/v1/networks/{open_net.slug}/tasks/?state=später")
    assert bad.status_code == 400


def test_a_member_adds_a_task(client_for, open_net, member, lead):
    response = send(client_for(member), "post", f"/api/v1/networks/{open_net.slug}/tasks/", {
        "title": "Standorte sammeln", "description": "Aus allen Städten",
        "assignee_id": lead.pk, "due": "2030-06-30", "state": "done", "id": 4711})
    assert response.status_code == 201
    task = Task.objects.get()
    assert response.json() == {"id": task.pk, "title": "Standorte sammeln",
                               "description": "Aus allen Städten", "assignee_id": lead.pk,
                               "due": "2030-06-30", "state": "open"}  # new tasks are open
    assert (task.network, task.created_by, task.assignee) == (open_net, member, lead)
    assert Notification.objects.filter(recipient=lead, text__contains="Standorte").exists()


@pytest.mark.parametrize("persona", ["outsider", "steering", "admin"])
def test_non_members_may_read_but_not_add_tasks_of_an_open_network(
        client_for, request, open_net, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/api/v1/networks/{open_net.slug}/tasks/").status_code == 200
    response = send(client, "post", f"/api/v1/networks/{open_net.slug}/tasks/", {"title": "X"})
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_task_validation_with_field_messages(client_for, open_net, member, outsider):
    client = client_for(member)
    for data, keys in (({}, {"title"}), ({"title": "X" * 201}, {"title"}),
                       ({"title": "X", "assignee_id": outsider.pk}, {"assignee_id"}),
                       ({"title": "X", "due": "morgen"}, {"due"})):
        response = send(client, "post", f"/api/v1/networks/{open_net.slug}/tasks/", data)
        assert response.status_code == 400, data
        assert set(response.json()) == keys, data
    assert not Task.objects.exists()


def test_a_member_updates_a_task(client_for, open_net, member, lead):
    task = task_create(network=open_net, actor=lead, title="Karte")
    response = send(client_for(member), "patch", f"/api/v1/tasks/{task.pk}/",
                    {"state": "doing", "assignee_id": member.pk, "network": 999})
    assert response.status_code == 200
    assert response.json() == {"id": task.pk, "title": "Karte", "description": "",
                               "assignee_id": member.pk, "due": None, "state": "doing"}
    task.refresh_from_db()
    assert (task.state, task.assignee, task.network) == ("doing", member, open_net)

    response = send(client_for(member), "patch", f"/api/v1/tasks/{task.pk}/",
                    {"assignee_id": None, "due": "2031-01-31"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.assignee, task.due) == (None, datetime.date(2031, 1, 31))


def test_task_update_validates(client_for, open_net, member, outsider):
    task = task_create(network=open_net, actor=member, title="Karte")
    before = state_of_the_world()
    for data, keys in (({"state": "vielleicht"}, {"state"}), ({"title": ""}, {"title"}),
                       ({"assignee_id": outsider.pk}, {"assignee_id"})):
        response = send(client_for(member), "patch", f"/api/v1/tasks/{task.pk}/", data)
        assert response.status_code == 400, data
        assert set(response.json()) == keys
    assert state_of_the_world() == before


def test_non_members_may_not_update_tasks(client_for, open_net, secret_net, member, outsider,
                                          missing_404):
    visible = task_create(network=open_net, actor=member, title="Karte")
    hidden = task_create(network=secret_net, actor=member, title=f"Geheim {CANARY}")
    client = client_for(outsider)
    before = state_of_the_world()
    assert send(client, "patch", f"/api/v1/tasks/{visible.pk}/",
                {"state": "done"}).status_code == 403
    for method in ("get", "patch"):
        response = send(client, method, f"/api/v1/tasks/{hidden.pk}/", {"state": "done"})
        assert response.status_code == 404
        assert response.content == missing_404
        response = send(client, method, "/api/v1/tasks/999999/", {"state": "done"})
        assert response.content == missing_404
    assert state_of_the_world() == before


def test_task_list_query_count_does_not_grow_with_tasks(
        client_for, open_net, member, lead, django_assert_num_queries):
    """Signed in with the session; measured at 1 and at 20 tasks (DESIGN §8)."""
    task_create(network=open_net, actor=member, title="Aufgabe 0", assignee=lead)
    client = client_for(member)
    path = f"/api/v1/networks/{open_net.slug}/tasks/"
    # 1. the session, 2. the signed-in person, 3. their roles (second-factor middleware),
    # 4. the network through network_list_visible_to (access_network; an open network needs
    # no grant to read its workspace), 5. COUNT for the paginator, 6. the page of tasks.
    with django_assert_num_queries(6):
        body = client.get(path).json()
    assert body["count"] == 1

    for n in range(1, 20):
        task_create(network=open_net, actor=member, title=f"Aufgabe {n}",
                    assignee=[member, lead, None][n % 3],
                    due=datetime.date(2030, 1, 1) + datetime.timedelta(days=n))
    with django_assert_num_queries(6):
        body = client.get(path).json()
    assert body["count"] == 20
    assert len(body["results"]) == 20


def test_task_list_of_a_confidential_network_reads_the_grant_once(
        client_for, secret_net, member, django_assert_num_queries):
    for n in range(20):
        task_create(network=secret_net, actor=member, title=f"Aufgabe {n}")
    client = client_for(member)
    # 1. session, 2. person, 3. roles, 4. the network (network_list_visible_to, with the
    # member's grants as a subquery), 5. the member's grants on it (can_read_workspace),
    # 6. COUNT, 7. the page of tasks.
    with django_assert_num_queries(7):
        body = client.get(f"/api/v1/networks/{secret_net.slug}/tasks/").json()
    assert body["count"] == 20


# --- notifications --------------------------------------------------------------------------

def test_notifications_are_the_callers_own_in_the_documented_shape(client_for, member, outsider):
    mine = notify(recipients=[member], text="Für Max", url="/netzwerke/")[0]
    notify(recipients=[outsider], text="Für Otto", url="/netzwerke/")
    response = client_for(member).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PAGE_KEYS
    assert body["count"] == 1
    item = body["results"][0]
    assert set(item) == {"id", "text", "url", "created_at", "read"}
    assert (item["id"], item["text"], item["url"], item["read"]) == (
        mine.pk, "Für Max", "http://testserver/netzwerke/", False)
    assert datetime.datetime.fromisoformat(item["created_at"]).utcoffset() is not None
    assert "Für Otto" not in response.content.decode()


def test_notifications_about_a_confidential_network_vanish_after_removal(
        client_for, secret_net, lead, member):
    canary = "AUFGABEN-KANARIE-31b9"
    task_create(network=secret_net, actor=lead, title=f"Bericht {canary}", assignee=member)
    about_the_task = Notification.objects.get(recipient=member, text__contains=canary)
    response = client_for(member).get("/api/v1/notifications/")
    assert about_the_task.pk in {n["id"] for n in response.json()["results"]}

    send(client_for(lead), "delete", f"/api/v1/networks/{secret_net.slug}/members/{member.pk}/")
    response = client_for(member).get("/api/v1/notifications/")
    assert canary not in response.content.decode()
    assert about_the_task.pk not in {n["id"] for n in response.json()["results"]}
    # Left: the invitation and the notice of the removal (both carry no network, so that an
    # invitee and a removed member hear of it), which name it to someone who belonged to it.
    assert response.json()["count"] == 2


def test_read_all_marks_only_the_callers_notifications(client_for, member, outsider):
    notify(recipients=[member], text="Eins")
    notify(recipients=[member], text="Zwei")
    theirs = notify(recipients=[outsider], text="Fremd")[0]
    client = client_for(member)
    response = send(client, "post", "/api/v1/notifications/read-all/")
    assert response.status_code == 204
    assert [n["read"] for n in client.get("/api/v1/notifications/").json()["results"]] == [
        True, True]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_with_a_token(client, member, token_of):
    notify(recipients=[member], text="Per Token")
    response = client.get("/api/v1/notifications/", **bearer(token_of(member)))
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Per Token"


# --- schema -------------------------------------------------------------------------------

def test_the_schema_documents_the_network_endpoints(client_for, member):
    schema = client_for(member).get("/api/v1/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/networks/", "/api/v1/networks/{slug}/", "/api/v1/networks/{slug}/join/",
            "/api/v1/networks/{slug}/leave/", "/api/v1/networks/{slug}/members/",
            "/api/v1/networks/{slug}/members/{user_id}/",
            "/api/v1/networks/{slug}/members/{user_id}/approve/",
            "/api/v1/networks/{slug}/members/{user_id}/decline/",
            "/api/v1/networks/{slug}/dissolve/", "/api/v1/networks/{slug}/reopen/",
            "/api/v1/networks/{slug}/tasks/", "/api/v1/tasks/{id}/",
            "/api/v1/notifications/", "/api/v1/notifications/read-all/"} <= paths
    assert "put" not in schema["paths"]["/api/v1/networks/{slug}/"]
    params = {p["name"] for p in schema["paths"]["/api/v1/networks/"]["get"]["parameters"]}
    assert {"status", "topic", "q", "page", "page_size"} <= params


def test_organisation_of_a_member_may_be_missing(client_for, open_net, coordinator):
    loner = UserFactory(organisation=None)
    membership_join(network=open_net, user=loner)
    results = client_for(coordinator).get(
        f"/api/v1/networks/{open_net.slug}/members/?page_size=100").json()["results"]
    assert {"user": {"id": loner.pk, "name": loner.name, "organisation": None},
            "role": "member", "state": "active"} in results
