"""The JSON API of accounts (API.md): me, organisations, topics, people."""

import hashlib
import json
import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.accounts.models import ApiToken, Organisation, Topic
from intranet.accounts.services import api_token_create, api_token_revoke, user_deactivate
from tests.factories import OrganisationFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = ["/api/v1/organisations/", "/api/v1/topics/", "/api/v1/people/"]
ALL_ENDPOINTS = ["/api/v1/me/", *LIST_ENDPOINTS]
PERSON_KEYS = {"id", "name", "organisation", "position", "topics"}


def bearer(raw_key):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


@pytest.fixture
def token_of():
    def create(user, name="Skript der Stadt"):
        _token, raw_key = api_token_create(user=user, name=name)
        return raw_key

    return create


# --- me and authentication ----------------------------------------------------------------

def test_me_with_bearer_token_returns_exactly_the_documented_shape(client, coordinator, token_of):
    klima, hitze = TopicFactory(slug="klima-x", name="AAA Klima"), TopicFactory(slug="hitze-x",
                                                                               name="BBB Hitze")
    coordinator.topics.set([hitze, klima])
    response = client.get("/api/v1/me/", **bearer(token_of(coordinator)))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "id": coordinator.pk,
        "email": "carla@bochum.example",
        "name": "Carla Koordinatorin",
        "organisation": {"slug": "bochum", "name": "Stadt Bochum"},
        "roles": ["coordinator"],
        "topics": ["klima-x", "hitze-x"],  # ordered by name
        "feed_token": coordinator.feed_token,
    }


def test_me_lists_every_role_sorted(client, steering, token_of):
    response = client.get("/api/v1/me/", **bearer(token_of(steering)))
    assert response.json()["roles"] == ["coordinator", "steering"]


def test_me_works_with_the_browser_session(client_for, member):
    response = client_for(member).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["email"] == member.email
    assert response.json()["organisation"] == {"slug": "bochum", "name": "Stadt Bochum"}


def test_bearer_token_records_when_it_was_last_used(client, member, token_of):
    raw_key = token_of(member)
    assert ApiToken.objects.get(user=member).last_used_at is None
    client.get("/api/v1/me/", **bearer(raw_key))
    assert ApiToken.objects.get(user=member).last_used_at is not None


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
def test_no_credentials_get_401_not_a_redirect(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("header", [
    "Bearer",  # no key
    "Bearer kw_one kw_two",  # two keys
    "Bearer kw_thisIsNotAKnownTokenAtAll0123456789abcdefgh",  # unknown key
    "Bearer " + "x" * 500,  # nonsense
])
def test_malformed_or_unknown_token_gets_401(client, member, header):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "email" not in response.content.decode()


def test_unknown_token_does_not_fall_back_to_the_session(client_for, member):
    """A bad token is an error even in a browser that is signed in."""
    response = client_for(member).get("/api/v1/me/", **bearer("kw_unknown"))
    assert response.status_code == 401


def test_revoked_token_gets_401(client, member, token_of):
    raw_key = token_of(member)
    assert client.get("/api/v1/me/", **bearer(raw_key)).status_code == 200
    api_token_revoke(token=ApiToken.objects.get(user=member), actor=member)
    assert client.get("/api/v1/me/", **bearer(raw_key)).status_code == 401


def test_token_of_a_deactivated_person_gets_401(client, member, admin, token_of):
    raw_key = token_of(member)
    user_deactivate(user=member, actor=admin)
    assert client.get("/api/v1/me/", **bearer(raw_key)).status_code == 401


def test_token_of_a_person_deactivated_without_revoking_gets_401(client, member, token_of):
    raw_key = token_of(member)
    member.is_active = False
    member.save(update_fields=["is_active"])  # e.g. through the Django admin
    assert ApiToken.objects.get(user=member).revoked_at is None
    assert client.get("/api/v1/me/", **bearer(raw_key)).status_code == 401


def test_only_the_sha256_of_the_token_is_stored(member):
    token, raw_key = api_token_create(user=member, name="Datenportal")
    row = ApiToken.objects.filter(pk=token.pk).values().get()

    assert row["key_hash"] == hashlib.sha256(raw_key.encode()).hexdigest()
    assert all(raw_key not in str(value) for value in row.values())
    # The prefix that identifies a token in the list is a short start of the key, not the key.
    assert raw_key.startswith(row["prefix"]) and len(row["prefix"]) <= 10 < len(raw_key) - 30


# --- lists: shape, pagination -------------------------------------------------------------

@pytest.mark.parametrize("path", LIST_ENDPOINTS)
def test_lists_have_the_paginated_shape(client_for, member, path):
    response = client_for(member).get(path)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] >= 1
    assert body["previous"] is None


def test_organisations_list_items(client_for, member, service_org):
    body = client_for(member).get("/api/v1/organisations/").json()
    assert body["results"] == [
        {"slug": "bochum", "name": "Stadt Bochum", "kind": "municipality"},
        {"slug": "eglv", "name": "Serviceorganisation", "kind": "service"},
    ]


def test_topics_list_items(client_for, member):
    body = client_for(member).get("/api/v1/topics/").json()
    assert body["count"] == Topic.objects.count() > 0
    assert all(set(item) == {"slug", "name"} for item in body["results"])
    names = [item["name"] for item in body["results"]]
    assert names == sorted(names)


def test_page_size_is_respected_and_next_links_the_following_page(client_for, member):
    client = client_for(member)
    first = client.get("/api/v1/topics/?page_size=4").json()
    assert len(first["results"]) == 4
    assert first["next"] and "page=2" in first["next"] and "page_size=4" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 4
    assert second["previous"]
    assert not {t["slug"] for t in first["results"]} & {t["slug"] for t in second["results"]}


def test_page_size_is_capped_at_100(client_for, member):
    Organisation.objects.bulk_create(
        Organisation(slug=f"ort-{n:03}", name=f"Ort {n:03}") for n in range(120))
    body = client_for(member).get("/api/v1/organisations/?page_size=1000").json()
    assert body["count"] == 121
    assert len(body["results"]) == 100
    assert body["next"]


def test_default_page_size_is_25(client_for, member):
    Organisation.objects.bulk_create(
        Organisation(slug=f"ort-{n:03}", name=f"Ort {n:03}") for n in range(30))
    body = client_for(member).get("/api/v1/organisations/").json()
    assert len(body["results"]) == 25


# --- people ---------------------------------------------------------------------------------

def test_people_items_have_exactly_the_documented_fields_and_no_email(
        client_for, member, coordinator, outsider):
    starkregen = TopicFactory(slug="starkregen-x", name="Starkregen X")
    coordinator.topics.set([starkregen])
    response = client_for(member).get("/api/v1/people/")
    body = response.json()

    assert all(set(item) == PERSON_KEYS for item in body["results"])
    carla = next(item for item in body["results"] if item["id"] == coordinator.pk)
    assert carla == {
        "id": coordinator.pk, "name": "Carla Koordinatorin",
        "organisation": {"slug": "bochum", "name": "Stadt Bochum"},
        "position": "Umweltamt", "topics": ["starkregen-x"],
    }
    content = response.content.decode()
    for person in (member, coordinator, outsider):
        assert person.email not in content
    assert "@" not in content
    assert "feed_token" not in content and member.feed_token not in content


def test_people_never_lists_inactive_people(client_for, member, admin):
    gone = UserFactory(name="Gerda Gegangen", organisation=member.organisation)
    user_deactivate(user=gone, actor=admin)
    client = client_for(member)
    for query in ("", "?q=Gerda", "?organisation=bochum"):
        ids = [item["id"] for item in client.get("/api/v1/people/" + query).json()["results"]]
        assert gone.pk not in ids, query
        assert "Gerda" not in client.get("/api/v1/people/" + query).content.decode()


def test_people_filter_by_q_organisation_and_topic(client_for, member, coordinator, outsider):
    hitze = TopicFactory(slug="hitze-y", name="Hitzeschutz Y")
    outsider.topics.set([hitze])
    coordinator.topics.set([hitze])
    client = client_for(member)

    def ids(query):
        response = client.get("/api/v1/people/" + query)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["results"]}

    assert ids("?q=Otto") == {outsider.pk}
    assert ids("?q=otto+au%C3%9Fen") == {outsider.pk}  # every word must match
    assert ids("?q=Stadt+Essen") == {outsider.pk}  # by organisation name
    assert ids("?organisation=essen") == {outsider.pk}
    assert ids("?organisation=bochum") == {member.pk, coordinator.pk}
    assert ids("?topic=hitze-y") == {outsider.pk, coordinator.pk}
    assert ids("?topic=hitze-y&organisation=bochum") == {coordinator.pk}
    assert ids("?q=Hitzeschutz") == {outsider.pk, coordinator.pk}  # by topic name
    assert ids("?organisation=nirgendwo") == set()
    assert ids("?q=Niemand") == set()


def test_people_with_two_matching_topics_are_listed_once(client_for, member, outsider):
    outsider.topics.set([TopicFactory(slug="gruen-1", name="Grün eins"),
                         TopicFactory(slug="gruen-2", name="Grün zwei")])
    body = client_for(member).get("/api/v1/people/?q=Grün").json()
    assert [item["id"] for item in body["results"]] == [outsider.pk]
    assert body["count"] == 1


def test_people_filter_values_that_are_too_long_are_rejected(client_for, member):
    response = client_for(member).get("/api/v1/people/?organisation=" + "x" * 61)
    assert response.status_code == 400
    assert "organisation" in response.json()


def test_people_list_query_count_does_not_grow_with_people(
        client_for, member, django_assert_num_queries):
    """Signed in with the session; measured at 1 and at 20 people (DESIGN §8)."""
    client = client_for(member)
    # 1. the session, 2. the signed-in person, 3. their roles (second-factor middleware),
    # 4. COUNT for the paginator, 5. the page of people with their organisation (one join),
    # 6. their topics (prefetch).
    with django_assert_num_queries(6):
        body = client.get("/api/v1/people/").json()
    assert body["count"] == 1

    topics = TopicFactory.create_batch(3)
    for n in range(19):
        UserFactory(organisation=OrganisationFactory(), topics=topics[: n % 4])
    with django_assert_num_queries(6):
        body = client.get("/api/v1/people/").json()
    assert body["count"] == 20
    assert len(body["results"]) == 20


def test_people_list_with_a_token_query_count_does_not_grow_with_people(
        client, member, token_of):
    raw_key = token_of(member)
    client.get("/api/v1/people/", **bearer(raw_key))  # first use writes last_used_at once

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/people/", **bearer(raw_key)).status_code == 200
        return len(queries)

    # 1. the token with its person (one join), 2. the caller's roles (second-factor check),
    # 3. COUNT, 4. the page, 5. topics
    at_one = measure()
    for _ in range(19):
        UserFactory(organisation=OrganisationFactory(), topics=TopicFactory.create_batch(2))
    assert measure() == at_one == 5


# --- 404, writes ----------------------------------------------------------------------------

def test_missing_pages_of_different_lists_give_the_same_404_body(client_for, member):
    client = client_for(member)
    bodies = []
    for path in ("/api/v1/people/?page=999", "/api/v1/organisations/?page=999",
                 "/api/v1/topics/?page=abc"):
        response = client.get(path)
        assert response.status_code == 404, path
        bodies.append(response.content)
    assert len(set(bodies)) == 1
    assert set(json.loads(bodies[0])) == {"detail"}


def test_unknown_api_paths_give_the_same_json_404_as_the_api(client_for, client, member, token_of):
    signed_in = client_for(member)
    expected = signed_in.get("/api/v1/people/?page=999")
    for path in ("/api/v1/people/999999/", "/api/v1/gibt-es-nicht/", "/api/v1/networks/x/"):
        response = signed_in.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")
        assert response.content == expected.content, path
    raw_key = token_of(member)
    signed_in.logout()
    with_token = client.get("/api/v1/gibt-es-nicht/", **bearer(raw_key))
    assert with_token.status_code == 404
    assert with_token.content == expected.content


@pytest.mark.parametrize("path", ALL_ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_accounts_api_is_read_only(client, member, token_of, path, method):
    before = (Organisation.objects.count(), Topic.objects.count())
    response = getattr(client, method)(
        path, data={"slug": "neu", "name": "Neu"}, content_type="application/json",
        **bearer(token_of(member)))
    assert response.status_code == 405
    assert (Organisation.objects.count(), Topic.objects.count()) == before


def test_writes_with_the_session_also_get_405_not_a_csrf_bypass(client_for, member):
    response = client_for(member).post("/api/v1/organisations/", data={"slug": "x", "name": "X"})
    assert response.status_code in (403, 405)
    assert not Organisation.objects.filter(slug="x").exists()


# --- schema and docs -------------------------------------------------------------------------

def test_openapi_schema_lists_only_our_api(client_for, member):
    response = client_for(member).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert all(path.startswith("/api/v1/") for path in paths), paths
    assert {"/api/v1/me/", "/api/v1/organisations/", "/api/v1/topics/",
            "/api/v1/people/"} <= paths
    people_params = {p["name"] for p in schema["paths"]["/api/v1/people/"]["get"]["parameters"]}
    assert {"q", "organisation", "topic", "page", "page_size"} <= people_params
    assert "bearerAuth" in json.dumps(schema["components"].get("securitySchemes", {}))


def test_openapi_schema_default_is_yaml(client_for, member):
    response = client_for(member).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/people/:" in response.content


def test_openapi_schema_works_with_a_token(client, member, token_of):
    response = client.get("/api/v1/schema/?format=json", **bearer(token_of(member)))
    assert response.status_code == 200
    assert "/api/v1/me/" in response.json()["paths"]


def test_api_docs_load_every_asset_from_our_static_files(client_for, member):
    response = client_for(member).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3  # css, bundle, standalone preset (and the favicon)
    start_script = "/api/v1/docs/?script="  # served by the view itself: no inline script (CSP)
    for url in assets:
        if url == start_script:
            continue
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not in our static files"
    assert not re.search(r"(?:src|href|url)\s*[=:(]\s*[\"']?(?:https?:)?//", html)
    assert start_script in assets
    assert "/api/v1/schema/" in client_for(member).get(start_script).content.decode()


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/schema/?format=json",
                                  "/api/v1/docs/"])
def test_anonymous_gets_401_and_no_schema(client, path):
    response = client.get(path)
    assert response.status_code == 401
    content = response.content.decode()
    assert "openapi" not in content.lower()
    assert "/api/v1/people/" not in content
    assert "swagger" not in content.lower()


# --- manage.py api_token -------------------------------------------------------------------

def test_api_token_command_prints_a_token_that_works(client, coordinator):
    out = StringIO()
    call_command("api_token", "CARLA@bochum.example", "--name", "Open-Data-Portal", stdout=out)
    raw_key = out.getvalue().strip()

    assert raw_key.startswith("kw_") and "\n" not in raw_key
    token = ApiToken.objects.get(user=coordinator)
    assert token.name == "Open-Data-Portal"
    response = client.get("/api/v1/me/", **bearer(raw_key))
    assert response.status_code == 200
    assert response.json()["id"] == coordinator.pk


def test_a_token_is_no_way_around_the_second_factor(client, city):
    from intranet.accounts.services import api_token_create
    from tests.factories import UserFactory

    person = UserFactory(organisation=city, roles=["service"])
    _token, key = api_token_create(user=person, name="Skript")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
