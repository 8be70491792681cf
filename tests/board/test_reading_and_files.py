"""Unread markers, following, attachments (pages and API), the Atom feed and the start page's
"new since your last visit"."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from board.models import Attachment, Post, PostFollow
from board.services import attachment_add, comment_create, post_create
from intranet.accounts.services import feed_token_reset, visit_record
from intranet.core.pdf import simple_pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-c1d2"
ATOM = "{http://www.w3.org/2005/Atom}"


def _post(author, **fields):
    fields.setdefault("title", "Neuigkeit")
    fields.setdefault("body", "Text")
    fields.setdefault("category", "offer")
    return post_create(author=author, **fields)


def _pdf(name="Leitfaden.pdf"):
    return SimpleUploadedFile(name, simple_pdf(["Leitfaden Starkregen"]), "application/pdf")


@pytest.fixture
def secret_file_post(coordinator, confidential_network):
    post = _post(coordinator, title=CANARY, audience="network", network=confidential_network,
                 files=[_pdf(f"{CANARY}.pdf")])
    return post, post.attachments.get()


def _earlier(person, **deltas):
    past = timezone.now() - datetime.timedelta(**deltas)
    type(person).objects.filter(pk=person.pk).update(board_read_from=past)


# --- Unread markers ---------------------------------------------------------------------

def test_new_posts_are_unread_until_opened(client_for, coordinator, member):
    _earlier(member, days=1)
    post = _post(coordinator, title="Frisch")
    client = client_for(member)
    assert "board-card--unread" in client.get(reverse("board:list")).content.decode()
    client.get(reverse("board:detail", args=[post.pk]))
    assert "board-card--unread" not in client.get(reverse("board:list")).content.decode()


def test_a_new_comment_makes_a_read_post_unread_again(client_for, coordinator, member,
                                                       outsider):
    _earlier(member, days=1)
    post = _post(coordinator)
    client = client_for(member)
    client.get(reverse("board:detail", args=[post.pk]))
    comment_create(post=post, author=outsider, body="Neu")
    unread = client.get(reverse("board:list"), {"unread": "on"}).context["page"].object_list
    assert [p.pk for p in unread] == [post.pk]


def test_the_unread_filter_and_mark_all_read(client_for, coordinator, member):
    _earlier(member, days=1)
    first, second = _post(coordinator, title="Eins"), _post(coordinator, title="Zwei")
    client = client_for(member)
    client.get(reverse("board:detail", args=[first.pk]))
    unread = client.get(reverse("board:list"), {"unread": "on"}).context["page"].object_list
    assert [p.pk for p in unread] == [second.pk]
    assert client.post(reverse("board:mark_all_read")).status_code == 302
    unread = client.get(reverse("board:list"), {"unread": "on"}).context["page"].object_list
    assert list(unread) == []


def test_posts_from_before_joining_count_as_read(client_for, coordinator):
    _post(coordinator, title="Alt")
    newcomer = UserFactory(organisation=coordinator.organisation)
    page = client_for(newcomer).get(reverse("board:list"), {"unread": "on"})
    assert list(page.context["page"].object_list) == []


# --- Following --------------------------------------------------------------------------

def test_follow_and_unfollow_from_the_post_page(client_for, coordinator, member):
    post = _post(coordinator)
    client = client_for(member)
    url = reverse("board:follow", args=[post.pk])
    client.post(url, {"follow": "1"})
    assert PostFollow.objects.filter(user=member, post=post).exists()
    assert client.get(reverse("board:detail", args=[post.pk])).context["following"]
    client.post(url, {"follow": "0"})
    assert not PostFollow.objects.filter(user=member, post=post).exists()


def test_nobody_follows_what_they_may_not_see(client_for, outsider, secret_file_post):
    post, _file = secret_file_post
    response = client_for(outsider).post(reverse("board:follow", args=[post.pk]))
    assert response.status_code == 404
    assert not PostFollow.objects.filter(user=outsider).exists()


# --- Attachments ------------------------------------------------------------------------

def test_a_post_with_files_from_the_form(client_for, member):
    client = client_for(member)
    response = client.post(reverse("board:create"), {
        "title": "Mit Anhang", "body": "Siehe Datei", "category": "offer",
        "audience": "platform", "files": [_pdf(), SimpleUploadedFile(
            "Tabelle.csv", b"a;b\n1;2\n", "text/csv")]})
    assert response.status_code == 302
    post = Post.objects.get(title="Mit Anhang")
    assert sorted(post.attachments.values_list("original_name", flat=True)) == [
        "Leitfaden.pdf", "Tabelle.csv"]


def test_a_refused_file_leaves_no_post_behind(client_for, member):
    response = client_for(member).post(reverse("board:create"), {
        "title": "Gefährlich", "body": "x", "category": "offer", "audience": "platform",
        "files": [SimpleUploadedFile("bild.svg", b"<svg onload=alert(1)>", "image/svg+xml")]})
    assert response.status_code == 200
    assert "bild.svg" in response.content.decode()
    assert not Post.objects.filter(title="Gefährlich").exists()
    assert not Attachment.objects.exists()


def test_members_download_the_file_outsiders_get_the_same_404(client_for, member, outsider,
                                                              secret_file_post):
    post, attachment = secret_file_post
    url = reverse("board:attachment_download", args=[post.pk, attachment.pk])
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    hidden = client_for(outsider).get(url)
    missing = client_for(outsider).get(reverse("board:attachment_download",
                                               args=[post.pk, attachment.pk + 999]))
    assert hidden.status_code == missing.status_code == 404
    assert CANARY not in hidden.content.decode()


def test_a_file_is_only_reached_through_its_own_post(client_for, coordinator, member,
                                                     secret_file_post):
    _secret, attachment = secret_file_post
    public = _post(coordinator, title="Öffentlich")
    url = reverse("board:attachment_download", args=[public.pk, attachment.pk])
    assert client_for(member).get(url).status_code == 404


def test_only_the_author_adds_and_removes_files(client_for, coordinator, member):
    post = _post(coordinator)
    upload_url = reverse("board:attachment_upload", args=[post.pk])
    assert client_for(member).post(upload_url, {"file": _pdf()}).status_code == 403
    client_for(coordinator).post(upload_url, {"file": _pdf()})
    attachment = post.attachments.get()
    delete_url = reverse("board:attachment_delete", args=[post.pk, attachment.pk])
    assert client_for(member).post(delete_url).status_code == 403
    client_for(coordinator).post(delete_url)
    assert not post.attachments.exists()


def test_at_most_ten_files_a_post(coordinator):
    from django.core.exceptions import ValidationError

    post = _post(coordinator, files=[_pdf(f"{i}.pdf") for i in range(10)])
    with pytest.raises(ValidationError):
        attachment_add(post=post, actor=coordinator, upload=_pdf("elf.pdf"))


def test_api_attachment_upload_list_and_download(client_for, coordinator, member):
    post = _post(coordinator)
    url = reverse("api_post_attachments", args=[post.pk])
    created = client_for(coordinator).post(url, {"file": _pdf()})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "name", "size", "content_type", "url"}
    assert body["content_type"] == "application/pdf" and body["name"] == "Leitfaden.pdf"
    listed = client_for(member).get(url).json()
    assert [item["id"] for item in listed] == [body["id"]]
    download = client_for(member).get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    detail = client_for(member).get(reverse("api_post", args=[post.pk])).json()
    assert [item["id"] for item in detail["attachments"]] == [body["id"]]


def test_api_attachment_refusals(client_for, coordinator, member, outsider, secret_file_post):
    post = _post(coordinator)
    url = reverse("api_post_attachments", args=[post.pk])
    assert client_for(member).post(url, {"file": _pdf()}).status_code == 403
    refused = client_for(coordinator).post(
        url, {"file": SimpleUploadedFile("x.html", b"<html><script>", "text/html")})
    assert refused.status_code == 400 and "file" in refused.json()
    assert client_for(coordinator).post(url, {}).status_code == 400
    with override_settings(NETWORK_DOCUMENT_MAX_BYTES=10):
        assert client_for(coordinator).post(url, {"file": _pdf()}).status_code == 413
    secret, _file = secret_file_post
    hidden = client_for(outsider).get(reverse("api_post_attachments", args=[secret.pk]))
    assert hidden.status_code == 404
    assert not post.attachments.exists()


# --- The Atom feed ----------------------------------------------------------------------

def _feed_titles(client, person):
    response = client.get(reverse("board_feed", args=[person.feed_token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def test_the_feed_lists_exactly_the_posts_its_owner_may_see(client, coordinator, member,
                                                            outsider, secret_file_post):
    _post(coordinator, title="Für alle")
    member_titles = _feed_titles(client, member)
    assert any(CANARY in title for title in member_titles)
    assert any("Für alle" in title for title in member_titles)
    outsider_titles = _feed_titles(client, outsider)
    assert not any(CANARY in title for title in outsider_titles)
    assert CANARY not in client.get(reverse("board_feed", args=[outsider.feed_token])
                                    ).content.decode()


def test_a_renewed_or_unknown_feed_token_is_a_404(client, member):
    old = member.feed_token
    feed_token_reset(user=member)
    assert client.get(reverse("board_feed", args=[old])).status_code == 404
    assert client.get(reverse("board_feed", args=["unbekannt"])).status_code == 404
    assert client.get(reverse("board_feed", args=[member.feed_token])).status_code == 200


def test_a_deactivated_persons_feed_is_a_404(client, member):
    member.is_active = False
    member.save()
    assert client.get(reverse("board_feed", args=[member.feed_token])).status_code == 404


def test_the_feed_leaves_out_expired_and_hidden_posts(client, coordinator, member,
                                                       service_staff):
    from board.services import post_hide

    post_hide(post=_post(coordinator, title="Versteckt"), actor=service_staff)
    expired = _post(coordinator, title="Abgelaufen")
    Post.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    titles = _feed_titles(client, member)
    assert not any("Versteckt" in t or "Abgelaufen" in t for t in titles)


# --- Visits and the start page ----------------------------------------------------------

def test_a_visit_after_a_break_moves_the_previous_visit(member):
    start = timezone.now()
    member.last_seen_at = start - datetime.timedelta(days=2)
    visit_record(user=member, now=start)
    assert member.previous_visit_at == start - datetime.timedelta(days=2)
    visit_record(user=member, now=start + datetime.timedelta(minutes=10))
    assert member.previous_visit_at == start - datetime.timedelta(days=2)  # same visit
    member.refresh_from_db()
    assert member.last_seen_at == start + datetime.timedelta(minutes=10)


def test_the_start_page_shows_what_is_new_since_the_last_visit(client_for, coordinator,
                                                               member, outsider,
                                                               secret_file_post):
    type(outsider).objects.filter(pk__in=[outsider.pk, member.pk]).update(
        previous_visit_at=timezone.now() - datetime.timedelta(days=1))
    _post(coordinator, title="Neu seit gestern")
    old = _post(coordinator, title="Schon gesehen")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    page = client_for(outsider).get(reverse("home"))
    news = [post.title for post in page.context["news"]]
    assert news == ["Neu seit gestern"] and page.context["news_count"] == 1
    assert CANARY not in page.content.decode()
    member_news = client_for(member).get(reverse("home")).context["news"]
    assert CANARY in [post.title for post in member_news]


@pytest.mark.parametrize("count", [1, 20])
def test_start_page_query_count_with_news_is_flat(client_for, coordinator, member, count,
                                                  django_assert_num_queries):
    for index in range(count):
        _post(coordinator, title=f"Neu {index}")
    client = client_for(member)
    client.get(reverse("home"))
    # session, user, roles, organisation, colleagues, coordinators, newcomers, has-topics,
    # my networks, my tasks, my follow-up tasks from meetings, the newest posts since the
    # last visit, their count (only when there are more than shown), the header's unread
    # notifications
    with django_assert_num_queries(13 if count < 5 else 14):
        assert client.get(reverse("home")).status_code == 200


def test_opening_a_post_marks_its_notifications_read(client_for, coordinator, member):
    from board.fanout import fan_out_pending
    from intranet.notifications.models import Notification

    post = _post(coordinator, category="announcement")
    other = _post(coordinator, title="Andere", category="announcement")
    fan_out_pending()
    client_for(member).get(reverse("board:detail", args=[post.pk]))
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    assert list(unread.values_list("post", flat=True)) == [other.pk]


# --- Removing comments ------------------------------------------------------------------

def test_authors_and_moderators_remove_comments_replies_stay(client_for, coordinator, member,
                                                             outsider, service_staff):
    post = _post(coordinator)
    first = comment_create(post=post, author=member, body="Erster Gedanke KOMMENTAR-A")
    comment_create(post=post, author=outsider, body="Antwort darauf", parent=first)
    other = comment_create(post=post, author=outsider, body="Daneben KOMMENTAR-B")
    url = reverse("board:comment_remove", args=[post.pk, first.pk])
    assert client_for(outsider).post(url).status_code == 403  # not theirs
    assert client_for(member).post(url).status_code == 302
    page = client_for(coordinator).get(reverse("board:detail", args=[post.pk])).content.decode()
    assert "KOMMENTAR-A" not in page and "Antwort darauf" in page
    assert client_for(service_staff).post(
        reverse("board:comment_remove", args=[post.pk, other.pk])).status_code == 302
    page = client_for(coordinator).get(reverse("board:detail", args=[post.pk])).content.decode()
    assert "KOMMENTAR-B" not in page
    api = client_for(outsider).delete(reverse("api_post_comment", args=[post.pk, other.pk]))
    assert api.status_code == 404  # already removed


def test_api_comment_removal(client_for, coordinator, member, outsider):
    post = _post(coordinator)
    comment = comment_create(post=post, author=member, body="Weg damit")
    url = reverse("api_post_comment", args=[post.pk, comment.pk])
    assert client_for(outsider).delete(url).status_code == 403
    assert client_for(member).delete(url).status_code == 204
    listed = client_for(member).get(reverse("api_post_comments", args=[post.pk])).json()
    assert listed["count"] == 0


def test_the_audit_log_does_not_name_a_confidential_post(client_for, steering,
                                                         secret_file_post):
    page = client_for(steering).get(reverse("audit_log")).content.decode()
    assert "post.create" in page or "Beitrag veröffentlicht" in page
    assert CANARY not in page
