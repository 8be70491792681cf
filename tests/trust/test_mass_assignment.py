"""Mass assignment (issue 8): fields a client may not set (``network``, ``author``,
``status``, ``visibility``, ``id``, ``created_by``; for people ``organisation``, ``is_staff``,
``role``) sent to every API write endpoint and the main HTML forms are ignored or refused,
and the database keeps what the rules say.

Each case sends an ordinary, allowed change together with the forbidden fields, so a
success proves the request went through and the forbidden part alone was dropped.
"""

import json

import pytest
from django.urls import reverse

from board.models import Comment, Post
from intranet.accounts.models import User
from intranet.events.models import Event, Registration
from networks.models import Network, Status, Task, Visibility

from .platform_fixtures import platform_fixture  # noqa: F401 (the fixture "platform")

pytestmark = pytest.mark.django_db

FORGED_PK = 424242


def _api(client, method, path, data):
    return getattr(client, method)(path, data=json.dumps(data),
                                   content_type="application/json")


def _forged(platform, **extra) -> dict:
    """The fields nobody may set through a write, pointing at someone else's things."""
    return {"id": FORGED_PK, "pk": FORGED_PK,
            "author": platform.people["coordinator"].pk,
            "created_by": platform.people["coordinator"].pk,
            "network": platform.networks["confidential"].pk,
            "status": Status.DISSOLVED, "visibility": Visibility.CONFIDENTIAL,
            "hidden_at": "2020-01-01T00:00:00Z", "is_staff": True, "role": "admin",
            **extra}


# --- The API --------------------------------------------------------------------------------

def test_a_new_post_belongs_to_its_sender_whatever_author_or_id_the_client_sends(
        platform, client_for):
    outsider = platform.people["outsider"]
    response = _api(client_for(outsider), "post", reverse("api_posts"), {
        "title": "Suche Baumpat:innen", "body": "Wer macht mit?", "category": "request",
        **_forged(platform, network=None, audience="network")})
    assert response.status_code == 201, response.content
    post = Post.objects.get(title="Suche Baumpat:innen")
    assert (post.author, post.audience, post.network, post.hidden_at) == (
        outsider, "platform", None, None)
    assert post.pk != FORGED_PK


def test_a_post_for_a_network_one_cannot_see_is_refused_and_not_created(platform, client_for):
    count = Post.objects.count()
    response = _api(client_for(platform.people["outsider"]), "post", reverse("api_posts"), {
        "title": "Eingeschmuggelt", "body": "x", "category": "offer",
        "network": platform.networks["confidential"].slug})
    assert response.status_code == 404
    assert Post.objects.count() == count


def test_patching_a_post_changes_its_text_but_never_its_audience_network_or_author(
        platform, client_for):
    post = platform.objects["post_cities"]
    response = _api(client_for(platform.people["coordinator"]), "patch",
                    reverse("api_post", args=[post.pk]), {
                        "title": "Neuer Titel", "audience": "platform",
                        **_forged(platform, network=platform.networks["open"].slug,
                                  author=platform.people["outsider"].pk)})
    assert response.status_code == 200, response.content
    after = Post.objects.get(pk=post.pk)
    assert after.title == "Neuer Titel"
    assert (after.audience, after.network_id, after.author_id, after.hidden_at) == (
        post.audience, post.network_id, post.author_id, None)
    assert list(after.cities.all()) == list(post.cities.all())


def test_a_comment_belongs_to_its_sender_and_the_post_in_its_address(platform, client_for):
    member, post = platform.people["member"], platform.objects["post_platform"]
    other = platform.objects["post_confidential"]
    response = _api(client_for(member), "post", reverse("api_post_comments", args=[post.pk]),
                    {"body": "Gute Idee", **_forged(platform, post=other.pk)})
    assert response.status_code == 201, response.content
    comment = Comment.objects.get(body="Gute Idee")
    assert (comment.author, comment.post_id) == (member, post.pk)
    assert not Comment.objects.filter(post=other).exists()


def test_founding_a_network_by_api_ignores_status_id_and_founder(platform, client_for):
    coordinator = platform.people["coordinator"]
    response = _api(client_for(coordinator), "post", reverse("api_networks"), {
        "name": "Gründachnetz", "mandate": "Dächer begrünen",
        **_forged(platform, visibility=Visibility.ON_REQUEST, slug="netz-open",
                  founded_at="2001-01-01T00:00:00Z")})
    assert response.status_code == 201, response.content
    network = Network.objects.get(name="Gründachnetz")
    assert (network.status, network.visibility) == (Status.ACTIVE, Visibility.ON_REQUEST)
    assert network.pk != FORGED_PK and network.slug != "netz-open"
    assert network.founded_at.year > 2001
    assert network.memberships.get().user == coordinator  # the sender founded it


def test_a_lead_patching_a_network_cannot_dissolve_it_or_change_its_address(platform,
                                                                            client_for):
    network = platform.networks["open"]
    response = _api(client_for(platform.people["lead"]), "patch",
                    reverse("api_network", args=[network.slug]),
                    {"name": "Offenes Netz", **_forged(platform, visibility=Visibility.OPEN,
                                                       slug="umbenannt")})
    assert response.status_code == 200, response.content
    after = Network.objects.get(pk=network.pk)
    assert (after.name, after.status, after.slug) == ("Offenes Netz", Status.ACTIVE,
                                                      network.slug)


def test_a_task_stays_in_the_network_of_its_address(platform, client_for):
    member, network = platform.people["member"], platform.networks["open"]
    response = _api(client_for(member), "post",
                    reverse("api_network_tasks", args=[network.slug]),
                    {"title": "Bäume zählen", **_forged(platform)})
    assert response.status_code == 201, response.content
    task = Task.objects.get(title="Bäume zählen")
    assert (task.network, task.created_by, task.pk != FORGED_PK) == (network, member, True)
    response = _api(client_for(member), "patch", reverse("api_task", args=[task.pk]),
                    {"title": "Bäume zählen (2)", **_forged(platform)})
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.title, task.network, task.created_by) == ("Bäume zählen (2)", network,
                                                           member)


def test_a_registration_is_always_the_senders_own(platform, client_for):
    outsider, member = platform.people["outsider"], platform.people["member"]
    event = platform.objects["event_everyone"]
    response = _api(client_for(outsider), "post",
                    reverse("api_event_registration", args=[event.pk]),
                    {"user": member.pk, "user_id": member.pk, "status": "attended",
                     "attended": True, **_forged(platform)})
    assert response.status_code == 201, response.content
    assert list(Registration.objects.filter(event=event).values_list("user", "attended")) \
        == [(outsider.pk, False)]


def test_an_event_for_a_network_one_cannot_see_is_refused_and_not_created(platform,
                                                                          client_for):
    count = Event.objects.count()
    response = _api(client_for(platform.people["outsider"]), "post", reverse("api_events"), {
        "kind": "network", "title": "Eingeschmuggelt", "start": "2030-01-01T10:00:00Z",
        "end": "2030-01-01T12:00:00Z", "network": platform.networks["confidential"].slug})
    assert response.status_code == 404
    assert Event.objects.count() == count


# --- The HTML forms ---------------------------------------------------------------------------

def test_the_profile_form_ignores_staff_roles_organisation_and_e_mail(platform, client_for,
                                                                      other_city):
    member = platform.people["member"]
    before = User.objects.values("email", "organisation", "is_staff", "is_superuser",
                                 "is_active").get(pk=member.pk)
    response = client_for(member).post(reverse("profile_edit"), {
        "name": "Max Mitglied", "position": "Tiefbauamt", "language": "de",
        "email": "neu@essen.example", "organisation": other_city.pk, "is_staff": "on",
        "is_superuser": "on", "is_active": "", "role": "admin", "roles": ["admin", "steering"],
        "id": FORGED_PK})
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).position == "Tiefbauamt"
    assert User.objects.values(*before).get(pk=member.pk) == before
    assert sorted(User.objects.get(pk=member.pk).roles) == ["member"]


def test_the_network_form_changes_the_description_but_not_status_or_address(platform,
                                                                             client_for):
    network = platform.networks["open"]
    response = client_for(platform.people["coordinator"]).post(
        reverse("networks:edit", args=[network.slug]),
        {"name": "Offenes Netz", "mandate": "Neu gefasst", "visibility": "open",
         "status": "dissolved", "slug": "umbenannt", "founded_at": "2001-01-01", "id": 1})
    assert response.status_code == 302
    after = Network.objects.get(pk=network.pk)
    assert (after.mandate, after.status, after.slug) == ("Neu gefasst", Status.ACTIVE,
                                                         network.slug)


def test_the_task_form_adds_to_the_network_of_its_address(platform, client_for):
    member, network = platform.people["member"], platform.networks["open"]
    response = client_for(member).post(reverse("networks:tasks", args=[network.slug]),
                                       {"title": "Pflanzliste", **_forged(platform)})
    assert response.status_code == 302
    task = Task.objects.get(title="Pflanzliste")
    assert (task.network, task.created_by) == (network, member)


def test_the_post_form_refuses_a_network_the_author_is_not_in(platform, client_for):
    count = Post.objects.count()
    response = client_for(platform.people["outsider"]).post(reverse("board:create"), {
        "title": "Eingeschmuggelt", "body": "x", "category": "offer", "audience": "network",
        "network": platform.networks["confidential"].slug,
        "author": platform.people["coordinator"].pk})
    assert response.status_code == 200  # the form again, with its error at the field
    assert response.context["form"].errors["network"]
    assert Post.objects.count() == count


def test_the_post_form_makes_the_sender_the_author(platform, client_for):
    outsider = platform.people["outsider"]
    response = client_for(outsider).post(reverse("board:create"), {
        "title": "Biete Regentonnen", "body": "Abzugeben", "category": "offer",
        "audience": "platform", **_forged(platform, network="")})
    assert response.status_code == 302, response.context["form"].errors
    post = Post.objects.get(title="Biete Regentonnen")
    assert (post.author, post.audience, post.network, post.hidden_at) == (
        outsider, "platform", None, None)


def test_the_city_form_keeps_the_citys_address_and_kind(platform, client_for, city):
    response = client_for(platform.people["coordinator"]).post(
        reverse("organisation_edit", args=[city.slug]),
        {"name": city.name, "region": "Ruhr", "slug": "umbenannt", "kind": "service",
         "id": FORGED_PK})
    assert response.status_code == 302
    city.refresh_from_db()
    assert (city.region, city.slug, city.kind) == ("Ruhr", "bochum", "municipality")
