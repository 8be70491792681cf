"""The permission matrix of expert networks (issue 3, DESIGN §3): persona × visibility ×
status × door, each with its exact status code.

The expected codes come from the rule table below, written out by hand from DESIGN §3.6
and API.md, not from ``networks.permissions``: the point is to test those.
"""

import json
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from networks.models import DocumentVersion, Membership, Network, Status, Task, Visibility
from networks.services import (
    document_upload,
    membership_approve,
    membership_invite,
    membership_join,
    membership_remove,
    network_dissolve,
    network_found,
    network_update,
    task_create,
)
from tests.factories import TopicFactory, UserFactory
from tests.helpers import comparable_body

pytestmark = pytest.mark.django_db

MISSING = "gibt-es-nicht"
PDF = b"%PDF-1.4\n% Klima.Werk Testdokument\n" + b"0" * 64

# --- The rule table ------------------------------------------------------------------------
#
# Personas: ``lead`` founded the network (a coordinator); ``member`` belongs to it;
# ``requested`` asked to join (only a network on request takes requests, so only there);
# ``outsider`` is signed in, from another city, without membership; ``steering`` has the
# steering role and is no member; ``anon`` is not signed in.

PERSONAS = ["lead", "member", "requested", "outsider", "steering", "anon"]
SIGNED_IN = {"lead", "member", "requested", "outsider", "steering"}
MEMBERS = {"lead", "member"}

# Who knows that the network exists: its page, its mandate, its API detail.
SEES = {"open": SIGNED_IN, "on_request": SIGNED_IN, "confidential": MEMBERS}
# Who reads its workspace: tasks, documents, the members' names.
READS = {"open": SIGNED_IN, "on_request": MEMBERS, "confidential": MEMBERS}
# Who may do what a door needs, while the network is not dissolved.
MAY = {"member": MEMBERS, "lead": {"lead"}, "lead_or_steering": {"lead", "steering"}}


@dataclass(frozen=True)
class Door:
    """One way into a network: a page, an action or an endpoint."""

    api: bool
    method: str
    route: str  # the URL name, or the API path under /api/v1/networks/{slug}/
    data: dict | None = None
    workspace: bool = False  # shows workspace content: HTML 404, API 403 for who only sees
    write: bool = False  # a write or its form: refused on a dissolved network
    needs: str = ""  # a key of MAY
    ok: int = 200  # the status code of success
    ok_to: str = ""  # HTML writes: the URL name a success redirects to
    changes: bool = False  # success always changes data (joining and leaving may not)
    args: tuple = field(default=())  # extra URL arguments: "document", "petitioner"


DOORS = {
    # The HTML pages.
    "page": Door(False, "get", "networks:detail"),
    "tasks": Door(False, "get", "networks:tasks", workspace=True),
    "documents": Door(False, "get", "networks:documents", workspace=True),
    "members": Door(False, "get", "networks:members", workspace=True),
    "download": Door(False, "get", "networks:download", workspace=True,
                     args=("document", "version")),
    "edit": Door(False, "get", "networks:edit", write=True, needs="lead"),
    "end": Door(False, "get", "networks:end", write=True, needs="lead_or_steering"),
    # The HTML writes: a success redirects; a refusal on a dissolved network redirects to
    # the network's page with an error message and changes nothing.
    "join_form": Door(False, "post", "networks:join", write=True, ok=302,
                      ok_to="networks:detail"),
    "edit_form": Door(False, "post", "networks:edit", write=True, needs="lead", ok=302,
                      ok_to="networks:detail", changes=True,
                      data={"name": "Umbenannt", "mandate": "Neu gefasst",
                            "visibility": "on_request"}),
    "task_form": Door(False, "post", "networks:tasks", workspace=True, write=True,
                      needs="member", ok=302, ok_to="networks:tasks", changes=True,
                      data={"title": "Neue Aufgabe"}),
    "approve_form": Door(False, "post", "networks:approve", workspace=True, write=True,
                         needs="lead", ok=302, ok_to="networks:members", changes=True,
                         args=("petitioner",)),
    # The API.
    "api_detail": Door(True, "get", ""),
    "api_members": Door(True, "get", "members/", workspace=True),
    "api_tasks": Door(True, "get", "tasks/", workspace=True),
    "api_join": Door(True, "post", "join/", write=True),
    "api_leave": Door(True, "post", "leave/", write=True, ok=204),
    "api_approve": Door(True, "post", "members/{petitioner}/approve/", write=True,
                        needs="lead", changes=True, args=("petitioner",)),
    "api_patch": Door(True, "patch", "", write=True, needs="lead", changes=True,
                      data={"name": "Umbenannt"}),
    "api_task_create": Door(True, "post", "tasks/", write=True, needs="member", ok=201,
                            changes=True, data={"title": "Neue Aufgabe"}),
}


def expected(persona: str, visibility: str, status: str, door: Door) -> tuple[int, str]:
    """The status code and what it means, by the rules in the order the doors check them."""
    if persona == "anon":
        return (401, "unauthenticated") if door.api else (302, "sign in")
    if persona not in SEES[visibility]:
        return 404, "hidden"  # the same 404 as for a network that does not exist
    if door.workspace and persona not in READS[visibility]:
        # Sees the network (on request) but not its workspace. The pages say 404 ("this page
        # does not exist or you cannot see it"); the API says 403 ("visible but not allowed",
        # API.md). The API's writes check only that the network is visible.
        return (403, "denied") if door.api else (404, "hidden")
    if door.write and status == Status.DISSOLVED:
        return (409, "archived") if door.api else (302, "archived")
    if door.needs and persona not in MAY[door.needs]:
        return 403, "denied"
    if door is DOORS["api_leave"] and persona == "lead":
        return 409, "last lead"  # the founder is the only lead
    return door.ok, "ok"


# --- The world: one network per test, built through the services -------------------------

@dataclass
class World:
    network: Network
    people: dict  # persona -> user (None for anon)
    petitioner: object = None  # someone else whose request waits for a lead
    document_id: int | None = None


@pytest.fixture
def build_world(coordinator, member, outsider, steering, other_city):
    """``build_world(visibility, status, door)``: the network, built through the services.

    Only what the door reaches is built (the petitioner's request, the document), which
    keeps the hundreds of cases fast.
    """

    def build(visibility: str, status: str, door: Door | None = None) -> World:
        args = door.args if door else ("petitioner", "document")
        # Founded on request, so that requests can be made; the lead then sets the
        # visibility under test (requests made before stay waiting).
        network = network_found(founder=coordinator, name="Hitzeaktionsplanung",
                                mandate="Wie schützen wir die Menschen vor Hitze?",
                                visibility=Visibility.ON_REQUEST)
        membership_approve(membership=membership_join(network=network, user=member),
                           actor=coordinator)
        world = World(network, {"lead": coordinator, "member": member, "outsider": outsider,
                                "steering": steering, "anon": None})
        if "petitioner" in args:
            world.petitioner = UserFactory(name="Paul Petent", email="paul@essen.example",
                                           organisation=other_city)
            membership_join(network=network, user=world.petitioner)
        if visibility == Visibility.ON_REQUEST:
            world.people["requested"] = UserFactory(
                name="Rita Anfrage", email="rita@essen.example", organisation=other_city)
            membership_join(network=network, user=world.people["requested"])
        else:
            network_update(network=network, actor=coordinator, visibility=visibility)
        task_create(network=network, actor=coordinator, title="Hitzekarte zeichnen",
                    assignee=member)
        if "document" in args:
            version = document_upload(network=network, actor=member, title="Leitfaden",
                                      upload=SimpleUploadedFile("leitfaden.pdf", PDF))
            world.document_id = version.document_id
        if status == Status.DISSOLVED:
            network_dissolve(network=network, actor=coordinator, summary="Hitzeplan steht",
                             reason="Der Plan liegt bei den Städten")
        world.network = Network.objects.get(pk=network.pk)
        return world

    return build


def url_of(door: Door, world: World, slug: str) -> str:
    values = {"document": world.document_id, "version": 1,
              "petitioner": getattr(world.petitioner, "pk", None)}
    if door.api:
        return f"/api/v1/networks/{slug}/" + door.route.format(**values)
    return reverse(door.route, args=[slug, *(values[name] for name in door.args)])


def call(client, door: Door, path: str):
    if door.api and door.data is not None:
        return getattr(client, door.method)(path, data=json.dumps(door.data),
                                            content_type="application/json")
    if door.data is not None:
        return getattr(client, door.method)(path, door.data)
    return getattr(client, door.method)(path)


def snapshot(network: Network):
    """What a write could change: memberships, tasks, documents and the network itself."""
    return (
        Network.objects.values("name", "status", "visibility").get(pk=network.pk),
        sorted(Membership.objects.values_list("network", "user", "role", "state")),
        Task.objects.count(),
        sorted(Task.objects.values_list("title", flat=True)),
        DocumentVersion.objects.count(),
    )


def message_levels(response) -> set[str]:
    return {message.level_tag for message in get_messages(response.wsgi_request)}


# --- The matrix -------------------------------------------------------------------------------

# ``requested`` only where requests are made: in a network on request. Elsewhere the person
# would be an outsider without a request, which the ``outsider`` cases already are.
CASES = [
    pytest.param(persona, visibility, status, door, id=f"{door}-{visibility}-{status}-{persona}")
    for door in DOORS
    for visibility in (Visibility.OPEN, Visibility.ON_REQUEST, Visibility.CONFIDENTIAL)
    for status in (Status.ACTIVE, Status.DISSOLVED)
    for persona in PERSONAS
    if persona != "requested" or visibility == Visibility.ON_REQUEST
]


@pytest.mark.parametrize(("persona", "visibility", "status", "door_name"), CASES)
def test_permission_matrix(client_for, build_world, persona, visibility, status, door_name):
    door = DOORS[door_name]
    world = build_world(visibility, status, door)
    code, meaning = expected(persona, str(visibility), str(status), door)
    slug = world.network.slug
    path = url_of(door, world, slug)
    client = client_for(world.people[persona])
    before = snapshot(world.network)

    response = call(client, door, path)

    assert response.status_code == code, (meaning, response.content[:300])
    if meaning != "ok" or not door.write:
        assert snapshot(world.network) == before, "a refused or reading request changed data"
    elif door.changes:
        assert snapshot(world.network) != before, "a success that changed nothing"
    if meaning == "sign in":
        assert response["Location"].startswith("/konto/login/?next="), response["Location"]
    elif meaning == "archived" and not door.api:
        assert response["Location"] == reverse("networks:detail", args=[slug])
        assert "error" in message_levels(response)
    elif meaning == "ok" and code == 302:
        assert response["Location"] == reverse(door.ok_to, args=[slug])
        assert message_levels(response) == {"success"}
    elif meaning == "hidden":
        missing_path = url_of(door, world, MISSING)
        missing = call(client, door, missing_path)
        assert missing.status_code == 404
        if door.api:
            assert response.content == missing.content
            assert set(response.json()) == {"detail"}
        else:
            assert comparable_body(response, path) == comparable_body(missing, missing_path)
    elif door.api and code in (403, 409):
        assert set(response.json()) == {"detail"}
    if door is DOORS["page"] and code == 200 and status == Status.DISSOLVED:
        # The archive offers no write: no form posts to the network (but steering's reopen),
        # no link to editing or ending it.
        body = response.content.decode()
        actions = set(re.findall(rf'action="(/netzwerke/{slug}/[^"]*)"', body))
        assert actions <= {reverse("networks:reopen", args=[slug])}, actions
        assert reverse("networks:edit", args=[slug]) not in body
        assert reverse("networks:end", args=[slug]) not in body


# --- Revocation is immediate --------------------------------------------------------------

def test_a_removed_member_gets_404_on_the_next_request_everywhere(client_for, build_world,
                                                                  coordinator, member):
    world = build_world(Visibility.CONFIDENTIAL, Status.ACTIVE)
    slug = world.network.slug
    task = Task.objects.get(network=world.network)
    reads = [name for name, door in DOORS.items() if door.method == "get" and not door.needs]
    client = client_for(member)
    for name in reads:
        assert call(client, DOORS[name], url_of(DOORS[name], world, slug)).status_code == 200, \
            name
    pages = [reverse("networks:document", args=[slug, world.document_id]),
             reverse("networks:task_edit", args=[slug, task.pk])]
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 200

    membership_remove(membership=Membership.objects.get(network=world.network, user=member),
                      actor=coordinator)

    # The very same client, not signed in again: every door is closed at once, and looks
    # exactly as if the network did not exist.
    before = snapshot(world.network)
    for name, door in DOORS.items():
        path = url_of(door, world, slug)
        response = call(client, door, path)
        assert response.status_code == 404, name
        missing_path = url_of(door, world, MISSING)
        missing = call(client, door, missing_path)
        if door.api:
            assert response.json() == missing.json(), name
        else:
            assert comparable_body(response, path) == comparable_body(missing, missing_path), \
                name
    for path in pages:
        response = client.get(path)
        missing_path = path.replace(f"/{slug}/", f"/{MISSING}/")
        assert response.status_code == 404, path
        assert comparable_body(response, path) == comparable_body(client.get(missing_path),
                                                                  missing_path), path
    response = client.get(f"/api/v1/tasks/{task.pk}/")
    assert response.status_code == 404
    assert response.json() == client.get(f"/api/v1/networks/{MISSING}/").json()
    assert snapshot(world.network) == before
    listing = client.get("/api/v1/networks/").json()
    assert slug not in {network["slug"] for network in listing["results"]}


# --- A canary in a confidential network -----------------------------------------------------

CANARY = "KANARIENVOGEL-7f3a"


@pytest.fixture
def canary_world(coordinator, member, outsider, steering, city, other_city):
    """A confidential network with the canary in its name, mandate, a task and a document;
    next to it an open network the outsider and steering work in, so that their pages are
    not empty."""
    topic = TopicFactory(slug="hitzeschutz", name="Hitzeschutz")
    secret = network_found(founder=coordinator, name=f"Geheimrat {CANARY}",
                           mandate=f"Vertrauliche Frage {CANARY}",
                           goals=f"Ein Ziel {CANARY}", topics=[topic],
                           visibility=Visibility.CONFIDENTIAL)
    open_net = network_found(founder=coordinator, name="Offenes Schattennetz",
                             mandate="Wo gibt es Schatten?", topics=[topic])
    for person in (member, outsider, steering):
        membership_join(network=open_net, user=person)
    membership_invite(network=secret, user=member, actor=coordinator)
    membership_join(network=secret, user=member)
    task_create(network=secret, actor=coordinator, title=f"Aufgabe {CANARY}", assignee=member)
    document_upload(network=secret, actor=member, title=f"Dokument {CANARY}",
                    upload=SimpleUploadedFile("geheim.pdf", PDF))
    for person in (outsider, steering):
        task_create(network=open_net, actor=coordinator, title="Schattenorte sammeln",
                    assignee=person)
    return secret, open_net, topic


@pytest.mark.parametrize("persona", ["outsider", "steering"])
def test_the_canary_of_a_confidential_network_appears_nowhere_for_non_members(
        client_for, canary_world, request, persona, member, city, other_city):
    secret, open_net, topic = canary_world
    client = client_for(request.getfixturevalue(persona))
    # (A search for the canary itself would find it in the search field: the words around it.)
    lists = ["", "?status=active", "?status=dissolved", "?status=continued",
             f"?topic={topic.slug}", f"?organisation={city.slug}",
             f"?organisation={other_city.slug}", "?mine=on", "?q=Geheimrat", "?q=Vertrauliche",
             "?q=Geheimrat&status=active&mine=on"]
    api_lists = ["", "?status=active", f"?topic={topic.slug}", f"?organisation={city.slug}",
                 "?mine=true", f"?q={CANARY}", "?q=Geheimrat"]
    # (address, extra headers, whether the open network must show there)
    doors = [
        *((reverse("networks:list") + query, {}, "q=" not in query and "dissolved" not in
           query and "continued" not in query) for query in lists),
        (reverse("networks:list") + "?q=Geheimrat", {"HTTP_HX_REQUEST": "true"}, False),
        (reverse("networks:list") + "?topic=" + topic.slug, {"HTTP_HX_REQUEST": "true"}, True),
        (reverse("home"), {}, True),
        (reverse("people"), {}, False),
        (reverse("people") + f"?organisation={city.slug}", {}, False),
        (reverse("person_detail", args=[member.pk]), {}, False),
        (reverse("organisation_detail", args=[city.slug]), {}, True),
        *(("/api/v1/networks/" + query, {}, "q=" not in query) for query in api_lists),
        ("/api/v1/people/", {}, False),
        (f"/api/v1/people/?organisation={city.slug}", {}, False),
        (reverse("notifications:list"), {}, True),
        ("/api/v1/notifications/", {}, True),
        (reverse("networks:my_tasks"), {}, True),
        (reverse("networks:my_tasks") + "?done=on", {}, True),
    ]
    for path, headers, shows_open_network in doors:
        response = client.get(path, **headers)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert CANARY not in body, path
        assert secret.slug not in body, path
        if shows_open_network:  # the door works: it does show what the person may see
            assert open_net.name in body, path
    assert "Schattenorte sammeln" in client.get(reverse("networks:my_tasks")).content.decode()
