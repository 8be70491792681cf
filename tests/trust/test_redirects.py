"""No open redirect (issue 8, item 2): every door that takes ``next=`` (or a Referer) sends
the person back onto this site, whatever a link someone else wrote says.

The doors, found by grepping for ``next``, ``redirect(`` with request data and
``url_has_allowed_host_and_scheme``: the sign-in (GET and POST, also when already signed
in), the second factor, the sign-out, the old admin logins that lead to the sign-in, the
language switch (``next`` and Referer) and "mark task done" of the meeting records.
"""

import datetime
import time
from urllib.parse import quote, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from intranet.events.models import Kind
from intranet.events.services import decision_create, event_create, event_task_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"
EVIL = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "https:evil.example",
    "/%09/evil.example",
    " //evil.example",
]


def stays_on_site(location: str) -> bool:
    """What a browser makes of the address is on this site: no other host, no script.
    Browsers read a backslash as a slash and drop tabs and leading blanks."""
    seen = location.strip().replace("\\", "/").replace("\t", "")
    parts = urlsplit(seen)
    if parts.scheme not in ("", "http", "https"):
        return False
    # "https:evil.example" is a foreign host for a browser on a page of another scheme.
    if parts.scheme and parts.netloc != "testserver":
        return False
    if parts.netloc not in ("", "testserver"):
        return False
    return not seen.startswith("//") and "evil.example" not in parts.netloc


def test_the_check_itself_catches_each_bad_address():
    assert stays_on_site("/netzwerke/") and stays_on_site("http://testserver/")
    # Those with a %-escape are harmless as written; the doors must not decode them.
    assert not any(stays_on_site(bad) for bad in EVIL if "%" not in bad)


def _query(value: str, raw: bool) -> str:
    # Raw: the address as written in a link (the server decodes %2F once); quoted: the
    # value arrives exactly as given.
    return f"next={value}" if raw else f"next={quote(value, safe='')}"


@pytest.mark.parametrize("evil", EVIL)
@pytest.mark.parametrize("raw", [False, True])
def test_signing_in_with_a_foreign_next_stays_on_site(client, member, evil, raw):
    response = client.post(f"{LOGIN}?{_query(evil, raw)}",
                           {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("evil", EVIL)
def test_a_foreign_next_in_the_sign_in_form_stays_on_site(client, member, evil):
    response = client.post(LOGIN, {"login": member.email, "password": PASSWORD, "next": evil})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("evil", EVIL)
def test_the_sign_in_page_of_a_signed_in_person_stays_on_site(client_for, member, evil):
    response = client_for(member).get(f"{LOGIN}?{_query(evil, raw=True)}")
    assert stays_on_site(response.get("Location", "/")), response.get("Location")


@pytest.mark.parametrize("evil", EVIL)
def test_the_second_factor_keeps_the_next_on_site(client, admin, evil):
    cache.clear()  # allauth remembers used codes for their 30 seconds; each test uses one
    client.post(f"{LOGIN}?{_query(evil, raw=True)}", {"login": admin.email, "password": PASSWORD})
    code = format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", int(time.time()) // 30))
    response = client.post("/konto/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("evil", EVIL)
def test_signing_out_with_a_foreign_next_stays_on_site(client_for, member, evil):
    client = client_for(member)
    response = client.post(reverse("account_logout"), {"next": evil})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("door", ["/cms/login/", "/django-admin/login/", "/admin/login/",
                                  "/wissen/_util/login/"])
@pytest.mark.parametrize("evil", ["//evil.example", "https://evil.example/"])
def test_the_old_admin_logins_pass_next_to_the_one_sign_in_only(client, member, door, evil):
    response = client.get(f"{door}?{_query(evil, raw=True)}")
    assert response.status_code in (301, 302)
    assert response["Location"].startswith(LOGIN)
    signed_in = client.post(response["Location"], {"login": member.email, "password": PASSWORD})
    assert stays_on_site(signed_in["Location"]), signed_in["Location"]


@pytest.mark.parametrize("evil", EVIL)
def test_the_language_switch_stays_on_site(client, evil):
    response = client.post(reverse("set_language"), {"language": "en", "next": evil})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("evil", EVIL)
def test_the_language_switch_ignores_a_foreign_referer(client, evil):
    response = client.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER=evil)
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.fixture
def own_task(service_staff, member):
    start = timezone.now() + datetime.timedelta(days=10)
    event = event_create(actor=service_staff, kind=Kind.COORDINATORS, title="Treffen",
                         start=start, end=start + datetime.timedelta(hours=2),
                         venue="Rathaus Bochum")
    decision = decision_create(event=event, actor=service_staff, title="Leitfaden")
    return event_task_create(actor=service_staff, decision=decision, title="Entwurf",
                             assignee=member)


@pytest.mark.parametrize("evil", EVIL)
def test_marking_a_task_done_stays_on_site(client_for, member, own_task, evil):
    response = client_for(member).post(reverse("events:task_state", args=[own_task.pk]),
                                       {"state": "done", "next": evil})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]
    own_task.refresh_from_db()
    assert own_task.state == "done"
