"""Sessions (issue 8, item 2): a new key at every step of signing in, sign-out only by POST
and for good, and a sign-out after a while without activity."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from intranet.accounts.middleware import IDLE_STAMP_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the personas' second factor (tests/conftest.py)


def _session_key(client):
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def _current_code():
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(TOTP_SECRET, counter))


def _with_anonymous_session(client):
    """A session that exists before signing in, as an attacker could plant one."""
    client.get(LOGIN)
    session = client.session
    session["planted"] = "by-someone-else"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def test_signing_in_gives_a_new_session_key(client, member):
    before = _with_anonymous_session(client)
    response = client.post(LOGIN, {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    after = _session_key(client)
    assert after and after != before
    # The key a third party could have planted before is gone for good.
    assert not Session.objects.filter(session_key=before).exists()


def test_completing_the_second_factor_gives_another_new_session_key(client, admin):
    before = _with_anonymous_session(client)
    client.post(LOGIN, {"login": admin.email, "password": PASSWORD})
    between = _session_key(client)
    assert "_auth_user_id" not in client.session
    response = client.post("/konto/2fa/authenticate/", {"code": _current_code()})
    assert response.status_code == 302, response.content.decode()[:500]
    after = _session_key(client)
    assert str(client.session["_auth_user_id"]) == str(admin.pk)
    # The person is signed in only now, under a key nobody saw before the second factor.
    assert after not in (before, between)
    assert not Session.objects.filter(session_key__in=[before, between]).exists()


def test_sign_out_by_get_does_not_sign_out(client_for, member):
    client = client_for(member)
    client.get(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_by_post_ends_the_session_and_its_cookie_stops_working(client_for, member):
    client = client_for(member)
    old_key = _session_key(client)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    # Someone who copied the old cookie does not get in with it.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    home = replay.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(LOGIN)


def _age_last_activity(client, seconds):
    session = client.session
    session[IDLE_STAMP_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_timeout_is_120_minutes_unless_configured():
    from intranet.settings import base

    assert base.SESSION_IDLE_TIMEOUT_MINUTES == 120


def test_a_person_active_within_the_idle_timeout_stays_signed_in(client_for, member):
    client = client_for(member)
    client.get(reverse("home"))
    _age_last_activity(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 60)
    assert client.get(reverse("home")).status_code == 200


def test_after_the_idle_timeout_one_is_signed_out_and_told_why_in_german(client_for, member):
    client = client_for(member)
    client.get(reverse("home"))
    _age_last_activity(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    sign_in = client.get(response["Location"])
    assert sign_in.status_code == 200
    # German once the integrator's catalogue has it: "Sie wurden nach 120 Minuten ohne
    # Aktivität abgemeldet."
    with translation.override("de"):
        told = gettext("You were signed out after %(minutes)s minutes without activity.") % {
            "minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES}
    assert told in [str(message) for message in sign_in.context["messages"]]
    assert told in sign_in.content.decode()


def test_the_idle_timeout_follows_the_setting(client_for, member, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client = client_for(member)
    client.get(reverse("home"))
    _age_last_activity(client, 6 * 60)
    assert client.get(reverse("home")).status_code == 302


def test_the_idle_timeout_signs_out_of_the_session_api_too(client_for, member):
    client = client_for(member)
    client.get(reverse("home"))
    _age_last_activity(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_activity_stamp_is_written_at_most_once_a_minute(client_for, member):
    client = client_for(member)
    client.get(reverse("home"))
    first = client.session[IDLE_STAMP_KEY]
    saved_at = Session.objects.get(session_key=_session_key(client)).expire_date
    for _ in range(3):
        client.get(reverse("home"))
    assert client.session[IDLE_STAMP_KEY] == first
    # The session row was not saved again: its expiry (set at every save) is unchanged.
    assert Session.objects.get(session_key=_session_key(client)).expire_date == saved_at
    _age_last_activity(client, 61)
    client.get(reverse("home"))
    assert client.session[IDLE_STAMP_KEY] >= first


def test_signing_in_starts_the_idle_clock(client, member):
    # So the first page after signing in saves no session (the query counts stay flat).
    client.post(LOGIN, {"login": member.email, "password": PASSWORD})
    assert abs(client.session[IDLE_STAMP_KEY] - time.time()) < 60
