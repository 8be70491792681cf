"""A small region with known figures, for steering's tests."""

import datetime

import pytest
from django.utils import timezone

from board.models import Audience, Comment, Post
from intranet.events.models import Event, Kind, Registration
from intranet.steering.services import steering_figures_count
from networks.models import Task, TaskState, Visibility
from networks.permissions import forget_grants
from networks.services import membership_invite, membership_join, network_found
from tests.factories import OrganisationFactory, UserFactory

CANARY = "KANARIENVOGEL-steuerung-5c1e"


def ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def join():
    def add(network, user, actor):
        membership_invite(network=network, user=user, actor=actor)
        membership_join(network=network, user=user)
        forget_grants(user)

    return add


def post_in(network, author, *, days_ago: float, title="Beitrag", comments=()):
    post = Post.objects.create(
        title=title, body="Text", body_html="<p>Text</p>", category="request",
        author=author, author_organisation=author.organisation, audience=Audience.NETWORK,
        network=network, created_at=ago(days_ago), last_activity_at=ago(days_ago))
    for comment_days_ago in comments:
        comment = Comment.objects.create(post=post, author=author, body="Ja",
                                         body_html="<p>Ja</p>")
        Comment.objects.filter(pk=comment.pk).update(created_at=ago(comment_days_ago))
    return post


def meeting_of(network, *, days_ago: float, attendees=(), cancelled=False):
    event = Event.objects.create(
        kind=Kind.NETWORK, title="Netzwerktreffen", network=network,
        audience="network", start=ago(days_ago), end=ago(days_ago) + datetime.timedelta(hours=2),
        cancelled_at=ago(days_ago + 1) if cancelled else None)
    for person in attendees:
        Registration.objects.create(event=event, user=person, attended=True)
    return event


@pytest.fixture
def region(coordinator, lead, member, outsider, other_city, join):
    """Bochum (coordinator, lead, member), Essen (outsider, no coordinator), Dortmund
    (no one in a network). Networks:

    - "Starkregen" (open, coordinator leads; lead, member and outsider members): 2 posts
      (10 and 60 days ago), 3 comments (5, 20 and 100 days ago), tasks: 1 open, 1 overdue,
      1 done; one meeting held, one cancelled, one to come.
    - the confidential canary network (lead founds it; member joins): one post 2 days ago
      with the canary title, a task with the canary title.
    - "Stille Runde" (open, coordinator), quiet for 100 days.
    """
    dortmund = OrganisationFactory(slug="dortmund", name="Stadt Dortmund")
    UserFactory(name="Dora Dortmund", organisation=dortmund, roles=["coordinator"])
    lead.role_assignments.create(role="coordinator")  # may found networks
    lead.__dict__.pop("roles", None)
    rain = network_found(founder=coordinator, name="Starkregen", mandate="Wasser halten",
                         visibility=Visibility.OPEN)
    for person in (lead, member, outsider):
        join(rain, person, coordinator)
    post_in(rain, member, days_ago=10, comments=(5, 20))
    post_in(rain, outsider, days_ago=60, comments=(100,))
    today = timezone.localdate()
    Task.objects.create(network=rain, title="Offen", state=TaskState.OPEN,
                        due=today + datetime.timedelta(days=3))
    Task.objects.create(network=rain, title="Überfällig", state=TaskState.DOING,
                        due=today - datetime.timedelta(days=3))
    Task.objects.create(network=rain, title="Erledigt", state=TaskState.DONE,
                        due=today - datetime.timedelta(days=30))
    meeting_of(rain, days_ago=14, attendees=(member, outsider))
    meeting_of(rain, days_ago=7, cancelled=True)
    meeting_of(rain, days_ago=-7)

    secret = network_found(founder=lead, name=f"Geheim {CANARY}", mandate=f"Auftrag {CANARY}",
                           visibility=Visibility.CONFIDENTIAL)
    join(secret, member, lead)
    post_in(secret, member, days_ago=2, title=f"Beitrag {CANARY}")
    Task.objects.create(network=secret, title=f"Aufgabe {CANARY}")

    quiet = network_found(founder=coordinator, name="Stille Runde", mandate="Ruhe")
    quiet.__class__.objects.filter(pk=quiet.pk).update(last_activity_at=ago(100),
                                                        founded_at=ago(400))
    steering_figures_count()  # what beat does every hour; tests that change data count again
    return {"rain": rain, "secret": secret, "quiet": quiet, "dortmund": dortmund}


@pytest.fixture
def make_network(coordinator):
    def make(visibility=Visibility.OPEN, founder=None, **fields):
        fields.setdefault("name", f"Netzwerk {visibility}")
        fields.setdefault("mandate", "Wie halten wir Starkregen in der Stadt?")
        return network_found(founder=founder or coordinator, visibility=visibility, **fields)

    return make
