import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.notifications.models import Notification
from networks.models import IdeaStatus, Membership, MemberState, NetworkIdea
from networks.services import idea_comment, idea_propose, idea_set_interest
from networks.tasks import archive_stale_ideas
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(member, city, other_city):
    return idea_propose(author=member, question="Wie kühlen wir Schulhöfe?",
                        why="Im Sommer zu heiß.", cities=[city, other_city])


def test_anyone_proposes_an_idea_and_takes_part_in_it(client_for, member, city):
    response = client_for(member).post(reverse("networks:ideas"), {
        "question": "Wie entsiegeln wir Parkplätze?", "why": "Zu viel Asphalt.",
        "cities": [city.pk]})
    idea = NetworkIdea.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "networks:idea", args=[idea.pk])
    assert list(idea.interests.values_list("user", flat=True)) == [member.pk]


def test_an_empty_proposal_is_refused_with_messages(client_for, member):
    response = client_for(member).post(reverse("networks:ideas"), {"question": "", "why": ""})
    assert response.status_code == 200
    assert response.content.decode().count('aria-invalid="true"') >= 2
    assert not NetworkIdea.objects.exists()


def test_colleagues_mark_interest_and_take_it_back(client_for, idea, outsider):
    client = client_for(outsider)
    client.post(reverse("networks:idea_interest", args=[idea.pk]), {"interested": "yes"})
    assert idea.interests.filter(user=outsider).exists()
    client.post(reverse("networks:idea_interest", args=[idea.pk]), {"interested": "no"})
    assert not idea.interests.filter(user=outsider).exists()


def test_a_comment_tells_the_proposer(idea, outsider, member):
    idea_comment(idea=idea, author=outsider, body="Bei uns auch!")
    assert Notification.objects.filter(recipient=member, url__contains=str(idea.pk)).exists()


def test_a_coordinator_turns_the_idea_into_a_network_and_invites_the_interested(
        client_for, idea, coordinator, outsider, member):
    idea_set_interest(idea=idea, user=outsider, interested=True)
    response = client_for(coordinator).post(reverse("networks:idea_convert", args=[idea.pk]), {
        "name": "Kühle Schulhöfe", "visibility": "on_request"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.CONVERTED and idea.network.name == "Kühle Schulhöfe"
    states = dict(Membership.objects.filter(network=idea.network).values_list("user", "state"))
    assert states == {coordinator.pk: MemberState.ACTIVE, member.pk: MemberState.INVITED,
                      outsider.pk: MemberState.INVITED}


def test_members_cannot_convert_ideas(client_for, idea, outsider):
    client = client_for(outsider)
    assert client.get(reverse("networks:idea_convert", args=[idea.pk])).status_code == 403
    client.post(reverse("networks:idea_convert", args=[idea.pk]), {"name": "X",
                                                                  "visibility": "open"})
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.OPEN and idea.network is None


def test_a_converted_idea_takes_no_more_interest_or_comments(client_for, idea, coordinator,
                                                             outsider):
    client_for(coordinator).post(reverse("networks:idea_convert", args=[idea.pk]), {
        "name": "Kühle Schulhöfe", "visibility": "open"})
    client = client_for(outsider)
    client.post(reverse("networks:idea_interest", args=[idea.pk]), {"interested": "yes"})
    client.post(reverse("networks:idea", args=[idea.pk]), {"body": "Zu spät?"})
    assert not idea.interests.filter(user=outsider).exists()
    assert not idea.comments.exists()


def test_ideas_without_interest_for_a_long_time_are_archived(idea, settings):
    settings.IDEA_STALE_DAYS = 30
    fresh = idea_propose(author=UserFactory(), question="Neu?", why="Frisch.")
    NetworkIdea.objects.filter(pk=idea.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=31))
    assert archive_stale_ideas() == 1
    idea.refresh_from_db()
    fresh.refresh_from_db()
    assert idea.status == IdeaStatus.ARCHIVED and fresh.status == IdeaStatus.OPEN


def test_idea_pages_need_sign_in_and_missing_ones_give_404(client, client_for, member):
    assert client.get(reverse("networks:ideas"))["Location"].startswith("/konto/login/")
    assert client_for(member).get(reverse("networks:idea", args=[999])).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_idea_list_query_count_is_flat(client_for, member, city, count,
                                       django_assert_num_queries):
    for index in range(count):
        idea_propose(author=UserFactory(organisation=city), question=f"Frage {index}?",
                     why="Weil.", cities=[city])
    client = client_for(member)
    # session, user, roles, unread notifications, count, the page of ideas (with interest and
    # comment counts and the viewer's interest), their cities, their topics, and the form's
    # organisations and topics
    with django_assert_num_queries(10):
        assert client.get(reverse("networks:ideas")).status_code == 200
