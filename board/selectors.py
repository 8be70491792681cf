"""Every read of posts that depends on the viewer."""

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from intranet.accounts.models import Topic
from networks.selectors import workspaces_readable_by

from .models import Attachment, Audience, Post, PostFollow, PostRead
from .permissions import is_moderator


def post_list_visible_to(*, user) -> QuerySet[Post]:
    """Every post the person may see, expired ones included (the archive)."""
    if not (user and user.is_authenticated and user.is_active):
        return Post.objects.none()
    in_my_city = Exists(Post.cities.through.objects.filter(
        post_id=OuterRef("pk"), organisation_id=user.organisation_id))
    network_posts = Q(audience=Audience.NETWORK,
                      network__in=workspaces_readable_by(user=user).values("pk"))
    reach = (Q(audience=Audience.PLATFORM) | network_posts
             | (Q(audience=Audience.CITIES) & (in_my_city | Q(author=user))))
    posts = Post.objects.filter(reach)
    if not is_moderator(user):
        posts = posts.filter(Q(hidden_at__isnull=True) | Q(author=user))
    return posts


def with_unread(posts: QuerySet[Post], *, user) -> QuerySet[Post]:
    """``is_unread``: new to the person, or commented on since they last read it. Posts from
    before the person joined (or marked everything read) count as read."""
    read_since = PostRead.objects.filter(user=user, post=OuterRef("pk"),
                                         read_at__gte=OuterRef("last_activity_at"))
    return posts.annotate(is_unread=Case(
        When(Q(last_activity_at__gt=user.board_read_from) & ~Exists(read_since),
             then=Value(True)),
        default=Value(False)))


def board_visible_to(*, user, category: str = "", topic: str = "", organisation: str = "",
                     network=None, unread: bool = False) -> QuerySet[Post]:
    """The board: unexpired posts, pinned ones first, then the newest. Expiry and the end
    of a pin are read from the clock, so the board is right before any job has run."""
    now = timezone.now()
    posts = post_list_visible_to(user=user).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if category:
        posts = posts.filter(category=category)
    if topic:
        posts = posts.filter(pk__in=Post.topics.through.objects.filter(
            topic__slug=topic).values("post_id"))
    if organisation:
        posts = posts.filter(author_organisation__slug=organisation)
    if network is not None:
        posts = posts.filter(network=network)
    posts = with_unread(posts, user=user)
    if unread:
        posts = posts.filter(is_unread=True)
    pinned_now = Q(is_pinned=True) & (Q(pinned_until__isnull=True) | Q(pinned_until__gt=now))
    return posts.annotate(
        pinned_now=Case(When(pinned_now, then=Value(True)), default=Value(False))
    ).select_related("author__organisation", "author_organisation", "network").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name"))
    ).order_by("-pinned_now", "-created_at", "-pk")


def archive_visible_to(*, user) -> QuerySet[Post]:
    return post_list_visible_to(user=user).filter(expires_at__lte=timezone.now()).order_by(
        "-expires_at", "-pk")


def comments_of(*, post: Post) -> QuerySet:
    """The visible comments of a post the caller may see (checked by access_post)."""
    return post.comments.filter(hidden_at__isnull=True).select_related(
        "author__organisation").order_by("created_at", "pk")


def new_since_last_visit(*, user, limit: int = 5) -> tuple[list[Post], int]:
    """The newest board posts the person has not seen since the visit before this one,
    and how many there are in all."""
    since = user.previous_visit_at or user.board_read_from
    posts = board_visible_to(user=user).filter(created_at__gt=since).exclude(
        author=user).order_by("-created_at", "-pk").prefetch_related(None)
    newest = list(posts[:limit])
    return newest, (len(newest) if len(newest) < limit else posts.count())


def attachments_of(*, post: Post) -> QuerySet[Attachment]:
    """The files of a post the caller may see (checked by access_post)."""
    return post.attachments.order_by("uploaded_at", "pk")


def attachment_of(*, post: Post, pk) -> Attachment | None:
    return post.attachments.filter(pk=pk).first()


def is_following(*, user, post: Post) -> bool:
    return PostFollow.objects.filter(user=user, post=post).exists()


def feed_posts_visible_to(*, user, limit: int = 50) -> QuerySet[Post]:
    """The personal Atom feed: the newest posts on the person's board."""
    return post_list_visible_to(user=user).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    ).select_related("author", "author_organisation", "network").order_by(
        "-created_at", "-pk")[:limit]


def posts_hidden_from(user, ids) -> set[int]:
    """Of these posts, those the person may not see: the audit log names them not."""
    ids = {int(pk) for pk in ids}
    return ids - set(post_list_visible_to(user=user).filter(pk__in=ids).values_list(
        "pk", flat=True))
