import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from board.models import Comment, Post
from board.services import post_create, post_hide, post_pin
from networks.services import network_dissolve, network_found
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-7f3a"


def _post(author, **fields):
    fields.setdefault("title", "Neuigkeit")
    fields.setdefault("body", "Text")
    fields.setdefault("category", "offer")
    return post_create(author=author, **fields)


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/posts/").status_code == 401


def test_the_list_shows_pinned_first_and_no_expired_posts(client_for, member, service_staff):
    old = _post(member, title="Alt")
    _post(member, title="Neu")
    gone = _post(member, title="Abgelaufen",
                 expires_at=timezone.now() + datetime.timedelta(minutes=1))
    Post.objects.filter(pk=gone.pk).update(expires_at=timezone.now())
    post_pin(post=old, actor=service_staff)
    body = client_for(member).get("/api/v1/posts/").json()
    assert [p["title"] for p in body["results"]] == ["Alt", "Neu"]
    assert body["count"] == 2 and body["results"][0]["pinned"] is True
    assert set(body["results"][0]) == {"id", "title", "body", "body_html", "category",
                                       "audience", "network", "topics", "author",
                                       "created_at", "edited", "expires_at", "pinned"}


def test_create_sets_the_author_and_ignores_mass_assignment(client_for, member, outsider):
    response = client_for(member).post("/api/v1/posts/", {
        "title": "Suche Kontakt", "body": "**Wer** hat Erfahrung?", "category": "request",
        "author": outsider.pk, "is_pinned": True, "hidden_at": "2020-01-01T00:00:00Z"},
        content_type="application/json")
    assert response.status_code == 201
    post = Post.objects.get()
    assert post.author == member and not post.is_pinned and post.hidden_at is None
    assert "<strong>Wer</strong>" in response.json()["body_html"]


def test_bad_input_gets_400_and_stores_nothing(client_for, member):
    response = client_for(member).post("/api/v1/posts/", {
        "title": "", "body": "x", "category": "nonsense"}, content_type="application/json")
    assert response.status_code == 400
    assert {"title", "category"} <= set(response.json())
    assert not Post.objects.exists()


def test_a_confidential_networks_posts_stay_hidden(client_for, coordinator, outsider):
    network = network_found(founder=coordinator, name="Geheim", mandate="M",
                            visibility="confidential")
    post = _post(coordinator, title=CANARY, audience="network", network=network)
    client = client_for(outsider)
    assert CANARY not in client.get("/api/v1/posts/").content.decode()
    hidden = client.get(f"/api/v1/posts/{post.pk}/")
    missing = client.get("/api/v1/posts/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert client.get(f"/api/v1/posts/?network={network.slug}").status_code == 404
    assert client.post("/api/v1/posts/", {"title": "X", "body": "Y", "category": "offer",
                                          "network": network.slug},
                       content_type="application/json").status_code == 404


def test_only_the_author_changes_or_deletes(client_for, member, outsider):
    post = _post(member)
    client = client_for(outsider)
    assert client.patch(f"/api/v1/posts/{post.pk}/", {"title": "Gekapert"},
                        content_type="application/json").status_code == 403
    assert client.delete(f"/api/v1/posts/{post.pk}/").status_code == 403
    assert Post.objects.get(pk=post.pk).title == "Neuigkeit"
    own = client_for(member)
    changed = own.patch(f"/api/v1/posts/{post.pk}/", {"title": "Besser"},
                        content_type="application/json")
    assert changed.status_code == 200 and changed.json()["edited"] is True
    assert own.delete(f"/api/v1/posts/{post.pk}/").status_code == 204
    assert not Post.objects.exists()


def test_moderators_delete_and_hidden_posts_disappear_for_others(client_for, member, outsider,
                                                                 service_staff):
    post = _post(member)
    post_hide(post=post, actor=service_staff)
    assert client_for(outsider).get(f"/api/v1/posts/{post.pk}/").status_code == 404
    assert client_for(member).get(f"/api/v1/posts/{post.pk}/").status_code == 200
    assert client_for(service_staff).delete(f"/api/v1/posts/{post.pk}/").status_code == 204


def test_comments_and_replies(client_for, member, outsider):
    post = _post(member)
    client = client_for(outsider)
    first = client.post(f"/api/v1/posts/{post.pk}/comments/", {"body": "Gern!"},
                        content_type="application/json")
    assert first.status_code == 201
    reply = client_for(member).post(f"/api/v1/posts/{post.pk}/comments/",
                                    {"body": "Danke", "parent": first.json()["id"]},
                                    content_type="application/json")
    assert reply.status_code == 201 and reply.json()["parent"] == first.json()["id"]
    listed = client.get(f"/api/v1/posts/{post.pk}/comments/").json()
    assert [c["body"] for c in listed["results"]] == ["Gern!", "Danke"]
    other = _post(member, title="Anderer")
    wrong = client.post(f"/api/v1/posts/{other.pk}/comments/",
                        {"body": "x", "parent": first.json()["id"]},
                        content_type="application/json")
    assert wrong.status_code == 400


def test_a_dissolved_networks_post_takes_no_comments(client_for, coordinator):
    network = network_found(founder=coordinator, name="Fertig", mandate="M")
    post = _post(coordinator, audience="network", network=network)
    network_dissolve(network=network, actor=coordinator, summary="Fertig", reason="Erledigt")
    response = client_for(coordinator).post(f"/api/v1/posts/{post.pk}/comments/",
                                            {"body": "Noch was"},
                                            content_type="application/json")
    assert response.status_code == 409
    assert not Comment.objects.exists()


def test_list_query_count_does_not_grow_with_posts(client_for, member, city):
    client = client_for(member)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/posts/").status_code == 200
        return len(queries)

    _post(member)
    # session, user, roles, the pinned posts, COUNT (capped) of the others, their page (with
    # author, their organisation, the author's city then, network), topics
    at_one = measure()
    for index in range(19):
        _post(UserFactory(organisation=city), title=f"P{index}")
    assert measure() == at_one == 7
