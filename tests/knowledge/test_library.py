"""The library: pages, the way from the workspace to publication, and what each person sees
(DESIGN §3.8: published pages for everyone signed in, drafts only in the editor)."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, Site

from intranet.notifications.models import Kind, Notification
from knowledge.models import LibraryIndexPage, ResultPage, ShelfPage
from knowledge.services import fan_out_publications
from networks.models import Visibility
from networks.services import membership_remove
from tests.factories import TopicFactory, UserFactory

from .conftest import CANARY, publish

pytestmark = pytest.mark.django_db


def test_the_library_is_the_sites_root_at_wissen(client_for, member):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, LibraryIndexPage)
    assert not Page.objects.filter(title__icontains="Welcome").exists()
    response = client_for(member).get("/wissen/")
    assert response.status_code == 200
    assert "Bibliothek" in response.content.decode()


def test_signing_in_is_needed_for_the_library(client):
    response = client.get("/wissen/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_a_member_starts_a_draft_that_opens_in_the_editor(client_for, member, two_networks):
    secret, _ = two_networks
    client = client_for(member)
    url = reverse("knowledge:result_start", args=[secret.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Leitfaden Baumrigolen", "kind": "guideline"})
    page = ResultPage.objects.get(title="Leitfaden Baumrigolen")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert page.live is False and page.network == secret
    assert page.get_parent().specific == ShelfPage.objects.get(network=secret)
    assert client.get(response["Location"]).status_code == 200


def test_a_title_is_needed_and_nothing_is_made_without_one(client_for, member, two_networks):
    secret, _ = two_networks
    response = client_for(member).post(
        reverse("knowledge:result_start", args=[secret.slug]), {"title": "  ", "kind": "guideline"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not ResultPage.objects.exists()


def test_outsiders_cannot_start_results(client_for, outsider, two_networks, steering):
    secret, open_network = two_networks
    # A confidential network does not exist for them; an open one they may not write in.
    assert client_for(outsider).get(
        reverse("knowledge:result_start", args=[secret.slug])).status_code == 404
    assert client_for(steering).get(
        reverse("knowledge:result_start", args=[open_network.slug])).status_code == 403


def test_drafts_are_nobodys_page_outside_the_editor(client_for, member, outsider, two_networks,
                                                    draft_factory):
    secret, _ = two_networks
    page = draft_factory(secret, member, title=f"Entwurf {CANARY}")
    for person in (member, outsider):
        response = client_for(person).get(page.url)
        assert response.status_code == 404
        assert CANARY not in response.content.decode()


def test_a_lead_approves_and_the_page_is_published_and_announced(
        client_for, coordinator, member, outsider, two_networks, draft_factory,
        django_capture_on_commit_callbacks):
    secret, _ = two_networks
    topic = TopicFactory(slug="starkregen", name="Starkregen")
    follower = UserFactory(name="Fritz Folgt", organisation=outsider.organisation)
    follower.topics.add(topic)
    page = draft_factory(secret, member, title="Leitfaden Starkregen", topics=[topic])
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == "Netzwerk-Freigabe"

    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(page, member)
    state = page.current_workflow_task_state
    task = state.task.specific
    # The member asked; the coordinator leads the network and is asked to approve.
    assert Notification.objects.filter(recipient=coordinator, kind=Kind.NETWORK,
                                       text__contains="Leitfaden Starkregen").exists()
    assert task.get_actions(page, member) == []
    assert [name for name, *_ in task.get_actions(page, coordinator)][:2] == ["reject", "approve"]
    assert list(task.get_task_states_user_can_moderate(coordinator)) == [state]
    assert not task.get_task_states_user_can_moderate(member).exists()

    with django_capture_on_commit_callbacks(execute=True):
        task.on_action(state, coordinator, "approve")
    page.refresh_from_db()
    assert page.live
    fan_out_publications()
    told = set(Notification.objects.filter(kind=Kind.RESULT).values_list(
        "recipient__name", flat=True))
    assert told == {"Fritz Folgt", "Carla Koordinatorin"}  # the author knows already
    # Everyone signed in reads it now; the confidential network is not named to outsiders.
    response = client_for(outsider).get(page.url)
    assert response.status_code == 200
    assert "Leitfaden Starkregen" in response.content.decode()
    assert secret.name not in response.content.decode()
    assert secret.name in client_for(member).get(page.url).content.decode()
    assert mail.outbox == [] or all(secret.name not in m.body for m in mail.outbox
                                    if outsider.email in m.to)


def test_a_second_publication_tells_nobody_again(member, two_networks, draft_factory):
    secret, _ = two_networks
    page = draft_factory(secret, member, title="Arbeitshilfe")
    publish(page)
    fan_out_publications()
    first = Notification.objects.filter(kind=Kind.RESULT).count()
    page.summary = "Neue Fassung"
    publish(page)
    fan_out_publications()
    assert Notification.objects.filter(kind=Kind.RESULT).count() == first


def test_leaving_the_network_ends_the_editor_rights(coordinator, member, two_networks):
    secret, _ = two_networks
    assert member.groups.filter(name=f"library-{secret.pk}-editors").exists()
    membership_remove(membership=secret.memberships.get(user=member), actor=coordinator)
    assert not member.groups.filter(name__startswith=f"library-{secret.pk}-").exists()
    assert not member.has_perm("wagtailadmin.access_admin")


def test_a_dissolved_networks_shelf_is_read_only(coordinator, member, two_networks):
    from networks.services import network_dissolve

    secret, _ = two_networks
    network_dissolve(network=secret, actor=coordinator, summary="Erledigt", reason="Ziel erreicht")
    assert not member.groups.filter(name__startswith=f"library-{secret.pk}-").exists()
    assert not coordinator.groups.filter(name__startswith=f"library-{secret.pk}-").exists()


def test_a_networks_page_lists_its_results_and_its_members_drafts(
        client_for, member, outsider, two_networks, draft_factory):
    _, open_network = two_networks
    published = publish(draft_factory(open_network, outsider, title="Positionspapier Hitze"))
    draft_factory(open_network, outsider, title="Noch geheim")
    body = client_for(member).get(open_network.get_absolute_url()).content.decode()
    assert published.title in body and "Noch geheim" not in body
    body = client_for(outsider).get(open_network.get_absolute_url()).content.decode()
    assert "Noch geheim" in body


def test_the_visibility_of_a_confidential_network_stays_with_it_in_the_facets(
        client_for, member, outsider, two_networks, draft_factory):
    secret, _ = two_networks
    publish(draft_factory(secret, member, title="Vertrauliches Ergebnis für alle"))
    response = client_for(outsider).get("/wissen/")
    assert "Vertrauliches Ergebnis für alle" in response.content.decode()
    assert secret.name not in response.content.decode()
    response = client_for(member).get("/wissen/", {"network": secret.slug})
    assert [item.title for item in response.context["page"]] == ["Vertrauliches Ergebnis für alle"]
    assert secret.visibility == Visibility.CONFIDENTIAL
