"""The notice board in the browser: doors, permissions, ordering, comments, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from board.models import Comment, Post
from board.services import comment_create, post_create, post_hide, post_pin
from networks.models import Visibility
from networks.services import network_found
from tests.factories import UserFactory
from tests.helpers import comparable_body

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-b0a4"


def _post(author, **fields):
    fields.setdefault("title", "Neuigkeit")
    fields.setdefault("body", "Text")
    fields.setdefault("category", "announcement")
    return post_create(author=author, **fields)


def test_anonymous_is_sent_to_sign_in(client, member):
    post = _post(member)
    for url in [reverse("board:list"), reverse("board:archive"), reverse("board:create"),
                reverse("board:detail", args=[post.pk]),
                reverse("board:edit", args=[post.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/")
    for name in ("board:delete", "board:pin", "board:hide"):
        response = client.post(reverse(name, args=[post.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/")
    assert Post.objects.filter(pk=post.pk).exists()


def test_member_sees_platform_posts_and_writes_one(client_for, member, outsider):
    _post(outsider, title="Hitzeschutz in Essen")
    client = client_for(member)
    response = client.get(reverse("board:list"))
    assert response.status_code == 200
    assert "Hitzeschutz in Essen" in response.content.decode()
    assert client.get(reverse("board:create")).status_code == 200
    response = client.post(reverse("board:create"), {
        "title": "Wer hat Erfahrung mit Gründächern?", "body": "Wir **suchen** Hilfe.",
        "category": "request", "audience": "platform",
        "expires_at": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()})
    post = Post.objects.get(title="Wer hat Erfahrung mit Gründächern?")
    assert response.status_code == 302
    assert response["Location"] == reverse("board:detail", args=[post.pk])
    assert post.author == member and post.author_organisation == member.organisation
    # The date means the end of that day in Berlin.
    local = timezone.localtime(post.expires_at)
    assert (local.hour, local.minute) == (23, 59)
    page = client.get(response["Location"]).content.decode()
    assert "<strong>suchen</strong>" in page


def test_network_post_from_the_form_and_prefill(client_for, member, confidential_network):
    client = client_for(member)
    page = client.get(reverse("board:create") + f"?network={confidential_network.slug}")
    assert 'value="network" checked' in page.content.decode().replace("\n", " ") or \
        page.context["form"].initial["network"] == confidential_network.slug
    response = client.post(reverse("board:create"), {
        "title": "Intern", "body": "Nur für uns", "category": "announcement",
        "audience": "network", "network": confidential_network.slug})
    assert response.status_code == 302
    assert Post.objects.get(title="Intern").network == confidential_network


def test_confidential_network_post_is_the_same_404_as_a_missing_one(
        client_for, member, outsider, confidential_network):
    post = _post(member, title=f"Geheim {CANARY}", audience="network", network=confidential_network)
    client = client_for(outsider)
    url = reverse("board:detail", args=[post.pk])
    missing = reverse("board:detail", args=[post.pk + 1000])
    hidden_response, missing_response = client.get(url), client.get(missing)
    assert hidden_response.status_code == missing_response.status_code == 404
    assert comparable_body(hidden_response, url) == comparable_body(missing_response, missing)
    for name in ("board:edit",):
        assert client.get(reverse(name, args=[post.pk])).status_code == 404
    for name in ("board:delete", "board:pin", "board:hide"):
        assert client.post(reverse(name, args=[post.pk])).status_code == 404
    assert CANARY not in client.get(reverse("board:list")).content.decode()
    assert CANARY in client_for(member).get(url).content.decode()


def test_someone_else_may_not_edit_delete_pin_or_hide(client_for, member, outsider):
    post = _post(member, title="Original")
    client = client_for(outsider)
    assert client.get(reverse("board:detail", args=[post.pk])).status_code == 200
    assert client.get(reverse("board:edit", args=[post.pk])).status_code == 403
    response = client.post(reverse("board:edit", args=[post.pk]),
                           {"title": "Geändert", "body": "x", "category": "offer"})
    assert response.status_code == 403
    for name in ("board:delete", "board:pin", "board:hide"):
        assert client.post(reverse(name, args=[post.pk]),
                           {"confirmed": "yes"}).status_code == 403
    post.refresh_from_db()
    assert post.title == "Original" and post.edited_at is None and not post.is_pinned


def test_author_edits_and_deletes_after_confirming(client_for, member):
    post = _post(member, title="Alt")
    client = client_for(member)
    assert client.get(reverse("board:edit", args=[post.pk])).status_code == 200
    response = client.post(reverse("board:edit", args=[post.pk]),
                           {"title": "Neu", "body": "Text", "category": "offer"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Neu" and post.edited_at is not None
    assert "bearbeitet" in client.get(reverse("board:list")).content.decode()
    confirm = client.post(reverse("board:delete", args=[post.pk]))
    assert confirm.status_code == 200 and Post.objects.filter(pk=post.pk).exists()
    client.post(reverse("board:delete", args=[post.pk]), {"confirmed": "yes"})
    assert not Post.objects.filter(pk=post.pk).exists()


def test_moderator_hides_others_get_404_author_still_sees_it(
        client_for, member, outsider, service_staff):
    post = _post(member, title="Fragwürdig")
    url = reverse("board:detail", args=[post.pk])
    response = client_for(service_staff).post(reverse("board:hide", args=[post.pk]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is not None and post.hidden_by == service_staff
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 200
    assert client_for(service_staff).get(url).status_code == 200
    client_for(service_staff).post(reverse("board:hide", args=[post.pk]), {"hidden": "0"})
    assert client_for(outsider).get(url).status_code == 200


def test_pinned_post_comes_first(client_for, member, service_staff):
    pinned = _post(member, title="Angeheftet")
    _post(member, title="Neuer")
    client = client_for(service_staff)
    until = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert client.post(reverse("board:pin", args=[pinned.pk]),
                       {"until": until}).status_code == 302
    pinned.refresh_from_db()
    assert pinned.is_pinned and pinned.pinned_until is not None
    page = list(client_for(member).get(reverse("board:list")).context["page"])
    assert [p.title for p in page] == ["Angeheftet", "Neuer"]
    client_for(service_staff).post(reverse("board:pin", args=[pinned.pk]), {"pinned": "0"})
    pinned.refresh_from_db()
    assert not pinned.is_pinned


def test_expired_post_leaves_the_board_for_the_archive(client_for, member):
    post = _post(member, title=f"Abgelaufen {CANARY}",
                 expires_at=timezone.now() + datetime.timedelta(hours=1))
    Post.objects.filter(pk=post.pk).update(expires_at=timezone.now()
                                           - datetime.timedelta(minutes=1))
    client = client_for(member)
    assert CANARY not in client.get(reverse("board:list")).content.decode()
    assert CANARY in client.get(reverse("board:archive")).content.decode()
    assert client.get(reverse("board:detail", args=[post.pk])).status_code == 200


def test_comment_and_reply(client_for, member, outsider):
    post = _post(member)
    url = reverse("board:detail", args=[post.pk])
    client = client_for(outsider)
    assert client.post(url, {"body": "Wir machen mit!"}).status_code == 302
    comment = Comment.objects.get(post=post)
    assert comment.author == outsider and comment.parent is None
    client = client_for(member)
    assert client.post(url, {"body": "Danke!", "parent": comment.pk}).status_code == 302
    reply = Comment.objects.get(parent=comment)
    # A reply to a reply answers the top comment: one level only.
    client.post(url, {"body": "Gern.", "parent": reply.pk})
    assert Comment.objects.get(body="Gern.").parent == comment
    page = client.get(url).content.decode()
    assert "Wir machen mit!" in page and "Danke!" in page


def test_no_comments_on_a_hidden_post(client_for, member, service_staff):
    post = _post(member)
    post_hide(post=post, actor=service_staff)
    assert client_for(member).post(reverse("board:detail", args=[post.pk]),
                                   {"body": "x"}).status_code == 403
    assert not Comment.objects.exists()


def test_script_does_not_survive(client_for, member, outsider):
    post = _post(member, body='Hallo <script>alert("xss")</script> '
                              '<img src=x onerror="alert(1)"> [a](javascript:alert(2))')
    comment_create(post=post, author=outsider, body="<script>alert(3)</script>ok")
    page = client_for(outsider).get(reverse("board:detail", args=[post.pk])).content.decode()
    page = page[page.index('<article class="board-post">'):page.index("</main>")]
    # What is left is escaped text: no element, no handler, no link.
    assert "<script>alert" not in page and "<img" not in page
    assert 'href="javascript:' not in page and "&lt;script&gt;alert(3)" in page


def test_board_filters(client_for, member, outsider, confidential_network):
    _post(member, title="Angebot aus Bochum", category="offer")
    _post(outsider, title="Gesuch aus Essen", category="request")
    _post(member, title="Netzwerkbeitrag", audience="network", network=confidential_network)
    client = client_for(member)

    def titles(**query):
        return {p.title for p in client.get(reverse("board:list"), query).context["page"]}

    assert titles(category="offer") == {"Angebot aus Bochum"}
    assert titles(city="essen") == {"Gesuch aus Essen"}
    assert titles(network=confidential_network.slug) == {"Netzwerkbeitrag"}
    partial = client.get(reverse("board:list"), {"category": "request"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()


def test_the_network_filter_offers_my_networks_and_the_one_chosen(
        client_for, member, coordinator, confidential_network):
    open_elsewhere = network_found(founder=coordinator, name="Offen für alle", mandate="M",
                                   visibility=Visibility.OPEN)
    _post(coordinator, title="Aus dem offenen Netzwerk", audience="network",
          network=open_elsewhere)
    client = client_for(member)

    def offered(**query):
        form = client.get(reverse("board:list"), query).context["form"]
        return [slug for slug, _name in form.fields["network"].choices if slug]

    assert offered() == [confidential_network.slug]  # readable, but not mine: not offered
    chosen = client.get(reverse("board:list"), {"network": open_elsewhere.slug})
    assert {p.title for p in chosen.context["page"]} == {"Aus dem offenen Netzwerk"}
    assert offered(network=open_elsewhere.slug) == [open_elsewhere.slug, confidential_network.slug]
    assert f'value="{open_elsewhere.slug}" selected' in chosen.content.decode()
    # A network the person may not read is neither offered nor filtered by.
    hidden = network_found(founder=coordinator, name="Nur für den Vorstand", mandate="M",
                           visibility=Visibility.CONFIDENTIAL)
    refused = client.get(reverse("board:list"), {"network": hidden.slug})
    assert offered(network=hidden.slug) == [confidential_network.slug]
    assert refused.context["network"] is None
    assert f'value="{hidden.slug}"' not in refused.content.decode()


def test_network_page_lists_its_posts(client_for, member, confidential_network):
    _post(member, title=f"Im Netzwerk {CANARY}", audience="network", network=confidential_network)
    page = client_for(member).get(confidential_network.get_absolute_url()).content.decode()
    assert CANARY in page
    assert f"/brett/?network={confidential_network.slug}" in page


def _fill_board(count, author):
    for index in range(count):
        post = _post(author, title=f"Beitrag {index}")
        post.topics.set([])
    return Post.objects.order_by("pk").first()


@pytest.mark.parametrize("count", [1, 50])
def test_board_query_count_is_flat(client_for, member, service_staff, count,
                                   django_assert_num_queries):
    # One pinned post plus ``count`` others: the pins and the newest have a query each.
    first = _fill_board(count + 1, UserFactory(organisation=member.organisation))
    post_pin(post=first, actor=service_staff)
    client = client_for(member)
    client.get(reverse("board:list"))  # warm caches
    # 1 session, 2 user, 3 roles of the user, 4 networks for the filter (the member grants
    # as a subquery), 5 organisations for the filter, 6 topics for the filter, 7 the pinned
    # posts, 8 count of the others (capped), 9 unread notifications in the header, 10 the
    # page of posts (author, city and network joined), 11 their topics (one prefetch),
    # 12 the person's reading state of these posts (unread markers)
    with django_assert_num_queries(BOARD_QUERIES):
        response = client.get(reverse("board:list"))
    assert len(response.context["page"].object_list) == min(count + 1, 20)


BOARD_QUERIES = 12


@pytest.mark.parametrize("count", [1, 50])
def test_post_page_query_count_is_flat(client_for, coordinator, member, outsider, count,
                                       django_assert_num_queries):
    post = _post(coordinator, files=[])
    first = comment_create(post=post, author=outsider, body="Erster")
    for index in range(count - 1):
        comment_create(post=post, author=member, body=f"Antwort {index}",
                       parent=first if index % 2 else None)
    client = client_for(member)
    client.get(reverse("board:detail", args=[post.pk]))
    # 1 session, 2 user, 3 roles, 4 the post with author, city and network (the member
    # grants as a subquery), 5 mark it read (one upsert), 6 mark the person's notifications
    # about it read, 7 following?, 8 its topics, 9 attachments, 10 top-level comments with
    # authors, 11 their replies (one prefetch), 12 unread notifications in the header
    with django_assert_num_queries(POST_PAGE_QUERIES):
        response = client.get(reverse("board:detail", args=[post.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('id="kommentar-') == count


POST_PAGE_QUERIES = 12
