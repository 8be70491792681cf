"""'Export my data' (Art. 15 and 20 DSGVO): one ZIP archive of everything about a person.

What goes in is the person's own data and their own contributions, never other people's
private content: their comments without the thread around them, a network's or a post's
name only while they may still see it (a confidential network they left stays nameless),
audit entries where they acted with the names of objects they may no longer see replaced,
and API tokens by name and date only. The archive lies in private storage (no URL serves
it), is downloaded through a checked view by its owner only, and is deleted after
``DATA_EXPORT_RETENTION_DAYS``.
"""

import datetime
import json
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy

from intranet.core.services import audit_record
from intranet.core.tasks import enqueue_after_commit

from .models import User

EXPORT_ROOT = "private/data-exports"
ARCHIVE_NAME = re.compile(r"^klimawerk-daten-\d{8}-\d{6}-[0-9a-f]{16}\.zip$")


@dataclass(frozen=True)
class ExportArchive:
    name: str
    created_at: datetime.datetime
    size: int

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(days=settings.DATA_EXPORT_RETENTION_DAYS)


def _directory_of(user_id: int) -> str:
    return f"{EXPORT_ROOT}/{int(user_id)}"


# --- Reading: the person's own archives -------------------------------------------------

def data_exports_of(*, user) -> list[ExportArchive]:
    """The finished archives of this person, newest first (only theirs: their directory)."""
    if not user.is_authenticated:
        return []
    directory = _directory_of(user.pk)
    try:
        _dirs, names = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    archives = [ExportArchive(name=name,
                              created_at=default_storage.get_modified_time(f"{directory}/{name}"),
                              size=default_storage.size(f"{directory}/{name}"))
                for name in names if ARCHIVE_NAME.match(name)]
    return sorted(archives, key=lambda archive: archive.name, reverse=True)


def data_export_path(*, user, name: str) -> str | None:
    """The storage path of one of the person's own archives, or None (missing or not theirs:
    the view answers both with the same 404)."""
    if not user.is_authenticated or not ARCHIVE_NAME.match(name):
        return None
    path = f"{_directory_of(user.pk)}/{name}"
    return path if default_storage.exists(path) else None


# --- Writing ----------------------------------------------------------------------------

@transaction.atomic
def data_export_request(*, user) -> None:
    """Queue the building of an archive; the person is told when it is ready."""
    from .tasks import build_data_export

    audit_record(actor=user, action="data_export.request", target=user)
    enqueue_after_commit(build_data_export, user.pk)


def data_export_build(*, user_id: int, now: datetime.datetime | None = None) -> str | None:
    """Build the archive of this person and tell them; returns its storage path."""
    from intranet.notifications.services import notify

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:  # deleted meanwhile: nothing to export, nothing to keep
        return None
    now = now or timezone.now()
    name = f"klimawerk-daten-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(8)}.zip"
    with tempfile.TemporaryFile() as scratch:
        with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            _write_archive(archive, user, now)
        scratch.seek(0)
        path = default_storage.save(f"{_directory_of(user.pk)}/{name}", File(scratch))
    expires = timezone.localtime(now + datetime.timedelta(
        days=settings.DATA_EXPORT_RETENTION_DAYS))
    with transaction.atomic():
        notify(recipients=[user], url=reverse("profile_settings") + "#h-privacy",
               text=(gettext_lazy("Your data export is ready. You can download it until "
                                  "%(date)s on your settings page."),
                     {"date": expires.strftime("%d.%m.%Y")}),
               event_key=f"data-export:{name[-20:-4]}")
    return path


def _write_archive(archive: zipfile.ZipFile, user: User, now) -> None:
    files: list[tuple[str, object]] = []
    for filename, data in _sections(user, files).items():
        archive.writestr(filename, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False,
                                              indent=2))
    for arcname, field_file in files:
        try:
            with field_file.open("rb") as source, archive.open(arcname, "w") as target:
                for chunk in iter(lambda s=source: s.read(1024 * 1024), b""):
                    target.write(chunk)
        except FileNotFoundError:
            continue  # a file lost on disk: the JSON still lists it
    archive.writestr("LIESMICH.txt", render_to_string("accounts/privacy/liesmich.txt", {
        "person": user, "created_at": timezone.localtime(now),
        "days": settings.DATA_EXPORT_RETENTION_DAYS}))


def _file_entry(files: list, folder: str, pk: int, field_file, original_name: str) -> str:
    """Note a file for the archive and return the name it gets there."""
    safe = get_valid_filename(PurePosixPath(original_name or field_file.name).name) or "datei"
    arcname = f"dateien/{folder}/{pk}-{safe}"
    files.append((arcname, field_file))
    return arcname


def _sections(user: User, files: list) -> dict[str, object]:
    from .models import Role

    hidden = _Hidden(user)
    return {
        "profil.json": _profile(user, Role),
        "mitgliedschaften.json": _memberships(user, hidden),
        "schwarzes-brett.json": _board(user, hidden, files),
        "netzwerke.json": _network_work(user, hidden, files),
        "termine.json": _events(user, hidden, files),
        "benachrichtigungen.json": _notifications(user),
        "einstellungen.json": _settings(user),
        "einladungen.json": _invitations(user),
        "protokoll.json": _audit(user),
        "anmeldungen.json": _logins(user),
    }


class _Hidden:
    """Which networks, posts and events the person may no longer see: those are named by
    number only."""

    def __init__(self, user):
        self.user = user
        self._cache: dict[str, set] = {}

    def _ids(self, kind: str, ids) -> set:
        from board.selectors import posts_hidden_from
        from intranet.events.selectors import events_hidden_from
        from networks.selectors import networks_hidden_from

        hider = {"network": networks_hidden_from, "post": posts_hidden_from,
                 "event": events_hidden_from}[kind]
        ids = {pk for pk in ids if pk is not None}
        return set(hider(self.user, ids)) if ids else set()

    def names(self, kind: str, objects) -> dict:
        objects = [obj for obj in objects if obj is not None]
        hidden = self._ids(kind, [obj.pk for obj in objects])
        label = "name" if kind == "network" else "title"
        return {obj.pk: None if obj.pk in hidden else getattr(obj, label) for obj in objects}


def _profile(user: User, Role) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "name": user.name, "email": user.email,
        "organisation": user.organisation.name if user.organisation else None,
        "position": user.position, "phone": user.phone, "bio": user.bio,
        "language": user.language, "handle": user.handle,
        "topics": [topic.name for topic in user.topics.order_by("name")],
        "roles": [str(Role(role).label) for role in sorted(user.roles)],
        "date_joined": user.date_joined, "last_seen_at": user.last_seen_at,
        "previous_visit_at": user.previous_visit_at,
        "email_addresses": [{"email": address.email, "verified": address.verified,
                             "primary": address.primary}
                            for address in EmailAddress.objects.filter(user=user)],
        # The kind of second factor and when it was set up, never its secret.
        "second_factors": [{"type": factor.type, "created_at": factor.created_at,
                            "last_used_at": factor.last_used_at}
                           for factor in Authenticator.objects.filter(user=user)],
    }


def _memberships(user, hidden: _Hidden) -> list:
    from networks.models import Membership

    memberships = list(Membership.objects.filter(user=user).select_related("network"))
    names = hidden.names("network", [m.network for m in memberships])
    return [{"network_id": m.network_id, "network": names[m.network_id], "role": m.role,
             "state": m.state, "created_at": m.created_at, "joined_at": m.joined_at}
            for m in memberships]


def _board(user, hidden: _Hidden, files: list) -> dict:
    from board.models import Attachment, Comment, Post, PostFollow

    posts = list(Post.objects.filter(author=user).select_related("network").order_by("pk"))
    network_names = hidden.names("network", [post.network for post in posts])
    comments = list(Comment.objects.filter(author=user).select_related("post").order_by("pk"))
    post_titles = hidden.names("post", [comment.post for comment in comments])
    follows = list(PostFollow.objects.filter(user=user).select_related("post"))
    followed_titles = hidden.names("post", [follow.post for follow in follows])
    return {
        "posts": [{"id": post.pk, "title": post.title, "body": post.body,
                   "category": post.category, "audience": post.audience,
                   "network": network_names.get(post.network_id),
                   "created_at": post.created_at, "edited_at": post.edited_at,
                   "expires_at": post.expires_at, "hidden_at": post.hidden_at}
                  for post in posts],
        # One's own comments only, not the thread they were part of.
        "comments": [{"id": comment.pk, "post_id": comment.post_id,
                      "post": post_titles[comment.post_id], "body": comment.body,
                      "created_at": comment.created_at, "edited_at": comment.edited_at,
                      "hidden_at": comment.hidden_at} for comment in comments],
        "attachments": [{"id": attachment.pk, "post_id": attachment.post_id,
                         "name": attachment.original_name, "size": attachment.size,
                         "uploaded_at": attachment.uploaded_at,
                         "file": _file_entry(files, "brett", attachment.pk, attachment.file,
                                             attachment.original_name)}
                        for attachment in Attachment.objects.filter(uploaded_by=user)
                        .order_by("pk")],
        "following": [{"post_id": follow.post_id, "post": followed_titles[follow.post_id],
                       "since": follow.created_at} for follow in follows],
    }


def _network_work(user, hidden: _Hidden, files: list) -> dict:
    from django.db.models import Q

    from networks.models import (
        DocumentVersion,
        IdeaComment,
        IdeaInterest,
        NetworkIdea,
        Task,
    )

    tasks = list(Task.objects.filter(Q(created_by=user) | Q(assignee=user))
                 .select_related("network").order_by("pk"))
    versions = list(DocumentVersion.objects.filter(uploaded_by=user)
                    .select_related("document__network").order_by("pk"))
    names = hidden.names("network", [task.network for task in tasks]
                         + [version.document.network for version in versions])
    # A task someone else wrote is the person's only while they may still see it.
    tasks = [task for task in tasks
             if task.created_by_id == user.pk or names[task.network_id] is not None]
    return {
        "tasks": [{"id": task.pk, "network": names[task.network_id], "title": task.title,
                   "description": task.description, "state": task.state, "due": task.due,
                   "created_by_me": task.created_by_id == user.pk,
                   "assigned_to_me": task.assignee_id == user.pk,
                   "created_at": task.created_at} for task in tasks],
        "documents": [{"id": version.pk, "network": names[version.document.network_id],
                       "document": version.document.title, "version": version.number,
                       "name": version.original_name, "size": version.size,
                       "uploaded_at": version.uploaded_at,
                       "file": _file_entry(files, "netzwerkdokumente", version.pk,
                                           version.file, version.original_name)}
                      for version in versions],
        "ideas": [{"id": idea.pk, "question": idea.question, "why": idea.why,
                   "status": idea.status, "created_at": idea.created_at}
                  for idea in NetworkIdea.objects.filter(proposed_by=user).order_by("pk")],
        "idea_comments": [{"id": comment.pk, "idea_id": comment.idea_id, "body": comment.body,
                           "created_at": comment.created_at}
                          for comment in IdeaComment.objects.filter(author=user)
                          .order_by("pk")],
        "idea_interests": [{"idea_id": interest.idea_id, "since": interest.created_at}
                           for interest in IdeaInterest.objects.filter(user=user)],
    }


def _events(user, hidden: _Hidden, files: list) -> dict:
    from django.db.models import Q

    from intranet.events.models import (
        AgendaItem,
        AgendaSlide,
        EventTask,
        ForumPhoto,
        OpenSpaceSession,
        Registration,
    )

    registrations = list(Registration.objects.filter(user=user).select_related("event")
                         .order_by("pk"))
    tasks = list(EventTask.objects.filter(Q(assignee=user) | Q(created_by=user))
                 .select_related("event").order_by("pk"))
    items = list(AgendaItem.objects.filter(Q(proposed_by=user) | Q(created_by=user))
                 .select_related("event").order_by("pk"))
    titles = hidden.names("event", [r.event for r in registrations]
                          + [task.event for task in tasks] + [item.event for item in items])
    return {
        "registrations": [{"event_id": r.event_id, "event": titles[r.event_id],
                           "status": r.status, "created_at": r.created_at,
                           "cancelled_at": r.cancelled_at, "attended": r.attended}
                          for r in registrations],
        "tasks": [{"id": task.pk, "event": titles.get(task.event_id), "title": task.title,
                   "description": task.description, "state": task.state, "due": task.due,
                   "assigned_to_me": task.assignee_id == user.pk,
                   "created_at": task.created_at}
                  for task in tasks if task.created_by_id == user.pk
                  or task.event_id is None or titles.get(task.event_id) is not None],
        "agenda_items": [{"id": item.pk, "event": titles[item.event_id], "title": item.title,
                          "description": item.description, "reason": item.reason,
                          "status": item.status, "created_at": item.created_at}
                         for item in items],
        "slides": [{"id": slide.pk, "name": slide.original_name,
                    "uploaded_at": slide.uploaded_at,
                    "file": _file_entry(files, "folien", slide.pk, slide.file,
                                        slide.original_name)}
                   for slide in AgendaSlide.objects.filter(uploaded_by=user).order_by("pk")],
        "open_space_sessions": [{"id": session.pk, "title": session.title,
                                 "description": session.description,
                                 "results": session.results, "created_at": session.created_at}
                                for session in OpenSpaceSession.objects.filter(
                                    Q(host=user) | Q(proposed_by=user)).order_by("pk")],
        "photos": [{"id": photo.pk, "caption": photo.caption, "uploaded_at": photo.uploaded_at,
                    "file": _file_entry(files, "fotos", photo.pk, photo.image,
                                        photo.image.name)}
                   for photo in ForumPhoto.objects.filter(uploaded_by=user).order_by("pk")],
    }


def _notifications(user) -> list:
    from intranet.notifications.selectors import notifications_visible_to

    # As the notification list shows them: none about what the person may no longer see.
    return [{"text": n.text, "link": n.url, "kind": n.kind, "created_at": n.created_at,
             "read_at": n.read_at, "emailed_at": n.emailed_at}
            for n in notifications_visible_to(user=user).order_by("pk")]


def _settings(user) -> dict:
    from intranet.notifications.models import NotificationPreference

    from .models import ApiToken

    return {
        "language": user.language,
        "notifications": {p.kind: p.frequency
                          for p in NotificationPreference.objects.filter(user=user)},
        # Names and dates only: neither the key nor its fingerprint.
        "api_tokens": [{"name": token.name, "created_at": token.created_at,
                        "last_used_at": token.last_used_at, "revoked_at": token.revoked_at}
                       for token in ApiToken.objects.filter(user=user).order_by("pk")],
    }


def _invitations(user) -> list:
    from .models import Invitation

    return [{"name": i.name, "email": i.email, "organisation": i.organisation.name,
             "roles": i.roles, "created_at": i.created_at, "accepted_at": i.accepted_at,
             "revoked_at": i.revoked_at}
            for i in Invitation.objects.filter(invited_by=user).select_related("organisation")
            .order_by("pk")]


def _audit(user) -> list:
    from intranet.core.models import AuditEntry
    from intranet.core.selectors import without_hidden_targets

    # The details are left out: they may name other people (who was removed from a network).
    entries = without_hidden_targets(
        user=user, entries=AuditEntry.objects.filter(actor=user).order_by("pk"))
    return [{"time": entry.created_at, "action": entry.action,
             "description": str(entry.action_label), "object_type": entry.target_type,
             "object_id": entry.target_id, "object": _without_key_prefix(entry)}
            for entry in entries]


def _without_key_prefix(entry) -> str:
    # A token's label carries the first characters of its key: the name is enough.
    if entry.target_type == "accounts.apitoken":
        return entry.target_label.rsplit(" (", 1)[0]
    return entry.target_label


def _logins(user) -> dict:
    from axes.models import AccessFailureLog, AccessLog

    def rows(model, *fields):
        return list(model.objects.filter(username=user.email.lower())
                    .order_by("attempt_time").values("attempt_time", "ip_address",
                                                     "user_agent", *fields))

    return {"sign_ins": rows(AccessLog, "logout_time"),
            "failed_attempts": rows(AccessFailureLog, "locked_out")}
