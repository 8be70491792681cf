"""No account enumeration (issue 8, item 2): an unknown account and a wrong password get the
same answer at sign-in and at the password reset, and take about as long with the
production password hasher (Argon2). The lockout's sameness is in test_accounts_throttling.
"""

import statistics
import time

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD
from tests.helpers import comparable_body

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"
UNKNOWN = "niemand@bochum.example"
WRONG = "falsch-falsch-falsch"
ROUNDS = 7
# Argon2 costs tens of milliseconds; without the dummy hash for unknown accounts, they would
# answer several times faster. A shared CI machine jitters, so the bound is generous.
SENSIBLE_FACTOR = 2.0


def _login(client, email, ip):
    return client.post(LOGIN, {"login": email, "password": WRONG}, REMOTE_ADDR=ip)


def test_unknown_account_and_wrong_password_get_the_same_page(client, member):
    wrong = _login(client, member.email, "10.1.0.1")
    unknown = _login(client, UNKNOWN, "10.1.0.1")
    assert wrong.status_code == unknown.status_code == 200
    # The form shows back what was typed; everything else is the same.
    assert comparable_body(wrong).replace(member.email, "EMAIL") == comparable_body(
        unknown).replace(UNKNOWN, "EMAIL")


def test_the_password_reset_looks_the_same_for_unknown_accounts(client, member):
    known = client.post("/konto/password/reset/", {"email": member.email}, follow=True)
    unknown = client.post("/konto/password/reset/", {"email": UNKNOWN}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert comparable_body(known).replace(member.email, "EMAIL") == comparable_body(
        unknown).replace(UNKNOWN, "EMAIL")


def _seconds(client, email, ip):
    started = time.perf_counter()
    response = _login(client, email, ip)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    return elapsed


def test_unknown_accounts_take_about_as_long_as_wrong_passwords(client, member, settings):
    from intranet.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    member.set_password(PASSWORD)  # stored with Argon2 now, as in production
    member.save(update_fields=["password"])
    assert member.password.startswith("argon2")
    _seconds(client, UNKNOWN, "10.2.0.1")  # warm-up: imports, templates
    known, unknown = [], []
    # Alternating, each from its own address so that no lock answers early.
    for attempt in range(ROUNDS):
        known.append(_seconds(client, member.email, f"10.2.1.{attempt}"))
        unknown.append(_seconds(client, UNKNOWN, f"10.2.2.{attempt}"))
        cache.clear()
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    factor = max(known_median, unknown_median) / min(known_median, unknown_median)
    measured = (f"median of {ROUNDS}: wrong password {known_median * 1000:.1f} ms, "
                f"unknown account {unknown_median * 1000:.1f} ms, factor {factor:.2f}")
    print(measured)  # shown with pytest -s
    assert factor < SENSIBLE_FACTOR, measured
