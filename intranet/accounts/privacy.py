"""Data protection (DSGVO): deleting an account by anonymising it, and the retention jobs.

Deleting keeps what the person contributed (posts, comments, tasks, documents: the work of
a network does not lose its history) and removes who they were: the account becomes
"Ehemalige:r Nutzer:in" with an address that cannot receive mail, no profile, no roles, no
grants, no tokens, no sessions; the old name and address are also taken out of the
invitations, the audit log's texts, other people's @-mentions and the login log, and the
search index is told. The export of one's data lives in ``data_export``.
"""

import datetime
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.core.search import reindex_after_commit, reindex_many_after_commit
from intranet.core.services import audit_record

from .models import ApiToken, Invitation, User, new_feed_token, unique_handle
from .permissions import can_delete_account

FORMER_USER = _("Former user")


def former_user_name() -> str:
    """The name every deleted account carries, in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(FORMER_USER)


def deleted_email(user_id: int) -> str:
    """Unique per account and undeliverable: ``.invalid`` is reserved (RFC 2606)."""
    return f"geloescht-{int(user_id)}@geloescht.invalid"


# --- Deleting an account ----------------------------------------------------------------

@transaction.atomic
def account_delete(*, person: User, actor: User, password: str | None = None) -> None:
    """Delete ``person``'s account by anonymising it. The person confirms with their
    password; a platform administrator deletes someone else's account without one."""
    if actor.pk == person.pk:
        if not password or not person.check_password(password):
            raise ValidationError({"password": gettext("The password is not correct.")})
    elif not can_delete_account(actor, person):
        raise PermissionDenied(gettext("Only platform administrators delete other accounts."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active and person.email == deleted_email(person.pk):
        return  # deleted already
    old_name, old_email, old_handle = person.name, person.email, person.handle
    _leave_everything(person)
    _anonymise_profile(person)
    _forget_old_identity(person, old_name=old_name, old_email=old_email, old_handle=old_handle)
    # Recorded last, as the anonymous account: the entry itself names nobody.
    by_self = actor.pk == person.pk
    audit_record(actor=None if by_self else actor, action="user.delete", target=person,
                 by="self" if by_self else "administrator")


def _leave_everything(person: User) -> None:
    """Memberships, grants, roles, registrations, tokens, follows and notifications."""
    from guardian.models import UserObjectPermission

    from board.models import PostFollow
    from intranet.events.models import OpenSpaceInterest
    from intranet.notifications.models import Notification, NotificationPreference
    from networks.models import IdeaInterest, Membership, NetworkUserObjectPermission
    from networks.permissions import forget_grants

    from .models import OrganisationUserObjectPermission
    from .services import _write_roles

    _cancel_future_registrations(person)
    # The last lead leaves too: the network then shows on steering's "no lead" list.
    Membership.objects.filter(user=person).delete()
    for grants in (NetworkUserObjectPermission, OrganisationUserObjectPermission,
                   UserObjectPermission):
        grants.objects.filter(user=person).delete()
    forget_grants(person)
    _write_roles(user=person, roles=[])
    person.user_permissions.clear()
    person.groups.clear()
    ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    for rows in (PostFollow, IdeaInterest, OpenSpaceInterest, NotificationPreference):
        rows.objects.filter(user=person).delete()
    Notification.objects.filter(recipient=person).delete()


def _cancel_future_registrations(person: User) -> None:
    """Through the events' own service, so a freed place goes to the waitlist's first."""
    from intranet.events.models import Registration
    from intranet.events.models.event import ACTIVE_STATUSES
    from intranet.events.services import registration_cancel

    upcoming = Registration.objects.filter(
        user=person, status__in=ACTIVE_STATUSES, event__start__gt=timezone.now(),
        event__cancelled_at__isnull=True).select_related("event")
    for registration in upcoming:
        registration_cancel(event=registration.event, user=person, actor=person)


def _anonymise_profile(person: User) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    person.name = former_user_name()
    person.email = deleted_email(person.pk)
    person.handle = unique_handle(f"ehemalig-{person.pk}", exclude_pk=person.pk)
    person.organisation = None
    person.position = person.phone = person.bio = ""
    person.topics.clear()
    person.feed_token = new_feed_token()  # the personal feeds now answer 404
    person.last_seen_at = person.previous_visit_at = None
    person.language = settings.LANGUAGE_CODE
    # A new password hash ends every session: Django checks it on each request.
    person.set_unusable_password()
    person.is_active = person.is_staff = person.is_superuser = False
    person.full_clean(exclude=["password"])
    person.save()


def _forget_old_identity(person: User, *, old_name: str, old_email: str,
                         old_handle: str | None) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from board.models import Post

    Invitation.objects.filter(models.Q(user=person) | models.Q(email__iexact=old_email)) \
        .update(name=person.name, email=person.email)
    for log in (AccessAttempt, AccessLog, AccessFailureLog):
        log.objects.filter(username=old_email.lower()).delete()
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User),
                            object_id=str(person.pk)).update(object_repr=person.name)
    _scrub_audit_log(person, old_name=old_name, old_email=old_email)
    touched_posts = _scrub_mentions(person, old_name=old_name, old_handle=old_handle)
    # Out of search (inactive people are not indexed), and their posts without their name.
    reindex_after_commit(person)
    authored = set(Post.objects.filter(author=person).values_list("pk", flat=True))
    reindex_many_after_commit(Post, sorted(authored | touched_posts))


def _scrub_audit_log(person: User, *, old_name: str, old_email: str) -> None:
    """The log keeps what happened, but says "Ehemalige:r Nutzer:in" where the person was
    named: as actor, as object, or inside the details (``member: max@…``)."""
    from intranet.core.models import AuditEntry

    replace = _replacer({old_email: person.email, old_name: person.name})
    AuditEntry.objects.filter(actor=person).update(actor_label=person.name)
    AuditEntry.objects.filter(target_type="accounts.user", target_id=str(person.pk)) \
        .update(target_label=person.name)
    # The details are JSON; SQLite stores non-ASCII escaped, so the address finds them.
    named = AuditEntry.objects.annotate(details=Cast("data", models.TextField())).filter(
        models.Q(details__icontains=old_email) | models.Q(target_label__icontains=old_email)
        | models.Q(details__icontains=old_name) | models.Q(target_label__icontains=old_name))
    for entry in named.iterator(chunk_size=500):
        entry.data = _scrubbed(entry.data, replace)
        entry.target_label = replace(entry.target_label)
        AuditEntry.objects.filter(pk=entry.pk).update(data=entry.data,
                                                      target_label=entry.target_label)


def _replacer(pairs: dict[str, str]) -> Callable[[str], str]:
    pattern = re.compile("|".join(re.escape(old) for old in sorted(pairs, key=len,
                                                                    reverse=True) if old),
                         re.IGNORECASE)
    lowered = {old.lower(): new for old, new in pairs.items()}
    return lambda text: pattern.sub(lambda match: lowered[match.group(0).lower()], text)


def _scrubbed(value, replace):
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [_scrubbed(item, replace) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, replace) for key, item in value.items()}
    return value


def _scrub_mentions(person: User, *, old_name: str, old_handle: str | None) -> set[int]:
    """Other people's posts and comments keep their words, but an @-mention of the person
    now reads as the anonymous account's handle, without their name. Returns the posts
    touched."""
    from board.models import Comment, Post
    from networks.models import IdeaComment

    if not old_handle:
        return set()
    mention = re.compile(rf"@{re.escape(old_handle)}(?![a-z0-9_-]|\.[a-z0-9])", re.IGNORECASE)
    title = f'title="{escape(old_name)}"'

    def rewrite(text: str) -> str:
        return mention.sub(f"@{person.handle}", text).replace(title, f'title="{person.name}"')

    touched: set[int] = set()
    for model, post_of in ((Post, "pk"), (Comment, "post_id")):
        for row in model.objects.filter(body__icontains=f"@{old_handle}").iterator():
            model.objects.filter(pk=row.pk).update(body=rewrite(row.body),
                                                   body_html=rewrite(row.body_html))
            touched.add(getattr(row, post_of))
    # Comments on network ideas are rendered when shown: their source is enough.
    for row in IdeaComment.objects.filter(body__icontains=f"@{old_handle}").iterator():
        IdeaComment.objects.filter(pk=row.pk).update(body=rewrite(row.body))
    return touched


# --- Retention (beat, daily) ------------------------------------------------------------

DELETE_BATCH = 1000


def _delete_in_batches(queryset) -> int:
    """Delete what the query finds, a thousand rows per statement, so a first run over
    years of rows holds no long lock; running it again deletes nothing more."""
    deleted = 0
    while True:
        batch = list(queryset.order_by("pk").values_list("pk", flat=True)[:DELETE_BATCH])
        if not batch:
            return deleted
        queryset.model.objects.filter(pk__in=batch).delete()
        deleted += len(batch)


def _cutoff(days: int, now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=days)


def login_log_purge(*, now=None) -> int:
    """django-axes' attempts, sign-in log and failure log older than the period."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = _cutoff(settings.LOGIN_LOG_RETENTION_DAYS, now)
    return sum(_delete_in_batches(log.objects.filter(attempt_time__lt=cutoff))
               for log in (AccessAttempt, AccessLog, AccessFailureLog))


def audit_log_purge(*, now=None) -> int:
    from intranet.core.models import AuditEntry

    cutoff = _cutoff(settings.AUDIT_LOG_RETENTION_DAYS, now)
    return _delete_in_batches(AuditEntry.objects.filter(created_at__lt=cutoff))


def notifications_purge(*, now=None) -> int:
    """Notifications that went out (e-mailed or read) and the board's fanned-out events,
    older than the period. One still waiting for its digest stays."""
    from board.models import PostEvent
    from intranet.notifications.models import Notification

    cutoff = _cutoff(settings.NOTIFICATION_RETENTION_DAYS, now)
    done = models.Q(emailed_at__isnull=False) | models.Q(read_at__isnull=False)
    return (_delete_in_batches(Notification.objects.filter(done, created_at__lt=cutoff))
            + _delete_in_batches(PostEvent.objects.filter(fanned_out_at__lt=cutoff)))


def data_exports_purge(*, now=None) -> int:
    """Archives older than the period, in every person's directory."""
    from django.core.files.storage import default_storage

    from .data_export import ARCHIVE_NAME, EXPORT_ROOT

    cutoff = _cutoff(settings.DATA_EXPORT_RETENTION_DAYS, now)
    try:
        people, _files = default_storage.listdir(EXPORT_ROOT)
    except FileNotFoundError:
        return 0
    deleted = 0
    for directory in people:
        _dirs, names = default_storage.listdir(f"{EXPORT_ROOT}/{directory}")
        for name in names:
            path = f"{EXPORT_ROOT}/{directory}/{name}"
            if ARCHIVE_NAME.match(name) and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted


def retention_apply(*, now=None) -> dict[str, int]:
    """Every retention period at once: what the nightly beat job runs."""
    return {"login_log": login_log_purge(now=now), "audit_log": audit_log_purge(now=now),
            "notifications": notifications_purge(now=now),
            "data_exports": data_exports_purge(now=now)}
