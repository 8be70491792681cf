"""The HTML side of expert networks: who may open and do what, the whole journey, files,
the read-only archive, and pinned query counts (DESIGN §3, §8)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from intranet.events.services import event_create
from intranet.notifications.models import Notification
from intranet.notifications.services import notify
from networks import permissions
from networks.models import (
    Document,
    DocumentVersion,
    MemberRole,
    Membership,
    MemberState,
    Network,
    Status,
    Task,
    TaskState,
    Visibility,
)
from networks.services import (
    document_upload,
    membership_invite,
    membership_join,
    membership_set_role,
    network_dissolve,
    network_found,
    task_create,
)
from tests.factories import OrganisationFactory, TopicFactory, UserFactory
from tests.helpers import comparable_body

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-netz-4711"
DISSOLVED_TEXT = "Dieses Netzwerk ist aufgelöst"


def _text_file(name="protokoll.txt", body=b"Protokoll der Sitzung"):
    return SimpleUploadedFile(name, body, content_type="text/plain")


def _pdf_file(name="leitfaden.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * 64, content_type="application/pdf")


@pytest.fixture
def network_with(coordinator, lead, member):
    """``network_with(visibility)``: founded by the coordinator; ``lead`` is made a lead and
    ``member`` a plain member; one task (for ``member``) and one document."""

    def make(visibility=Visibility.CONFIDENTIAL, name=f"Hitzeaktion {CANARY}"):
        network = network_found(founder=coordinator, name=name, visibility=visibility,
                                mandate=f"Wie schützen wir die Menschen vor Hitze? {CANARY}")
        for person in (lead, member):
            membership_invite(network=network, user=person, actor=coordinator)
            membership_join(network=network, user=person)
        membership_set_role(membership=Membership.objects.get(network=network, user=lead),
                            role=MemberRole.LEAD, actor=coordinator)
        task_create(network=network, actor=coordinator, title=f"Karte zeichnen {CANARY}",
                    assignee=member)
        document_upload(network=network, actor=coordinator, upload=_text_file(),
                        title=f"Protokoll {CANARY}")
        for person in (coordinator, lead, member):
            permissions.forget_grants(person)
        return network

    return make


def _urls(network):
    """Every page and action of one network: (name, method, url)."""
    slug = network.slug
    task = network.tasks.first()
    document = network.documents.first()
    some = network.memberships.exclude(role=MemberRole.LEAD).first().user_id
    return [
        ("detail", "get", reverse("networks:detail", args=[slug])),
        ("edit", "get", reverse("networks:edit", args=[slug])),
        ("members", "get", reverse("networks:members", args=[slug])),
        ("tasks", "get", reverse("networks:tasks", args=[slug])),
        ("task_edit", "get", reverse("networks:task_edit", args=[slug, task.pk])),
        ("documents", "get", reverse("networks:documents", args=[slug])),
        ("document", "get", reverse("networks:document", args=[slug, document.pk])),
        ("download", "get", reverse("networks:download", args=[slug, document.pk, 1])),
        ("end", "get", reverse("networks:end", args=[slug])),
        ("join", "post", reverse("networks:join", args=[slug])),
        ("leave", "post", reverse("networks:leave", args=[slug])),
        ("invite", "post", reverse("networks:invite", args=[slug])),
        ("approve", "post", reverse("networks:approve", args=[slug, some])),
        ("decline", "post", reverse("networks:decline", args=[slug, some])),
        ("remove", "post", reverse("networks:remove", args=[slug, some])),
        ("set_role", "post", reverse("networks:set_role", args=[slug, some])),
        ("reopen", "post", reverse("networks:reopen", args=[slug])),
    ]


def _missing(url: str, slug: str) -> str:
    return url.replace(f"/{slug}/", "/gibt-es-nicht/", 1)


# --- Who may open which page ------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in_everywhere(client, network_with):
    network = network_with(Visibility.OPEN)
    urls = [("list", "get", reverse("networks:list")), ("found", "get", reverse("networks:found")),
            ("my_tasks", "get", reverse("networks:my_tasks")),
            ("notifications", "get", reverse("notifications:list")),
            ("read_all", "post", reverse("notifications:read_all")), *_urls(network)]
    for name, method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/konto/login/?next="), name


def test_members_open_every_workspace_page(client_for, network_with, member):
    network = network_with(Visibility.CONFIDENTIAL)
    client = client_for(member)
    for name, method, url in _urls(network):
        if method == "get" and name not in ("edit", "end"):
            response = client.get(url)
            assert response.status_code == 200, name
            if name != "download":
                assert CANARY in response.content.decode() or name == "members", name


def test_outsider_gets_the_same_404_as_for_a_missing_network(client_for, network_with,
                                                             outsider):
    network = network_with(Visibility.CONFIDENTIAL)
    client = client_for(outsider)
    for name, method, url in _urls(network):
        hidden = getattr(client, method)(url)
        missing_url = _missing(url, network.slug)
        missing = getattr(client, method)(missing_url)
        assert hidden.status_code == missing.status_code == 404, name
        assert comparable_body(hidden, url) == comparable_body(missing, missing_url), name
        assert CANARY not in hidden.content.decode(), name
    assert Membership.objects.filter(network=network, user=outsider).count() == 0


def test_hidden_networks_stay_out_of_lists_and_pages(client_for, network_with, outsider, city):
    network_with(Visibility.CONFIDENTIAL)
    client = client_for(outsider)
    for url in (reverse("networks:list"), reverse("networks:list") + "?organisation=bochum",
                reverse("home"), reverse("organisation_detail", args=[city.slug]),
                reverse("networks:my_tasks"), reverse("notifications:list")):
        assert CANARY not in client.get(url).content.decode(), url


@pytest.mark.parametrize("name", ["edit", "invite", "approve", "decline", "remove",
                                  "set_role", "end"])
def test_a_member_who_is_no_lead_gets_403_on_lead_actions(client_for, network_with, member,
                                                          name):
    network = network_with(Visibility.CONFIDENTIAL)
    _, method, url = next(entry for entry in _urls(network) if entry[0] == name)
    data = {"role": "lead", "email": "otto@essen.example", "outcome": "continue"}
    assert getattr(client_for(member), method)(url, data).status_code == 403
    if method == "get":
        assert client_for(member).post(url, data).status_code == 403
    assert Membership.objects.get(network=network, user=member).role == MemberRole.MEMBER
    assert Network.objects.get(pk=network.pk).status == Status.ACTIVE


def test_only_steering_reopens(client_for, network_with, coordinator, member, steering):
    network = network_with(Visibility.OPEN)
    network_dissolve(network=network, actor=coordinator, summary="Fertig", reason="Keine")
    url = reverse("networks:reopen", args=[network.slug])
    assert client_for(member).post(url).status_code == 403
    assert client_for(coordinator).post(url).status_code == 403
    assert Network.objects.get(pk=network.pk).status == Status.DISSOLVED
    assert client_for(steering).post(url).status_code == 302
    assert Network.objects.get(pk=network.pk).status == Status.ACTIVE


def test_on_request_network_shows_its_mandate_but_not_its_workspace(client_for, network_with,
                                                                    outsider):
    network = network_with(Visibility.ON_REQUEST)
    client = client_for(outsider)
    page = client.get(reverse("networks:detail", args=[network.slug]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Wie schützen wir die Menschen vor Hitze?" in body
    assert "Stadt Bochum" in body  # the cities taking part
    assert f"Karte zeichnen {CANARY}" not in body and "Max Mitglied" not in body
    assert "Beitritt anfragen" in body
    for name in ("members", "tasks", "documents", "download"):
        url = next(u for n, _, u in _urls(network) if n == name)
        assert client.get(url).status_code == 404, name


def test_outsider_reads_an_open_workspace_but_may_not_write(client_for, network_with, outsider):
    network = network_with(Visibility.OPEN)
    client = client_for(outsider)
    assert client.get(reverse("networks:tasks", args=[network.slug])).status_code == 200
    response = client.post(reverse("networks:tasks", args=[network.slug]), {"title": "Gekapert"})
    assert response.status_code == 403
    response = client.post(reverse("networks:documents", args=[network.slug]),
                           {"file": _text_file()})
    assert response.status_code == 403
    assert not Task.objects.filter(title="Gekapert").exists()
    assert DocumentVersion.objects.filter(document__network=network).count() == 1


def test_only_founders_see_and_use_the_found_form(client_for, member, coordinator):
    assert client_for(member).get(reverse("networks:found")).status_code == 403
    listing = client_for(member).get(reverse("networks:list")).content.decode()
    assert "Netzwerk gründen" not in listing
    assert "Netzwerk gründen" in client_for(coordinator).get(
        reverse("networks:list")).content.decode()


def test_a_network_named_like_a_page_of_the_list_gets_its_own_address(client_for, coordinator):
    network = network_found(founder=coordinator, name="Aufgaben", mandate="M")
    assert network.slug != "aufgaben"
    assert client_for(coordinator).get(network.get_absolute_url()).status_code == 200


# --- The journey ------------------------------------------------------------------------

def test_found_request_approve_task_upload_download_dissolve(
        client_for, coordinator, outsider, django_capture_on_commit_callbacks):
    topic = TopicFactory(slug="test-hitze", name="Testthema Hitze")
    client = client_for(coordinator)
    response = client.post(reverse("networks:found"), {
        "name": "Baumrigolen", "mandate": "Wie bauen wir Baumrigolen?",
        "goals": "Ein Leitfaden", "topics": [topic.pk], "visibility": "on_request"})
    network = Network.objects.get(name="Baumrigolen")
    assert response.status_code == 302
    assert response["Location"] == reverse("networks:detail", args=[network.slug])
    assert permissions.is_lead(coordinator, network)
    assert "wurde gegründet" in client.get(response["Location"]).content.decode()

    # A colleague from another city asks to join; the lead approves.
    colleague = client_for(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = colleague.post(reverse("networks:join", args=[network.slug]))
    assert response.status_code == 302
    assert Membership.objects.get(network=network, user=outsider).state == MemberState.REQUESTED
    lead = client_for(coordinator)
    members_page = lead.get(reverse("networks:members", args=[network.slug])).content.decode()
    assert outsider.name in members_page and "Annehmen" in members_page
    assert lead.post(reverse("networks:approve", args=[network.slug, outsider.pk])
                     ).status_code == 302
    assert Membership.objects.get(network=network, user=outsider).state == MemberState.ACTIVE

    # The lead gives the new member a task, due yesterday: overdue.
    yesterday = timezone.localdate() - timedelta(days=1)
    response = lead.post(reverse("networks:tasks", args=[network.slug]), {
        "title": "Standorte sammeln", "description": "Aus allen Städten",
        "assignee": outsider.pk, "due": yesterday.isoformat()})
    assert response.status_code == 302
    task = Task.objects.get(network=network)
    assert task.assignee == outsider
    colleague = client_for(outsider)
    my_tasks = colleague.get(reverse("networks:my_tasks")).content.decode()
    assert "Standorte sammeln" in my_tasks and "überfällig" in my_tasks
    assert Notification.objects.filter(recipient=outsider, text__contains="Standorte").exists()

    # The member uploads a document and a second version; the lead downloads both.
    response = colleague.post(reverse("networks:documents", args=[network.slug]),
                              {"title": "Leitfaden", "file": _pdf_file()})
    assert response.status_code == 302
    document = Document.objects.get(network=network)
    response = colleague.post(reverse("networks:document", args=[network.slug, document.pk]),
                              {"file": _pdf_file("leitfaden-2.pdf")})
    assert response.status_code == 302
    assert document.versions.count() == 2
    lead = client_for(coordinator)
    for number in (1, 2):
        download = lead.get(reverse("networks:download", args=[network.slug, document.pk,
                                                               number]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")

    # The lead ends the network: a confirmation step, then dissolved; members are told.
    end_url = reverse("networks:end", args=[network.slug])
    data = {"outcome": "dissolve", "summary": "Leitfaden fertig",
            "results": "https://wissen.example/leitfaden"}
    confirm = lead.post(end_url, data)
    assert confirm.status_code == 200
    assert "Archiv" in confirm.content.decode()
    assert Network.objects.get(pk=network.pk).status == Status.ACTIVE
    response = lead.post(end_url, {**data, "confirmed": "yes"})
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.status == Status.DISSOLVED and network.end_summary == "Leitfaden fertig"
    assert Notification.objects.filter(recipient=outsider, network=network,
                                       text__contains="aufgelöst").exists()
    page = client_for(outsider).get(reverse("networks:detail", args=[network.slug]))
    body = page.content.decode()
    assert "Leitfaden fertig" in body and "https://wissen.example/leitfaden" in body
    assert "Archiv" in body and "Netzwerk beenden" not in body


def test_dissolving_needs_a_summary_and_results_or_a_reason(client_for, network_with,
                                                            coordinator):
    network = network_with(Visibility.OPEN)
    response = client_for(coordinator).post(reverse("networks:end", args=[network.slug]), {
        "outcome": "dissolve", "summary": "", "confirmed": "yes"})
    assert response.status_code == 200
    assert response.content.decode().count('aria-invalid="true"') == 2
    assert Network.objects.get(pk=network.pk).status == Status.ACTIVE


def test_continuing_keeps_the_network_open(client_for, network_with, lead):
    network = network_with(Visibility.OPEN)
    response = client_for(lead).post(reverse("networks:end", args=[network.slug]), {
        "outcome": "continue", "note": "Die Aufgabe bleibt", "confirmed": "yes"})
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.status == Status.CONTINUED and network.end_summary == "Die Aufgabe bleibt"


def test_a_write_to_a_dissolved_network_changes_nothing(client_for, network_with, coordinator,
                                                        member, outsider):
    network = network_with(Visibility.OPEN)
    membership_join(network=network, user=outsider)
    network_dissolve(network=network, actor=coordinator, summary="Fertig", reason="Keine")
    task = network.tasks.get()
    document = network.documents.get()
    before = (Membership.objects.filter(network=network).count(), Task.objects.count(),
              DocumentVersion.objects.count(), task.title, Network.objects.get(pk=network.pk).name)
    slug = network.slug
    writes = [
        (coordinator, reverse("networks:edit", args=[slug]),
         {"name": "Neu", "mandate": "M", "visibility": "open"}),
        (coordinator, reverse("networks:invite", args=[slug]), {"email": "otto@essen.example"}),
        (coordinator, reverse("networks:remove", args=[slug, member.pk]), {}),
        (coordinator, reverse("networks:set_role", args=[slug, member.pk]), {"role": "lead"}),
        (coordinator, reverse("networks:end", args=[slug]),
         {"outcome": "continue", "confirmed": "yes"}),
        (member, reverse("networks:tasks", args=[slug]), {"title": "Neue Aufgabe"}),
        (member, reverse("networks:task_edit", args=[slug, task.pk]),
         {"title": "Geändert", "state": "done"}),
        (member, reverse("networks:documents", args=[slug]), {"file": _text_file()}),
        (member, reverse("networks:document", args=[slug, document.pk]),
         {"file": _text_file()}),
        (UserFactory(), reverse("networks:join", args=[slug]), {}),
    ]
    for person, url, data in writes:
        response = client_for(person).post(url, data, follow=True)
        assert response.status_code == 200, url
        assert DISSOLVED_TEXT in response.content.decode(), url
        assert response.redirect_chain[-1][0] == reverse("networks:detail", args=[slug]), url
    task.refresh_from_db()
    after = (Membership.objects.filter(network=network).count(), Task.objects.count(),
             DocumentVersion.objects.count(), task.title, Network.objects.get(pk=network.pk).name)
    assert after == before
    assert Network.objects.get(pk=network.pk).status == Status.DISSOLVED
    # The forms of the archive are not offered either.
    assert DISSOLVED_TEXT in client_for(member).get(
        reverse("networks:task_edit", args=[slug, task.pk]), follow=True).content.decode()


# --- Membership through the pages -------------------------------------------------------

def test_open_networks_are_joined_and_left_at_once(client_for, network_with, outsider):
    network = network_with(Visibility.OPEN)
    client = client_for(outsider)
    assert "Netzwerk beitreten" in client.get(network.get_absolute_url()).content.decode()
    client.post(reverse("networks:join", args=[network.slug]))
    assert permissions.is_member(outsider, network)
    client.post(reverse("networks:leave", args=[network.slug]))
    permissions.forget_grants(outsider)
    assert not permissions.is_member(outsider, network)


def test_the_last_lead_cannot_leave(client_for, make_network, coordinator):
    network = make_network(Visibility.OPEN)
    response = client_for(coordinator).post(reverse("networks:leave", args=[network.slug]),
                                            follow=True)
    assert "letzte Sprecher:in" in response.content.decode()
    assert permissions.is_member(coordinator, network)


def test_leads_invite_by_email_and_the_invitee_accepts_a_confidential_network(
        client_for, network_with, coordinator, outsider):
    network = network_with(Visibility.CONFIDENTIAL)
    lead = client_for(coordinator)
    response = lead.post(reverse("networks:invite", args=[network.slug]),
                         {"email": "OTTO@essen.example", "role": "member"})
    assert response.status_code == 302
    assert Membership.objects.get(network=network, user=outsider).state == MemberState.INVITED
    # Unknown addresses are refused at the field.
    response = lead.post(reverse("networks:invite", args=[network.slug]),
                         {"email": "niemand@nirgends.example", "role": "member"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()

    invitee = client_for(outsider)
    # Still hidden, but the invitation waits on the network list (linked by the notification).
    assert invitee.get(network.get_absolute_url()).status_code == 404
    notification = Notification.objects.get(recipient=outsider)
    assert notification.url == reverse("networks:list")
    listing = invitee.get(reverse("networks:list")).content.decode()
    assert "Einladungen für Sie" in listing and network.name in listing
    invitee.post(reverse("networks:join", args=[network.slug]))
    assert invitee.get(network.get_absolute_url()).status_code == 200


def test_an_invitee_may_decline(client_for, network_with, coordinator, outsider):
    network = network_with(Visibility.CONFIDENTIAL)
    membership_invite(network=network, user=outsider, actor=coordinator)
    response = client_for(outsider).post(reverse("networks:leave", args=[network.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("networks:list")
    assert not Membership.objects.filter(network=network, user=outsider).exists()


def test_leads_decline_remove_and_make_leads(client_for, network_with, coordinator, member,
                                             outsider):
    network = network_with(Visibility.ON_REQUEST)
    membership_join(network=network, user=outsider)
    lead = client_for(coordinator)
    lead.post(reverse("networks:decline", args=[network.slug, outsider.pk]))
    assert not Membership.objects.filter(network=network, user=outsider).exists()
    lead.post(reverse("networks:set_role", args=[network.slug, member.pk]), {"role": "lead"})
    assert Membership.objects.get(network=network, user=member).role == MemberRole.LEAD
    lead.post(reverse("networks:remove", args=[network.slug, member.pk]))
    assert not Membership.objects.filter(network=network, user=member).exists()
    # Removed: the confidential door closes at once (on-request pages stay readable).
    assert client_for(member).get(reverse("networks:tasks", args=[network.slug])
                                  ).status_code == 404


def test_removed_member_of_a_confidential_network_gets_404_at_once(client_for, network_with,
                                                                   coordinator, member):
    network = network_with(Visibility.CONFIDENTIAL)
    client_for(coordinator).post(reverse("networks:remove", args=[network.slug, member.pk]))
    assert client_for(member).get(network.get_absolute_url()).status_code == 404


def test_tasks_go_to_members_only(client_for, network_with, coordinator, outsider):
    network = network_with(Visibility.OPEN)
    response = client_for(coordinator).post(reverse("networks:tasks", args=[network.slug]), {
        "title": "Für Otto", "assignee": outsider.pk})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Task.objects.filter(title="Für Otto").exists()


def test_members_edit_tasks(client_for, network_with, member):
    network = network_with(Visibility.CONFIDENTIAL)
    task = network.tasks.get()
    response = client_for(member).post(reverse("networks:task_edit", args=[network.slug, task.pk]),
                                       {"title": "Karte fertig", "state": "done",
                                        "assignee": member.pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.title == "Karte fertig"
    tasks_page = client_for(member).get(reverse("networks:tasks", args=[network.slug]))
    assert "Karte fertig" not in tasks_page.content.decode()
    with_done = client_for(member).get(reverse("networks:tasks", args=[network.slug]),
                                       {"done": "on"})
    assert "Karte fertig" in with_done.content.decode()


def test_lead_edits_the_description(client_for, network_with, lead):
    network = network_with(Visibility.OPEN)
    topic = TopicFactory(slug="test-biodiv", name="Testthema Vielfalt")
    response = client_for(lead).post(reverse("networks:edit", args=[network.slug]), {
        "name": "Hitzeaktionsplanung", "mandate": "Neu gefasst", "goals": "",
        "topics": [topic.pk], "visibility": "on_request"})
    assert response.status_code == 302
    network.refresh_from_db()
    assert (network.name, network.visibility) == ("Hitzeaktionsplanung", "on_request")
    assert list(network.topics.all()) == [topic]


# --- Files ------------------------------------------------------------------------------

def test_download_is_an_attachment_that_is_never_cached_or_sniffed(client_for, network_with,
                                                                   member):
    network = network_with(Visibility.CONFIDENTIAL)
    document = network.documents.get()
    response = client_for(member).get(reverse("networks:download",
                                              args=[network.slug, document.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="protokoll.txt"'
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"Protokoll der Sitzung"
    missing = client_for(member).get(reverse("networks:download",
                                             args=[network.slug, document.pk, 9]))
    assert missing.status_code == 404


def test_no_page_links_a_media_file(client_for, network_with, member):
    network = network_with(Visibility.CONFIDENTIAL)
    client = client_for(member)
    for name, method, url in _urls(network):
        if method == "get" and name not in ("download", "edit", "end"):
            body = client.get(url).content.decode()
            assert settings.MEDIA_URL not in body and "private/" not in body, name


def test_a_rejected_upload_says_why_and_stores_nothing(client_for, network_with, member):
    network = network_with(Visibility.CONFIDENTIAL)
    before = DocumentVersion.objects.count(), Document.objects.count()
    files_before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    disguised = SimpleUploadedFile("bericht.pdf", b"<!DOCTYPE html><script>alert(1)</script>",
                                   content_type="application/pdf")
    response = client_for(member).post(reverse("networks:documents", args=[network.slug]),
                                       {"title": "Bericht", "file": disguised})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Diese Art von Datei wird nicht angenommen" in body
    assert 'id="id_file_error"' in body and 'aria-invalid="true"' in body
    assert (DocumentVersion.objects.count(), Document.objects.count()) == before
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files_before


# --- The list, start page, city page, notifications -------------------------------------

def test_the_list_filters_by_status_topic_city_mine_and_words(client_for, coordinator, member,
                                                             outsider, other_city):
    topic = TopicFactory(slug="test-wald", name="Testthema Wald")
    forest = network_found(founder=coordinator, name="Tiny Forest", mandate="Kleine Wälder",
                           topics=[topic])
    rain = network_found(founder=coordinator, name="Starkregen", mandate="Wasser")
    membership_join(network=rain, user=outsider)
    network_dissolve(network=forest, actor=coordinator, summary="Gepflanzt", reason="Keine")
    client = client_for(member)
    url = reverse("networks:list")

    def names(**params):
        return {n.name for n in client.get(url, params).context["page"]}

    assert names() == {"Tiny Forest", "Starkregen"}
    assert names(status="dissolved") == {"Tiny Forest"}
    assert names(topic="test-wald") == {"Tiny Forest"}
    assert names(organisation=other_city.slug) == {"Starkregen"}
    assert names(q="wasser") == {"Starkregen"}
    assert names(mine="on") == set()
    assert {n.name for n in client_for(outsider).get(url, {"mine": "on"}).context["page"]} == {
        "Starkregen"}
    partial = client.get(url, {"q": "wasser"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Starkregen" in partial and "<html" not in partial


def test_start_page_shows_my_networks_and_tasks(client_for, network_with, member):
    network_with(Visibility.CONFIDENTIAL)
    body = client_for(member).get(reverse("home")).content.decode()
    assert f"Hitzeaktion {CANARY}" in body and f"Karte zeichnen {CANARY}" in body


def test_city_page_lists_the_networks_its_people_take_part_in(client_for, network_with, member,
                                                             city):
    network_with(Visibility.OPEN, name="Offenes Netz")
    body = client_for(member).get(reverse("organisation_detail", args=[city.slug])
                                  ).content.decode()
    assert "Offenes Netz" in body


def test_notifications_page_and_header_count(client_for, member):
    notify(recipients=[member], text="Neue Aufgabe für Sie", url="/netzwerke/aufgaben/")
    client = client_for(member)
    home = client.get(reverse("home")).content.decode()
    assert "Benachrichtigungen (1 ungelesen)" in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Neue Aufgabe für Sie" in page and "notification--unread" in page
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert "Benachrichtigungen (keine ungelesen)" in client.get(reverse("home")
                                                                ).content.decode()


def test_navigation_leads_to_the_networks(client_for, member):
    body = client_for(member).get(reverse("home")).content.decode()
    assert f'href="{reverse("networks:list")}"' in body
    assert f'href="{reverse("networks:my_tasks")}"' in body


# --- Query counts -----------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 20])
def test_network_list_query_count_is_flat(client_for, coordinator, member, count,
                                          django_assert_num_queries):
    topic = TopicFactory(slug="test-schwamm", name="Testthema Schwamm")
    for index in range(count):
        network = network_found(founder=coordinator, name=f"Netz {index}", mandate="M",
                                topics=[topic])
        membership_join(network=network, user=member)
    client = client_for(member)
    # session, user, roles, organisations and topics for the filters, count, the page of
    # networks (with member counts and my state and role), their topics, my pending
    # invitations, the header's unread notifications
    with django_assert_num_queries(10):
        assert client.get(reverse("networks:list")).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_network_page_query_count_is_flat(client_for, coordinator, count,
                                          django_assert_num_queries):
    network = network_found(founder=coordinator, name="Schwammstadt", mandate="M",
                            topics=[TopicFactory(slug="test-wasser", name="Testthema Wasser")])
    for index in range(count):
        person = UserFactory(organisation=OrganisationFactory())
        membership_join(network=network, user=person)
        task_create(network=network, actor=coordinator, title=f"Aufgabe {index}",
                    assignee=person, due=timezone.localdate() - timedelta(days=index))
        document_upload(network=network, actor=coordinator, upload=_text_file(),
                        title=f"Dokument {index}")
        start = timezone.now() + timedelta(days=index + 1)
        event_create(actor=coordinator, kind="network", network=network, audience="network",
                     title=f"Treffen {index}", start=start, end=start + timedelta(hours=2))
    client = client_for(coordinator)
    # session, user, roles, the network, my grants on it, my membership, the cities taking
    # part, its topics, members (with their cities), open tasks (with assignees), overdue
    # count, documents (with version counts and latest versions), the latest board posts,
    # pending requests (leads only), its published results and its drafts in the library,
    # its coming meetings I may see, the header's unread notifications
    with django_assert_num_queries(18):
        response = client.get(reverse("networks:detail", args=[network.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("Treffen ") == min(count, 8)


@pytest.mark.parametrize("count", [1, 20])
def test_my_tasks_query_count_is_flat(client_for, coordinator, member, count,
                                      django_assert_num_queries):
    for index in range(count):
        network = network_found(founder=coordinator, name=f"Netz {index}", mandate="M")
        membership_join(network=network, user=member)
        task_create(network=network, actor=coordinator, title=f"Aufgabe {index}",
                    assignee=member, due=timezone.localdate() - timedelta(days=index))
    client = client_for(member)
    # session, user, roles, count, the page of tasks (with their networks), the follow-up
    # tasks of meetings (with their meetings), the header's unread notifications
    with django_assert_num_queries(7):
        assert client.get(reverse("networks:my_tasks")).status_code == 200
