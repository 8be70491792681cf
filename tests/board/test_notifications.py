"""Who hears of posts and comments, how (at once, digest, off), and that nobody ever hears
of a post they may not see."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from board.fanout import fan_out_pending
from board.models import PostEvent
from board.services import comment_create, post_create, post_follow, post_update
from intranet.notifications.delivery import send_digests, send_due_notifications
from intranet.notifications.models import Frequency, Kind, Notification
from intranet.notifications.selectors import notifications_visible_to
from intranet.notifications.services import preferences_update, unsubscribe_token
from networks.models import Membership
from networks.permissions import forget_grants
from networks.services import (
    membership_invite,
    membership_join,
    membership_remove,
    network_found,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-b0a7"


def _post(author, **fields):
    fields.setdefault("title", "Neuigkeit")
    fields.setdefault("body", "Text")
    fields.setdefault("category", "request")
    return post_create(author=author, **fields)


def _kinds(person):
    """The board's notifications of the person (not those of network membership)."""
    return sorted(Notification.objects.filter(recipient=person).exclude(
        kind=Kind.NETWORK).values_list("kind", flat=True))


@pytest.fixture
def confidential(coordinator, member):
    network = network_found(founder=coordinator, name=f"Vertraulich {CANARY}", mandate="M",
                            visibility="confidential")
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    forget_grants(member)
    return network


def _remove(person, network, actor):
    membership_remove(membership=Membership.objects.get(network=network, user=person),
                      actor=actor)
    forget_grants(person)


def _send_all():
    fan_out_pending()
    return send_due_notifications(batch=50)


# --- Who hears of what ------------------------------------------------------------------

def test_network_members_hear_of_a_new_network_post_and_nobody_else(coordinator, member,
                                                                     outsider, confidential):
    _post(coordinator, title=f"Intern {CANARY}", audience="network", network=confidential)
    fan_out_pending()
    assert _kinds(member) == [Kind.NETWORK_POST]
    assert _kinds(coordinator) == []  # the author
    assert _kinds(outsider) == []
    notification = Notification.objects.get(recipient=member, kind=Kind.NETWORK_POST)
    assert CANARY in notification.text and notification.network == confidential


def test_an_announcement_reaches_everyone_and_a_plain_post_nobody(coordinator, member,
                                                                    outsider):
    _post(coordinator, title="Ankündigung", category="announcement")
    _post(coordinator, title="Nur eine Frage", category="request")
    fan_out_pending()
    assert _kinds(member) == [Kind.ANNOUNCEMENT]
    assert _kinds(outsider) == [Kind.ANNOUNCEMENT]
    assert _kinds(coordinator) == []


def test_an_announcement_to_selected_cities_reaches_only_their_people(coordinator, member,
                                                                     outsider, city):
    _post(coordinator, category="announcement", audience="cities", cities=[city])
    fan_out_pending()
    assert _kinds(member) == [Kind.ANNOUNCEMENT]
    assert _kinds(outsider) == []


def test_a_mention_links_the_profile_and_notifies_once(coordinator, member, confidential):
    post = _post(coordinator, body=f"Frage an @{member.handle}: passt das?", audience="network",
                 network=confidential)
    assert f'href="{member.get_absolute_url()}"' in post.body_html
    assert 'class="mention"' in post.body_html
    fan_out_pending()
    # A member of the network who is mentioned hears of the post once, as a mention.
    assert _kinds(member) == [Kind.MENTION]


def test_nobody_hears_of_a_post_they_may_not_see_even_when_mentioned(coordinator, outsider,
                                                                     confidential):
    _post(coordinator, body=f"@{outsider.handle} {CANARY}", audience="network",
          network=confidential)
    fan_out_pending()
    assert _kinds(outsider) == []


def test_a_mention_in_code_is_not_a_mention(coordinator, member):
    post = _post(coordinator, body=f"Schreiben Sie `@{member.handle}` so.")
    fan_out_pending()
    assert "mention" not in post.body_html
    assert _kinds(member) == []


def test_an_edit_tells_only_the_newly_mentioned(coordinator, member, outsider):
    post = _post(coordinator, body=f"Hallo @{member.handle}")
    fan_out_pending()
    post_update(post=post, actor=coordinator,
                body=f"Hallo @{member.handle} und @{outsider.handle}")
    fan_out_pending()
    assert _kinds(member) == [Kind.MENTION]
    assert _kinds(outsider) == [Kind.MENTION]


def test_followers_hear_of_comments_and_commenters_follow(coordinator, member, outsider):
    post = _post(coordinator)
    comment_create(post=post, author=member, body="Wir haben Erfahrung damit.")
    fan_out_pending()
    assert _kinds(coordinator) == [Kind.FOLLOWED_COMMENT]  # the author follows their post
    comment_create(post=post, author=outsider, body="Wir auch.")
    fan_out_pending()
    assert _kinds(member) == [Kind.FOLLOWED_COMMENT]  # commenting made member a follower
    assert _kinds(coordinator) == [Kind.FOLLOWED_COMMENT, Kind.FOLLOWED_COMMENT]
    assert _kinds(outsider) == []  # not about their own comment


def test_unfollowing_stops_comment_notifications(coordinator, member):
    post = _post(coordinator)
    post_follow(post=post, user=coordinator, follow=False)
    comment_create(post=post, author=member, body="Hallo")
    fan_out_pending()
    assert _kinds(coordinator) == []


def test_a_follower_mentioned_in_a_comment_hears_of_it_once(coordinator, member):
    post = _post(coordinator)
    comment_create(post=post, author=member, body=f"@{coordinator.handle} schauen Sie mal")
    fan_out_pending()
    assert _kinds(coordinator) == [Kind.MENTION]


def test_fanning_out_twice_writes_nothing_more(coordinator, member, outsider):
    post = _post(coordinator, category="announcement")
    fan_out_pending()
    PostEvent.objects.update(fanned_out_at=None)  # as if a crashed run left it pending
    fan_out_pending()
    assert Notification.objects.filter(post=post).count() == 2
    assert not PostEvent.objects.filter(fanned_out_at__isnull=True).exists()


def test_posting_writes_the_outbox_row_in_its_own_transaction(coordinator):
    post = _post(coordinator)
    assert PostEvent.objects.filter(post=post, fanned_out_at__isnull=True).count() == 1


# --- How it reaches them ----------------------------------------------------------------

def test_off_means_no_notification_at_all(coordinator, member):
    preferences_update(user=member, frequencies={Kind.ANNOUNCEMENT: Frequency.OFF})
    _post(coordinator, category="announcement")
    fan_out_pending()
    assert _kinds(member) == []


def test_immediate_e_mail_has_text_html_and_an_unsubscribe_link(coordinator, member):
    preferences_update(user=member, frequencies={Kind.ANNOUNCEMENT: Frequency.IMMEDIATELY})
    post = _post(coordinator, title="Neue Karte", category="announcement")
    mail.outbox.clear()
    assert _send_all() == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Neue Karte" in message.subject
    assert reverse("board:detail", args=[post.pk]) in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html" and "Neue Karte" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/benachrichtigungen/abbestellen/" in unsubscribe
    assert unsubscribe in message.body and unsubscribe in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_e_mail_comes_in_the_language_of_the_profile(coordinator, member):
    member.language = "en"
    member.save()
    preferences_update(user=member, frequencies={Kind.ANNOUNCEMENT: Frequency.IMMEDIATELY})
    _post(coordinator, title="Karte", category="announcement")
    mail.outbox.clear()
    _send_all()
    assert "Announcement: Karte" in mail.outbox[0].subject
    assert "No more e-mails about" in mail.outbox[0].body


def test_dispatching_twice_sends_nothing_more(coordinator, member):
    preferences_update(user=member, frequencies={Kind.ANNOUNCEMENT: Frequency.IMMEDIATELY})
    _post(coordinator, category="announcement")
    mail.outbox.clear()
    assert _send_all() == 1
    assert _send_all() == 0
    assert len(mail.outbox) == 1


def test_a_removed_member_gets_no_e_mail_and_no_in_app_notification(coordinator, member,
                                                                   confidential):
    preferences_update(user=member, frequencies={Kind.NETWORK_POST: Frequency.IMMEDIATELY})
    _post(coordinator, title="Beitrag POSTKANARIE", audience="network", network=confidential)
    fan_out_pending()
    _remove(member, confidential, coordinator)
    mail.outbox.clear()
    send_due_notifications(batch=50)
    assert not [m for m in mail.outbox if "POSTKANARIE" in m.subject + m.body]
    assert not notifications_visible_to(user=member).filter(post__isnull=False).exists()


def test_a_hidden_post_disappears_from_the_notification_centre(coordinator, member,
                                                                service_staff):
    from board.services import post_hide

    post = _post(coordinator, category="announcement")
    fan_out_pending()
    assert notifications_visible_to(user=member).count() == 1
    post_hide(post=post, actor=service_staff)
    assert notifications_visible_to(user=member).count() == 0


# --- Digests ----------------------------------------------------------------------------

def _away(person, days=2):
    person.last_seen_at = timezone.now() - datetime.timedelta(days=days)
    person.save(update_fields=["last_seen_at"])


def test_the_daily_digest_groups_by_network_for_people_who_were_away(member, confidential,
                                                                     coordinator):
    _away(member)
    _post(coordinator, title="Im Netzwerk", audience="network", network=confidential)
    _post(coordinator, title="Für alle", category="announcement")
    fan_out_pending()
    mail.outbox.clear()
    assert send_digests(frequency=Frequency.DAILY) >= 1
    digest = next(m for m in mail.outbox if m.to == [member.email])
    assert "2" in digest.subject
    body = digest.body
    assert body.index(confidential.name) > body.index("Für alle")  # platform first
    assert "Im Netzwerk" in body
    assert digest.extra_headers["List-Unsubscribe"]


def test_no_digest_for_someone_who_has_been_here_since(coordinator, member):
    _post(coordinator, category="announcement")
    fan_out_pending()
    member.last_seen_at = timezone.now() + datetime.timedelta(minutes=1)
    member.save(update_fields=["last_seen_at"])
    mail.outbox.clear()
    send_digests(frequency=Frequency.DAILY)
    assert [m for m in mail.outbox if m.to == [member.email]] == []


def test_a_digest_never_mentions_a_post_the_person_may_no_longer_see(coordinator, member,
                                                                     confidential):
    _away(member)
    _post(coordinator, title=f"Geheim {CANARY}", audience="network", network=confidential)
    fan_out_pending()
    _remove(member, confidential, coordinator)
    forget_grants(member)
    mail.outbox.clear()
    send_digests(frequency=Frequency.DAILY)
    assert all(CANARY not in m.body and CANARY not in m.alternatives[0][0]
               for m in mail.outbox)


def test_a_digest_goes_out_once(coordinator, member):
    _away(member)
    _post(coordinator, category="announcement")
    fan_out_pending()
    mail.outbox.clear()
    send_digests(frequency=Frequency.DAILY)
    send_digests(frequency=Frequency.DAILY)
    assert len([m for m in mail.outbox if m.to == [member.email]]) == 1


def test_weekly_items_wait_for_the_weekly_digest(coordinator, member):
    _away(member)
    preferences_update(user=member, frequencies={Kind.ANNOUNCEMENT: Frequency.WEEKLY})
    _post(coordinator, category="announcement")
    fan_out_pending()
    mail.outbox.clear()
    send_digests(frequency=Frequency.DAILY)
    assert [m for m in mail.outbox if m.to == [member.email]] == []
    send_digests(frequency=Frequency.WEEKLY)
    assert len([m for m in mail.outbox if m.to == [member.email]]) == 1


def test_changing_the_choice_moves_what_is_still_waiting(coordinator, member):
    _post(coordinator, category="announcement")
    fan_out_pending()
    preferences_update(user=member, frequencies={Kind.ANNOUNCEMENT: Frequency.WEEKLY})
    assert Notification.objects.get(recipient=member).delivery == Frequency.WEEKLY


# --- Settings and unsubscribing ---------------------------------------------------------

def test_the_settings_page_saves_each_choice(client_for, member):
    client = client_for(member)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    data = {kind.value: Frequency.DAILY for kind in Kind}
    data[Kind.MENTION] = Frequency.OFF
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert member.notification_preferences.get(kind=Kind.MENTION).frequency == Frequency.OFF


def test_the_settings_page_refuses_an_unknown_choice_and_changes_nothing(client_for, member):
    client = client_for(member)
    data = {kind.value: Frequency.DAILY for kind in Kind}
    data[Kind.MENTION] = "hourly"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    assert "kern-error" in response.content.decode()
    assert not member.notification_preferences.exists()


def test_unsubscribe_asks_first_then_switches_the_kind_off(client, member):
    token = unsubscribe_token(user=member, kinds=[Kind.MENTION])
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    assert not member.notification_preferences.exists()  # a mail scanner's GET changes nothing
    assert client.post(url).status_code == 200
    assert member.notification_preferences.get(kind=Kind.MENTION).frequency == Frequency.OFF


def test_one_click_unsubscribe_works_without_a_session_or_csrf_token(member):
    from django.test import Client

    token = unsubscribe_token(user=member, kinds=[Kind.ANNOUNCEMENT, Kind.NETWORK_POST])
    response = Client(enforce_csrf_checks=True).post(
        reverse("notifications:unsubscribe", args=[token]),
        {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert set(member.notification_preferences.values_list("kind", flat=True)) == {
        Kind.ANNOUNCEMENT, Kind.NETWORK_POST}


@pytest.mark.parametrize("token", ["kaputt", "eyJ1IjoxLCJrIjpbIm1lbnRpb24iXX0:forged:sig"])
def test_a_forged_unsubscribe_link_is_a_404(client, member, token):
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404


def test_an_unsubscribe_link_for_a_deactivated_person_is_a_404(client):
    person = UserFactory(is_active=False)
    token = unsubscribe_token(user=person, kinds=[Kind.MENTION])
    assert client.get(reverse("notifications:unsubscribe", args=[token])).status_code == 404
