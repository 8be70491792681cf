"""Every read of posts that depends on the viewer."""

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from intranet.accounts.models import Topic
from networks.selectors import workspaces_readable_by

from .models import Audience, Post
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


def board_visible_to(*, user, category: str = "", topic: str = "", organisation: str = "",
                     network=None) -> QuerySet[Post]:
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
