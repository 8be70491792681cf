"""The attention list's actions: a message to the leads, a proposal to end, the city page."""

import pytest
from django.urls import reverse

from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from networks.services import network_dissolve

pytestmark = pytest.mark.django_db


def test_nudge_notifies_the_leads_and_is_audited(region, client_for, steering, coordinator):
    url = reverse("steering:nudge", args=[region["quiet"].pk])
    response = client_for(steering).post(url, {"message": "Wie geht es der Runde?"})
    assert response.status_code == 302 and response["Location"] == reverse("steering:dashboard")
    notes = Notification.objects.filter(network=region["quiet"])
    assert [n.recipient for n in notes] == [coordinator]
    assert "Wie geht es der Runde?" in notes[0].text
    assert notes[0].url == region["quiet"].get_absolute_url()
    entry = AuditEntry.objects.get(action="steering.nudge")
    assert (entry.actor, entry.target_id, entry.data) == (steering, str(region["quiet"].pk),
                                                           {"recipients": 1})


def test_proposal_to_end_links_the_leads_to_the_end_page(region, client_for, steering):
    url = reverse("steering:propose_dissolution", args=[region["rain"].pk])
    client_for(steering).post(url, {"message": "Ist die Aufgabe erledigt?"})
    note = Notification.objects.get(network=region["rain"])
    assert note.url == reverse("networks:end", args=[region["rain"].slug])
    assert AuditEntry.objects.filter(action="steering.propose_dissolution").count() == 1


def test_without_a_lead_every_member_hears_of_it(region, client_for, steering, coordinator,
                                                  lead, member, outsider):
    type(coordinator).objects.filter(pk=coordinator.pk).update(is_active=False)
    client_for(steering).post(reverse("steering:nudge", args=[region["rain"].pk]),
                              {"message": "Wer übernimmt die Leitung?"})
    recipients = set(Notification.objects.filter(network=region["rain"]).values_list(
        "recipient_id", flat=True))
    assert recipients == {lead.pk, member.pk, outsider.pk}


def test_an_empty_message_is_told_at_its_field_and_nothing_is_sent(region, client_for,
                                                                   steering):
    url = reverse("steering:nudge", args=[region["quiet"].pk])
    before = Notification.objects.count()
    response = client_for(steering).post(url, {"message": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert 'aria-describedby' in response.content.decode() or 'id="id_message_error"' in \
        response.content.decode()
    too_long = client_for(steering).post(url, {"message": "x" * 401})
    assert too_long.context["form"].errors["message"]
    assert Notification.objects.count() == before
    assert not AuditEntry.objects.filter(action="steering.nudge").exists()


def test_a_dissolved_or_missing_network_gets_no_message(region, client_for, steering,
                                                        coordinator):
    network_dissolve(network=region["quiet"], actor=coordinator, summary="Fertig",
                     results="Bibliothek")
    client = client_for(steering)
    assert client.get(reverse("steering:nudge", args=[region["quiet"].pk])).status_code == 404
    assert client.post(reverse("steering:nudge", args=[region["quiet"].pk]),
                       {"message": "Hallo"}).status_code == 404
    assert client.get(reverse("steering:nudge", args=[999999])).status_code == 404


def test_dashboard_links_each_attention_row_to_its_action(region, client_for, steering):
    body = client_for(steering).get(reverse("steering:dashboard")).content.decode()
    assert reverse("steering:nudge", args=[region["quiet"].pk]) in body
    assert reverse("steering:propose_dissolution", args=[region["quiet"].pk]) in body
    assert reverse("organisation_detail", args=["essen"]) in body  # no coordinator
    assert reverse("organisation_detail", args=["dortmund"]) in body  # no network


def test_steering_may_end_an_open_network_itself_from_the_proposal(region, client_for,
                                                                   steering, service_staff):
    url = reverse("steering:propose_dissolution", args=[region["rain"].pk])
    end_url = reverse("networks:end", args=[region["rain"].slug])
    assert end_url in client_for(steering).get(url).content.decode()
    # Service staff may propose it but not end a network themselves.
    assert end_url not in client_for(service_staff).get(url).content.decode()


def test_overdue_decisions_of_the_department_heads_meeting_are_listed(client_for, steering,
                                                                     service_staff):
    import datetime

    from django.utils import timezone

    from intranet.events.models import Decision, DecisionStatus, Event, EventTask, Kind

    today = timezone.localdate()
    start = timezone.now() - datetime.timedelta(days=120)
    meeting = Event.objects.create(kind=Kind.DEPARTMENT_HEADS, title="Dezernentenrunde",
                                   start=start, end=start + datetime.timedelta(hours=3))

    def decision(number, *, status=DecisionStatus.OPEN, due_in_days=-10, task_done=False):
        made = Decision.objects.create(event=meeting, number=number, title=f"Beschluss {number}",
                                       status=status)
        EventTask.objects.create(event=meeting, decision=made, title="Umsetzen",
                                 due=today + datetime.timedelta(days=due_in_days),
                                 state="done" if task_done else "open")
        return made

    late = decision(1)
    decision(2, status=DecisionStatus.DONE)  # done: not behind
    decision(3, due_in_days=10)  # its task is not due yet
    decision(4, task_done=True)  # its late task is done
    response = client_for(steering).get(reverse("steering:dashboard"))
    listed = response.context["board"].attention.overdue_decisions
    assert [d.pk for d in listed] == [late.pk]
    assert listed[0].overdue_since == today - datetime.timedelta(days=10)
    assert "Beschluss 1" in response.content.decode()
    export = client_for(steering).get(reverse("steering:export", args=["aufmerksamkeit"]))
    assert "Beschluss 1" in export.content.decode()


def test_a_network_with_nobody_left_says_so_above_the_form(region, client_for, steering,
                                                          coordinator):
    type(coordinator).objects.filter(pk=coordinator.pk).update(is_active=False)
    response = client_for(steering).post(reverse("steering:nudge", args=[region["quiet"].pk]),
                                         {"message": "Hallo?"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not AuditEntry.objects.filter(action="steering.nudge").exists()


def test_a_steering_lead_does_not_write_to_themselves(region, client_for, lead, member):
    lead.role_assignments.create(role="steering")
    client_for(lead).post(reverse("steering:nudge", args=[region["secret"].pk]),
                          {"message": "Wie läuft es?"})
    assert set(Notification.objects.filter(text__contains="Wie läuft es?").values_list(
        "recipient_id", flat=True)) == {member.pk}  # no other lead: every member but lead
