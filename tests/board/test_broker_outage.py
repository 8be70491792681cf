"""With the broker away, posting still works at once, and nothing is lost or doubled when it
returns (DESIGN §5)."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from board.models import Post, PostEvent
from board.tasks import fan_out_post_events
from intranet.notifications.models import Frequency, Kind, Notification
from intranet.notifications.services import preferences_update
from intranet.notifications.tasks import dispatch_notifications
from tests.helpers import celery_broker_unreachable as broker_unreachable

pytestmark = pytest.mark.django_db


def test_posting_with_the_broker_down_is_quick_and_loses_nothing(
        client_for, coordinator, member, outsider, django_capture_on_commit_callbacks):
    for person in (member, outsider):
        preferences_update(user=person, frequencies={Kind.ANNOUNCEMENT: Frequency.IMMEDIATELY})
    client = client_for(coordinator)
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(reverse("board:create"), {
            "title": "Trotz Störung", "body": "Text", "category": "announcement",
            "audience": "platform"})
        took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 2, f"posting took {took:.2f} s with the broker down"
    post = Post.objects.get(title="Trotz Störung")
    assert PostEvent.objects.filter(post=post, fanned_out_at__isnull=True).exists()
    assert not Notification.objects.filter(post=post).exists()

    # The broker is back: the periodic sweeps run (here in-process, as eager tasks).
    mail.outbox.clear()
    fan_out_post_events.delay()
    dispatch_notifications.delay()
    for person in (member, outsider):
        assert Notification.objects.filter(post=post, recipient=person).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, outsider.email])

    # Running the sweeps again sends nothing more.
    fan_out_post_events.delay()
    dispatch_notifications.delay()
    assert Notification.objects.filter(post=post).count() == 2
    assert len(mail.outbox) == 2


def test_commenting_with_the_broker_down_still_works(client_for, coordinator, member,
                                                     django_capture_on_commit_callbacks):
    from board.services import post_create

    post = post_create(author=coordinator, title="Frage", body="?", category="request")
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(reverse("board:detail", args=[post.pk]),
                                           {"body": "Antwort"})
    assert response.status_code == 302
    assert post.comments.count() == 1
