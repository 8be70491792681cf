import re

import pytest
from django.core import mail
from django.urls import reverse

from intranet.accounts.models import Invitation, Organisation, User
from intranet.accounts.services import invitation_create, invitation_token
from intranet.core.models import AuditEntry
from tests.factories import PASSWORD, TopicFactory, UserFactory
from tests.helpers import comparable_body

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-7f3a"


# --- Who may open which page ------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["home", "people", "organisations", "profile_edit",
                                      "profile_settings"])
def test_every_signed_in_person_opens_the_everyday_pages(client_for, member, url_name):
    assert client_for(member).get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("url_name", ["home", "people", "organisations", "invitation_list",
                                      "audit_log", "profile_settings"])
def test_anonymous_is_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/?next=")


def test_person_page_shows_the_profile(client_for, member, outsider):
    response = client_for(outsider).get(reverse("person_detail", args=[member.pk]))
    assert response.status_code == 200
    assert member.email in response.content.decode()


def test_deactivated_and_missing_people_give_the_same_404(client_for, member, outsider):
    outsider.is_active = False
    outsider.save()
    client = client_for(member)
    hidden_path = reverse("person_detail", args=[outsider.pk])
    missing_path = reverse("person_detail", args=[999_999])
    hidden, missing = client.get(hidden_path), client.get(missing_path)
    assert hidden.status_code == missing.status_code == 404
    # The page links back to its own address (language switch); apart from that, identical.
    assert comparable_body(hidden, hidden_path) == comparable_body(missing, missing_path)
    assert outsider.name not in hidden.content.decode()


def test_unknown_organisation_gives_404(client_for, member):
    assert client_for(member).get("/staedte/gibt-es-nicht/").status_code == 404


def test_member_may_see_but_not_edit_a_city_page(client_for, member, city):
    client = client_for(member)
    assert client.get(reverse("organisation_detail", args=[city.slug])).status_code == 200
    assert client.get(reverse("organisation_edit", args=[city.slug])).status_code == 403
    response = client.post(reverse("organisation_edit", args=[city.slug]), {"name": "Gekapert"})
    assert response.status_code == 403
    city.refresh_from_db()
    assert city.name == "Stadt Bochum"


def test_coordinator_edits_own_city_but_not_another(client_for, coordinator, city, other_city):
    client = client_for(coordinator)
    response = client.post(reverse("organisation_edit", args=[city.slug]), {
        "name": "Stadt Bochum", "region": "Ruhr", "website": "https://www.bochum.de",
        "description": "Schwammstadt Bochum"})
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.description == "Schwammstadt Bochum"
    assert client.get(reverse("organisation_edit", args=[other_city.slug])).status_code == 403
    assert AuditEntry.objects.filter(action="organisation.update", actor=coordinator).exists()


def test_city_edit_with_bad_input_shows_message_and_changes_nothing(client_for, coordinator, city):
    response = client_for(coordinator).post(reverse("organisation_edit", args=[city.slug]), {
        "name": "", "website": "kein link"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    city.refresh_from_db()
    assert city.name == "Stadt Bochum"


def test_city_page_lists_its_coordinators_and_people(client_for, member, coordinator, city):
    response = client_for(member).get(reverse("organisation_detail", args=[city.slug]))
    body = response.content.decode()
    assert coordinator.name in body and member.name in body


# --- People finder ----------------------------------------------------------------------

def test_people_finder_finds_by_topic_name_and_city(client_for, member, city, other_city):
    topic = TopicFactory(slug="test-rigolen", name="Testrigolen")
    expert = UserFactory(name="Rita Rigole", organisation=other_city, topics=[topic])
    colleague = UserFactory(name="Nils Nachbar", organisation=city)
    client = client_for(member)
    by_topic = client.get(reverse("people"), {"topic": "test-rigolen"}).content.decode()
    assert expert.name in by_topic and colleague.name not in by_topic
    by_word = client.get(reverse("people"), {"q": "rigolen"}).content.decode()
    assert expert.name in by_word and colleague.name not in by_word
    by_city = client.get(reverse("people"), {"organisation": "essen"}).content.decode()
    assert expert.name in by_city and colleague.name not in by_city


def test_people_finder_finds_a_word_in_the_city_name(client_for, member, other_city):
    essen = UserFactory(name="Erna Ebert", organisation=other_city)
    found = client_for(member).get(reverse("people"), {"q": "essen"}).context["page"]
    assert list(found) == [essen]


def test_people_finder_counts_up_to_its_cap(client_for, member, city, monkeypatch):
    from intranet.core.paging import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    client = client_for(member)
    page = client.get(reverse("people")).context["page"]
    assert page.paginator.count == 1 and not page.paginator.count_is_capped
    UserFactory.create_batch(2, organisation=city)
    response = client.get(reverse("people"))
    assert response.context["page"].paginator.count_is_capped
    assert "Mehr als 2 Personen" in response.content.decode()


def test_people_finder_answers_htmx_with_the_result_fragment(client_for, member):
    response = client_for(member).get(reverse("people"), {"q": "Max"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert member.name in body
    assert "<html" not in body


def test_people_finder_never_lists_deactivated_people(client_for, member, outsider):
    outsider.is_active = False
    outsider.save()
    body = client_for(member).get(reverse("people")).content.decode()
    assert outsider.name not in body


def test_people_finder_survives_nonsense_parameters(client_for, member):
    response = client_for(member).get(reverse("people"), {
        "organisation": "<script>", "topic": "x" * 500, "page": "abc", "q": "%" * 300})
    assert response.status_code == 200


# --- Profile ----------------------------------------------------------------------------

def test_person_edits_own_profile(client_for, member):
    topic = TopicFactory(slug="test-hitze", name="Testhitze")
    response = client_for(member).post(reverse("profile_edit"), {
        "name": "Max Mitglied", "position": "Hitzeschutz", "phone": "+49 234 123",
        "bio": "Kurz", "language": "en", "topics": [topic.pk]})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.position == "Hitzeschutz" and member.language == "en"
    assert list(member.topics.all()) == [topic]


def test_profile_with_invalid_phone_is_refused_with_a_message(client_for, member):
    response = client_for(member).post(reverse("profile_edit"), {
        "name": "Max Mitglied", "phone": "<script>", "language": "de"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.phone == ""


def test_only_admins_change_roles(client_for, member, admin, outsider):
    assert client_for(member).get(reverse("person_roles", args=[outsider.pk])).status_code == 403
    response = client_for(admin).post(reverse("person_roles", args=[outsider.pk]),
                                      {"roles": ["member", "coordinator"]})
    assert response.status_code == 302
    outsider = User.objects.get(pk=outsider.pk)
    assert outsider.roles == {"member", "coordinator"}
    assert outsider.has_perm("accounts.change_organisation", outsider.organisation)
    entry = AuditEntry.objects.get(action="user.roles", actor=admin)
    assert entry.actor == admin and entry.data["after"] == ["coordinator", "member"]


# --- Invitations ------------------------------------------------------------------------

def test_member_may_not_invite(client_for, member):
    assert client_for(member).get(reverse("invitation_list")).status_code == 403
    response = client_for(member).post(reverse("invitation_list"), {
        "name": "X", "email": "x@y.example", "organisation": member.organisation_id,
        "roles": ["member"]})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_coordinator_invites_a_colleague_who_sets_a_password_and_signs_in(
        client_for, coordinator, city, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(reverse("invitation_list"), {
            "name": "Nora Neu", "email": "Nora@Bochum.example", "organisation": city.pk,
            "roles": ["member"]})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/einladung/\S+/", mail.outbox[0].body).group(0)
    path = link.split("//", 1)[1].split("/", 1)[1]
    client.logout()
    page = client.get("/" + path)
    assert page.status_code == 200 and "nora@bochum.example" in page.content.decode()
    accepted = client.post("/" + path, {"name": "Nora Neu", "password1": PASSWORD,
                                        "password2": PASSWORD})
    assert accepted.status_code == 302
    nora = User.objects.get(email="nora@bochum.example")
    assert nora.organisation == city and nora.roles == {"member"}
    assert client.get(reverse("home")).status_code == 200  # signed in
    assert client.get("/" + path).status_code == 404  # the link works once
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"invitation.create", "invitation.accept", "user.create"} <= actions


def test_coordinator_cannot_invite_into_another_city_or_as_admin(
        client_for, coordinator, other_city, city):
    client = client_for(coordinator)
    for organisation, roles in ((other_city, ["member"]), (city, ["admin"])):
        response = client.post(reverse("invitation_list"), {
            "name": "X", "email": "x@example.org", "organisation": organisation.pk,
            "roles": roles})
        assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_service_staff_invite_into_any_organisation(client_for, service_staff, other_city):
    response = client_for(service_staff).post(reverse("invitation_list"), {
        "name": "Eva Essen", "email": "eva@essen.example", "organisation": other_city.pk,
        "roles": ["coordinator"]})
    assert response.status_code == 302
    assert Invitation.objects.get().organisation == other_city


def test_inviting_an_existing_person_is_refused_clearly(client_for, coordinator, member, city):
    response = client_for(coordinator).post(reverse("invitation_list"), {
        "name": "Max", "email": member.email.upper(), "organisation": city.pk,
        "roles": ["member"]})
    assert response.status_code == 200
    assert "kern-error" in response.content.decode()
    assert not Invitation.objects.exists()


def test_accepting_with_a_weak_password_creates_nobody(client, coordinator, city):
    invitation = invitation_create(inviter=coordinator, email="neu@bochum.example",
                                   name="Neu", organisation=city, roles=["member"])
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    response = client.post(path, {"name": "Neu", "password1": "12345", "password2": "12345"})
    assert response.status_code == 200
    assert not User.objects.filter(email="neu@bochum.example").exists()


def test_withdrawn_resent_and_forged_links_do_not_work(client_for, client, coordinator, city):
    invitation = invitation_create(inviter=coordinator, email="neu@bochum.example",
                                   name="Neu", organisation=city, roles=["member"])
    old_link = reverse("invitation_accept", args=[invitation_token(invitation)])
    client_for(coordinator).post(reverse("invitation_resend", args=[invitation.pk]))
    client.logout()
    assert client.get(old_link).status_code == 404
    invitation.refresh_from_db()
    new_link = reverse("invitation_accept", args=[invitation_token(invitation)])
    assert client.get(new_link).status_code == 200
    client_for(coordinator).post(reverse("invitation_revoke", args=[invitation.pk]))
    client.logout()
    assert client.get(new_link).status_code == 404
    assert client.get(new_link[:-5] + "xxxx/").status_code == 404


def test_coordinator_cannot_touch_another_citys_invitations(client_for, outsider, other_city,
                                                            coordinator, city):
    invitation = invitation_create(inviter=coordinator, email="neu@bochum.example",
                                   name=CANARY, organisation=city, roles=["member"])
    other_coordinator = UserFactory(organisation=other_city, roles=["coordinator"])
    client = client_for(other_coordinator)
    assert CANARY not in client.get(reverse("invitation_list")).content.decode()
    assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- Audit log --------------------------------------------------------------------------

def test_audit_log_is_for_admins_and_steering_only(client_for, member, coordinator, steering,
                                                   admin):
    for person in (member, coordinator):
        assert client_for(person).get(reverse("audit_log")).status_code == 404
    for person in (steering, admin):
        assert client_for(person).get(reverse("audit_log")).status_code == 200


def test_audit_log_filters_by_action_and_city_and_exports_csv(client_for, steering, coordinator,
                                                              city, other_city):
    invitation_create(inviter=coordinator, email="a@bochum.example", name="A", organisation=city,
                      roles=["member"])
    client = client_for(steering)
    body = client.get(reverse("audit_log"), {"action": "invitation.create",
                                             "organisation": "bochum"}).content.decode()
    assert "a@bochum.example" in body
    body = client.get(reverse("audit_log"), {"organisation": "essen"}).content.decode()
    assert "a@bochum.example" not in body
    csv_response = client.get(reverse("audit_log"), {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "invitation.create" in csv_response.content.decode()


def test_audit_log_rejects_bad_filters_without_error(client_for, steering):
    response = client_for(steering).get(reverse("audit_log"), {
        "date_from": "gestern", "actor": "x", "organisation": "nope"})
    assert response.status_code == 200


# --- Settings: tokens and feed address --------------------------------------------------

def test_api_token_is_shown_once_and_can_be_revoked(client_for, member):
    client = client_for(member)
    client.post(reverse("api_token_create"), {"name": "Stadtportal"})
    page = client.get(reverse("profile_settings")).content.decode()
    key = re.search(r"kw_[A-Za-z0-9_\-]{20,}", page).group(0)
    assert key not in client.get(reverse("profile_settings")).content.decode()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    token = member.api_tokens.get()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_nobody_revokes_another_persons_token(client_for, member, outsider):
    from intranet.accounts.services import api_token_create

    token, _ = api_token_create(user=outsider, name="fremd")
    assert client_for(member).post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_feed_address_can_be_renewed(client_for, member):
    old = member.feed_token
    client_for(member).post(reverse("feed_token_reset"))
    member.refresh_from_db()
    assert member.feed_token != old


# --- Query counts: flat as data grows ---------------------------------------------------

def _people(count, organisation):
    topic = TopicFactory()
    for _ in range(count):
        UserFactory(organisation=organisation, topics=[topic])


@pytest.mark.parametrize("count", [1, 20])
def test_people_finder_query_count_is_flat(client_for, member, city, count,
                                           django_assert_num_queries):
    _people(count, city)
    client = client_for(member)
    # session, user, user's roles (second-factor check), organisations and topics for the
    # filter, count, page of people, their topics, the header's unread notifications
    with django_assert_num_queries(9):
        assert client.get(reverse("people")).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_city_page_query_count_is_flat(client_for, member, coordinator, city, count,
                                       django_assert_num_queries):
    _people(count, city)
    client = client_for(member)
    # session, user, roles, the city, guardian grant check (2: user perms, group perms),
    # coordinators (+ their topics), people count, people page (+ their topics), the
    # city's networks, the header's unread notifications
    with django_assert_num_queries(13):
        assert client.get(reverse("organisation_detail", args=[city.slug])).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_city_list_query_count_is_flat(client_for, member, count, django_assert_num_queries):
    for index in range(count):
        Organisation.objects.create(slug=f"ort-{index}", name=f"Ort {index}")
    client = client_for(member)
    # session, user, roles, count of organisations, the page, people counts of that page,
    # the header's unread notifications
    with django_assert_num_queries(7):
        assert client.get(reverse("organisations")).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_start_page_query_count_is_flat(client_for, member, coordinator, city, count,
                                        django_assert_num_queries):
    _people(count, city)
    client = client_for(member)
    # session, user, roles, the person's organisation, colleagues, coordinators, newcomers,
    # has-topics check, my networks, my tasks (the start page shows names only: no
    # prefetches), my follow-up tasks from meetings, the board's posts new since the last
    # visit, the header's unread notifications
    with django_assert_num_queries(13):
        assert client.get(reverse("home")).status_code == 200


def test_audit_csv_neutralises_spreadsheet_formulas(client_for, steering, coordinator, city):
    invitation_create(inviter=coordinator, email="f@bochum.example", name="=HYPERLINK(1)",
                      organisation=city, roles=["member"])
    body = client_for(steering).get(reverse("audit_log"), {"format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in body
    assert ";=HYPERLINK" not in body


def _png_bytes():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_coordinator_uploads_a_logo_that_signed_in_people_see(client_for, coordinator, member,
                                                               city, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    logo = SimpleUploadedFile("wappen.png", _png_bytes(), content_type="image/png")
    response = client_for(coordinator).post(reverse("organisation_edit", args=[city.slug]), {
        "name": city.name, "logo": logo})
    assert response.status_code == 302
    served = client_for(member).get(reverse("organisation_logo", args=[city.slug]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(reverse("organisation_logo", args=[city.slug])).status_code == 302


def test_a_fake_image_is_refused_as_logo(client_for, coordinator, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("wappen.png", b"<script>alert(1)</script>",
                              content_type="image/png")
    response = client_for(coordinator).post(reverse("organisation_edit", args=[city.slug]), {
        "name": city.name, "logo": fake})
    assert response.status_code == 200
    city.refresh_from_db()
    assert not city.logo


def test_missing_logo_gives_404(client_for, member, city):
    assert client_for(member).get(reverse("organisation_logo", args=[city.slug])).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_audit_log_query_count_is_flat(client_for, steering, coordinator, city, count,
                                       django_assert_num_queries):
    for index in range(count):
        invitation_create(inviter=coordinator, email=f"p{index}@bochum.example", name="P",
                          organisation=city, roles=["member"])
    client = client_for(steering)
    # session, user, roles, organisations for the filter, one page of entries (+1 row that
    # tells whether there is a next page; no COUNT over the log), the header's unread
    # notifications
    with django_assert_num_queries(6):
        assert client.get(reverse("audit_log")).status_code == 200


def test_audit_log_pages_without_counting(client_for, steering, coordinator, city):
    for index in range(55):
        invitation_create(inviter=coordinator, email=f"p{index}@bochum.example", name="P",
                          organisation=city, roles=["member"])
    client = client_for(steering)
    first = client.get(reverse("audit_log"), {"action": "invitation.create"})
    assert first.context["page"].has_next and len(first.context["page"]) == 50
    second = client.get(reverse("audit_log"), {"action": "invitation.create", "page": "2"})
    assert not second.context["page"].has_next and len(second.context["page"]) == 5
    assert client.get(reverse("audit_log"), {"page": "-3"}).status_code == 200


def test_audit_log_does_not_name_confidential_work_to_non_members(client_for, steering,
                                                                  coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from networks.services import document_upload, network_found

    network = network_found(founder=coordinator, name=CANARY, mandate="M",
                            visibility="confidential")
    document_upload(network=network, actor=coordinator, title=CANARY + " Vermerk",
                    upload=SimpleUploadedFile("v.pdf", b"%PDF-1.4 vermerk"))
    client = client_for(steering)
    page = client.get(reverse("audit_log")).content.decode()
    export = client.get(reverse("audit_log"), {"format": "csv"}).content.decode()
    assert CANARY not in page and CANARY not in export
    assert "document.upload" in export  # the action itself stays visible
    own = client_for(coordinator)  # a member may see it, but only steering/admin read the log
    assert own.get(reverse("audit_log")).status_code == 404


def test_mention_suggestions_offer_colleagues_by_name_or_handle(client_for, member, coordinator):
    client = client_for(member)
    url = reverse("mention_suggestions")
    by_name = client.get(url, {"q": coordinator.name.split()[0][:3]}).json()["results"]
    assert coordinator.handle in [person["handle"] for person in by_name]
    by_handle = client.get(url, {"q": coordinator.handle[:4]}).json()["results"]
    assert coordinator.handle in [person["handle"] for person in by_handle]
    assert client.get(url, {"q": "x"}).json()["results"] == []  # too short to ask


def test_deactivated_people_are_not_suggested(client_for, member):
    from tests.factories import UserFactory

    gone = UserFactory(name="Zora Zuletzt", is_active=False)
    results = client_for(member).get(reverse("mention_suggestions"), {"q": "Zora"}).json()
    assert gone.handle not in [person["handle"] for person in results["results"]]
