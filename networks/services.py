"""Every write to expert networks: founding, membership, tasks, documents, ending."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from intranet.core.errors import ConflictError
from intranet.core.search import reindex_after_commit, reindex_many_after_commit
from intranet.core.services import audit_record
from intranet.core.tasks import enqueue_after_commit
from intranet.core.text_extraction import extract_text, read_unread
from intranet.notifications.services import notify

from . import permissions
from .files import safe_file_name, validate_upload
from .models import (
    Document,
    DocumentVersion,
    IdeaInterest,
    MemberRole,
    Membership,
    MemberState,
    Network,
    Status,
    Task,
    TaskState,
    Visibility,
)
from .tasks import extract_document_text

# --- Grants: the guardian rows follow the membership rows, written only here ------------

def _write_grants(membership: Membership) -> None:
    user, network = membership.user, membership.network
    active = membership.state == MemberState.ACTIVE
    for codename, wanted in (("view_network", active),
                             ("lead_network", active and membership.role == MemberRole.LEAD)):
        (assign_perm if wanted else remove_perm)(f"networks.{codename}", user, network)
    permissions.forget_grants(user)


def _drop_grants(user, network: Network) -> None:
    remove_perm("networks.view_network", user, network)
    remove_perm("networks.lead_network", user, network)
    permissions.forget_grants(user)


def _ensure_writable(network: Network) -> None:
    if network.is_dissolved:
        raise ConflictError(_("This network is dissolved and can no longer be changed."))


def _touch(network: Network) -> None:
    Network.objects.filter(pk=network.pk).update(last_activity_at=timezone.now())


def _leads(network: Network):
    return [m.user for m in Membership.objects.filter(
        network=network, state=MemberState.ACTIVE, role=MemberRole.LEAD).select_related("user")]


def _url(network: Network, name: str = "networks:detail") -> str:
    return reverse(name, args=[network.slug])


# --- Founding and describing ------------------------------------------------------------

# Paths under /netzwerke/ that are pages of their own, not networks (networks/urls.py).
RESERVED_SLUGS = frozenset({"gruenden", "aufgaben", "ideen"})


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "netzwerk"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Network.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def network_found(*, founder, name: str, mandate: str, goals: str = "",
                  topics: Iterable = (), visibility: str = Visibility.OPEN) -> Network:
    if not permissions.can_found_network(founder):
        raise PermissionDenied(_("Only coordinators, service staff and steering found networks."))
    network = Network(slug=_unique_slug(name), name=name.strip(), mandate=mandate.strip(),
                      goals=goals.strip(), visibility=visibility, founded_by=founder)
    network.full_clean()
    network.save()
    network.topics.set(topics)
    membership = Membership.objects.create(network=network, user=founder, role=MemberRole.LEAD,
                                           state=MemberState.ACTIVE, joined_at=timezone.now())
    _write_grants(membership)
    audit_record(actor=founder, action="network.found", target=network,
                 visibility=visibility)
    return network


@transaction.atomic
def network_update(*, network: Network, actor, topics: Iterable | None = None,
                   **fields) -> Network:
    _ensure_writable(network)
    if not permissions.can_lead(actor, network):
        raise PermissionDenied(_("Only the network's leads change its description."))
    changed = sorted(k for k, v in fields.items() if getattr(network, k) != v)
    for name, value in fields.items():
        setattr(network, name, value)
    network.full_clean()
    network.save()
    if topics is not None:
        network.topics.set(topics)
    if "visibility" in changed:  # who may find its posts and files has changed with it
        reindex_many_after_commit(network.posts.model,
                                  network.posts.values_list("pk", flat=True))
        reindex_many_after_commit(Document, network.documents.values_list("pk", flat=True))
    audit_record(actor=actor, action="network.update", target=network, fields=changed)
    return network


# --- Membership -------------------------------------------------------------------------

@transaction.atomic
def membership_join(*, network: Network, user) -> Membership:
    """Join an open network, ask to join one on request, or accept a pending invitation."""
    _ensure_writable(network)
    membership = Membership.objects.select_for_update().filter(network=network, user=user).first()
    if membership is not None:
        membership.user = user  # so the grants cached on the caller's instance are forgotten
    if membership and membership.state == MemberState.ACTIVE:
        return membership
    if membership and membership.state == MemberState.INVITED:
        return membership_accept(membership=membership)
    if not permissions.can_join(user, network):
        raise PermissionDenied(_("You cannot join this network."))
    if network.visibility == Visibility.OPEN:
        # A request from when the network was "on request" simply becomes the membership.
        membership = membership or Membership(network=network, user=user)
        membership.state, membership.joined_at = MemberState.ACTIVE, timezone.now()
        membership.save()
        _write_grants(membership)
        audit_record(actor=user, action="membership.join", target=network)
        _touch(network)
        return membership
    if membership is None:
        membership = Membership.objects.create(network=network, user=user,
                                               state=MemberState.REQUESTED)
        audit_record(actor=user, action="membership.request", target=network)
        notify(recipients=_leads(network), network=network,
               url=_url(network, "networks:members"),
               text=(gettext_lazy("%(name)s asks to join %(network)s."), {
                   "name": user.name, "network": network.name}))
    return membership


def _decide(membership: Membership, actor) -> None:
    _ensure_writable(membership.network)
    if not permissions.can_lead(actor, membership.network):
        raise PermissionDenied(_("Only the network's leads decide this."))


@transaction.atomic
def membership_approve(*, membership: Membership, actor) -> Membership:
    _decide(membership, actor)
    if membership.state != MemberState.REQUESTED:
        raise ConflictError(_("There is no open request to approve."))
    membership.state, membership.joined_at = MemberState.ACTIVE, timezone.now()
    membership.save(update_fields=["state", "joined_at"])
    _write_grants(membership)
    audit_record(actor=actor, action="membership.approve", target=membership.network,
                 member=membership.user.email)
    notify(recipients=[membership.user], network=membership.network,
           url=_url(membership.network),
           text=(gettext_lazy("Welcome: you are now a member of %(network)s."), {
               "network": membership.network.name}))
    _touch(membership.network)
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, actor) -> None:
    _decide(membership, actor)
    if membership.state != MemberState.REQUESTED:
        raise ConflictError(_("There is no open request to decline."))
    network, person = membership.network, membership.user
    membership.delete()
    audit_record(actor=actor, action="membership.decline", target=network, member=person.email)
    notify(recipients=[person], url=reverse("networks:list"),
           text=(gettext_lazy("Your request to join %(network)s was declined."), {
               "network": network.name}))


@transaction.atomic
def membership_invite(*, network: Network, user, actor,
                      role: str = MemberRole.MEMBER) -> Membership:
    _ensure_writable(network)
    if not permissions.can_lead(actor, network):
        raise PermissionDenied(_("Only the network's leads invite."))
    if not user.is_active:
        raise ValidationError({"user_id": _("This person cannot be invited.")})
    membership = Membership.objects.select_for_update().filter(network=network, user=user).first()
    if membership and membership.state == MemberState.ACTIVE:
        raise ConflictError(_("%(name)s is already a member.") % {"name": user.name})
    if membership and membership.state == MemberState.REQUESTED:
        return membership_approve(membership=membership, actor=actor)
    if membership is None:
        membership = Membership.objects.create(network=network, user=user, role=role,
                                               state=MemberState.INVITED, invited_by=actor)
        audit_record(actor=actor, action="membership.invite", target=network, member=user.email)
        # An invitee cannot open a confidential network's page yet: the network list shows
        # their pending invitations with the buttons to answer them.
        invitation_url = (reverse("networks:list") if network.visibility == Visibility.CONFIDENTIAL
                          else _url(network))
        notify(recipients=[user], url=invitation_url,
               text=(gettext_lazy("%(name)s invites you to the expert network %(network)s."), {
                   "name": actor.name, "network": network.name}))
    return membership


@transaction.atomic
def membership_accept(*, membership: Membership) -> Membership:
    _ensure_writable(membership.network)
    if membership.state != MemberState.INVITED:
        raise ConflictError(_("There is no invitation to accept."))
    membership.state, membership.joined_at = MemberState.ACTIVE, timezone.now()
    membership.save(update_fields=["state", "joined_at"])
    _write_grants(membership)
    audit_record(actor=membership.user, action="membership.accept", target=membership.network)
    _touch(membership.network)
    return membership


def _is_last_lead(membership: Membership) -> bool:
    return membership.role == MemberRole.LEAD and membership.state == MemberState.ACTIVE and \
        not Membership.objects.filter(network=membership.network, state=MemberState.ACTIVE,
                                      role=MemberRole.LEAD).exclude(pk=membership.pk).exists()


@transaction.atomic
def membership_leave(*, network: Network, user) -> None:
    _ensure_writable(network)  # the archive keeps its members as they were
    membership = Membership.objects.select_for_update().filter(network=network, user=user).first()
    if membership is None:
        return
    if _is_last_lead(membership):
        raise ConflictError(_("You are the last lead. Make someone else lead first, "
                              "or end the network."))
    membership.delete()
    _drop_grants(user, network)
    audit_record(actor=user, action="membership.leave", target=network)


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    network, person = membership.network, membership.user
    _ensure_writable(network)
    if not permissions.can_lead(actor, network):
        raise PermissionDenied(_("Only the network's leads remove members."))
    if _is_last_lead(membership):
        raise ConflictError(_("The last lead cannot be removed."))
    membership.delete()
    _drop_grants(person, network)
    audit_record(actor=actor, action="membership.remove", target=network, member=person.email)
    # No network link: the person may no longer see it (a confidential one not at all).
    notify(recipients=[person], url=reverse("networks:list"),
           text=(gettext_lazy("You are no longer a member of %(network)s."),
                 {"network": network.name}))


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor) -> Membership:
    _ensure_writable(membership.network)
    if not permissions.can_lead(actor, membership.network):
        raise PermissionDenied(_("Only the network's leads change roles."))
    if membership.state != MemberState.ACTIVE:
        raise ConflictError(_("Only members can become leads."))
    if role == MemberRole.MEMBER and _is_last_lead(membership):
        raise ConflictError(_("A network needs at least one lead."))
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    _write_grants(membership)
    audit_record(actor=actor, action="membership.role", target=membership.network,
                 member=membership.user.email, role=role)
    return membership


# --- Ending -----------------------------------------------------------------------------

@transaction.atomic
def network_dissolve(*, network: Network, actor, summary: str, results: str = "",
                     reason: str = "") -> Network:
    _ensure_writable(network)
    if not permissions.can_end_network(actor, network):
        raise PermissionDenied(_("Only the network's leads or process steering end it."))
    errors = {}
    if not summary.strip():
        errors["summary"] = _("Say briefly what the network achieved.")
    if not results.strip() and not reason.strip():
        errors["reason"] = _("Link the results, or say why there are none.")
    if errors:
        raise ValidationError(errors)
    network.status, network.ended_at = Status.DISSOLVED, timezone.now()
    network.end_summary, network.end_results, network.end_reason = (
        summary.strip(), results.strip(), reason.strip())
    network.save()
    audit_record(actor=actor, action="network.dissolve", target=network)
    members = [m.user for m in Membership.objects.filter(
        network=network, state=MemberState.ACTIVE).select_related("user")]
    notify(recipients=members, exclude=actor, network=network, url=_url(network),
           text=(gettext_lazy("%(network)s has been dissolved. Its results stay available."), {
               "network": network.name}))
    return network


@transaction.atomic
def network_continue(*, network: Network, actor, summary: str = "") -> Network:
    _ensure_writable(network)
    if not permissions.can_end_network(actor, network):
        raise PermissionDenied(_("Only the network's leads or process steering decide this."))
    network.status = Status.CONTINUED
    if summary.strip():
        network.end_summary = summary.strip()
    network.save()
    audit_record(actor=actor, action="network.continue", target=network)
    return network


@transaction.atomic
def network_reopen(*, network: Network, actor) -> Network:
    if not permissions.can_reopen_network(actor, network):
        raise PermissionDenied(_("Only process steering reopens a dissolved network."))
    network.status, network.ended_at = Status.ACTIVE, None
    network.save()
    audit_record(actor=actor, action="network.reopen", target=network)
    return network


# --- Tasks ------------------------------------------------------------------------------

def _check_assignee(network: Network, assignee) -> None:
    if assignee is not None and not permissions.is_member(assignee, network):
        raise ValidationError({"assignee": _("Tasks go to members of the network.")})


@transaction.atomic
def task_create(*, network: Network, actor, title: str, description: str = "",
                assignee=None, due=None) -> Task:
    _ensure_writable(network)
    if not permissions.can_contribute(actor, network):
        raise PermissionDenied(_("Only members add tasks."))
    _check_assignee(network, assignee)
    task = Task(network=network, title=title.strip(), description=description.strip(),
                assignee=assignee, due=due, created_by=actor)
    task.full_clean()
    task.save()
    if assignee is not None and assignee.pk != actor.pk:
        notify(recipients=[assignee], network=network, url=reverse("networks:my_tasks"),
               text=(gettext_lazy("New task for you in %(network)s: %(title)s"), {
                   "network": network.name, "title": task.title}))
    _touch(network)
    return task


@transaction.atomic
def task_update(*, task: Task, actor, **fields) -> Task:
    network = task.network
    _ensure_writable(network)
    if not permissions.can_contribute(actor, network):
        raise PermissionDenied(_("Only members change tasks."))
    if "assignee" in fields:
        _check_assignee(network, fields["assignee"])
    for name, value in fields.items():
        setattr(task, name, value)
    if task.state not in TaskState.values:
        raise ValidationError({"state": _("Unknown state.")})
    task.full_clean()
    task.save()
    _touch(network)
    return task


# --- Documents --------------------------------------------------------------------------

@transaction.atomic
def document_upload(*, network: Network, actor, upload, title: str = "",
                    document: Document | None = None) -> DocumentVersion:
    """A new document, or a new version of ``document``; older versions are kept."""
    _ensure_writable(network)
    if not permissions.can_contribute(actor, network):
        raise PermissionDenied(_("Only members upload documents."))
    content_type = validate_upload(upload)
    name = safe_file_name(upload.name, content_type=content_type)
    if document is None:
        document = Document.objects.create(
            network=network, title=(title.strip() or name)[:200], created_by=actor)
    elif document.network_id != network.pk:
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document.pk)
    number = (document.versions.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1
    version = DocumentVersion(document=document, number=number, original_name=name,
                              content_type=content_type, size=upload.size, uploaded_by=actor)
    version.file.save(name, upload, save=False)
    version.save()
    document.updated_at = timezone.now()
    document.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="document.upload", target=document, version=number)
    _touch(network)
    reindex_after_commit(document)  # found by its title now, by its text once read
    enqueue_after_commit(extract_document_text, version.pk)
    return version


def document_text_extract(*, version_id: int) -> None:
    """Read a version's text once (in the worker); search finds the document by the text
    of its newest version."""
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None:
        return
    version.text = extract_text(version.file, version.original_name)
    version.text_extracted_at = timezone.now()
    with transaction.atomic():
        version.save(update_fields=["text", "text_extracted_at"])
        reindex_after_commit(version.document)


def document_texts_sweep() -> int:
    """Beat: reads the versions whose text was never read (their task was not queued, the
    broker being away at upload time); the documents are then found by them."""
    return read_unread(DocumentVersion.objects.all(), uploaded_field="uploaded_at",
                       read=lambda pk: document_text_extract(version_id=pk))


# --- Network ideas: from idea to team to working group ----------------------------------

def _ensure_open(idea) -> None:
    from .models import IdeaStatus

    if idea.status != IdeaStatus.OPEN:
        raise ConflictError(_("This idea is no longer open."))


@transaction.atomic
def idea_propose(*, author, question: str, why: str, cities: Iterable = (),
                 topics: Iterable = ()):
    from .models import NetworkIdea

    idea = NetworkIdea(question=question.strip(), why=why.strip(), proposed_by=author)
    idea.full_clean()
    idea.save()
    idea.cities.set(cities)
    idea.topics.set(topics)
    IdeaInterest.objects.create(idea=idea, user=author)  # who proposes, takes part
    audit_record(actor=author, action="idea.propose", target=idea)
    return idea


@transaction.atomic
def idea_set_interest(*, idea, user, interested: bool) -> bool:
    _ensure_open(idea)
    if not permissions.can_take_part_in_idea(user, idea):
        raise PermissionDenied
    if interested:
        _created = IdeaInterest.objects.get_or_create(idea=idea, user=user)[1]
        if _created:
            type(idea).objects.filter(pk=idea.pk).update(last_activity_at=timezone.now())
    else:
        IdeaInterest.objects.filter(idea=idea, user=user).delete()
    return interested


@transaction.atomic
def idea_comment(*, idea, author, body: str):
    from .models import IdeaComment

    _ensure_open(idea)
    if not permissions.can_take_part_in_idea(author, idea):
        raise PermissionDenied
    comment = IdeaComment(idea=idea, author=author, body=body.strip())
    comment.full_clean()
    comment.save()
    type(idea).objects.filter(pk=idea.pk).update(last_activity_at=timezone.now())
    if idea.proposed_by and idea.proposed_by.pk != author.pk:
        notify(recipients=[idea.proposed_by],
               url=reverse("networks:idea", args=[idea.pk]),
               text=(gettext_lazy("%(name)s commented on your idea “%(idea)s”."),
                     {"name": author.name, "idea": idea.question}))
    return comment


@transaction.atomic
def idea_convert(*, idea, actor, name: str, visibility: str = Visibility.OPEN) -> Network:
    """Found a network on the idea in one step and invite everyone who marked interest."""
    from .models import IdeaStatus

    idea = type(idea).objects.select_for_update().get(pk=idea.pk)
    _ensure_open(idea)
    if not permissions.can_convert_idea(actor, idea):
        raise PermissionDenied(_("Coordinators, service staff and steering turn ideas into "
                                 "networks."))
    network = network_found(founder=actor, name=name or idea.question, mandate=idea.question,
                            goals=idea.why, topics=idea.topics.all(), visibility=visibility)
    interested = [i.user for i in idea.interests.select_related("user")
                  if i.user.is_active and i.user.pk != actor.pk]
    for person in interested:
        membership_invite(network=network, user=person, actor=actor)
    idea.status, idea.network = IdeaStatus.CONVERTED, network
    idea.save(update_fields=["status", "network"])
    audit_record(actor=actor, action="idea.convert", target=idea, network=network.slug,
                 invited=len(interested))
    return network


def idea_archive_stale(*, days: int) -> int:
    """Archive open ideas in which nobody has shown interest or commented for ``days`` days."""
    from .models import IdeaStatus, NetworkIdea

    cutoff = timezone.now() - timezone.timedelta(days=days)
    stale = NetworkIdea.objects.filter(status=IdeaStatus.OPEN, last_activity_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True))
    NetworkIdea.objects.filter(pk__in=ids).update(status=IdeaStatus.ARCHIVED)
    for pk in ids:
        audit_record(actor=None, action="idea.archive", target=NetworkIdea(pk=pk))
    return len(ids)
