"""A meeting's records: agenda and slides, proposals for the department-heads meeting,
minutes, decisions with follow-up tasks in "my tasks", the documentation in the library, and
the decisions page across the years."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from intranet.core.errors import ConflictError
from intranet.events.models import (
    AgendaItem,
    AgendaSlide,
    AgendaStatus,
    Audience,
    Decision,
    EventTask,
    Kind,
)
from intranet.events.permissions import can_view_event
from intranet.events.selectors import event_list_visible_to
from intranet.events.services import (
    agenda_item_carry_over,
    agenda_item_create,
    agenda_item_decide,
    agenda_item_propose,
    decision_create,
    decision_update,
    documentation_publish,
    event_task_create,
    minutes_save,
    proposal_deadline_set,
    slide_add,
)
from intranet.notifications.models import Notification
from networks.models import Visibility
from networks.services import membership_invite, membership_join, network_found
from tests.events.conftest import in_days
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CANARY = "KANARIENVOGEL-7731"
PDF = b"%PDF-1.4\n% Folien\n"


def _pdf(name="folien.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def dh_meeting(make_event):
    """Next year's department-heads meeting, for the department heads and the service
    organisation; proposals until five days before."""

    def make(start=None, title="Dezernent:innenrunde", deadline_days=None):
        start = start or in_days(30)
        event = make_event(kind=Kind.DEPARTMENT_HEADS, title=title, start=start,
                           end=start + datetime.timedelta(hours=3), audience=Audience.ROLES,
                           roles=["department_head", "service"])
        if deadline_days is not None:
            event = proposal_deadline_set(event=event, actor=event.created_by,
                                          deadline=in_days(deadline_days))
        return event

    return make


@pytest.fixture
def confidential_meeting(coordinator, member, make_event):
    """A confidential network's past meeting with an agenda item, a slide, minutes and a
    decision whose task goes to the member; the canary in all of them."""
    network = network_found(founder=coordinator, name="Verschwiegene Runde", mandate="M",
                            visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    event = make_event(actor=coordinator, kind=Kind.NETWORK, network=network,
                       audience=Audience.NETWORK, title=f"Treffen {CANARY}",
                       start=in_days(-1), end=in_days(-1, 2))
    item = agenda_item_create(event=event, actor=coordinator, title=f"Punkt {CANARY}")
    slide = slide_add(item=item, actor=coordinator, upload=_pdf(f"{CANARY}.pdf"))
    minutes_save(event=event, actor=coordinator, text=f"Protokoll {CANARY}")
    decision = decision_create(event=event, actor=coordinator, title=f"Beschluss {CANARY}")
    task = event_task_create(actor=coordinator, decision=decision, title=f"Aufgabe {CANARY}",
                             assignee=member, due=timezone.localdate())
    return event, item, slide, decision, task


# --- Permissions: persona × door --------------------------------------------------------

def _doors(event, item, slide, decision, task):
    return {
        "event": reverse("events:detail", args=[event.pk]),
        "slide": reverse("events:slide_download", args=[event.pk, slide.pk]),
        "agenda": reverse("events:agenda", args=[event.pk]),
        "item": reverse("events:agenda_item", args=[event.pk, item.pk]),
        "minutes": reverse("events:minutes", args=[event.pk]),
        "decision_create": reverse("events:decision_create", args=[event.pk]),
        "decision_edit": reverse("events:decision_edit", args=[event.pk, decision.pk]),
        "task_create": reverse("events:task_create", args=[event.pk, decision.pk]),
        "task_edit": reverse("events:task_edit", args=[event.pk, task.pk]),
    }


READ_DOORS = {"event", "slide"}


@pytest.mark.parametrize("persona, expected", [
    ("coordinator", "organiser"),  # founded the network, organises the meeting
    ("member", "reader"),          # member of the network, sees, does not organise
    ("lead", "none"),              # same city, not in the network
    ("outsider", "none"),
    ("steering", "none"),          # steering sees activity, never a confidential content
    ("department_head", "none"),
    ("service_staff", "none"),     # service staff may not see a confidential network either
    ("admin", "none"),
])
def test_confidential_meeting_records_follow_the_network_on_every_door(
        request, client_for, confidential_meeting, persona, expected):
    doors = _doors(*confidential_meeting)
    client = client_for(request.getfixturevalue(persona))
    for name, url in doors.items():
        response = client.get(url)
        if expected == "organiser":
            assert response.status_code == 200, name
        elif expected == "reader":
            assert response.status_code == (200 if name in READ_DOORS else 403), name
        else:
            assert response.status_code == 404, name
            assert CANARY not in response.content.decode(), name
    # The writing doors answer a POST the same way.
    post = client.post(reverse("events:documentation_publish",
                               args=[confidential_meeting[0].pk]))
    assert post.status_code == {"organiser": 302, "reader": 403}.get(expected, 404)


def test_anonymous_people_are_sent_to_sign_in_for_every_records_door(
        client, confidential_meeting):
    for name, url in _doors(*confidential_meeting).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert CANARY not in response.content.decode()


def test_a_slide_is_served_only_as_a_checked_private_download(client_for, member,
                                                               confidential_meeting):
    event, _item, slide, *_rest = confidential_meeting
    response = client_for(member).get(reverse("events:slide_download",
                                              args=[event.pk, slide.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    page = client_for(member).get(event.get_absolute_url()).content.decode()
    assert settings.MEDIA_URL not in page and "private/" not in page
    # Another event's number in the address finds nothing.
    other = reverse("events:slide_download", args=[event.pk + 1000, slide.pk])
    assert client_for(member).get(other).status_code == 404


def test_slides_of_a_proposal_not_accepted_stay_with_the_organisers(
        client_for, dh_meeting, coordinator, service_staff, department_head):
    event = dh_meeting()
    item = agenda_item_propose(event=event, actor=coordinator, title="Hitzeschutz",
                               reason="Mehr Hitzetage")
    slide = slide_add(item=item, actor=service_staff, upload=_pdf())
    url = reverse("events:slide_download", args=[event.pk, slide.pk])
    assert client_for(department_head).get(url).status_code == 404
    assert client_for(service_staff).get(url).status_code == 200
    agenda_item_decide(item=item, actor=service_staff, status=AgendaStatus.ACCEPTED)
    assert client_for(department_head).get(url).status_code == 200


# --- The department-heads meeting: who sees it, proposals -------------------------------

@pytest.mark.parametrize("persona, sees, proposes, registers", [
    ("coordinator", True, True, False),   # proposals rise: sees it, not invited
    ("department_head", True, True, True),
    ("service_staff", True, True, True),
    ("member", False, False, False),
    ("steering", True, True, False),      # steering people are coordinators too
    ("outsider", False, False, False),
])
def test_department_heads_meeting_is_seen_by_invitees_and_proposers(
        request, client_for, dh_meeting, persona, sees, proposes, registers):
    from intranet.events.permissions import can_register_for_event, may_propose_to

    event = dh_meeting()
    person = request.getfixturevalue(persona)
    assert can_view_event(person, event) is sees
    assert event_list_visible_to(user=person).filter(pk=event.pk).exists() is sees
    assert may_propose_to(person, event) is proposes
    assert can_register_for_event(person, event) is registers
    response = client_for(person).get(reverse("events:propose", args=[event.pk]))
    assert response.status_code == (200 if proposes else 404 if not sees else 403)


def test_a_coordinator_proposes_a_topic_and_the_organisers_hear_of_it(
        client_for, dh_meeting, coordinator, service_staff):
    event = dh_meeting(deadline_days=5)
    response = client_for(coordinator).post(reverse("events:propose", args=[event.pk]), {
        "title": "Gemeinsame Hitzeaktionsplanung", "reason": "Drei Städte planen schon.",
        "description": ""})
    assert response.status_code == 302
    item = AgendaItem.objects.get(event=event)
    assert (item.status, item.proposed_by) == (AgendaStatus.PROPOSED, coordinator)
    assert Notification.objects.filter(recipient=service_staff, event=event).exists()
    # The proposal is not on the agenda; its proposer sees it with its state.
    page = client_for(coordinator).get(event.get_absolute_url())
    assert page.context["agenda"] == []
    assert [p.pk for p in page.context["proposals"]] == [item.pk]


def test_a_proposal_after_the_deadline_is_refused_with_a_message_and_nothing_is_stored(
        client_for, dh_meeting, coordinator):
    event = dh_meeting(deadline_days=-1)
    response = client_for(coordinator).post(reverse("events:propose", args=[event.pk]), {
        "title": "Zu spät", "reason": "Trotzdem wichtig"})
    assert response.status_code == 200
    message = gettext("The deadline for proposals has passed; the organisers no longer "
                      "take any.")
    assert message in response.content.decode()
    assert not AgendaItem.objects.filter(event=event).exists()
    with pytest.raises(ValidationError):
        agenda_item_propose(event=event, actor=coordinator, title="X", reason="Y")


def test_the_german_refusal_reads_in_german(client_for, dh_meeting, coordinator):
    from django.utils import translation

    event = dh_meeting(deadline_days=-1)
    with translation.override("de"):
        german = gettext("The deadline for proposals has passed; the organisers no longer "
                         "take any.")
    body = client_for(coordinator).post(reverse("events:propose", args=[event.pk]), {
        "title": "Zu spät", "reason": "Trotzdem"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert german in body


def test_a_proposal_without_a_reason_is_refused_at_its_field(client_for, dh_meeting,
                                                            coordinator):
    event = dh_meeting()
    response = client_for(coordinator).post(reverse("events:propose", args=[event.pk]),
                                            {"title": "Thema", "reason": "  "})
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_organisers_accept_and_defer_proposals_and_the_proposer_is_told(
        client_for, dh_meeting, coordinator, service_staff):
    event = dh_meeting()
    first = agenda_item_propose(event=event, actor=coordinator, title="Baumkataster",
                                reason="R")
    second = agenda_item_propose(event=event, actor=coordinator, title="Fördermittel",
                                 reason="R")
    client = client_for(service_staff)
    client.post(reverse("events:proposal_decide", args=[event.pk, first.pk]),
                {"status": "accepted"})
    client.post(reverse("events:proposal_decide", args=[event.pk, second.pk]),
                {"status": "deferred", "note": "Nächstes Jahr"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AgendaStatus.ACCEPTED and second.status == AgendaStatus.DEFERRED
    assert second.status_note == "Nächstes Jahr" and second.decided_by == service_staff
    assert Notification.objects.filter(recipient=coordinator).count() == 2
    page = client_for(coordinator).get(event.get_absolute_url())
    assert [item.pk for item in page.context["agenda"]] == [first.pk]
    # A wrong choice changes nothing.
    client.post(reverse("events:proposal_decide", args=[event.pk, second.pk]),
                {"status": "proposed"})
    second.refresh_from_db()
    assert second.status == AgendaStatus.DEFERRED


def test_a_deferred_proposal_is_carried_to_next_years_meeting(client_for, dh_meeting,
                                                              coordinator, service_staff):
    this_year = dh_meeting()
    item = agenda_item_propose(event=this_year, actor=coordinator, title="Schwammstadt",
                               reason="R")
    agenda_item_decide(item=item, actor=service_staff, status=AgendaStatus.DEFERRED)
    client = client_for(service_staff)
    client.post(reverse("events:proposal_carry_over", args=[this_year.pk, item.pk]))
    assert not AgendaItem.objects.filter(carried_from=item).exists()  # no next meeting yet
    next_year = dh_meeting(start=in_days(395), title="Dezernent:innenrunde nächstes Jahr")
    client.post(reverse("events:proposal_carry_over", args=[this_year.pk, item.pk]))
    carried = AgendaItem.objects.get(carried_from=item)
    assert (carried.event, carried.status, carried.proposed_by) == (
        next_year, AgendaStatus.PROPOSED, coordinator)
    with pytest.raises(ConflictError):
        agenda_item_carry_over(item=item, actor=service_staff, to_event=next_year)


# --- Agenda, slides, minutes ------------------------------------------------------------

def test_organisers_build_the_agenda_with_times_presenters_and_order(
        client_for, make_event, service_staff, member):
    event = make_event(start=in_days(10))
    client = client_for(service_staff)
    url = reverse("events:agenda", args=[event.pk])
    local = timezone.localtime(event.start + datetime.timedelta(minutes=5))
    for title in ("Begrüßung", "Bericht", "Verschiedenes"):
        response = client.post(url, {"title": title, "starts_at": local.strftime(
            "%Y-%m-%dT%H:%M"), "duration": "15", "presenters": member.email,
            "presenter_names": "Gast Referentin"})
        assert response.status_code == 302
    items = list(AgendaItem.objects.filter(event=event).order_by("position"))
    assert [i.title for i in items] == ["Begrüßung", "Bericht", "Verschiedenes"]
    assert list(items[0].presenters.all()) == [member]
    client.post(reverse("events:agenda_item_move", args=[event.pk, items[2].pk]),
                {"direction": "up"})
    order = list(AgendaItem.objects.filter(event=event).order_by("position")
                 .values_list("title", flat=True))
    assert order == ["Begrüßung", "Verschiedenes", "Bericht"]
    page = client_for(member).get(event.get_absolute_url()).content.decode()
    assert "Gast Referentin" in page and member.name in page
    assert page.index("Verschiedenes") < page.index("Bericht")
    client = client_for(service_staff)
    client.post(reverse("events:agenda_item_delete", args=[event.pk, items[1].pk]))
    assert AgendaItem.objects.filter(event=event).count() == 2


def test_an_agenda_item_outside_the_meeting_or_with_bad_input_is_refused_at_its_field(
        client_for, make_event, service_staff):
    event = make_event(start=in_days(10))
    client = client_for(service_staff)
    url = reverse("events:agenda", args=[event.pk])
    late = timezone.localtime(event.end + datetime.timedelta(hours=1))
    response = client.post(url, {"title": "Zu spät", "starts_at": late.strftime(
        "%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert 'id="id_starts_at_error"' in response.content.decode()
    for data, field in (({"title": "", "duration": "15"}, "title"),
                        ({"title": "X", "duration": "0"}, "duration"),
                        ({"title": "X", "starts_at": "morgen"}, "starts_at"),
                        ({"title": "X", "presenters": "niemand@example.org"}, "presenters")):
        body = client.post(url, data).content.decode()
        assert f'id="id_{field}_error"' in body, field
    assert not AgendaItem.objects.exists()
    item = agenda_item_create(event=event, actor=service_staff, title="A")
    bad = client.post(reverse("events:agenda_item_move", args=[event.pk, item.pk]),
                      {"direction": "sideways"})
    assert bad.status_code == 302


def test_a_rejected_slide_says_why_and_stores_nothing(client_for, make_event, service_staff):
    event = make_event()
    item = agenda_item_create(event=event, actor=service_staff, title="Vortrag")
    files_before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    disguised = SimpleUploadedFile("folien.pdf", b"<!DOCTYPE html><script>x</script>",
                                   content_type="application/pdf")
    response = client_for(service_staff).post(
        reverse("events:slide_upload", args=[event.pk, item.pk]), {"file": disguised})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_file_error"' in body and 'aria-invalid="true"' in body
    assert not AgendaSlide.objects.exists()
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files_before


def test_organisers_upload_and_remove_slides(client_for, make_event, service_staff,
                                             django_capture_on_commit_callbacks):
    event = make_event()
    item = agenda_item_create(event=event, actor=service_staff, title="Vortrag")
    client = client_for(service_staff)
    client.post(reverse("events:slide_upload", args=[event.pk, item.pk]), {"file": _pdf()})
    slide = AgendaSlide.objects.get(item=item)
    assert slide.content_type == "application/pdf"
    path = Path(slide.file.path)
    assert path.exists() and "private/" in slide.file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:slide_delete", args=[event.pk, slide.pk]))
    assert not AgendaSlide.objects.exists() and not path.exists()


def test_minutes_are_markdown_rendered_safely(client_for, make_event, service_staff, member):
    event = make_event()
    client_for(service_staff).post(reverse("events:minutes", args=[event.pk]), {
        "text": "## Ergebnis\n\n**Einig** <script>alert(1)</script> [x](javascript:alert(1))"})
    page = client_for(member).get(event.get_absolute_url()).content.decode()
    assert "<strong>Einig</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert event.minutes.updated_by == service_staff


def test_members_see_the_records_but_cannot_change_them(client_for, make_event, member):
    event = make_event()
    client = client_for(member)
    assert client.post(reverse("events:minutes", args=[event.pk]),
                       {"text": "Fremd"}).status_code == 403
    assert client.post(reverse("events:agenda", args=[event.pk]),
                       {"title": "Fremd"}).status_code == 403
    assert not AgendaItem.objects.exists()


# --- Decisions and tasks ----------------------------------------------------------------

def test_decisions_are_numbered_and_done_stamps_the_date(client_for, make_event,
                                                         service_staff):
    event = make_event()
    client = client_for(service_staff)
    for title in ("Erster", "Zweiter"):
        client.post(reverse("events:decision_create", args=[event.pk]),
                    {"title": title, "status": "open", "text": "Wortlaut"})
    first, second = Decision.objects.filter(event=event).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.reference == f"{timezone.localtime(event.start).year}/2"
    client.post(reverse("events:decision_edit", args=[event.pk, first.pk]),
                {"title": "Erster", "status": "done"})
    first.refresh_from_db()
    assert first.status == "done" and first.completed_at is not None
    decision_update(decision=first, actor=service_staff, status="doing")
    first.refresh_from_db()
    assert first.completed_at is None


def test_a_decision_on_another_meetings_agenda_item_is_refused(make_event, service_staff):
    event, other = make_event(), make_event(title="Anderes Treffen")
    foreign = agenda_item_create(event=other, actor=service_staff, title="Fremd")
    with pytest.raises(ValidationError):
        decision_create(event=event, actor=service_staff, title="B", agenda_item=foreign)


def test_a_task_goes_to_the_assignee_with_a_notification_and_into_my_tasks(
        client_for, make_event, service_staff, member):
    event = make_event()
    decision = decision_create(event=event, actor=service_staff, title="Leitfaden schreiben")
    response = client_for(service_staff).post(
        reverse("events:task_create", args=[event.pk, decision.pk]),
        {"title": "Entwurf verfassen", "assignee": member.email,
         "due": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 302
    task = EventTask.objects.get()
    assert (task.assignee, task.event, task.decision) == (member, event, decision)
    note = Notification.objects.get(recipient=member)
    assert note.url.startswith(event.get_absolute_url())
    client = client_for(member)
    page = client.get(reverse("networks:my_tasks")).content.decode()
    assert "Entwurf verfassen" in page and f'{event.get_absolute_url()}#task-{task.pk}' in page
    assert task.is_overdue
    home = client.get(reverse("home")).content.decode()
    assert "Entwurf verfassen" in home
    # The assignee marks it done there; it leaves the open list.
    client.post(reverse("events:task_state", args=[task.pk]),
                {"state": "done", "next": reverse("networks:my_tasks")})
    task.refresh_from_db()
    assert task.state == "done" and task.completed_at is not None
    assert "Entwurf verfassen" not in client.get(reverse("networks:my_tasks")).content.decode()
    assert "Entwurf verfassen" in client.get(reverse("networks:my_tasks"),
                                             {"done": "on"}).content.decode()


def test_only_the_assignee_and_organisers_move_a_task(client_for, make_event, service_staff,
                                                      member, lead, outsider,
                                                      confidential_meeting):
    event = make_event()
    decision = decision_create(event=event, actor=service_staff, title="B")
    task = event_task_create(actor=service_staff, decision=decision, title="T",
                             assignee=member)
    url = reverse("events:task_state", args=[task.pk])
    assert client_for(lead).post(url, {"state": "done"}).status_code == 403
    confidential_task = confidential_meeting[4]
    response = client_for(outsider).post(
        reverse("events:task_state", args=[confidential_task.pk]), {"state": "done"})
    assert response.status_code == 404
    assert client_for(service_staff).post(url, {"state": "done"}).status_code == 302
    task.refresh_from_db()
    assert task.state == "done"
    # An address elsewhere is not followed.
    response = client_for(member).post(url, {"state": "open", "next": "https://evil.example/"})
    assert response["Location"] == reverse("networks:my_tasks")


def test_a_task_for_someone_who_cannot_see_the_meeting_is_refused(
        client_for, coordinator, confidential_meeting, outsider):
    event, _item, _slide, decision, _task = confidential_meeting
    response = client_for(coordinator).post(
        reverse("events:task_create", args=[event.pk, decision.pk]),
        {"title": "Geheim", "assignee": outsider.email})
    assert response.status_code == 200
    assert 'id="id_assignee_error"' in response.content.decode()
    assert not EventTask.objects.filter(title="Geheim").exists()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_tasks_of_a_meeting_the_assignee_no_longer_sees_leave_their_list(
        client_for, confidential_meeting, member, coordinator):
    from networks.services import membership_leave

    membership_leave(network=confidential_meeting[0].network, user=member)
    page = client_for(member).get(reverse("networks:my_tasks")).content.decode()
    assert CANARY not in page


@pytest.mark.parametrize("count", [1, 20])
def test_my_tasks_query_count_stays_flat_with_meeting_tasks(
        client_for, make_event, service_staff, member, count, django_assert_num_queries):
    for index in range(count):
        event = make_event(title=f"Treffen {index}", start=in_days(2 + index))
        decision = decision_create(event=event, actor=service_staff, title=f"B {index}")
        event_task_create(actor=service_staff, decision=decision, title=f"Aufgabe {index}",
                          assignee=member, due=timezone.localdate())
    client = client_for(member)
    # 1 session, 2 user, 3 roles, 4 count of network tasks (none: no page of them), 5 the
    # follow-up tasks of meetings with their meetings and decisions (visibility in a
    # subquery), 6 unread notifications in the header
    with django_assert_num_queries(6):
        response = client.get(reverse("networks:my_tasks"))
    assert len(response.context["event_tasks"]) == count


# --- The event page with its records ----------------------------------------------------

@pytest.mark.parametrize("count", [1, 20])
def test_event_page_with_records_query_count_is_flat(
        client_for, make_event, service_staff, member, count, django_assert_num_queries):
    event = make_event()
    for index in range(count):
        item = agenda_item_create(event=event, actor=service_staff, title=f"Punkt {index}",
                                  presenters=[member])
        slide_add(item=item, actor=service_staff, upload=_pdf(f"f{index}.pdf"))
        decision = decision_create(event=event, actor=service_staff, title=f"B {index}",
                                   agenda_item=item)
        event_task_create(actor=service_staff, decision=decision, title=f"T {index}",
                          assignee=member)
    minutes_save(event=event, actor=service_staff, text="Protokoll")
    client = client_for(member)
    client.get(event.get_absolute_url())
    # 1 session, 2 user, 3 the event with counts, 4 mark notifications read, 5 roles,
    # 6 organisers (may they manage?), 7 organisers with their cities, 8 agenda items,
    # 9 their presenters, 10 their slides, 11 the minutes with their editor and library
    # page, 12 the decisions with their agenda items, 13 their tasks with assignees,
    # 14 unread notifications in the header
    with django_assert_num_queries(14):
        response = client.get(event.get_absolute_url())
    assert len(response.context["agenda"]) == count
    assert len(response.context["decisions"]) == count


# --- The decisions page -----------------------------------------------------------------

def test_decisions_page_lists_department_heads_decisions_across_years_by_year_and_state(
        client_for, dh_meeting, service_staff, department_head, coordinator, member):
    last_year = dh_meeting(start=in_days(-330), title="Runde letztes Jahr")
    this_year = dh_meeting(start=in_days(30), title="Runde dieses Jahr")
    old = decision_create(event=last_year, actor=service_staff, title="Alter Beschluss")
    decision_update(decision=old, actor=service_staff, status="done")
    late = decision_create(event=last_year, actor=service_staff, title="Offener Beschluss")
    event_task_create(actor=service_staff, decision=late, title="Überfällige Aufgabe",
                      assignee=department_head,
                      due=timezone.localdate() - datetime.timedelta(days=10))
    new = decision_create(event=this_year, actor=service_staff, title="Neuer Beschluss")
    url = reverse("events:decisions")
    page = client_for(coordinator).get(url)
    titles = [d.title for d in page.context["page"].object_list]
    assert titles == ["Neuer Beschluss", "Alter Beschluss", "Offener Beschluss"]
    assert "Überfällige Aufgabe" in page.content.decode()
    year = timezone.localtime(last_year.start).year
    only_year = client_for(coordinator).get(url, {"year": year})
    assert {d.pk for d in only_year.context["page"].object_list} == {old.pk, late.pk}
    unfinished = client_for(department_head).get(url, {"status": "unfinished"})
    assert {d.pk for d in unfinished.context["page"].object_list} == {late.pk, new.pk}
    done = client_for(department_head).get(url, {"status": "done"})
    assert [d.pk for d in done.context["page"].object_list] == [old.pk]
    # A member sees no department-heads meeting, so none of its decisions.
    assert list(client_for(member).get(url).context["page"].object_list) == []
    bad = client_for(member).get(url, {"year": "abc", "status": "nonsense"})
    assert bad.status_code == 200


def test_decisions_page_leaves_out_other_kinds_of_meetings(client_for, make_event,
                                                           service_staff):
    steering = make_event(kind=Kind.STEERING, title="Steuerung")
    decision_create(event=steering, actor=service_staff, title="Steuerungsbeschluss")
    page = client_for(service_staff).get(reverse("events:decisions"))
    assert list(page.context["page"].object_list) == []


@pytest.mark.parametrize("count", [1, 20])
def test_decisions_page_query_count_is_flat(client_for, dh_meeting, service_staff,
                                            department_head, count,
                                            django_assert_num_queries):
    for index in range(count):
        event = dh_meeting(start=in_days(-365 * index - 10), title=f"Runde {index}")
        decision = decision_create(event=event, actor=service_staff, title=f"B {index}")
        event_task_create(actor=service_staff, decision=decision, title=f"T {index}",
                          assignee=department_head)
    client = client_for(department_head)
    url = reverse("events:decisions")
    # 1 session, 2 user, 3 roles, 4 the years with decisions (filter choices), 5 count,
    # 6 the page of decisions with their meetings and open-task counts, 7 their tasks with
    # assignees, 8 unread notifications in the header
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["page"].object_list) == count


# --- Documentation in the library -------------------------------------------------------

def test_service_staff_publish_the_documentation_and_the_library_finds_it(
        client_for, make_event, service_staff, member):
    from knowledge.models import LibraryPage, ResultType

    event = make_event(start=in_days(-2), title="Koordinationstreffen März")
    item = agenda_item_create(event=event, actor=service_staff, title="Bericht der Städte")
    slide_add(item=item, actor=service_staff, upload=_pdf("bericht.pdf"))
    minutes_save(event=event, actor=service_staff, text="Alle Städte berichten.")
    decision_create(event=event, actor=service_staff, title="Leitfaden bis Juni")
    response = client_for(service_staff).post(
        reverse("events:documentation_publish", args=[event.pk]))
    assert response.status_code == 302
    page = LibraryPage.objects.get()
    assert page.live and page.result_type == ResultType.MINUTES and page.network is None
    body = str(page.specific.body)
    assert "Bericht der Städte" in body and "Alle Städte berichten." in body
    assert "Leitfaden bis Juni" in body
    assert [d.document.title for d in page.documents.all()] == ["bericht.pdf"]
    library = client_for(member).get("/wissen/", {"type": "minutes"}).content.decode()
    assert page.title in library
    assert client_for(member).get(page.url).status_code == 200
    # Again: the same page, brought up to date, the slide not twice.
    minutes_save(event=event, actor=service_staff, text="Ergänzt.")
    documentation_publish(event=event, actor=service_staff)
    page = LibraryPage.objects.get().specific
    assert page.documents.count() == 1
    assert "Ergänzt." in str(page.body)


def test_a_confidential_networks_documentation_is_only_a_draft_on_its_shelf(
        client_for, confidential_meeting, coordinator, member):
    from knowledge.models import LibraryPage

    event = confidential_meeting[0]
    page = documentation_publish(event=event, actor=coordinator)
    assert not page.live and page.network == event.network
    assert CANARY not in client_for(member).get("/wissen/").content.decode()
    assert not LibraryPage.objects.live().exists()


def test_nothing_to_publish_or_a_future_meeting_is_refused(client_for, make_event,
                                                           service_staff, member):
    empty = make_event(start=in_days(-1))
    response = client_for(service_staff).post(
        reverse("events:documentation_publish", args=[empty.pk]), follow=True)
    assert gettext("There is nothing to publish yet: add the agenda, the minutes or the "
                   "decisions first.") in response.content.decode()
    future = make_event(start=in_days(5))
    with pytest.raises(PermissionDenied):
        documentation_publish(event=future, actor=service_staff)
    assert client_for(member).post(reverse("events:documentation_publish",
                                           args=[empty.pk])).status_code == 403


def test_the_events_shelf_leads_to_the_librarys_minutes(client_for, member):
    from intranet.events.services import events_shelf

    shelf = events_shelf()
    assert events_shelf().pk == shelf.pk
    response = client_for(member).get(shelf.url)
    assert response.status_code == 302 and response["Location"].endswith("?type=minutes")


def test_the_demo_seeds_department_heads_meetings_with_decisions(db):
    from intranet.events.demo import seed_meeting_records

    service = UserFactory(roles=["service"])
    heads = [UserFactory(roles=["department_head"]) for _ in range(3)]
    coordinators = [UserFactory(roles=["coordinator"]) for _ in range(3)]
    created = seed_meeting_records(service=service, heads=heads, coordinators=coordinators)
    assert created >= 3
    assert Decision.objects.filter(status="done").exists()
    assert Decision.objects.filter(status="open").exists()
    assert EventTask.objects.filter(due__lt=timezone.localdate()).exclude(
        state="done").exists()
    assert AgendaItem.objects.filter(status=AgendaStatus.DEFERRED).exists()
    assert AgendaSlide.objects.exists()
    assert seed_meeting_records(service=service, heads=heads, coordinators=coordinators) == 0


@pytest.mark.parametrize("seed", range(3))
def test_department_heads_meetings_agree_between_the_rule_and_the_selector(seed, make_event,
                                                                           service_staff):
    """DESIGN §3.1 for the department-heads meeting: ``can_view_event`` and
    ``event_list_visible_to`` agree for random roles and audiences."""
    import random

    from intranet.accounts.models import Role

    rng = random.Random(seed)
    roles = [role.value for role in Role]
    people = [UserFactory(roles=rng.sample(roles, rng.randint(1, 2))) for _ in range(8)]
    events = []
    for index in range(4):
        audience = rng.choice([Audience.EVERYONE, Audience.ROLES, Audience.PEOPLE])
        fields = {"audience": audience}
        if audience == Audience.ROLES:
            fields["roles"] = rng.sample(roles, 2)
        if audience == Audience.PEOPLE:
            fields["people"] = rng.sample(people, 2)
        events.append(make_event(kind=rng.choice([Kind.DEPARTMENT_HEADS, Kind.STEERING]),
                                 title=f"Runde {index}", **fields))
    for person in people:
        visible = set(event_list_visible_to(user=person).values_list("pk", flat=True))
        for event in events:
            assert (event.pk in visible) is can_view_event(person, event), (person.roles,
                                                                            event.kind)
