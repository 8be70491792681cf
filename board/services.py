"""Every write to the notice board."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.errors import ConflictError
from intranet.core.markdown import render_markdown
from intranet.core.services import audit_record
from networks.permissions import can_read_workspace

from . import permissions
from .models import Audience, Comment, Post


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
                topics: Iterable = (), expires_at=None) -> Post:
    cities = list(cities)
    _check_audience(author=author, audience=audience, network=network, cities=cities)
    post = Post(title=title.strip(), body=body, body_html=render_markdown(body),
                category=category, author=author, author_organisation=author.organisation,
                audience=audience, network=network if audience == Audience.NETWORK else None,
                expires_at=expires_at)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must lie in the future.")})
    post.full_clean()
    post.save()
    post.cities.set(cities if audience == Audience.CITIES else [])
    post.topics.set(topics)
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
    post.body_html = render_markdown(post.body)
    post.edited_at = timezone.now()
    post.full_clean()
    post.save()
    if topics is not None:
        post.topics.set(topics)
    audit_record(actor=actor, action="post.update", target=post)
    return post


@transaction.atomic
def post_delete(*, post: Post, actor) -> None:
    if not permissions.can_delete_post(actor, post):
        raise PermissionDenied(_("Only the author or the moderation deletes a post."))
    audit_record(actor=actor, action="post.delete", target=post)
    post.delete()


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
    comment = Comment(post=post, author=author, body=body, body_html=render_markdown(body),
                      parent=parent)
    comment.full_clean()
    comment.save()
    return comment


def unpin_expired_pins() -> int:
    """Beat job: clear pins whose time is over (the board already ignores them)."""
    return Post.objects.filter(is_pinned=True, pinned_until__lte=timezone.now()).update(
        is_pinned=False, pinned_until=None)
