"""The board's permission matrix: persona × audience × door (DESIGN §3, §8).

Every post carries its own canary in its title, body and file name. For each door the test
asks every persona, and the canary must show up exactly for the personas in ``SEES``,
written out by hand from the rules (not computed from the code under test).
"""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from board.services import post_create, post_hide
from intranet.notifications.delivery import send_digests, send_due_notifications
from intranet.notifications.models import Frequency, Kind, Notification
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import membership_invite, membership_join, network_found

pytestmark = pytest.mark.django_db

PERSONAS = ["author", "comember", "outsider", "steering", "moderator"]
# Who sees each kind of post. The author is a coordinator of "city"; the co-member belongs
# to the same city and to the author's networks; steering works in the same city but is in
# no network; the outsider is of another city; the moderator is service staff.
SEES = {
    "platform": {"author", "comember", "outsider", "steering", "moderator"},
    "cities": {"author", "comember", "steering"},
    "open_network": {"author", "comember", "outsider", "steering", "moderator"},
    "on_request_network": {"author", "comember"},
    "confidential_network": {"author", "comember"},
    "hidden": {"author", "moderator"},
}
DOORS = ["board", "post_page", "attachment", "api_detail", "api_list", "atom", "in_app",
         "email", "digest"]


def _canary(kind: str) -> str:
    return f"KANARIE-{kind.upper()}-9e1f"


def _network(founder, comember, visibility):
    network = network_found(founder=founder, name=f"Netz {visibility}", mandate="M",
                            visibility=visibility)
    membership_invite(network=network, user=comember, actor=founder)
    membership_join(network=network, user=comember)
    forget_grants(comember)
    return network


@pytest.fixture
def world(coordinator, member, outsider, steering, service_staff, city):
    people = {"author": coordinator, "comember": member, "outsider": outsider,
              "steering": steering, "moderator": service_staff}
    audiences = {
        "platform": {},
        "cities": {"audience": "cities", "cities": [city]},
        "open_network": {"audience": "network",
                         "network": _network(coordinator, member, Visibility.OPEN)},
        "on_request_network": {"audience": "network",
                               "network": _network(coordinator, member, Visibility.ON_REQUEST)},
        "confidential_network": {"audience": "network", "network": _network(
            coordinator, member, Visibility.CONFIDENTIAL)},
        "hidden": {},
    }
    posts = {}
    for kind, fields in audiences.items():
        canary = _canary(kind)
        posts[kind] = post_create(
            author=coordinator, title=canary, body=f"Geheim: {canary}", category="offer",
            files=[SimpleUploadedFile(f"{canary}.txt", canary.encode(), "text/plain")],
            **fields)
    post_hide(post=posts["hidden"], actor=service_staff)
    return people, posts


def _door_shows(door, client, person, post, canary) -> bool:
    if door == "board":
        return canary in client.get(reverse("board:list")).content.decode()
    if door == "post_page":
        return _status(client.get(reverse("board:detail", args=[post.pk])), canary)
    if door == "attachment":
        attachment = post.attachments.get()
        response = client.get(reverse("board:attachment_download",
                                      args=[post.pk, attachment.pk]))
        if response.status_code == 200:
            return canary.encode() in b"".join(response.streaming_content)
        return _status(response, canary)
    if door == "api_detail":
        return _status(client.get(reverse("api_post", args=[post.pk])), canary)
    if door == "api_list":
        return canary in client.get(reverse("api_posts")).content.decode()
    if door == "atom":
        return canary in client.get(reverse("board_feed", args=[person.feed_token])
                                    ).content.decode()
    if door == "in_app":
        _stale_notification(person, post, canary, Frequency.IMMEDIATELY)
        return canary in client.get(reverse("notifications:list")).content.decode()
    if door == "email":
        _stale_notification(person, post, canary, Frequency.IMMEDIATELY)
        mail.outbox.clear()
        send_due_notifications(batch=50)
        return _mailed(person, canary)
    if door == "digest":
        type(person).objects.filter(pk=person.pk).update(
            last_seen_at=timezone.now() - datetime.timedelta(days=2))
        _stale_notification(person, post, canary, Frequency.DAILY)
        mail.outbox.clear()
        send_digests(frequency=Frequency.DAILY)
        return _mailed(person, canary)
    raise AssertionError(door)


def _status(response, canary) -> bool:
    """200 shows the canary; anything else must be the plain 404 that never names it."""
    body = response.content.decode()
    if response.status_code == 200:
        assert canary in body
        return True
    assert response.status_code == 404, response.status_code
    assert canary not in body
    return False


def _stale_notification(person, post, canary, delivery):
    """A notification as if written when the person could still see the post: the door
    must check again at the moment it shows or sends it."""
    Notification.objects.create(recipient=person, post=post, network=post.network,
                                text=f"Neu: {canary}", url=f"/brett/{post.pk}/",
                                kind=Kind.FOLLOWED_COMMENT, delivery=delivery)


def _mailed(person, canary) -> bool:
    mine = [m for m in mail.outbox if m.to == [person.email]]
    return any(canary in m.subject + m.body + m.alternatives[0][0] for m in mine)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("kind", list(SEES))
def test_each_persona_sees_the_post_through_each_door_exactly_when_allowed(
        world, client_for, kind, door):
    people, posts = world
    post, canary = posts[kind], _canary(kind)
    seen = {name for name in PERSONAS
            if _door_shows(door, client_for(people[name]), people[name], post, canary)}
    assert seen == SEES[kind], f"{door}: {sorted(seen)} instead of {sorted(SEES[kind])}"


@pytest.mark.parametrize("door", ["board", "post_page", "attachment", "api_detail", "atom"])
def test_anonymous_visitors_get_nothing(world, client, door):
    _people, posts = world
    post = posts["platform"]
    urls = {
        "board": reverse("board:list"),
        "post_page": reverse("board:detail", args=[post.pk]),
        "attachment": reverse("board:attachment_download",
                              args=[post.pk, post.attachments.get().pk]),
        "api_detail": reverse("api_post", args=[post.pk]),
        "atom": reverse("board_feed", args=["kein-schluessel"]),
    }
    response = client.get(urls[door])
    assert response.status_code in {302, 401, 404}
    assert _canary("platform") not in response.content.decode()
