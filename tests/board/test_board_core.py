import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from board.models import Audience, Post
from board.permissions import can_view_post
from board.selectors import (
    archive_visible_to,
    board_pinned_first,
    board_visible_to,
    post_list_visible_to,
)
from board.services import (
    comment_create,
    post_create,
    post_hide,
    post_pin,
    post_update,
    unpin_expired_pins,
)
from intranet.core.errors import ConflictError
from networks.permissions import forget_grants
from networks.services import membership_join, network_dissolve, network_found
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-7f3a"


def _post(author, **fields):
    fields.setdefault("title", "Neuigkeit")
    fields.setdefault("body", "Text")
    fields.setdefault("category", "announcement")
    return post_create(author=author, **fields)


def test_selector_and_predicate_agree_for_random_posts():
    rng = random.Random(7)
    cities = [OrganisationFactory() for _ in range(3)]
    people = [UserFactory(organisation=rng.choice(cities),
                          roles=[rng.choice(["member", "coordinator", "service"])])
              for _ in range(8)]
    founders = [p for p in people if p.roles & {"coordinator", "service"}] or [people[0]]
    networks = [network_found(founder=rng.choice(founders), name=f"N{i}", mandate="M",
                              visibility=v)
                for i, v in enumerate(["open", "on_request", "confidential"])]
    for person in people:
        if rng.random() < 0.5:
            membership_join(network=networks[0], user=person)
    for index in range(15):
        author = rng.choice(people)
        audience = rng.choice(list(Audience))
        network = rng.choice(networks)
        forget_grants(author)
        if audience == Audience.NETWORK and not network.memberships.filter(
                user=author, state="active").exists():
            audience = Audience.PLATFORM
        post = _post(author, title=f"P{index}", audience=audience,
                     network=network if audience == Audience.NETWORK else None,
                     cities=rng.sample(cities, 1) if audience == Audience.CITIES else ())
        if rng.random() < 0.2:
            Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    for person in people:
        forget_grants(person)
        visible = set(post_list_visible_to(user=person).values_list("pk", flat=True))
        for post in Post.objects.all():
            assert (post.pk in visible) == can_view_post(person, post), (person, post)


def test_a_confidential_networks_post_reaches_its_members_only(coordinator, member, outsider,
                                                               steering):
    network = network_found(founder=coordinator, name="Vertraulich", mandate="M",
                            visibility="confidential")
    post = _post(coordinator, title=CANARY, audience=Audience.NETWORK, network=network)
    for stranger in (outsider, steering, member):
        assert CANARY not in [p.title for p in board_visible_to(user=stranger)]
        assert not can_view_post(stranger, post)
    assert can_view_post(coordinator, post)


def test_posts_for_cities_reach_those_cities(coordinator, member, outsider, other_city):
    post = _post(coordinator, audience=Audience.CITIES, cities=[other_city])
    assert can_view_post(outsider, post) and can_view_post(coordinator, post)
    assert not can_view_post(member, post)


def test_the_board_puts_pins_first_and_never_shows_expired_posts(member, service_staff):
    old = _post(member, title="Alt")
    expiring = _post(member, title="Läuft ab",
                     expires_at=timezone.now() + datetime.timedelta(minutes=5))
    _post(member, title="Neu")
    post_pin(post=old, actor=service_staff)
    assert [p.title for p in board_pinned_first(user=member)[0:3]] == ["Alt", "Neu", "Läuft ab"]
    Post.objects.filter(pk=expiring.pk).update(expires_at=timezone.now())  # no job has run
    titles = [p.title for p in board_visible_to(user=member)]
    assert "Läuft ab" not in titles
    assert "Läuft ab" in [p.title for p in archive_visible_to(user=member)]


def test_a_pin_ends_by_itself(member, service_staff):
    post = _post(member, title="Angepinnt")
    _post(member, title="Neuer")
    post_pin(post=post, actor=service_staff,
             until=timezone.now() + datetime.timedelta(minutes=5))
    Post.objects.filter(pk=post.pk).update(pinned_until=timezone.now())
    assert [p.title for p in board_pinned_first(user=member)[0:2]] == ["Neuer", "Angepinnt"]
    assert unpin_expired_pins() == 1


def test_only_service_staff_pin_on_the_board_and_leads_in_their_network(
        coordinator, member, service_staff):
    post = _post(member)
    with pytest.raises(PermissionDenied):
        post_pin(post=post, actor=coordinator)
    network = network_found(founder=coordinator, name="Offen", mandate="M")
    network_post = _post(coordinator, audience=Audience.NETWORK, network=network)
    post_pin(post=network_post, actor=coordinator)
    assert Post.objects.get(pk=network_post.pk).is_pinned


def test_the_body_is_rendered_safely_and_an_edit_is_marked(member):
    post = _post(member, body="**Hallo** <script>alert(1)</script>")
    assert "<strong>Hallo</strong>" in post.body_html and "<script>" not in post.body_html
    post_update(post=post, actor=member, body="Neu")
    post.refresh_from_db()
    assert post.edited_at is not None and "Neu" in post.body_html


def test_only_the_author_edits(member, outsider):
    post = _post(member)
    with pytest.raises(PermissionDenied):
        post_update(post=post, actor=outsider, title="Gekapert")
    with pytest.raises(ValidationError):
        post_update(post=post, actor=member, author=outsider)
    assert Post.objects.get(pk=post.pk).title == "Neuigkeit"


def test_hidden_posts_are_seen_by_moderators_and_their_author_only(member, outsider,
                                                                   service_staff):
    post = _post(member)
    post_hide(post=post, actor=service_staff)
    assert not can_view_post(outsider, post)
    assert can_view_post(member, post) and can_view_post(service_staff, post)


def test_posting_into_a_network_needs_membership(coordinator, outsider):
    network = network_found(founder=coordinator, name="Auf Anfrage", mandate="M",
                            visibility="on_request")
    with pytest.raises(ValidationError):
        _post(outsider, audience=Audience.NETWORK, network=network)
    assert not Post.objects.exists()


def test_a_dissolved_networks_posts_take_no_comments(coordinator):
    network = network_found(founder=coordinator, name="Fertig", mandate="M")
    post = _post(coordinator, audience=Audience.NETWORK, network=network)
    network_dissolve(network=network, actor=coordinator, summary="Fertig", reason="Erledigt")
    with pytest.raises(ConflictError):
        comment_create(post=post, author=coordinator, body="Noch was")
