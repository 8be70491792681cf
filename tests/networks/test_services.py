import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from intranet.core.errors import ConflictError
from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from networks import permissions
from networks.models import MemberRole, Membership, MemberState, Network, Status, Task
from networks.services import (
    membership_approve,
    membership_decline,
    membership_invite,
    membership_join,
    membership_leave,
    membership_remove,
    membership_set_role,
    network_continue,
    network_dissolve,
    network_found,
    network_reopen,
    task_create,
    task_update,
)

pytestmark = pytest.mark.django_db


def test_founder_becomes_lead_with_guardian_grants(coordinator):
    network = network_found(founder=coordinator, name="Baumrigolen", mandate="Wie bauen wir?")
    assert permissions.is_lead(coordinator, network)
    assert permissions.is_member(coordinator, network)
    assert Membership.objects.get(network=network).role == MemberRole.LEAD
    assert AuditEntry.objects.filter(action="network.found", actor=coordinator).exists()


def test_plain_members_cannot_found(member):
    with pytest.raises(PermissionDenied):
        network_found(founder=member, name="X", mandate="Y")
    assert not Network.objects.exists()


def test_joining_an_open_network_is_immediate(make_network, outsider):
    network = make_network("open")
    membership_join(network=network, user=outsider)
    assert permissions.is_member(outsider, network)


def test_request_notifies_the_leads_and_approval_the_person(
        make_network, coordinator, outsider, django_capture_on_commit_callbacks):
    network = make_network("on_request")
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_join(network=network, user=outsider)
    assert membership.state == MemberState.REQUESTED
    assert not permissions.is_member(outsider, network)
    assert Notification.objects.filter(recipient=coordinator).exists()
    assert any(coordinator.email in m.to for m in mail.outbox)
    membership_approve(membership=membership, actor=coordinator)
    assert permissions.is_member(outsider, network)
    assert Notification.objects.filter(recipient=outsider, network=network).exists()


def test_only_leads_decide_requests(make_network, member, outsider):
    network = make_network("on_request")
    membership_join(network=network, user=member)
    request = membership_join(network=network, user=outsider)
    membership_approve(membership=Membership.objects.get(user=member), actor=network.founded_by)
    with pytest.raises(PermissionDenied):
        membership_approve(membership=request, actor=member)
    assert Membership.objects.get(pk=request.pk).state == MemberState.REQUESTED


def test_declined_request_leaves_no_membership(make_network, coordinator, outsider):
    network = make_network("on_request")
    request = membership_join(network=network, user=outsider)
    membership_decline(membership=request, actor=coordinator)
    assert not Membership.objects.filter(user=outsider).exists()


def test_confidential_networks_are_joined_by_invitation_only(make_network, coordinator,
                                                             outsider):
    network = make_network("confidential")
    with pytest.raises(PermissionDenied):
        membership_join(network=network, user=outsider)
    membership_invite(network=network, user=outsider, actor=coordinator)
    assert not permissions.is_member(outsider, network)
    membership_join(network=network, user=outsider)  # accepting the invitation
    assert permissions.is_member(outsider, network)


def test_the_last_lead_cannot_leave_or_step_down(make_network, coordinator, member):
    network = make_network("open")
    with pytest.raises(ConflictError):
        membership_leave(network=network, user=coordinator)
    lead_membership = Membership.objects.get(user=coordinator)
    with pytest.raises(ConflictError):
        membership_set_role(membership=lead_membership, role=MemberRole.MEMBER,
                            actor=coordinator)
    membership_join(network=network, user=member)
    membership_set_role(membership=Membership.objects.get(user=member), role=MemberRole.LEAD,
                        actor=coordinator)
    membership_leave(network=network, user=coordinator)
    assert permissions.is_lead(member, network)
    assert not Membership.objects.filter(user=coordinator).exists()


def test_removal_revokes_access_at_once(make_network, coordinator, outsider):
    network = make_network("confidential")
    membership_invite(network=network, user=outsider, actor=coordinator)
    membership_join(network=network, user=outsider)
    assert permissions.can_read_workspace(outsider, network)
    membership_remove(membership=Membership.objects.get(user=outsider), actor=coordinator)
    permissions.forget_grants(outsider)
    assert not permissions.can_view_network(outsider, network)
    removal = Notification.objects.filter(recipient=outsider).latest("pk")  # the last one
    assert network.name in removal.text
    assert removal.network is None  # the notice does not link the confidential network
    assert network.slug not in removal.url


def test_dissolving_needs_a_summary_and_results_or_a_reason(make_network, coordinator):
    network = make_network("open")
    with pytest.raises(ValidationError) as error:
        network_dissolve(network=network, actor=coordinator, summary="", results="", reason="")
    assert set(error.value.message_dict) == {"summary", "reason"}
    network.refresh_from_db()
    assert network.status == Status.ACTIVE


def test_a_dissolved_network_is_read_only(make_network, coordinator, member, outsider):
    network = make_network("open")
    membership_join(network=network, user=member)
    task = task_create(network=network, actor=coordinator, title="Karte", assignee=member)
    network_dissolve(network=network, actor=coordinator, summary="Leitfaden fertig",
                     results="https://wissen/leitfaden")
    for write in (
        lambda: task_create(network=network, actor=coordinator, title="Noch eine"),
        lambda: task_update(task=task, actor=member, state="done"),
        lambda: membership_join(network=network, user=outsider),
        lambda: network_continue(network=network, actor=coordinator),
    ):
        with pytest.raises(ConflictError):
            write()
    assert Task.objects.count() == 1 and Task.objects.get().state == "open"
    assert not Membership.objects.filter(user=outsider).exists()


def test_members_are_told_when_their_network_dissolves(make_network, coordinator, member):
    network = make_network("open")
    membership_join(network=network, user=member)
    network_dissolve(network=network, actor=coordinator, summary="Fertig", reason="Kein Bedarf")
    assert Notification.objects.filter(recipient=member, network=network).exists()
    assert not Notification.objects.filter(recipient=coordinator, network=network).exists()


def test_only_steering_reopens(make_network, coordinator, steering):
    network = make_network("open")
    network_dissolve(network=network, actor=coordinator, summary="Fertig", reason="Erledigt")
    with pytest.raises(PermissionDenied):
        network_reopen(network=network, actor=coordinator)
    network_reopen(network=network, actor=steering)
    network.refresh_from_db()
    assert network.status == Status.ACTIVE


def test_steering_may_end_a_network_it_can_see(make_network, steering):
    network = make_network("open")
    network_continue(network=network, actor=steering, summary="Daueraufgabe")
    network.refresh_from_db()
    assert network.status == Status.CONTINUED


def test_tasks_go_to_members_only(make_network, coordinator, outsider):
    network = make_network("open")
    with pytest.raises(ValidationError):
        task_create(network=network, actor=coordinator, title="X", assignee=outsider)
    assert not Task.objects.exists()


def test_assigned_person_is_notified(make_network, coordinator, member):
    network = make_network("open")
    membership_join(network=network, user=member)
    task_create(network=network, actor=coordinator, title="Karte zeichnen", assignee=member)
    assert Notification.objects.filter(recipient=member, text__contains="Karte").exists()


def test_notifications_speak_the_recipients_language(make_network, coordinator, outsider):
    outsider.language = "en"
    outsider.save()
    network = make_network("open")
    membership_join(network=network, user=outsider)
    task_create(network=network, actor=coordinator, title="Karte", assignee=outsider)
    coordinator.language = "de"
    task_create(network=network, actor=outsider, title="Liste", assignee=coordinator)
    assert Notification.objects.get(recipient=outsider).text.startswith("New task for you")
    assert Notification.objects.get(recipient=coordinator).text.startswith("Neue Aufgabe")


def test_members_of_a_dissolved_network_stay_as_they_were(make_network, coordinator, member):
    network = make_network("open")
    membership_join(network=network, user=member)
    network_dissolve(network=network, actor=coordinator, summary="Fertig", reason="Erledigt")
    with pytest.raises(ConflictError):
        membership_leave(network=network, user=member)
    assert permissions.is_member(member, network)


def test_a_request_becomes_membership_when_the_network_turns_open(make_network, coordinator,
                                                                  outsider):
    from networks.services import network_update

    network = make_network("on_request")
    membership_join(network=network, user=outsider)
    network_update(network=network, actor=coordinator, visibility="open")
    membership_join(network=network, user=outsider)
    assert Membership.objects.get(user=outsider).state == MemberState.ACTIVE
    assert permissions.is_member(outsider, network)
