"""The password policy holds on every door where a password is set (issue 8, item 2): at
least 12 characters, no common password, refused with a German message and nothing saved.

The doors: accepting an invitation, changing one's password, the reset link, and the Django
admin's "set password" and the Wagtail admin's user form.
"""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model

from intranet.accounts import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOO_SHORT = "Kurz-7!"
COMMON = "password1234"
GOOD = "Schwammstadt-Baumrigole-42"
SHORT_DE = "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten."
COMMON_DE = "Dieses Passwort ist zu üblich."
WEAK = [(TOO_SHORT, SHORT_DE), (COMMON, COMMON_DE)]


def _still_has_old_password(user) -> bool:
    user.refresh_from_db()
    return user.check_password(PASSWORD)


@pytest.mark.parametrize(("weak", "german"), WEAK)
def test_accepting_an_invitation_refuses_a_weak_password(client, coordinator, weak, german):
    invitation = services.invitation_create(
        inviter=coordinator, email="neu@bochum.example", name="Nina Neu",
        organisation=coordinator.organisation, roles=["member"])
    path = f"/einladung/{services.invitation_token(invitation)}/"
    response = client.post(path, {"name": "Nina Neu", "password1": weak, "password2": weak})
    assert response.status_code == 200
    assert german in response.content.decode()
    assert not get_user_model().objects.filter(email="neu@bochum.example").exists()
    accepted = client.post(path, {"name": "Nina Neu", "password1": GOOD, "password2": GOOD})
    assert accepted.status_code == 302


@pytest.mark.parametrize(("weak", "german"), WEAK)
def test_changing_ones_password_refuses_a_weak_one(client_for, member, weak, german):
    response = client_for(member).post("/konto/password/change/", {
        "oldpassword": PASSWORD, "password1": weak, "password2": weak})
    assert response.status_code == 200
    assert german in response.content.decode()
    assert _still_has_old_password(member)


def _reset_form_path(client, user) -> str:
    key = default_token_generator.make_token(user)
    start = client.get(f"/konto/password/reset/key/{user_pk_to_url_str(user)}-{key}/")
    # allauth keeps the key in the session and shows the form under a neutral address.
    return start["Location"] if start.status_code == 302 else start.request["PATH_INFO"]


@pytest.mark.parametrize(("weak", "german"), WEAK)
def test_the_reset_link_refuses_a_weak_password(client, member, weak, german):
    path = _reset_form_path(client, member)
    response = client.post(path, {"password1": weak, "password2": weak})
    assert response.status_code == 200
    assert german in response.content.decode()
    assert _still_has_old_password(member)
    done = client.post(path, {"password1": GOOD, "password2": GOOD})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(GOOD)


@pytest.mark.parametrize(("weak", "german"), WEAK)
def test_the_django_admin_refuses_to_set_a_weak_password(client_for, admin, member, weak,
                                                         german):
    path = f"/django-admin/accounts/user/{member.pk}/password/"
    response = client_for(admin).post(path, {
        "password1": weak, "password2": weak, "usable_password": "true"})
    assert response.status_code == 200
    assert german in response.content.decode()
    assert _still_has_old_password(member)


@pytest.mark.parametrize(("weak", "german"), WEAK)
def test_the_wagtail_admin_refuses_to_set_a_weak_password(client_for, admin, member, weak,
                                                          german):
    client = client_for(admin)
    path = f"/cms/users/edit/{member.pk}/"
    page = client.get(path)
    assert page.status_code == 200
    form = page.context["form"]
    fields = {name: form[name].value() for name in form.fields
              if form[name].value() not in (None, False)}
    fields.update({"password1": weak, "password2": weak})
    response = client.post(path, fields)
    assert response.status_code == 200
    assert german in response.content.decode()
    assert _still_has_old_password(member)
