"""Every write to the notice board."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.accounts.models import User
from intranet.core.errors import ConflictError
from intranet.core.markdown import Mentionable, mentioned_handles, render_with_mentions
from intranet.core.search import reindex_after_commit
from intranet.core.services import audit_record
from intranet.core.tasks import enqueue_after_commit
from intranet.core.text_extraction import extract_text, read_unread
from networks.files import safe_file_name, validate_upload
from networks.permissions import can_read_workspace

from . import permissions
from .models import Attachment, Audience, Comment, Post, PostEvent, PostFollow, PostRead
from .tasks import extract_attachment_text

MAX_ATTACHMENTS = 10


def _render(source: str):
    """Sanitised HTML with ``@handle`` of active colleagues linked; the mentioned people."""
    people = {person.handle: person for person in User.objects.filter(
        handle__in=mentioned_handles(source), is_active=True).only("pk", "handle", "name")}
    rendered = render_with_mentions(source, people={
        handle: Mentionable(url=person.get_absolute_url(), name=person.name)
        for handle, person in people.items()})
    return rendered.html, [people[handle] for handle in sorted(rendered.mentioned)]


def _record_event(*, post: Post, comment: Comment | None = None, mentioned=(),
                  mentions_only: bool = False) -> None:
    """The outbox row: who hears of this is worked out after commit (board.fanout)."""
    from .tasks import fan_out_post_events

    event = PostEvent.objects.create(post=post, comment=comment, mentions_only=mentions_only)
    event.mentioned.set(mentioned)
    enqueue_after_commit(fan_out_post_events)


def _check_audience(*, author, audience: str, network, cities) -> None:
    if audience == Audience.NETWORK:
        if network is None:
            raise ValidationError({"network": _("Choose the network the post is for.")})
        if not can_read_workspace(author, network) or network.is_dissolved:
            raise ValidationError({"network": _("You can only post in networks you work in.")})
    elif audience == Audience.CITIES and not cities:
        raise ValidationError({"cities": _("Choose at least one city.")})


@transaction.atomic
def post_create(*, author, title: str, body: str, category: str,
                audience: str = Audience.PLATFORM, network=None, cities: Iterable = (),
                topics: Iterable = (), expires_at=None, files: Iterable = ()) -> Post:
    """A new post, with its files; a file that is refused leaves nothing behind."""
    cities, files = list(cities), list(files)
    _check_audience(author=author, audience=audience, network=network, cities=cities)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": _("A post can have at most %(count)d files.") % {
            "count": MAX_ATTACHMENTS}})
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as error:
            raise ValidationError({"files": [f"{upload.name}: {message}"
                                             for message in error.messages]}) from None
    body_html, mentioned = _render(body)
    post = Post(title=title.strip(), body=body, body_html=body_html,
                category=category, author=author, author_organisation=author.organisation,
                audience=audience, network=network if audience == Audience.NETWORK else None,
                expires_at=expires_at)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must lie in the future.")})
    post.full_clean()
    post.save()
    post.cities.set(cities if audience == Audience.CITIES else [])
    post.topics.set(topics)
    for upload in files:
        _store_attachment(post=post, actor=author, upload=upload)
    PostFollow.objects.create(user=author, post=post)
    _record_event(post=post, mentioned=mentioned)
    audit_record(actor=author, action="post.create", target=post, audience=audience)
    return post


@transaction.atomic
def post_update(*, post: Post, actor, topics: Iterable | None = None, **fields) -> Post:
    if not permissions.can_edit_post(actor, post):
        raise PermissionDenied(_("Only the author edits a post."))
    allowed = {"title", "body", "category", "expires_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(post, name, value)
    post.body_html, mentioned = _render(post.body)
    post.edited_at = timezone.now()
    post.full_clean()
    post.save()
    if topics is not None:
        post.topics.set(topics)
    if mentioned:  # only the newly mentioned hear of it: notifications are once per post
        _record_event(post=post, mentioned=mentioned, mentions_only=True)
    audit_record(actor=actor, action="post.update", target=post)
    return post


@transaction.atomic
def post_delete(*, post: Post, actor) -> None:
    if not permissions.can_delete_post(actor, post):
        raise PermissionDenied(_("Only the author or the moderation deletes a post."))
    audit_record(actor=actor, action="post.delete", target=post)
    files = [(a.file.storage, a.file.name) for a in post.attachments.all()]
    post.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


@transaction.atomic
def post_hide(*, post: Post, actor, hidden: bool = True) -> Post:
    if not permissions.can_moderate_post(actor, post):
        raise PermissionDenied(_("Only the moderation hides posts."))
    post.hidden_at, post.hidden_by = (timezone.now(), actor) if hidden else (None, None)
    post.save(update_fields=["hidden_at", "hidden_by"])
    audit_record(actor=actor, action="post.hide" if hidden else "post.restore", target=post)
    return post


@transaction.atomic
def post_pin(*, post: Post, actor, until=None, pinned: bool = True) -> Post:
    if not permissions.can_pin_post(actor, post):
        raise PermissionDenied(_("Service staff pin on the board; leads pin in their network."))
    if pinned and until is not None and until <= timezone.now():
        raise ValidationError({"until": _("The pin must end in the future.")})
    post.is_pinned, post.pinned_until = pinned, (until if pinned else None)
    post.save(update_fields=["is_pinned", "pinned_until"])
    audit_record(actor=actor, action="post.pin" if pinned else "post.unpin", target=post)
    return post


@transaction.atomic
def comment_create(*, post: Post, author, body: str, parent: Comment | None = None) -> Comment:
    if post.network is not None and post.network.is_dissolved:
        raise ConflictError(_("This network is dissolved and can no longer be changed."))
    if not permissions.can_comment(author, post):
        raise PermissionDenied(_("You cannot comment on this post."))
    if parent is not None and parent.post_id != post.pk:
        raise ValidationError({"parent": _("A reply belongs to the same post.")})
    body_html, mentioned = _render(body)
    comment = Comment(post=post, author=author, body=body, body_html=body_html, parent=parent)
    comment.full_clean()
    comment.save()
    Post.objects.filter(pk=post.pk).update(last_activity_at=comment.created_at)
    PostFollow.objects.get_or_create(user=author, post=post)
    _record_event(post=post, comment=comment, mentioned=mentioned)
    return comment


@transaction.atomic
def comment_remove(*, comment: Comment, actor) -> Comment:
    """Take a comment off the post; replies to it stay, under a placeholder."""
    if not permissions.can_remove_comment(actor, comment):
        raise PermissionDenied(_("Only its author or the moderation removes a comment."))
    comment.hidden_at = timezone.now()
    comment.save(update_fields=["hidden_at"])
    audit_record(actor=actor, action="comment.remove", target=comment.post,
                 comment=comment.pk)
    return comment


# --- Reading and following --------------------------------------------------------------

def post_mark_read(*, post: Post, user) -> None:
    """Remember that the person has read the post as it is now (one upsert)."""
    PostRead.objects.bulk_create(
        [PostRead(user=user, post=post, read_at=timezone.now())],
        update_conflicts=True, unique_fields=["user", "post"], update_fields=["read_at"])


def board_mark_all_read(*, user) -> None:
    """Everything on the board so far counts as read."""
    user.board_read_from = timezone.now()
    user.save(update_fields=["board_read_from"])
    PostRead.objects.filter(user=user).delete()


def post_follow(*, post: Post, user, follow: bool = True) -> None:
    if not permissions.can_view_post(user, post):
        raise PermissionDenied
    if follow:
        PostFollow.objects.get_or_create(user=user, post=post)
    else:
        PostFollow.objects.filter(user=user, post=post).delete()


# --- Attachments ------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, post: Post, actor, upload) -> Attachment:
    """A file on the post, checked by its content like a network document."""
    if not permissions.can_edit_post(actor, post):
        raise PermissionDenied(_("Only the author adds files to a post."))
    Post.objects.select_for_update().filter(pk=post.pk).first()  # count under a lock
    if post.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": _("A post can have at most %(count)d files.") % {
            "count": MAX_ATTACHMENTS}})
    attachment = _store_attachment(post=post, actor=actor, upload=upload)
    audit_record(actor=actor, action="post.attachment_add", target=post,
                 file=attachment.original_name)
    enqueue_after_commit(extract_attachment_text, attachment.pk)
    return attachment


def attachment_text_extract(*, attachment_id: int) -> None:
    """Read the file's text once (in the worker), so search finds its post by it."""
    attachment = Attachment.objects.select_related("post").filter(pk=attachment_id).first()
    if attachment is None:
        return
    attachment.text = extract_text(attachment.file, attachment.original_name)
    attachment.text_extracted_at = timezone.now()
    with transaction.atomic():
        attachment.save(update_fields=["text", "text_extracted_at"])
        reindex_after_commit(attachment.post)


def attachment_texts_sweep() -> int:
    """Beat: reads the files whose text was never read (their task was not queued, the
    broker being away at upload time); the posts are then found by them."""
    return read_unread(Attachment.objects.all(), uploaded_field="uploaded_at",
                       read=lambda pk: attachment_text_extract(attachment_id=pk))


def _store_attachment(*, post: Post, actor, upload) -> Attachment:
    content_type = validate_upload(upload)
    name = safe_file_name(upload.name, content_type=content_type)
    attachment = Attachment(post=post, original_name=name,
                            content_type=content_type, size=upload.size, uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor) -> None:
    post = attachment.post
    if not permissions.can_edit_post(actor, post):
        raise PermissionDenied(_("Only the author removes files from a post."))
    audit_record(actor=actor, action="post.attachment_delete", target=post,
                 file=attachment.original_name)
    stored = attachment.file.name
    attachment.delete()
    reindex_after_commit(post)  # its words are no longer the post's
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))


def unpin_expired_pins() -> int:
    """Beat job: clear pins whose time is over (the board already ignores them)."""
    return Post.objects.filter(is_pinned=True, pinned_until__lte=timezone.now()).update(
        is_pinned=False, pinned_until=None)
