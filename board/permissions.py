"""Who may see and do what on the notice board: the only place that decides.

A post for one network follows that network (its workspace readers see it); a post for
selected cities is seen by the people of those cities; hidden posts only by moderators
and their author.
"""

from django.utils import timezone

from intranet.core.access import not_found
from intranet.core.permissions import has_role
from networks.permissions import can_lead, can_read_workspace

from .models import Audience, Post

MODERATOR_ROLES = ("service",)


def is_moderator(user) -> bool:
    return has_role(user, *MODERATOR_ROLES)


def _reaches(user, post: Post) -> bool:
    if post.audience == Audience.PLATFORM:
        return True
    if post.audience == Audience.NETWORK:
        return post.network is not None and can_read_workspace(user, post.network)
    # Through .all(): prefetched cities (the digest checks many people at once) cost nothing.
    return bool(user.organisation_id) and any(
        city.pk == user.organisation_id for city in post.cities.all())


def can_view_post(user, post: Post) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if post.audience == Audience.NETWORK and not can_read_workspace(user, post.network):
        return False  # not even its author keeps a network's post after leaving it
    is_author = post.author_id == user.pk
    if post.hidden_at and not (is_author or is_moderator(user)):
        return False
    return is_author or _reaches(user, post)


def can_edit_post(user, post: Post) -> bool:
    return can_view_post(user, post) and post.author_id == user.pk and not (
        post.network is not None and post.network.is_dissolved)


def can_delete_post(user, post: Post) -> bool:
    return can_edit_post(user, post) or (can_view_post(user, post) and is_moderator(user))


def can_moderate_post(user, post: Post) -> bool:
    return can_view_post(user, post) and is_moderator(user)


def can_pin_post(user, post: Post) -> bool:
    """Service staff pin platform-wide; a network's leads pin inside their network."""
    if not can_view_post(user, post):
        return False
    if post.audience == Audience.NETWORK:
        return can_lead(user, post.network)
    return is_moderator(user)


def can_comment(user, post: Post) -> bool:
    return can_view_post(user, post) and not post.hidden_at and not (
        post.network is not None and post.network.is_dissolved)


def can_remove_comment(user, comment) -> bool:
    """Its author while the post takes comments; the moderation always."""
    post = comment.post
    if not can_view_post(user, post) or comment.hidden_at:
        return False
    return is_moderator(user) or (comment.author_id == user.pk and can_comment(user, post))


def is_expired(post: Post) -> bool:
    return bool(post.expires_at and post.expires_at <= timezone.now())


def access_post(user, pk) -> Post:
    from .selectors import post_list_visible_to

    post = post_list_visible_to(user=user).select_related(
        "author", "author_organisation", "network").filter(pk=pk).first()
    if post is None:
        raise not_found()
    return post


def access_attachment(user, pk, attachment_pk):
    """A post's file, through the post: hidden, missing and foreign all give the one 404."""
    from .selectors import attachment_of

    post = access_post(user, pk)
    attachment = attachment_of(post=post, pk=attachment_pk)
    if attachment is None:
        raise not_found()
    return post, attachment


def access_comment(user, pk, comment_pk):
    """A visible comment of a post the person may see, or the one 404."""
    from .selectors import comments_of

    post = access_post(user, pk)
    comment = comments_of(post=post).filter(pk=comment_pk).first()
    if comment is None:
        raise not_found()
    comment.post = post  # the checks that follow read the post already fetched
    return post, comment
