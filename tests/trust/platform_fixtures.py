"""One small platform with a private object of every kind, each carrying its own canary.

``SEES`` says, for every object, which personas may see it, written out by hand from
DESIGN §3 and the apps' rules (not computed from the code under test). A new kind of
object is one entry here and one in ``build_platform``.

Who is who (the personas of tests/conftest.py): ``coordinator`` (Bochum) founded the three
networks and leads them; ``member`` (Bochum) and ``lead`` (Bochum, invited as a lead) belong
to all three; ``steering`` (Bochum, coordinator and steering) belongs to none;
``outsider`` and ``department_head`` are of Essen; ``service_staff`` and ``admin`` are of
the service organisation.
"""

import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from board.services import post_create
from intranet.events.services import event_create
from intranet.notifications.models import Kind, Notification
from knowledge.services import result_start
from networks.models import MemberRole, Visibility
from networks.permissions import forget_grants
from networks.services import (
    document_upload,
    membership_invite,
    membership_join,
    network_found,
    task_create,
)
from tests.factories import UserFactory

PERSONAS = ["coordinator", "member", "lead", "outsider", "steering", "service_staff",
            "department_head", "admin"]
EVERYONE = frozenset(PERSONAS)
NETWORK_MEMBERS = frozenset({"coordinator", "member", "lead"})
BOCHUM = frozenset({"coordinator", "member", "lead", "steering"})

# A word every object carries beside its canary: searching for it counts what one may find.
MATRIX_WORD = "Matrixprobe"

SEES = {
    # Networks: the canary sits in the workspace (a task), which DESIGN §3.6 opens to every
    # member of the platform (open) or to the network's members only.
    "network_open": EVERYONE,
    "network_on_request": NETWORK_MEMBERS,
    "network_confidential": NETWORK_MEMBERS,
    # A document (file) in the confidential network's workspace.
    "network_file": NETWORK_MEMBERS,
    # Board posts by audience.
    "post_platform": EVERYONE,
    "post_cities": BOCHUM,
    "post_confidential": NETWORK_MEMBERS,
    # Events by audience; service staff organise the cities' events and see them.
    "event_everyone": EVERYONE,
    "event_cities": BOCHUM | {"service_staff"},
    "event_confidential": NETWORK_MEMBERS,
    # Library results of the confidential network: a draft is read in the editor only.
    "library_draft": frozenset(),
    "library_published": EVERYONE,
    # People: an active profile for everyone signed in, a deactivated one for nobody.
    "person_active": EVERYONE,
    "person_inactive": frozenset(),
    # An in-app notification to the member alone.
    "notification": frozenset({"member"}),
}


def canary(kind: str) -> str:
    return f"KANARIE-{kind.upper().replace('_', '-')}-c0de"


@dataclass
class Platform:
    people: dict  # persona -> user
    objects: dict = field(default_factory=dict)  # kind -> the object
    networks: dict = field(default_factory=dict)  # visibility -> network


def _pdf(text: str) -> bytes:
    from intranet.core.pdf import simple_pdf

    return simple_pdf([text])


def _networks(platform: Platform) -> None:
    people = platform.people
    founder = people["coordinator"]
    for visibility in (Visibility.OPEN, Visibility.ON_REQUEST, Visibility.CONFIDENTIAL):
        kind = f"network_{visibility}"
        name = f"Netz {visibility} {canary(kind)}" if visibility == Visibility.CONFIDENTIAL \
            else f"Netz {visibility}"
        network = network_found(founder=founder, name=name, mandate=f"Auftrag {MATRIX_WORD}",
                                visibility=visibility)
        for person, role in ((people["member"], MemberRole.MEMBER),
                             (people["lead"], MemberRole.LEAD)):
            membership_invite(network=network, user=person, actor=founder, role=role)
            membership_join(network=network, user=person)
            forget_grants(person)
        task_create(network=network, actor=founder, title=f"Aufgabe {canary(kind)}",
                    assignee=people["member"])
        platform.networks[str(visibility)] = platform.objects[kind] = network
    version = document_upload(
        network=platform.networks["confidential"], actor=people["member"],
        title=f"Vermerk {canary('network_file')} {MATRIX_WORD}",
        upload=SimpleUploadedFile("vermerk.txt",
                                  f"{MATRIX_WORD} {canary('network_file')}".encode()))
    platform.objects["network_file"] = version.document


def _posts(platform: Platform, city) -> None:
    author = platform.people["coordinator"]
    audiences = {
        "post_platform": {},
        "post_cities": {"audience": "cities", "cities": [city]},
        "post_confidential": {"audience": "network",
                              "network": platform.networks["confidential"]},
    }
    for kind, fields in audiences.items():
        platform.objects[kind] = post_create(
            author=author, title=f"{canary(kind)} {MATRIX_WORD}",
            body=f"Inhalt {canary(kind)}", category="offer",
            files=[SimpleUploadedFile(f"{kind}.txt", canary(kind).encode(), "text/plain")],
            **fields)


def _events(platform: Platform, city) -> None:
    people = platform.people
    start = timezone.now() + datetime.timedelta(days=3)
    audiences = {
        "event_everyone": (people["service_staff"], {"kind": "coordinators"}),
        "event_cities": (people["service_staff"], {"kind": "coordinators",
                                                   "audience": "cities", "cities": [city]}),
        "event_confidential": (people["coordinator"], {
            "kind": "network", "audience": "network",
            "network": platform.networks["confidential"]}),
    }
    for kind, (organiser, fields) in audiences.items():
        platform.objects[kind] = event_create(
            actor=organiser, title=f"{canary(kind)} {MATRIX_WORD}", start=start,
            end=start + datetime.timedelta(hours=2), **fields)


def _library(platform: Platform) -> None:
    network, editor = platform.networks["confidential"], platform.people["member"]
    for kind in ("library_draft", "library_published"):
        page = result_start(network=network, actor=editor, title=f"Ergebnis {canary(kind)}",
                            kind="guideline").specific
        page.summary = f"{canary(kind)} {MATRIX_WORD}"
        revision = page.save_revision(user=editor)
        if kind == "library_published":
            revision.publish(user=None)  # as the knowledge tests do; rights: elsewhere
        page.refresh_from_db()
        platform.objects[kind] = page.specific


def _people(platform: Platform, city) -> None:
    for kind, active in (("person_active", True), ("person_inactive", False)):
        platform.objects[kind] = UserFactory(
            name=f"Paula {canary(kind)}", email=f"{kind}@bochum.example", organisation=city,
            is_active=active, position=f"{MATRIX_WORD} Umweltamt")
    platform.objects["notification"] = Notification.objects.create(
        recipient=platform.people["member"], kind=Kind.NETWORK,
        text=f"Nur für Max: {canary('notification')}", url="/")


@pytest.fixture(name="platform")
def platform_fixture(request, city):
    """The platform of this module's docstring, built through the services, indexed."""
    people = {name: request.getfixturevalue(name) for name in PERSONAS}
    world = Platform(people=people)
    _networks(world)
    _posts(world, city)
    _events(world, city)
    _library(world)
    _people(world, city)
    for person in people.values():
        forget_grants(person)
    call_command("rebuild_index", interactive=False, verbosity=0)
    return world


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()
