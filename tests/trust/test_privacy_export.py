"""'Export my data' (DSGVO Art. 15/20): a complete ZIP archive of one's own data, private,
downloadable by its owner only, without other people's private content."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from board.services import comment_create, post_create
from intranet.accounts.data_export import data_export_build, data_exports_of
from intranet.accounts.services import api_token_create, invitation_create
from intranet.events.models import Kind
from intranet.events.services import event_create, registration_create
from intranet.notifications.models import Notification
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import (
    document_upload,
    membership_invite,
    membership_join,
    membership_leave,
    network_found,
    task_create,
)
from tests.events.conftest import in_days
from tests.trust.privacy_helpers import archive_json, open_archive, own_media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]

OTHERS_SECRET = "KANARIE-FREMDER-KOMMENTAR-c0de"
CONFIDENTIAL_NAME = "Verschwiegene Runde KANARIE-NETZ-c0de"


@pytest.fixture
def contributions(coordinator, member, service_staff):
    """The member's traces all over the platform, beside a colleague's private words."""
    network = network_found(founder=coordinator, name="Baumrigolen", mandate="Bäume retten")
    membership_join(network=network, user=member)
    forget_grants(member)
    post = post_create(author=member, title="Gießkannen gesucht", body="Wer hat welche?",
                       category="request",
                       files=[SimpleUploadedFile("plan.txt", b"Plan der Rigolen\n",
                                                 content_type="text/plain")])
    colleague_post = post_create(author=coordinator, title="Hitzeplan", body="Entwurf",
                                 category="offer")
    comment_create(post=colleague_post, author=member, body="Mein eigener Kommentar")
    comment_create(post=colleague_post, author=coordinator, body=OTHERS_SECRET)
    document_upload(network=network, actor=member, title="Standorte",
                    upload=SimpleUploadedFile("standorte.txt", b"Standortliste\n",
                                              content_type="text/plain"))
    task_create(network=network, actor=coordinator, title="Rigole vermessen", assignee=member)
    event = event_create(actor=service_staff, kind=Kind.COORDINATORS, title="Frühjahrstreffen",
                         start=in_days(10), end=in_days(10, 2), venue="Rathaus")
    registration_create(event=event, user=member)
    _token, raw_key = api_token_create(user=member, name="Stadtportal")
    return {"post": post, "raw_key": raw_key}


def test_the_archive_holds_the_persons_own_data_and_files(member, contributions):
    archive = open_archive(data_export_build(user_id=member.pk))
    names = set(archive.namelist())
    assert {"profil.json", "mitgliedschaften.json", "schwarzes-brett.json", "netzwerke.json",
            "termine.json", "benachrichtigungen.json", "einstellungen.json",
            "einladungen.json", "protokoll.json", "anmeldungen.json", "LIESMICH.txt"} <= names
    profile = archive_json(archive, "profil.json")
    assert (profile["name"], profile["email"]) == ("Max Mitglied", "max@bochum.example")
    assert profile["organisation"] == "Stadt Bochum"
    assert [m["network"] for m in archive_json(archive, "mitgliedschaften.json")] == ["Baumrigolen"]
    board = archive_json(archive, "schwarzes-brett.json")
    assert [post["title"] for post in board["posts"]] == ["Gießkannen gesucht"]
    assert archive.read(board["attachments"][0]["file"]) == b"Plan der Rigolen\n"
    work = archive_json(archive, "netzwerke.json")
    assert archive.read(work["documents"][0]["file"]) == b"Standortliste\n"
    assert [task["title"] for task in work["tasks"]] == ["Rigole vermessen"]
    assert archive_json(archive, "termine.json")["registrations"][0]["event"] == "Frühjahrstreffen"
    assert "Baumrigolen" in archive.read("protokoll.json").decode()
    # JSON is written as readable UTF-8, not as \u escapes.
    assert "Gießkannen" in archive.read("schwarzes-brett.json").decode("utf-8")
    assert "Ihre Daten bei Klima.Werk" in archive.read("LIESMICH.txt").decode("utf-8")


def test_the_archive_has_token_names_but_never_a_secret(member, contributions):
    archive = open_archive(data_export_build(user_id=member.pk))
    tokens = archive_json(archive, "einstellungen.json")["api_tokens"]
    assert [token["name"] for token in tokens] == ["Stadtportal"]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode(
        "utf-8", "replace")
    assert contributions["raw_key"] not in everything
    assert contributions["raw_key"][:10] not in everything  # not even its fingerprint


def test_the_archive_has_own_comments_but_not_the_thread_around_them(member, contributions):
    archive = open_archive(data_export_build(user_id=member.pk))
    comments = archive_json(archive, "schwarzes-brett.json")["comments"]
    assert [c["body"] for c in comments] == ["Mein eigener Kommentar"]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert OTHERS_SECRET.encode() not in everything


def test_a_confidential_network_one_left_stays_nameless_in_the_archive(coordinator, member):
    secret = network_found(founder=coordinator, name=CONFIDENTIAL_NAME, mandate="Intern",
                           visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=secret, user=member, actor=coordinator)
    membership_join(network=secret, user=member)
    forget_grants(member)
    post = post_create(author=coordinator, title=f"Intern {CONFIDENTIAL_NAME}", body="…",
                       category="request", audience="network", network=secret)
    comment_create(post=post, author=member, body="Mein Beitrag im vertraulichen Netz")
    membership_leave(network=secret, user=member)
    forget_grants(member)

    archive = open_archive(data_export_build(user_id=member.pk))
    comments = archive_json(archive, "schwarzes-brett.json")["comments"]
    assert [(c["body"], c["post"]) for c in comments] == [
        ("Mein Beitrag im vertraulichen Netz", None)]
    # The invitation she received names the network: it was sent to her, and her list of
    # notifications shows it too. Nothing else of the network is in the archive.
    for name in set(archive.namelist()) - {"benachrichtigungen.json"}:
        assert CONFIDENTIAL_NAME.encode() not in archive.read(name), name


def test_invitations_sent_are_in_the_archive(coordinator, city):
    invitation_create(inviter=coordinator, email="neu@bochum.example", name="Nora Neu",
                      organisation=city, roles=["member"])
    archive = open_archive(data_export_build(user_id=coordinator.pk))
    assert [i["email"] for i in archive_json(archive, "einladungen.json")] == ["neu@bochum.example"]


def test_the_button_builds_the_archive_and_tells_the_person(
        client_for, member, django_capture_on_commit_callbacks):
    client = client_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("data_export_request"))
    assert response.status_code == 302
    archives = data_exports_of(user=member)
    assert len(archives) == 1
    notification = Notification.objects.get(recipient=member)
    assert "#h-privacy" in notification.url
    page = client.get(reverse("profile_settings")).content.decode()
    download = reverse("data_export_download", args=[archives[0].name])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive_json(archive, "profil.json")["email"] == "max@bochum.example"


def _page(response, address: str) -> str:
    """The page without what differs per request: its address and the CSRF token."""
    return re.sub(r'(CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+"', "",
                  response.content.decode().replace(address, ""))


def test_someone_elses_archive_is_a_404_like_a_missing_one(client_for, member, outsider, admin):
    name = data_export_build(user_id=member.pk).rsplit("/", 1)[1]
    url = reverse("data_export_download", args=[name])
    missing = reverse("data_export_download",
                      args=["klimawerk-daten-20260101-000000-0123456789abcdef.zip"])
    for person in (outsider, admin):
        client = client_for(person)
        hidden, absent = client.get(url), client.get(missing)
        assert hidden.status_code == absent.status_code == 404
        # The same page; only the address it names differs.
        assert _page(hidden, url) == _page(absent, missing)
    assert client_for(None).get(url).status_code == 302  # to the sign-in page


def test_a_path_outside_the_own_directory_is_a_404(client_for, member, outsider):
    data_export_build(user_id=member.pk)
    client = client_for(outsider)
    for name in ("..%2F" + str(member.pk), "..", "LIESMICH.txt"):
        assert client.get(f"/profil/datenexport/{name}/").status_code == 404


def test_the_request_needs_post(client_for, member):
    assert client_for(member).get(reverse("data_export_request")).status_code == 405
    assert data_exports_of(user=member) == []


def test_archives_are_not_under_a_served_url(client_for, member):
    path = data_export_build(user_id=member.pk)
    assert client_for(member).get(f"/media/{path}").status_code == 404
