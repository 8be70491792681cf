"""Deleting an account (DSGVO Art. 17): the person is anonymised everywhere, their
contributions stay under "Ehemalige:r Nutzer:in", and nothing of their name or address is
left in pages, search, feeds, the audit log or exports."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from guardian.models import UserObjectPermission

from board.services import comment_create, post_create
from intranet.accounts.data_export import data_export_build
from intranet.accounts.models import ApiToken, Invitation, User, UserRole
from intranet.accounts.privacy import account_delete, deleted_email, former_user_name
from intranet.accounts.services import api_token_create, invitation_create
from intranet.core.models import AuditEntry
from intranet.events.models import Kind, Registration, RegistrationStatus
from intranet.events.services import event_create, registration_create
from intranet.notifications.models import Notification
from intranet.notifications.services import notify
from intranet.steering.selectors import dashboard_for
from intranet.steering.services import steering_figures_count
from networks.models import Membership, NetworkUserObjectPermission, Visibility
from networks.permissions import forget_grants
from networks.services import (
    idea_comment,
    idea_propose,
    membership_join,
    network_found,
    task_create,
)
from tests.events.conftest import in_days
from tests.factories import PASSWORD, TopicFactory, UserFactory
from tests.trust.privacy_helpers import (  # noqa: F401
    archive_text,
    open_archive,
    own_media,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]

OLD_NAME = "Wiebke Spurlos"
OLD_EMAIL = "wiebke.spurlos@bochum.example"
OLD_PHONE = "0234 555 1234"


@pytest.fixture
def leaver(city):
    """A coordinator with a profile, a network she alone leads, a post, a token, a
    registration, a notification, an invitation she received and one she sent."""
    invitation = invitation_create(inviter=UserFactory(organisation=city,
                                                       roles=["coordinator"]),
                                   email=OLD_EMAIL, name=OLD_NAME, organisation=city,
                                   roles=["coordinator"])
    person = UserFactory(name=OLD_NAME, email=OLD_EMAIL, organisation=city, phone=OLD_PHONE,
                         bio="Ich kenne jeden Baum in Bochum.", roles=["coordinator"],
                         topics=[TopicFactory()])
    Invitation.objects.filter(pk=invitation.pk).update(user=person, accepted_at=timezone.now())
    return person


@pytest.fixture
def traces(leaver, member, coordinator, service_staff, city):
    network = network_found(founder=leaver, name="Tiny Forest Bochum", mandate="Wälder",
                            visibility=Visibility.OPEN)
    membership_join(network=network, user=member)
    forget_grants(member)
    task_create(network=network, actor=leaver, title="Setzlinge bestellen", assignee=member)
    post = post_create(author=leaver, title="Setzlinge abzugeben", body="Eichen und Linden",
                       category="offer")
    mention = post_create(author=member, title="Danke", body="Danke an @wiebke.spurlos!",
                          category="announcement")
    comment_create(post=post, author=member, body="Ich nehme zwei.")
    comment_create(post=post, author=leaver, body="Gerne, bis Freitag.")
    _token, raw_key = api_token_create(user=leaver, name="Baumkataster")
    event = event_create(actor=service_staff, kind=Kind.COORDINATORS, title="Pflanztag",
                         start=in_days(10), end=in_days(10, 2), venue="Stadtpark",
                         capacity=1)
    registration_create(event=event, user=leaver)
    registration_create(event=event, user=member)  # waits for a place
    notify(recipients=[leaver], text="Ihre Setzlinge sind da.")
    invitation_create(inviter=leaver, email="neu@bochum.example", name="Nora Neu",
                      organisation=city, roles=["member"])
    return {"network": network, "post": post, "mention": mention, "raw_key": raw_key,
            "event": event, "feed_token": leaver.feed_token}


def _delete(person, actor, capture, password=None):
    with capture(execute=True):  # the search writer runs after the commit
        account_delete(person=person, actor=actor, password=password)
    person.refresh_from_db()
    return person


def test_own_deletion_needs_the_password_and_changes_nothing_without_it(client_for, leaver):
    client = client_for(leaver)
    response = client.post(reverse("account_delete_own"),
                           {"password": "falsch", "confirm": "on"})
    assert response.status_code == 200
    assert "Das Passwort ist nicht richtig." in response.content.decode()
    leaver.refresh_from_db()
    assert (leaver.name, leaver.email, leaver.is_active) == (OLD_NAME, OLD_EMAIL, True)


def test_own_deletion_without_the_confirmation_is_refused(client_for, leaver):
    response = client_for(leaver).post(reverse("account_delete_own"), {"password": PASSWORD})
    assert response.status_code == 200
    leaver.refresh_from_db()
    assert leaver.is_active


def test_the_page_warns_in_plain_words_what_happens(client_for, leaver):
    page = client_for(leaver).get(reverse("account_delete_own")).content.decode()
    assert "This cannot be undone." in page or "nicht rückgängig" in page
    assert 'autocomplete="current-password"' in page


def test_own_deletion_anonymises_and_signs_out(client_for, leaver, traces,
                                               django_capture_on_commit_callbacks):
    client = client_for(leaver)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete_own"),
                               {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    leaver.refresh_from_db()
    assert leaver.name == former_user_name()
    assert leaver.email == deleted_email(leaver.pk)
    assert (leaver.phone, leaver.bio, leaver.position, leaver.organisation) == ("", "", "", None)
    assert not leaver.topics.exists()
    assert not leaver.is_active and not leaver.has_usable_password()
    assert client.get(reverse("people")).status_code == 302  # signed out


def test_an_admin_deletes_someone_and_their_open_session_ends(
        client, client_for, leaver, admin, django_capture_on_commit_callbacks):
    from django.test import Client

    theirs = Client()
    theirs.force_login(leaver, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert theirs.get(reverse("people")).status_code == 200
    admins = client_for(admin)
    page = admins.get(reverse("person_detail", args=[leaver.pk])).content.decode()
    assert reverse("account_delete_person", args=[leaver.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admins.post(reverse("account_delete_person", args=[leaver.pk]))
    assert response.status_code == 302
    assert theirs.get(reverse("people")).status_code == 302  # sent to sign in
    leaver.refresh_from_db()
    assert leaver.name == former_user_name()


def test_nobody_but_an_admin_deletes_someone_else(client_for, leaver, coordinator, steering,
                                                  service_staff):
    url = reverse("account_delete_person", args=[leaver.pk])
    for person in (coordinator, steering, service_staff):
        client = client_for(person)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.name == OLD_NAME


def test_a_deleted_account_cannot_be_deleted_again_and_is_a_404(
        client_for, leaver, admin, django_capture_on_commit_callbacks):
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    url = reverse("account_delete_person", args=[leaver.pk])
    missing = reverse("account_delete_person", args=[999999])
    client = client_for(admin)
    assert client.post(url).status_code == client.post(missing).status_code == 404


def test_contributions_stay_under_the_anonymous_name(client_for, leaver, traces, member,
                                                     admin, django_capture_on_commit_callbacks):
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    page = client_for(member).get(reverse("board:detail", args=[traces["post"].pk]))
    text = page.content.decode()
    assert "Setzlinge abzugeben" in text and "Gerne, bis Freitag." in text
    assert former_user_name() in text
    assert OLD_NAME not in text


def test_memberships_grants_roles_and_tokens_end(client, leaver, traces, admin,
                                                 django_capture_on_commit_callbacks):
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user=leaver).exists()
    assert not NetworkUserObjectPermission.objects.filter(user=leaver).exists()
    assert not UserObjectPermission.objects.filter(user=leaver).exists()
    assert not UserRole.objects.filter(user=leaver).exists()
    assert not ApiToken.objects.filter(user=leaver, revoked_at__isnull=True).exists()
    response = client.get("/api/v1/networks/",
                          HTTP_AUTHORIZATION=f"Bearer {traces['raw_key']}")
    assert response.status_code in (401, 403)
    for name in ("board_feed", "calendar_feed"):
        assert client.get(reverse(name, args=[traces["feed_token"]])).status_code == 404
        assert client.get(reverse(name, args=[leaver.feed_token])).status_code == 404


def test_a_network_whose_only_lead_left_needs_attention(leaver, traces, steering, admin,
                                                        django_capture_on_commit_callbacks):
    def leaderless():
        steering_figures_count()  # as beat does every hour
        dashboard = dashboard_for(user=steering, quiet_days=60)
        return [row.pk for row in dashboard.attention.leaderless]

    assert traces["network"].pk not in leaderless()
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    assert traces["network"].pk in leaderless()


def test_a_coming_registration_is_cancelled_and_the_waitlist_moves_up(
        leaver, traces, member, admin, django_capture_on_commit_callbacks):
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    statuses = dict(Registration.objects.filter(event=traces["event"])
                    .values_list("user_id", "status"))
    assert statuses == {leaver.pk: RegistrationStatus.CANCELLED,
                        member.pk: RegistrationStatus.REGISTERED}
    assert Notification.objects.filter(recipient=member, event=traces["event"]).exists()


def test_notifications_to_the_person_are_deleted(leaver, traces, admin,
                                                 django_capture_on_commit_callbacks):
    assert Notification.objects.filter(recipient=leaver).exists()
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(recipient=leaver).exists()


def test_the_deletion_is_recorded_without_personal_data(leaver, traces, admin,
                                                        django_capture_on_commit_callbacks):
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="user.delete")
    assert (entry.actor, entry.target_id) == (admin, str(leaver.pk))
    assert entry.target_label == former_user_name()
    assert OLD_NAME not in str(entry.data) and OLD_EMAIL not in str(entry.data)


def test_a_self_deletion_is_recorded_without_an_actor_name(client_for, leaver,
                                                           django_capture_on_commit_callbacks):
    _delete(leaver, leaver, django_capture_on_commit_callbacks, password=PASSWORD)
    entry = AuditEntry.objects.get(action="user.delete")
    assert entry.actor is None and entry.actor_label == ""


def test_the_old_name_and_address_are_nowhere_any_more(
        client_for, leaver, traces, member, admin, steering,
        django_capture_on_commit_callbacks):
    call_command("rebuild_index", interactive=False, verbosity=0)
    searcher = client_for(member)
    found = searcher.get(reverse("search"), {"q": "Spurlos"}).content.decode()
    assert OLD_NAME in found  # the profile and her post are found by her name first

    _delete(leaver, admin, django_capture_on_commit_callbacks)

    pages = {
        "search": (member, reverse("search") + "?q=Spurlos"),
        "search of the post": (member, reverse("search") + "?q=Setzlinge"),
        "search api": (member, "/api/v1/search/?q=Spurlos"),
        "people": (member, reverse("people") + "?q=Spurlos"),
        "post": (member, reverse("board:detail", args=[traces["post"].pk])),
        "mention": (member, reverse("board:detail", args=[traces["mention"].pk])),
        "board": (member, reverse("board:list")),
        "network": (member, reverse("networks:detail", args=[traces["network"].slug])),
        "my tasks": (member, reverse("networks:my_tasks")),
        "event": (member, reverse("events:detail", args=[traces["event"].pk])),
        "audit log": (admin, reverse("audit_log")),
        "steering": (steering, reverse("steering:dashboard")),
        "invitations": (admin, reverse("invitation_list")),
        "board feed": (None, reverse("board_feed", args=[member.feed_token])),
        "calendar feed": (None, reverse("calendar_feed", args=[member.feed_token])),
        "mention suggestions": (member, reverse("mention_suggestions") + "?q=wiebke"),
    }
    for label, (viewer, url) in pages.items():
        response = client_for(viewer).get(url)
        assert response.status_code == 200, label
        text = b"".join(response.streaming_content) if response.streaming else response.content
        text = text.decode()
        for trace in (OLD_NAME, OLD_EMAIL, "wiebke.spurlos", OLD_PHONE):
            assert trace.lower() not in text.lower(), (label, trace)
    archive = data_export_build(user_id=member.pk)
    everything = archive_text(open_archive(archive))
    assert OLD_NAME not in everything and OLD_EMAIL not in everything


def test_the_audit_log_keeps_what_happened_but_not_who(leaver, traces, admin,
                                                       django_capture_on_commit_callbacks):
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    entries = list(AuditEntry.objects.all())
    assert any(e.action == "network.found" for e in entries)
    for entry in entries:
        text = f"{entry.actor_label} {entry.target_label} {entry.data}"
        assert OLD_NAME not in text and OLD_EMAIL not in text, entry.action


def test_mentions_in_others_words_no_longer_name_the_person(
        leaver, traces, member, admin, django_capture_on_commit_callbacks):
    idea = idea_propose(author=member, question="Mehr Tiny Forests?", why="Schatten")
    comment = idea_comment(idea=idea, author=member, body="Frag @wiebke.spurlos dazu.")
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    traces["mention"].refresh_from_db()
    comment.refresh_from_db()
    for text in (traces["mention"].body, traces["mention"].body_html, comment.body):
        assert "wiebke.spurlos" not in text and OLD_NAME not in text
    assert f"@{leaver.handle}" in traces["mention"].body
    assert comment.body == f"Frag @{leaver.handle} dazu."


def test_login_log_rows_of_the_address_are_deleted(leaver, admin,
                                                   django_capture_on_commit_callbacks):
    from axes.models import AccessFailureLog, AccessLog

    AccessLog.objects.create(username=OLD_EMAIL, ip_address="10.0.0.1", user_agent="Firefox")
    AccessFailureLog.objects.create(username=OLD_EMAIL, ip_address="10.0.0.1",
                                    user_agent="Firefox")
    AccessLog.objects.create(username="andere@bochum.example", ip_address="10.0.0.2",
                             user_agent="Firefox")
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    assert list(AccessLog.objects.values_list("username", flat=True)) == [
        "andere@bochum.example"]
    assert not AccessFailureLog.objects.exists()


def test_the_old_address_is_free_for_a_new_account(leaver, admin, city,
                                                   django_capture_on_commit_callbacks):
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    again = UserFactory(email=OLD_EMAIL, name=OLD_NAME, organisation=city)
    assert User.objects.filter(email=OLD_EMAIL).get() == again


def test_a_past_registration_stays_as_it_was(leaver, service_staff, admin,
                                             django_capture_on_commit_callbacks):
    event = event_create(actor=service_staff, kind=Kind.COORDINATORS, title="Letztes Jahr",
                         start=in_days(3), end=in_days(3, 2), venue="Rathaus")
    registration_create(event=event, user=leaver)
    from intranet.events.models import Event

    Event.objects.filter(pk=event.pk).update(start=in_days(-30),
                                             end=in_days(-30) + datetime.timedelta(hours=2))
    _delete(leaver, admin, django_capture_on_commit_callbacks)
    assert Registration.objects.get(event=event).status == RegistrationStatus.REGISTERED
