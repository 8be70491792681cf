"""Sign-in doors: throttling per person and address, no enumeration, second factor."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse

from intranet.accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.helpers import comparable_body

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"


def _login(client, email, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_right_password_signs_in(client, member):
    response = _login(client, member.email, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_and_unknown_account_get_the_same_answer(client, member):
    wrong = _login(client, member.email, "falsch-falsch-falsch")
    unknown = _login(client, "niemand@nirgends.example", "falsch-falsch-falsch")
    assert wrong.status_code == unknown.status_code == 200

    def message(response):
        return [str(e) for e in response.context["form"].non_field_errors()]

    assert message(wrong) == message(unknown) != []


def test_five_failures_lock_that_person_at_that_address_only(client, member, city):
    colleague = UserFactory(organisation=city, email="kollegin@bochum.example")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, member.email, "falsch-falsch-falsch")
    locked = _login(client, member.email, PASSWORD)
    assert locked.status_code == 429
    assert "/konto/" not in locked.get("Location", "")
    # The colleague in the same city hall, behind the same address, still gets in.
    assert _login(client, colleague.email, PASSWORD).status_code == 302
    client.logout()
    # The locked person gets in from another address.
    assert _login(client, member.email, PASSWORD, ip="10.0.0.2").status_code == 302


def test_lockout_looks_the_same_for_unknown_accounts(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "niemand@nirgends.example", "falsch-falsch-falsch")
        _login(client, member.email, "falsch-falsch-falsch")
    unknown = _login(client, "niemand@nirgends.example", "x")
    known = _login(client, member.email, "x")
    assert unknown.status_code == known.status_code == 429
    assert comparable_body(unknown) == comparable_body(known)


def test_there_is_no_open_sign_up(client):
    client.post("/konto/signup/", {"email": "neu@example.org", "password1": PASSWORD,
                                   "password2": PASSWORD})
    assert not User.objects.filter(email="neu@example.org").exists()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from intranet.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_short_and_common_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("kurz", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)


@pytest.mark.parametrize("role", ["admin", "service"])
def test_admins_and_service_staff_must_set_up_a_second_factor(client_for, city, role):
    person = UserFactory(organisation=city, roles=[role])
    client = client_for(person)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/api/v1/me/").status_code == 403


def test_members_need_no_second_factor(client_for, member):
    assert client_for(member).get(reverse("home")).status_code == 200


def test_password_alone_does_not_sign_in_someone_with_a_second_factor(client, admin):
    response = _login(client, admin.email, PASSWORD)
    assert response.status_code == 302
    assert "/konto/2fa/authenticate/" in response["Location"]
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(LOGIN)


@pytest.mark.parametrize("path", ["/django-admin/login/", "/cms/login/", "/wissen/_util/login/"])
def test_admin_login_doors_lead_to_the_one_sign_in(client, admin, path):
    response = client.get(path + "?next=/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    # A direct POST of credentials to the old door signs nobody in.
    client.post(path, {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_admin_area_requires_the_admin_role(client_for, member, admin):
    assert client_for(member).get("/django-admin/").status_code == 302
    assert client_for(admin).get("/django-admin/").status_code == 200
    assert client_for(admin).get("/cms/").status_code == 200


def test_session_and_csrf_cookies_are_http_only():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_totp_authenticator_counts_as_second_factor(client_for, city):
    person = UserFactory(organisation=city, roles=["service"])
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    assert client_for(person).get(reverse("home")).status_code == 200


def test_password_reset_sends_a_link_only_to_a_known_address(
        client, member, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/konto/password/reset/", {"email": member.email})
        unknown = client.post("/konto/password/reset/", {"email": "niemand@nirgends.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert "/konto/password/reset/key/" in by_recipient[member.email]
    # An unknown address may be told that it has no account, but never gets a link.
    assert "/konto/password/reset/key/" not in by_recipient.get("niemand@nirgends.example", "")
