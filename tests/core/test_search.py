"""The one search (/suche/ and the API): what the index finds is checked again through
each kind's selector, so nobody finds what they may not see (DESIGN §3, §4)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from board.services import post_create, post_hide
from networks.models import Membership, Visibility
from networks.permissions import forget_grants
from networks.services import (
    membership_invite,
    membership_join,
    membership_remove,
    network_found,
)

pytestmark = pytest.mark.django_db

CANARY = "Kanarienvogelrigole"


@pytest.fixture
def world(coordinator, member, city):
    secret = network_found(founder=coordinator, name="Verschwiegene Runde", mandate="Intern",
                           visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=secret, user=member, actor=coordinator)
    membership_join(network=secret, user=member)
    forget_grants(member)
    posts = {
        "public": post_create(author=coordinator, title="Starkregenvorsorge in Bochum",
                              body="Wir bauen Baumrigolen.", category="offer"),
        "secret": post_create(author=coordinator, title=f"Geheim {CANARY}",
                              body=f"Nur für uns: {CANARY}", category="request",
                              audience="network", network=secret),
        "city": post_create(author=coordinator, title="Nur für Bochum", category="offer",
                            body=f"Stadtintern {CANARY}", audience="cities", cities=[city]),
    }
    call_command("rebuild_index", interactive=False, verbosity=0)
    return secret, posts


def _titles(client, q, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return [hit.title for hit in response.context["page"]], response


def test_a_compound_part_finds_the_post(client_for, outsider, world):
    titles, response = _titles(client_for(outsider), "Starkregen")
    assert titles == ["Starkregenvorsorge in Bochum"]
    assert "<mark>" in response.content.decode()


def test_members_find_their_networks_posts_others_never(client_for, member, outsider,
                                                        steering, world):
    member_titles, _ = _titles(client_for(member), CANARY)
    assert f"Geheim {CANARY}" in member_titles
    for stranger in (outsider, steering):
        titles, response = _titles(client_for(stranger), CANARY)
        assert not any("Geheim" in title for title in titles)
        assert "Verschwiegene" not in response.content.decode()


def test_posts_for_a_city_are_found_only_there(client_for, member, outsider, world):
    assert "Nur für Bochum" in _titles(client_for(member), "Stadtintern")[0]
    titles, response = _titles(client_for(outsider), "Stadtintern")
    assert titles == [] and CANARY not in response.content.decode()


def test_a_removed_member_finds_nothing_more_even_before_the_index_changes(
        client_for, coordinator, member, world):
    secret, _posts = world
    membership_remove(membership=Membership.objects.get(network=secret, user=member),
                      actor=coordinator)
    forget_grants(member)
    titles, response = _titles(client_for(member), CANARY)  # the index still says network
    assert not any("Geheim" in title for title in titles)
    assert response.context["page"].paginator.count == len(titles)  # counts re-checked


def test_hidden_posts_are_found_by_nobody(client_for, member, service_staff, world,
                                          django_capture_on_commit_callbacks):
    _secret, posts = world
    with django_capture_on_commit_callbacks(execute=True):  # the single writer runs
        post_hide(post=posts["public"], actor=service_staff)
    assert _titles(client_for(member), "Starkregen")[0] == []


def test_a_new_post_is_found_once_its_transaction_has_committed(
        client_for, coordinator, member, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=coordinator, title="Entsiegelung im Quartier", body="Pflaster weg",
                    category="offer")
    assert _titles(client_for(member), "Entsiegelung")[0] == ["Entsiegelung im Quartier"]


def test_networks_and_people_are_found_with_counts_per_kind(client_for, outsider, coordinator,
                                                            world):
    _titles(client_for(outsider), "Verschwiegene")  # confidential: not even its name
    titles, response = _titles(client_for(outsider), coordinator.name.split()[0])
    assert coordinator.name in titles
    assert response.context["facets"]


def test_filter_by_kind(client_for, member, coordinator, world):
    everything = [hit.type for hit in client_for(member).get(
        reverse("search"), {"q": "Bochum"}).context["page"]]
    assert {"post", "person"} <= set(everything)
    for kind in ("post", "person"):
        page = client_for(member).get(reverse("search"), {"q": "Bochum", "type": kind})
        assert {hit.type for hit in page.context["page"]} == {kind}


def test_the_api_search_has_the_same_rules(client_for, member, outsider, world):
    url = reverse("api_search")
    mine = client_for(member).get(url, {"q": CANARY}).json()
    assert any(CANARY in hit["title"] for hit in mine["results"])
    theirs = client_for(outsider).get(url, {"q": CANARY}).json()
    assert theirs == {"count": 0, "results": []}
    assert client_for(member).get(url).status_code == 400  # q is required
    assert client_for(member).get(url, {"q": "x", "type": "kaputt"}).status_code == 400


def test_snippets_are_escaped(client_for, coordinator, member,
                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=coordinator, title="Sicher", category="offer",
                    body="Kosten < 5 Euro `<img src=x onerror=alert(1)>` Regenrückhaltung")
    _titles_, response = _titles(client_for(member), "Regenrückhaltung")
    body = response.content.decode()
    assert "<img src=x" not in body and "Kosten &lt; 5 Euro" in body
    assert "<mark>Regenrückhaltung</mark>" in body


def _break_index(damage: str) -> None:
    path = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    live = path.resolve()  # rebuild_index made PATH a link to the live directory
    if damage == "directory deleted":
        shutil.rmtree(live)
    elif damage == "garbage written into it":
        for file in live.iterdir():
            file.unlink()  # not truncated in place: the open searcher maps these files
            file.write_bytes(b"kein Index")
    else:  # "a file where the index was"
        path.unlink() if path.is_symlink() else shutil.rmtree(path)
        path.write_text("kein Index")


@pytest.mark.parametrize("damage", ["directory deleted", "garbage written into it",
                                    "a file where the index was"])
def test_a_broken_index_says_search_is_unavailable_and_the_rest_works(client_for, member,
                                                                      world, damage):
    # Searched once first: the long-lived searcher is open when the index breaks.
    assert _titles(client_for(member), "Starkregen")[0] == ["Starkregenvorsorge in Bochum"]
    _break_index(damage)
    try:
        response = client_for(member).get(reverse("search"), {"q": "Starkregen"})
        assert response.status_code == 503
        assert "nicht verfügbar" in response.content.decode()
        assert client_for(member).get(reverse("board:list")).status_code == 200
        assert client_for(member).get(reverse("api_search"), {"q": "Starkregen"}
                                      ).status_code == 503
    finally:
        path = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
        if path.is_file() and not path.is_symlink():
            path.unlink()
        call_command("rebuild_index", interactive=False, verbosity=0)
    assert _titles(client_for(member), "Starkregen")[0] == ["Starkregenvorsorge in Bochum"]


def test_the_snippet_marks_the_whole_word_after_an_umlaut_spelled_out():
    from intranet.core.search import snippet

    html = snippet("Die Maßnahmen für Bäume und Starkregenvorsorge", "Starkregen")
    assert "<mark>Starkregenvorsorge</mark>" in html
    assert "<mark>Bäume</mark>" in snippet("Neue Bäume am Platz", "Baeume")


def test_with_the_broker_away_index_updates_wait_and_are_found_after(
        client_for, coordinator, member, world, django_capture_on_commit_callbacks):
    from intranet.core.models import SearchUpdate
    from intranet.core.tasks import drain_search_updates
    from tests.helpers import celery_broker_unreachable

    with celery_broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        post_create(author=coordinator, title="Gründachkataster veröffentlicht",
                    body="Alle Dächer der Stadt", category="announcement")
    assert SearchUpdate.objects.filter(label="board.post").exists()
    assert _titles(client_for(member), "Gründachkataster")[0] == []  # not yet indexed
    drain_search_updates.delay()  # beat's sweep once the broker is back
    assert _titles(client_for(member), "Gründachkataster")[0] == [
        "Gründachkataster veröffentlicht"]
    assert not SearchUpdate.objects.exists()


def test_filters_by_topic_network_city_and_year(client_for, coordinator, member, outsider,
                                                world, other_city):
    from intranet.accounts.models import Topic

    secret, posts = world
    topic = Topic.objects.order_by("name").first()
    posts["public"].topics.set([topic])
    call_command("rebuild_index", interactive=False, verbosity=0)
    client = client_for(member)
    assert _titles(client, "Bochum", type="post", topic=topic.slug)[0] == [
        "Starkregenvorsorge in Bochum"]
    assert _titles(client, CANARY, network=secret.slug)[0] == [f"Geheim {CANARY}"]
    assert _titles(client, "Starkregen", city=coordinator.organisation.slug)[0] == [
        "Starkregenvorsorge in Bochum"]
    assert _titles(client, "Starkregen", city=other_city.slug)[0] == []
    this_year = posts["public"].created_at.year
    assert _titles(client, "Starkregen", type="post", year=this_year)[0] == [
        "Starkregenvorsorge in Bochum"]
    assert _titles(client, "Starkregen", type="post", year=this_year - 1)[0] == []
    # A confidential network is no filter choice for those who may not know it.
    choices = dict(client_for(outsider).get(reverse("search")).context["form"]
                   .fields["network"].choices)
    assert secret.slug not in choices
