"""Files are found by their text, only by those who may read them; the facet column counts
re-checked hits only, and each facet finds the number it showed (DESIGN §4)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from board.services import attachment_add, attachment_delete, post_create
from intranet.accounts.models import Topic
from intranet.core.pdf import simple_pdf
from intranet.core.search import Found
from intranet.core.search_facets import facets_of
from networks.models import Membership, Visibility
from networks.permissions import forget_grants
from networks.services import (
    document_upload,
    membership_remove,
    network_found,
    network_update,
)

pytestmark = pytest.mark.django_db

CANARY = "Kanarienvogelrigole"


def _pdf(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(list(lines)), "application/pdf")


def _search(client, q, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return response


def _titles(client, q, **params):
    return [hit.title for hit in _search(client, q, **params).context["page"]]


@pytest.fixture
def secret(confidential_network):
    return confidential_network


@pytest.fixture
def workspace_file(secret, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the text
        version = document_upload(
            network=secret, actor=coordinator, title="Entwurf Protokoll",
            upload=_pdf("protokoll.pdf", "Sitzung der Runde", f"Beschluss zur {CANARY}"))
    return version.document


def test_a_workspace_file_is_found_by_its_text_by_the_networks_members(
        client_for, member, workspace_file):
    response = _search(client_for(member), CANARY)
    hits = list(response.context["page"])
    assert [(hit.kind, hit.title) for hit in hits] == [("document", "Entwurf Protokoll")]
    assert hits[0].url == workspace_file.get_absolute_url()
    assert f"<mark>{CANARY}</mark>" in response.content.decode()
    assert _titles(client_for(member), "Entwurf", type="document") == ["Entwurf Protokoll"]


def test_nobody_else_finds_a_confidential_networks_file_nor_a_count_of_it(
        client_for, outsider, steering, workspace_file):
    for stranger in (outsider, steering):
        response = _search(client_for(stranger), CANARY)
        assert response.context["page"].paginator.count == 0
        assert response.context["facets"] == []
        assert "Protokoll" not in response.content.decode()
        api = client_for(stranger).get(reverse("api_search"), {"q": CANARY}).json()
        assert api == {"count": 0, "results": []}


def test_a_removed_member_no_longer_finds_the_file_before_the_index_knows(
        client_for, coordinator, member, secret, workspace_file):
    membership_remove(membership=Membership.objects.get(network=secret, user=member),
                      actor=coordinator)  # the index is not told: the re-check must hold
    forget_grants(member)
    assert _titles(client_for(member), CANARY) == []


def test_an_open_networks_files_are_found_by_everyone_once_it_opens(
        client_for, coordinator, outsider, secret, workspace_file,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        network_update(network=secret, actor=coordinator, visibility=Visibility.OPEN)
    assert _titles(client_for(outsider), CANARY) == ["Entwurf Protokoll"]
    api = client_for(outsider).get(reverse("api_search"), {"q": CANARY}).json()
    assert [hit["type"] for hit in api["results"]] == ["document"]


def test_a_new_version_is_found_by_its_own_words_the_old_ones_are_gone(
        client_for, coordinator, member, secret, workspace_file,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document_upload(network=secret, actor=coordinator, document=workspace_file,
                        upload=_pdf("protokoll-v2.pdf", "Beschluss zur Zisternenpflicht"))
    assert _titles(client_for(member), "Zisternenpflicht") == ["Entwurf Protokoll"]
    assert _titles(client_for(member), CANARY) == []


def test_a_posts_attachment_makes_the_post_findable_until_it_is_removed(
        client_for, coordinator, outsider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=coordinator, title="Material zum Workshop", body="Anbei.",
                           category="offer")
        attachment = attachment_add(post=post, actor=coordinator, upload=_pdf(
            "folien.pdf", "Versickerungsmulden im Bestand"))
    response = _search(client_for(outsider), "Versickerungsmulde")
    assert [hit.title for hit in response.context["page"]] == ["Material zum Workshop"]
    assert "<mark>Versickerungsmulden</mark>" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=attachment, actor=coordinator)
    assert _titles(client_for(outsider), "Versickerungsmulde") == []


def test_a_file_without_readable_text_is_still_found_by_its_name(
        client_for, coordinator, member, secret, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document_upload(network=secret, actor=coordinator, title="Lageplan Retention",
                        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 kaputt",
                                                  "application/pdf"))
    assert _titles(client_for(member), "Lageplan") == ["Lageplan Retention"]


@pytest.fixture
def tagged_posts(coordinator, outsider, secret, django_capture_on_commit_callbacks):
    heat, rain = Topic.objects.order_by("name")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        for number, topics in enumerate(([heat], [heat, rain], [rain])):
            post = post_create(author=coordinator, title=f"Zisterne Nummer {number}",
                               body="Regenwasser sammeln", category="offer")
            post.topics.set(topics)
        post_create(author=outsider, title="Zisterne in Essen", body="Regenwasser",
                    category="request")
        hidden = post_create(author=coordinator, title="Zisterne intern", body="Regenwasser",
                             category="request", audience="network", network=secret)
        hidden.topics.set([heat])
    call_command("rebuild_index", interactive=False, verbosity=0)  # with the topics set
    return heat, rain


def _facet(response, field):
    return {value["label"]: value for name, _heading, values in response.context["facets"]
            if name == field for value in values}


def test_facets_count_what_the_person_may_see_and_each_finds_its_number(
        client_for, outsider, member, city, other_city, tagged_posts):
    heat, rain = tagged_posts
    response = _search(client_for(outsider), "Zisterne")
    assert response.context["page"].paginator.count == 4  # not the network's post
    topics = _facet(response, "topic")
    assert {label: value["count"] for label, value in topics.items()} == {
        heat.name: 2, rain.name: 2}
    cities = _facet(response, "city")
    assert {label: value["count"] for label, value in cities.items()} == {
        city.name: 3, other_city.name: 1}
    for value in (*topics.values(), *cities.values()):
        narrowed = client_for(outsider).get(reverse("search") + value["url"])
        assert narrowed.context["page"].paginator.count == value["count"]
    # A member also sees the network's post in the count of its topic.
    member_topics = _facet(_search(client_for(member), "Zisterne"), "topic")
    assert member_topics[heat.name]["count"] == 3


def test_a_chosen_facet_is_marked_and_its_link_widens_again(client_for, outsider,
                                                            tagged_posts):
    heat, _rain = tagged_posts
    response = _search(client_for(outsider), "Zisterne", topic=heat.slug)
    chosen = _facet(response, "topic")[heat.name]
    assert chosen["active"] and f"topic={heat.slug}" not in chosen["url"]
    assert 'aria-current="true"' in response.content.decode()
    widened = client_for(outsider).get(reverse("search") + chosen["url"])
    assert widened.context["page"].paginator.count == 4
    kinds = _facet(response, "type")
    assert [value["count"] for value in kinds.values()] == [2]


def test_the_network_filter_offers_my_networks_and_a_chosen_one(client_for, coordinator,
                                                                outsider, member, secret):
    with_open = network_found(founder=coordinator, name="Offene Runde", mandate="Offen",
                              visibility=Visibility.OPEN)
    post_create(author=coordinator, title="Zisterne der Runde", body="Regenwasser",
                category="offer", audience="network", network=with_open)
    call_command("rebuild_index", interactive=False, verbosity=0)

    def offered(client, **query):
        response = _search(client, "Zisterne", **query)
        return response, [slug for slug, _name in response.context["form"]
                          .fields["network"].choices if slug]

    _response, mine = offered(client_for(member))
    assert mine == [secret.slug]  # the open network is not the member's own
    chosen, offered_then = offered(client_for(outsider), network=with_open.slug)
    assert offered_then == [with_open.slug]
    assert [hit.title for hit in chosen.context["page"]] == ["Zisterne der Runde"]
    # A confidential network the person is not in is neither offered nor chosen.
    _response, refused = offered(client_for(outsider), network=secret.slug)
    assert refused == []


def test_the_facet_column_costs_a_fixed_number_of_queries(
        client_for, coordinator, outsider, django_assert_max_num_queries,
        django_capture_on_commit_callbacks):
    client = client_for(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            post_create(author=coordinator, title=f"Mulde {number}", body="x",
                        category="offer")
    _search(client, "Mulde")  # warm the session and the searcher
    with django_assert_max_num_queries(30) as few:
        _search(client, "Mulde")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3, 30):
            post_create(author=coordinator, title=f"Mulde {number}", body="x",
                        category="offer")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _search(client, "Mulde")
    assert response.context["page"].paginator.count == 30


@pytest.mark.parametrize(("found", "queries"), [
    ([Found("post", 1)], 1),  # a post's city is its author's, read with the hit
    ([Found("result", 3)], 2),
    ([Found("post", 1), Found("person", 2), Found("result", 3), Found("document", 4),
      Found("network", 5), Found("network_document", 6, network_id=5), Found("event", 7)], 2),
], ids=["posts", "results", "every kind"])
def test_the_topic_and_city_facets_are_a_query_each_whatever_kinds_were_found(
        found, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        facets_of(found)


def test_an_edit_takes_the_old_words_out_of_a_running_processs_search(
        client_for, coordinator, outsider, django_capture_on_commit_callbacks):
    """The live searcher is reopened after each commit: Whoosh's ``refresh()`` would keep
    the old version found in its unchanged segment."""
    from board.services import post_update

    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=coordinator, title="Hitzeinsel am Markt", body="Schatten",
                           category="offer")
    client = client_for(outsider)
    assert _titles(client, "Hitzeinsel") == ["Hitzeinsel am Markt"]  # the searcher is open
    with django_capture_on_commit_callbacks(execute=True):
        post_update(post=post, actor=coordinator, title="Kühle Oase am Markt",
                    body="Schatten")
    assert _titles(client, "Hitzeinsel") == []
    assert _titles(client, "Oase") == ["Kühle Oase am Markt"]
