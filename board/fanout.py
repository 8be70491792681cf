"""Who hears of a new post or comment: worked out from the outbox (``PostEvent``) after
the write has committed, so posting never waits for thousands of notifications.

Each notification carries an event key: running a fan-out again writes nothing twice,
and a person mentioned in a comment on a post they follow hears of it once, as a mention.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.notifications.models import Kind
from intranet.notifications.services import notify
from networks.models import Membership, MemberState
from networks.permissions import prefetch_grants

from .models import Audience, Category, Post, PostEvent, PostFollow
from .permissions import can_view_post

CHUNK = 2000


def fan_out_pending() -> int:
    """Work through every pending event, one transaction each; returns how many."""
    done = 0
    while True:
        with transaction.atomic():
            event = (PostEvent.objects.select_for_update(skip_locked=True)
                     .filter(fanned_out_at__isnull=True).order_by("pk").first())
            if event is None:
                return done
            fan_out(event)
            event.fanned_out_at = timezone.now()
            event.save(update_fields=["fanned_out_at"])
        done += 1


def fan_out(event: PostEvent) -> None:
    post = Post.objects.select_related("author", "network").prefetch_related("cities").get(
        pk=event.post_id)
    if post.hidden_at:
        return
    comment = event.comment
    key = f"comment:{comment.pk}" if comment else f"post:{post.pk}"
    url = post_url(post, comment)
    author = comment.author if comment else post.author
    _notify_mentioned(event, post, comment, key, url, author)
    if event.mentions_only:
        return
    if comment is None:
        _notify_readers_of_new_post(post, key, url)
    else:
        _notify_followers(post, comment, key, url)


def post_url(post: Post, comment=None) -> str:
    from django.urls import reverse

    url = reverse("board:detail", args=[post.pk])
    return f"{url}#kommentar-{comment.pk}" if comment else url


def _author_name(author) -> str:
    return author.name if author else _("Someone")


def _visible_to(people, post) -> list:
    """Those of ``people`` who may see the post: can_view_post with their grants on its
    network read in one query, not one per person."""
    people = list(people)
    if post.network_id:
        prefetch_grants({person: {post.network_id} for person in people})
    return [person for person in people if can_view_post(person, post)]


def _notify_mentioned(event, post, comment, key, url, author) -> None:
    mentioned = _visible_to(event.mentioned.filter(is_active=True).exclude(
        pk=getattr(author, "pk", None)).prefetch_related("role_assignments"), post)
    if not mentioned:
        return
    params = {"author": _author_name(author), "title": post.title}
    text = (_("%(author)s mentioned you in a comment on “%(title)s”") if comment
            else _("%(author)s mentioned you in “%(title)s”"))
    notify(recipients=mentioned, text=(text, params), url=url, post=post,
           network=post.network, kind=Kind.MENTION, event_key=key)


def _notify_readers_of_new_post(post: Post, key: str, url: str) -> None:
    people = get_user_model().objects.filter(is_active=True).exclude(pk=post.author_id)
    if post.audience == Audience.NETWORK:
        kind = Kind.NETWORK_POST
        people = people.filter(pk__in=Membership.objects.filter(
            network=post.network_id, state=MemberState.ACTIVE).values("user_id"))
        text = (_("New post in %(network)s: %(title)s"),
                {"network": post.network.name, "title": post.title})
    elif post.category == Category.ANNOUNCEMENT:
        kind = Kind.ANNOUNCEMENT
        if post.audience == Audience.CITIES:
            people = people.filter(organisation__in=post.cities.values("pk"))
        text = (_("Announcement: %(title)s"), {"title": post.title})
    else:
        return  # other posts wait on the board; nobody is notified of them
    people = people.only("pk", "language").order_by("pk")
    last_pk = 0
    while chunk := list(people.filter(pk__gt=last_pk)[:CHUNK]):
        notify(recipients=chunk, text=text, url=url, post=post, network=post.network,
               kind=kind, event_key=key)
        last_pk = chunk[-1].pk


def _notify_followers(post: Post, comment, key: str, url: str) -> None:
    followers = get_user_model().objects.filter(
        is_active=True, pk__in=PostFollow.objects.filter(post=post).values("user_id"),
    ).exclude(pk=comment.author_id).select_related("organisation").prefetch_related(
        "role_assignments")
    text = (_("%(author)s commented on “%(title)s”"),
            {"author": _author_name(comment.author), "title": post.title})
    notify(recipients=_visible_to(followers, post), text=text, url=url, post=post,
           network=post.network, kind=Kind.FOLLOWED_COMMENT, event_key=key)
