"""Schemathesis against our OpenAPI schema (issue 8, input): every operation, as an
outsider and as a member, with generated valid and invalid requests. No 500 anywhere,
responses as the schema says, an invalid write stores nothing, and nothing the outsider
receives carries the canary or the address of the confidential network's content."""

import datetime
import json

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from board.services import comment_create, post_create
from intranet.accounts.services import api_token_create
from intranet.events.models import Audience, Kind
from intranet.events.services import event_create
from networks.models import Visibility
from networks.services import membership_invite, membership_join, network_found, task_create
from tests.trust.fuzz_support import FUZZ, changed_tables, row_counts

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-fuzz-api-4b1d"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Each operation is tried with a handful of cases per persona and mode, so the whole
# walk stays near two minutes on this machine.
EXAMPLES_PER_OPERATION = 6


@pytest.fixture
def secrets_of_a_confidential_network(coordinator, member, service_staff):
    """A confidential network the member belongs to and the outsider does not, with a post,
    a comment, a task and a meeting: the canary in each."""
    network = network_found(founder=coordinator, name=f"Runde {CANARY}",
                            mandate=f"Auftrag {CANARY}", visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    post = post_create(author=member, title=f"Beitrag {CANARY}", body=f"Text {CANARY}",
                       category="request", audience="network", network=network)
    comment_create(post=post, author=member, body=f"Kommentar {CANARY}")
    task = task_create(network=network, actor=coordinator, title=f"Aufgabe {CANARY}")
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=5)
    event = event_create(actor=coordinator, kind=Kind.NETWORK, network=network,
                         audience=Audience.NETWORK, title=f"Treffen {CANARY}", start=start,
                         end=start + datetime.timedelta(hours=2))
    # Indexed, so that search is one more door the canary could leak through.
    call_command("rebuild_index", interactive=False, verbosity=0)
    return {"network": network, "post": post, "task": task, "event": event}


def private_markers(secrets) -> list[str]:
    """Strings that only someone who sees the confidential network may receive."""
    return [CANARY, secrets["network"].slug, f"/api/v1/posts/{secrets['post'].pk}/",
            f"/brett/{secrets['post'].pk}/", f"/api/v1/tasks/{secrets['task'].pk}/",
            f"/termine/{secrets['event'].pk}/", f"/api/v1/events/{secrets['event'].pk}/"]


@pytest.fixture
def connection_kept_between_requests():
    """The real WSGI handler closes the database connection after each request; inside a
    test's transaction on PostgreSQL that ends the test. Django's test client avoids it the
    same way: by not listening for the request signals meanwhile."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def load_schema(token: str):
    from intranet.wsgi import application

    return schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, headers={"Authorization": f"Bearer {token}"})


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def _body_text(response) -> str:
    return response.content.decode("utf-8", "replace") if response.content else ""


def exercise(operation, token: str, *, forbidden: list[str], failures: list[str]):
    headers = {"Authorization": f"Bearer {token}"}
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(FUZZ, max_examples=EXAMPLES_PER_OPERATION)
    @given(case=strategy)
    def attempt(case):  # noqa: C901 - one case, every check in a row
        before = row_counts()
        response = case.call(headers=headers)
        label = f"{case.method} {case.formatted_path} {case.body!r:.200}"
        checks = [not_a_server_error]
        if response.status_code < 400:
            checks.append(response_schema_conformance)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (AssertionError, FailureGroup) as failure:
            failures.append(f"{label}: {str(failure)[:400]}")
        if case.method.upper() in WRITES and response.status_code >= 400:
            changed = changed_tables(before, row_counts())
            if changed:
                failures.append(f"{label}: refused with {response.status_code} but wrote "
                                f"{changed}")
        text = _body_text(response)
        leaked = [marker for marker in forbidden if marker in text]
        if leaked:
            failures.append(f"{label}: leaked {leaked}")

    attempt()


@pytest.mark.parametrize("persona", ["outsider", "member"])
def test_the_api_answers_generated_requests_without_a_500_a_leak_or_a_stray_write(
        persona, request, secrets_of_a_confidential_network, connection_kept_between_requests):
    user = request.getfixturevalue(persona)
    _token, raw = api_token_create(user=user, name="fuzz")
    schema = load_schema(raw)
    forbidden = private_markers(secrets_of_a_confidential_network) if persona == "outsider" \
        else []
    failures: list[str] = []
    ops = operations(schema)
    assert len(ops) >= 20  # the walk sees the API, not an empty or refused schema
    for operation in ops:
        exercise(operation, raw, forbidden=forbidden, failures=failures)
    assert failures == [], "\n".join(failures)


def test_the_leak_check_is_not_blind(client, member, secrets_of_a_confidential_network):
    """The member's own answers carry the markers the outsider's must not."""
    _token, raw = api_token_create(user=member, name="fuzz")
    response = client.get("/api/v1/posts/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    markers = private_markers(secrets_of_a_confidential_network)
    assert [marker for marker in markers if marker in response.content.decode()]


# --- Regressions found by the fuzzing -------------------------------------------------------

def _post_json(client, token, path, data):
    return client.post(path, data=json.dumps(data), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_a_post_expiring_at_the_edge_of_time_is_answered_without_a_500(client, member, when):
    _token, raw = api_token_create(user=member, name="fuzz")
    before = row_counts()
    response = _post_json(client, raw, "/api/v1/posts/", {
        "title": "Randfall", "body": "Text", "category": "request", "expires_at": when})
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert changed_tables(before, row_counts()) == {}
        assert "expires_at" in response.json()


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_an_event_at_the_edge_of_time_is_refused_at_its_field(client, service_staff, when):
    _token, raw = api_token_create(user=service_staff, name="fuzz")
    before = row_counts()
    response = _post_json(client, raw, "/api/v1/events/", {
        "kind": "coordinators", "title": "Randfall", "start": when, "end": when})
    assert response.status_code == 400
    assert changed_tables(before, row_counts()) == {}


def test_a_nul_character_in_a_post_is_refused_at_its_field(client, member):
    _token, raw = api_token_create(user=member, name="fuzz")
    before = row_counts()
    response = _post_json(client, raw, "/api/v1/posts/", {
        "title": "Null\x00Byte", "body": "Text\x00", "category": "request"})
    assert response.status_code == 400
    assert changed_tables(before, row_counts()) == {}


@pytest.mark.parametrize("when", ["0301-12-18T09:04:20+18:23", "0001-01-01T00:00:00"])
def test_an_event_filter_time_postgresql_cannot_hold_is_refused_with_400(client, member, when):
    _token, raw = api_token_create(user=member, name="fuzz")
    response = client.get("/api/v1/events/", {"to": when, "from": when},
                          HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400


def test_an_event_filter_time_with_an_offset_still_finds_the_events(
        client, member, secrets_of_a_confidential_network):
    _token, raw = api_token_create(user=member, name="fuzz")
    response = client.get("/api/v1/events/", {"from": "2001-01-01T00:00:00+23:59"},
                          HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("name", ["network", "topic", "organisation", "category"])
def test_a_nul_character_in_a_board_filter_is_a_400(client, member, name):
    _token, raw = api_token_create(user=member, name="fuzz")
    response = client.get("/api/v1/posts/", {name: "a\x00b"},
                          HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
    assert name in response.json()
