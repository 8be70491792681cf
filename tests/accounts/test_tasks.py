"""Invitation e-mails (DESIGN §5): sent after commit, once, only while the invitation is open."""

import re

import pytest
from django.core import mail

from intranet.accounts.models import Invitation
from intranet.accounts.services import (
    invitation_create,
    invitation_from_token,
    invitation_resend,
    invitation_revoke,
)
from intranet.accounts.tasks import send_invitation_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(coordinator, city, django_capture_on_commit_callbacks):
    def create(email="neu@bochum.example", name="Nora Neu"):
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(inviter=coordinator, email=email, name=name,
                                     organisation=city, roles=["member"])

    return create


def test_invitation_is_sent_once_after_commit(invite):
    invitation = invite()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@bochum.example"]
    assert "Stadt Bochum" in message.subject
    assert "Nora Neu" in message.body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_invitation_is_not_sent_when_the_transaction_rolls_back(
        coordinator, city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_create(inviter=coordinator, email="neu@bochum.example", name="Nora Neu",
                          organisation=city, roles=["member"])
    assert len(callbacks) == 1  # queued for after the commit, not sent inside the transaction
    assert mail.outbox == []


def test_sending_the_same_invitation_twice_sends_one_email(invite):
    invitation = invite()
    sent_at = Invitation.objects.get(pk=invitation.pk).sent_at

    assert send_invitation_email.delay(invitation.pk).get() is False
    assert send_invitation_email(invitation.pk) is False

    assert len(mail.outbox) == 1
    assert Invitation.objects.get(pk=invitation.pk).sent_at == sent_at


def test_the_link_in_the_email_opens_the_invitation(invite):
    invitation = invite()
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation_from_token(token) == invitation


def test_resending_sends_a_new_link_and_the_old_one_stops_working(invite, coordinator,
                                                                   django_capture_on_commit_callbacks):
    invitation = invite()
    old_link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, actor=coordinator)
    assert len(mail.outbox) == 2
    new_link = re.search(r"https?://\S+", mail.outbox[1].body).group(0)
    assert new_link != old_link
    assert invitation_from_token(old_link.rstrip("/").rsplit("/", 1)[-1]) is None
    assert invitation_from_token(new_link.rstrip("/").rsplit("/", 1)[-1]) == invitation


def test_a_revoked_invitation_is_not_sent(coordinator, city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_create(inviter=coordinator, email="neu@bochum.example",
                                       name="Nora Neu", organisation=city, roles=["member"])
    invitation_revoke(invitation=invitation, actor=coordinator)
    for callback in callbacks:
        callback()  # the queued send runs only now, after the revocation
    assert mail.outbox == []
    assert Invitation.objects.get(pk=invitation.pk).sent_at is None


def test_a_missing_invitation_is_skipped():
    assert send_invitation_email(999_999) is False
    assert mail.outbox == []
