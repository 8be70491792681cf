"""The library's own pages: browsing with counts, a result page, the map and the API.
Query counts are pinned and stay flat as the library grows."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge.models import Measure, ProjectPage, ResultType
from knowledge.services import result_start
from tests.factories import OrganisationFactory, TopicFactory

from .conftest import add_document, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(two_networks, member, outsider, draft_factory):
    """Published results of both networks, in two topics and two years."""
    secret, open_network = two_networks
    water = TopicFactory(slug="wasser", name="Wasser")
    heat = TopicFactory(slug="hitze", name="Hitze")

    def make(count):
        pages = []
        for index in range(count):
            network, author = ((secret, member) if index % 2 else (open_network, outsider))
            page = draft_factory(network, author, title=f"Ergebnis {index}",
                                 kind=ResultType.WORK_AID if index % 3 else ResultType.GUIDELINE,
                                 topics=[water] if index % 2 else [water, heat])
            page.publication_date = page.publication_date.replace(year=2025 - index % 2)
            page.cities.set([member.organisation])
            page.save_revision(user=author)
            add_document(page, title=f"Anlage {index}", user=author, lines=["Text"])
            pages.append(publish(page))
        return pages

    return make


def test_the_library_counts_by_topic_type_network_city_and_year(client_for, member, outsider,
                                                                library, two_networks):
    secret, open_network = two_networks
    library(4)
    response = client_for(outsider).get("/wissen/")
    facets = {name: {value: count for value, _label, count in choices}
              for name, choices in response.context["form"].facets.items()}
    assert facets["topic"] == {"wasser": 4, "hitze": 2}
    assert facets["type"] == {"guideline": 2, "work_aid": 2}
    assert facets["year"] == {"2025": 2, "2024": 2}
    assert facets["network"] == {open_network.slug: 2}  # the confidential one is no choice
    assert facets["city"] == {member.organisation.slug: 4}
    member_facets = client_for(member).get("/wissen/").context["form"].facets
    assert {value for value, *_ in member_facets["network"]} == {secret.slug, open_network.slug}


def test_the_counts_are_counted_once_and_again_after_a_publication(
        client_for, outsider, library, django_assert_num_queries):
    library(2)
    client = client_for(outsider)

    def topic_counts():
        facets = client.get("/wissen/").context["form"].facets
        return {value: count for value, _label, count in facets["topic"]}

    assert topic_counts() == {"wasser": 2, "hitze": 1}
    counting = ("knowledge_librarypage_topics", "COUNT(DISTINCT")
    with CaptureQueriesContext(connection) as queries:
        assert topic_counts() == {"wasser": 2, "hitze": 1}
    assert not [q for q in queries if all(part in q["sql"] for part in counting)]
    library(1)  # "Ergebnis 0" again: water and heat; published, so counted again
    assert topic_counts() == {"wasser": 3, "hitze": 2}


def test_a_renamed_network_is_counted_under_its_new_name(client_for, outsider, library,
                                                         two_networks):
    _secret, open_network = two_networks
    library(1)
    client = client_for(outsider)
    client.get("/wissen/")
    open_network.name = "Neuer Name des Netzwerks"
    open_network.save()
    names = [label for _value, label, _count
             in client.get("/wissen/").context["form"].facets["network"]]
    assert names == ["Neuer Name des Netzwerks"]


def test_filters_narrow_and_the_newest_come_first(client_for, outsider, library):
    library(4)
    client = client_for(outsider)
    titles = [page.title for page in client.get("/wissen/").context["page"]]
    assert titles == ["Ergebnis 2", "Ergebnis 0", "Ergebnis 3", "Ergebnis 1"]
    hot = client.get("/wissen/", {"topic": "hitze", "year": "2025"}).context["page"]
    assert [page.title for page in hot] == ["Ergebnis 2", "Ergebnis 0"]
    # An unknown value is no filter and no error.
    response = client.get("/wissen/", {"topic": "gibt-es-nicht", "year": "abc"})
    assert response.status_code == 200 and len(response.context["page"]) == 4


@pytest.mark.parametrize("count", [2, 12])
def test_the_library_index_query_count_is_flat(client_for, outsider, library, count,
                                               django_assert_num_queries):
    library(count)
    client = client_for(outsider)
    client.get("/wissen/")  # warm Wagtail's site cache
    # session, user, roles, the site, the page (Wagtail's route: root, shelf, page), which
    # confidential networks of the counts (counted on the first visit) the person may see;
    # the page of results (counted on the first visit too), their topics, the networks'
    # grants, the header's unread count
    with django_assert_num_queries(12):
        assert client.get("/wissen/").status_code == 200


def test_the_filtered_count_is_kept_until_the_library_changes(client_for, outsider, library,
                                                             django_assert_num_queries):
    pages = library(8)
    client = client_for(outsider)
    kind, first = Counter(page.result_type for page in pages).most_common(1)[0]
    assert first >= 2  # the filter stays a choice when one of them goes
    filtered = {"type": kind}
    assert client.get("/wissen/", filtered).context["page"].paginator.count == first
    with django_assert_num_queries(12):
        assert client.get("/wissen/", filtered).context["page"].paginator.count == first
    next(page for page in pages if page.result_type == kind).unpublish()  # counted again
    assert client.get("/wissen/", filtered).context["page"].paginator.count == first - 1


@pytest.mark.parametrize("count", [2, 12])
def test_a_result_page_query_count_is_flat(client_for, outsider, library, count,
                                           django_assert_num_queries):
    pages = library(count)
    client = client_for(outsider)
    client.get(pages[0].url)
    # session, user, roles, Wagtail's routing (site, pages, restrictions), the network, the
    # page's topics (once), related pages (chosen on the first visit; read again with their
    # topics), the networks' grants in one query, the documents, "more like this" (chosen
    # on the first visit; none here, as these pages are not indexed, so no re-check), the
    # parents for the breadcrumbs and tags, the header's unread count
    with django_assert_num_queries(20):
        assert client.get(pages[0].url).status_code == 200


def test_a_result_page_shows_its_network_documents_and_related_results(client_for, outsider,
                                                                      library, two_networks):
    _, open_network = two_networks
    pages = library(3)
    response = client_for(outsider).get(pages[0].url)
    body = response.content.decode()
    assert open_network.name in body
    assert "Anlage 0" in body
    assert {page.pk for page in response.context["related"]} == {pages[1].pk, pages[2].pk}


def test_related_results_are_chosen_once_and_read_again_on_every_visit(client_for, outsider,
                                                                       library):
    pages = library(3)
    client = client_for(outsider)
    first = {page.pk for page in client.get(pages[0].url).context["related"]}
    pages[1].unpublish()
    again = {page.pk for page in client.get(pages[0].url).context["related"]}
    republished = publish(pages[0])  # a new published version chooses again
    newest = {page.pk for page in client.get(republished.url).context["related"]}

    assert first == {pages[1].pk, pages[2].pk}
    assert again == {pages[2].pk}  # the kept choice goes through the visibility rule
    assert newest == {pages[2].pk}


def test_building_projects_are_on_the_map_without_a_tile_host(client_for, member, two_networks,
                                                             settings):
    secret, _ = two_networks
    city = OrganisationFactory(slug="gelsenkirchen", name="Stadt Gelsenkirchen")
    page = result_start(network=secret, actor=member, title="Baumrigolen Hauptstraße",
                        kind=ResultType.PROJECT).specific
    page.summary, page.city = "Sechs Baumrigolen", city
    page.latitude, page.longitude = Decimal("51.50981"), Decimal("7.09636")
    page.save()
    page.measures.set(Measure.objects.filter(slug="baumrigole"))
    page.save()
    page.save_revision(user=member)
    publish(page)
    response = client_for(member).get(reverse("knowledge:project_map"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Baumrigolen Hauptstraße" in body and '"lat": 51.509810' in body
    assert 'data-tiles=""' in body and "tile.openstreetmap" not in body
    assert isinstance(page, ProjectPage) and page.result_type == ResultType.PROJECT
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    assert 'data-tiles="https://tiles.example/' in client_for(member).get(page.url).content.decode()


def test_a_project_needs_both_coordinates(member, two_networks):
    from django.core.exceptions import ValidationError

    secret, _ = two_networks
    page = result_start(network=secret, actor=member, title="Halb", kind="project").specific
    page.summary, page.latitude = "x", 51.5
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "longitude" in error.value.message_dict


# --- API ----------------------------------------------------------------------------------

def test_the_results_api_lists_published_results_with_documents(client_for, outsider, library,
                                                                 two_networks):
    secret, open_network = two_networks
    library(3)
    data = client_for(outsider).get("/api/v1/results/", {"topic": "hitze"}).json()
    assert data["count"] == 2
    first = data["results"][0]
    assert set(first) >= {"id", "title", "summary", "type", "topics", "network", "published_at",
                          "url", "documents"}
    assert first["documents"][0]["url"].startswith("http://testserver/dokumente/")
    everything = client_for(outsider).get("/api/v1/results/").json()["results"]
    assert {item["network"] for item in everything} == {open_network.slug, None}


def test_the_results_api_has_no_drafts_and_checks_its_filters(client_for, outsider, member,
                                                              two_networks, draft_factory):
    secret, _ = two_networks
    draft = draft_factory(secret, member, title="Entwurf")
    client = client_for(outsider)
    assert client.get(f"/api/v1/results/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/results/999999/").status_code == 404
    response = client.get("/api/v1/results/", {"type": "kein-typ"})
    assert response.status_code == 400 and "type" in response.json()
    publish(draft)
    assert client.get(f"/api/v1/results/{draft.pk}/").json()["title"] == "Entwurf"
