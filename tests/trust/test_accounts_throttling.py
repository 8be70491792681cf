"""Every sign-in door is throttled per (person, address) with the production limits
(issue 8, item 2): five failures lock that pair for a while, a colleague behind the same
address and the same person from another address still get in, and no door tells whether
an account exists."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from intranet.accounts import services
from tests.factories import PASSWORD, UserFactory
from tests.helpers import comparable_body

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"
MFA = "/konto/2fa/authenticate/"
WRONG = "falsch-falsch-falsch"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the personas' second factor (tests/conftest.py)


@pytest.fixture(autouse=True)
def production_limits(settings):
    """The test settings switch allauth's rate limits off for speed; here they are on, as in
    production, beside django-axes."""
    from intranet.settings import base

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip, **extra)


def _signed_in(client):
    return "_auth_user_id" in client.session


def _fail(client, email, times=settings.AXES_FAILURE_LIMIT, ip="10.0.0.1", **extra):
    for _ in range(times):
        response = _login(client, email, WRONG, ip=ip, **extra)
        assert response.status_code in (200, 429) and not _signed_in(client)


def test_five_wrong_passwords_lock_that_person_at_that_address(client, member):
    _fail(client, member.email)
    locked = _login(client, member.email, PASSWORD)
    assert locked.status_code in (200, 429)
    assert not _signed_in(client)


def test_a_colleague_behind_the_same_address_still_gets_in(client, member, city):
    colleague = UserFactory(organisation=city, email="kollegin@bochum.example")
    _fail(client, member.email)
    assert _login(client, colleague.email, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_locked_person_still_gets_in_from_another_address(client, member):
    _fail(client, member.email)
    assert _login(client, member.email, PASSWORD, ip="10.0.0.2").status_code == 302
    assert _signed_in(client)


def test_the_lock_ends_after_the_cool_off(client, member):
    from axes.models import AccessAttempt

    _fail(client, member.email)
    assert not _signed_in(client) and _login(client, member.email, PASSWORD).status_code != 302
    # The cool-off has passed: axes' attempts have aged and allauth's window is over.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time
                                 - settings.AXES_COOLOFF_TIME)
    cache.clear()
    assert _login(client, member.email, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, member):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, member.email, WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    response = _login(client, member.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code != 302 and not _signed_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_axes_lock_alone(
        client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, member)


def test_locked_known_and_unknown_accounts_look_the_same(client, member):
    _fail(client, member.email)
    _fail(client, "niemand@nirgends.example")
    known = _login(client, member.email, WRONG)
    unknown = _login(client, "niemand@nirgends.example", WRONG)
    assert known.status_code == unknown.status_code
    # The form shows back what was typed; everything else is the same.
    assert comparable_body(known).replace(member.email, "EMAIL") == comparable_body(
        unknown).replace("niemand@nirgends.example", "EMAIL")


def _code(offset=0):
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30 + offset))


def _wrong_code():
    valid = {_code(offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_guessing_the_second_factor_is_throttled(client, admin):
    assert _login(client, admin.email, PASSWORD).status_code == 302
    for _ in range(5):
        assert client.post(MFA, {"code": _wrong_code()}).status_code == 200
    # After five wrong codes even the right one is refused for a while.
    response = client.post(MFA, {"code": _code()})
    assert response.status_code == 200 and not _signed_in(client)
    assert response.context["form"].errors


def test_the_right_second_factor_code_signs_in(client, admin):
    _login(client, admin.email, PASSWORD)
    client.post(MFA, {"code": _wrong_code()})
    assert client.post(MFA, {"code": _code()}).status_code == 302
    assert _signed_in(client)


def _reset(client, email, ip="10.0.0.1"):
    return client.post("/konto/password/reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_requests_are_throttled_per_address_and_account(
        client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_reset(client, member.email).status_code for _ in range(6)]
    links = [message for message in mail.outbox if message.to == [member.email]]
    assert 1 <= len(links) <= 3, answers
    assert answers[-1] in (200, 302, 429)


def test_password_reset_answers_the_same_for_unknown_accounts(client, member):
    known = _reset(client, member.email)
    unknown = _reset(client, "niemand@nirgends.example", ip="10.0.0.9")
    assert known.status_code == unknown.status_code
    assert known.get("Location") == unknown.get("Location")


@pytest.mark.parametrize("door", ["/cms/login/", "/django-admin/login/", "/admin/login/",
                                  "/wissen/_util/login/"])
def test_a_direct_post_to_an_admin_login_signs_nobody_in(client, city, door):
    # An admin without a second factor would be the prize: a password alone.
    bare_admin = UserFactory(organisation=city, roles=["admin"], email="bare@bochum.example")
    for fields in ({"username": bare_admin.email, "password": PASSWORD},
                   {"login": bare_admin.email, "password": PASSWORD}):
        response = client.post(door + "?next=/cms/", fields)
        assert response.status_code in (301, 302, 405)
        assert response.get("Location", LOGIN).startswith(LOGIN)
        assert not _signed_in(client)


@pytest.mark.parametrize("area", ["/cms/", "/django-admin/"])
def test_an_admin_without_second_factor_is_sent_to_set_it_up_before_the_admin(
        client, city, area):
    bare_admin = UserFactory(organisation=city, roles=["admin"], email="bare@bochum.example")
    assert _login(client, bare_admin.email, PASSWORD).status_code == 302
    response = client.get(area)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def _api(client, token, path="/api/v1/me/"):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_wrong_api_tokens_never_tell_which_exist(client, member, city):
    _, raw = services.api_token_create(user=member, name="Skript")
    revoked, revoked_raw = services.api_token_create(user=member, name="Alt")
    services.api_token_revoke(token=revoked, actor=member)
    gone = UserFactory(organisation=city, email="weg@bochum.example")
    _, gone_raw = services.api_token_create(user=gone, name="Weg")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    unknown = _api(client, "kw_" + "x" * 43)
    for value in (revoked_raw, gone_raw, "kw_", "Bearer"):
        answer = _api(client, value)
        assert answer.status_code == unknown.status_code == 401
        assert answer.json() == unknown.json()
    assert _api(client, raw).status_code == 200


def test_api_tokens_are_too_long_to_guess(member):
    # 32 random bytes: guessing one needs about 2**255 tries, so wrong tokens need no lock
    # of their own (they are answered alike, above, and never reach a view).
    _, raw = services.api_token_create(user=member, name="Skript")
    assert len(raw) - len(services.API_TOKEN_PREFIX) >= 43


def test_forged_invitation_links_look_like_revoked_ones(client, coordinator):
    invitation = services.invitation_create(
        inviter=coordinator, email="neu@bochum.example", name="Nina Neu",
        organisation=coordinator.organisation, roles=["member"])
    revoked_path = f"/einladung/{services.invitation_token(invitation)}/"
    services.invitation_revoke(invitation=invitation, actor=coordinator)
    forged_path = "/einladung/eyJpIjoxLCJuIjoieCJ9:1abc:xyz/"
    revoked, forged = client.get(revoked_path), client.get(forged_path)
    assert revoked.status_code == forged.status_code == 404
    assert comparable_body(revoked, revoked_path) == comparable_body(forged, forged_path)
    # A POST of a password to a forged link creates nobody.
    client.post(forged_path, {"name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert not _signed_in(client)
