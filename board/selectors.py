"""Every read of posts that depends on the viewer."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import cached_property

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


def _unread(user) -> Q:
    """New to the person, or commented on since they last read it. Posts from before the
    person joined (or marked everything read) count as read."""
    read_since = PostRead.objects.filter(user=user, post=OuterRef("pk"),
                                         read_at__gte=OuterRef("last_activity_at"))
    return Q(last_activity_at__gt=user.board_read_from) & ~Exists(read_since)


def mark_unread(posts: list[Post], *, user) -> list[Post]:
    """Set ``is_unread`` on a page of posts with one query. Computed here, not annotated in
    SQL: Django hashes such an annotation's subquery again for every query it compiles
    (make bench: 15 ms of Python a query at 100,000 posts)."""
    candidates = {post.pk: post for post in posts
                  if post.last_activity_at > user.board_read_from}
    read_at = dict(PostRead.objects.filter(user=user, post_id__in=candidates).values_list(
        "post_id", "read_at")) if candidates else {}
    for post in posts:
        post.is_unread = post.pk in candidates and (
            post.pk not in read_at or read_at[post.pk] < post.last_activity_at)
    return posts


def _pinned_now(now) -> Q:
    return Q(is_pinned=True) & (Q(pinned_until__isnull=True) | Q(pinned_until__gt=now))


def board_visible_to(*, user, category: str = "", topic: str = "", organisation: str = "",
                     network=None, unread: bool = False) -> QuerySet[Post]:
    """The board's posts, newest first (``board_pinned_first`` puts the pins on top).
    Expiry and the end of a pin are read from the clock, so the board is right before
    any job has run."""
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
    if unread:
        posts = posts.filter(_unread(user))
    return posts.select_related("author__organisation", "author_organisation",
                                "network").order_by("-created_at", "-pk")


class PinnedFirst:
    """The pinned posts (a short list), then all others newest first (a queryset), as one
    sequence that Django's and DRF's paginators can count and slice. Sorting pins first in
    SQL would sort every visible post (a million in ``make bench``); this way the newest
    come straight from the index on ``created_at``."""

    def __init__(self, posts: QuerySet[Post], *, unread_for=None):
        """``unread_for``: the person whose unread markers the page shows (none in the
        API, which has no such field)."""
        now = timezone.now()
        # Unordered, so that the database takes the small partial index of pins rather
        # than walking the newest-first index; the few pins are sorted here.
        self._pins_query = posts.filter(_pinned_now(now)).order_by()
        self.rest = posts.filter(Q(is_pinned=False) | Q(pinned_until__lte=now))
        self.unread_for = unread_for

    @cached_property
    def pins(self) -> list[Post]:
        return sorted(self._pins_query, key=lambda post: (post.created_at, post.pk),
                      reverse=True)

    def count(self) -> int:
        return len(self.pins) + self.rest.count()

    def capped_count(self, cap: int) -> int:
        # Keys only, in the list's order: the database walks the same index as for the
        # page and stops after cap + 1 rows.
        return len(self.pins) + self.rest.values("pk")[: cap + 1].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Post]:
        start, stop = window.start or 0, window.stop
        pins = self.pins[start:stop]
        rest_start = max(0, start - len(self.pins))
        rest_stop = stop - len(self.pins) if stop is not None else None
        rest = list(self.rest[rest_start:rest_stop]) if rest_stop is None or rest_stop > 0 \
            else []
        page = pins + rest
        prefetch_related_objects(page, Prefetch("topics", queryset=Topic.objects.order_by(
            "name")))
        return mark_unread(page, user=self.unread_for) if self.unread_for else page


def board_pinned_first(*, user, **filters) -> PinnedFirst:
    """The board as people read it: pinned posts first, then the newest."""
    return PinnedFirst(board_visible_to(user=user, **filters), unread_for=user)


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
    posts = board_visible_to(user=user).filter(created_at__gt=since).exclude(author=user)
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
