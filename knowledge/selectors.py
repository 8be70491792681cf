"""Every read of the library that depends on the viewer (DESIGN §3.8): published pages are
read by everyone signed in; drafts exist only in the editor, for the shelf's editors."""

import hashlib
import time

from django.core.cache import cache
from django.db.models import Count, Q

from networks.models import MemberState
from networks.selectors import network_list_visible_to

from .models import LibraryDocument, LibraryPage, ProjectPage, ResultType


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def library_pages_visible_to(*, user):
    """Published results and building projects, newest first."""
    if not _signed_in(user):
        return LibraryPage.objects.none()
    return (LibraryPage.objects.live().select_related("network")
            .order_by("-publication_date", "-pk"))


def library_page_list_visible_to(*, user, topic: str = "", result_type: str = "",
                                 network: str = "", city: str = "", year: int | None = None):
    pages = library_pages_visible_to(user=user)
    # Topic and city as "key in (pages of it)", not a join: no DISTINCT over every matching
    # page, and the newest still come from the index on the publication date.
    if topic:
        pages = pages.filter(pk__in=LibraryPage.topics.through.objects.filter(
            topic__slug=topic).values("librarypage_id"))
    if result_type:
        pages = pages.filter(result_type=result_type)
    if network:
        pages = pages.filter(network__in=network_list_visible_to(user=user).filter(slug=network))
    if city:
        pages = pages.filter(pk__in=LibraryPage.cities.through.objects.filter(
            organisation__slug=city).values("librarypage_id"))
    if year:
        pages = pages.filter(publication_date__year=year)
    return pages


# The library's counts per topic, type, network, city and year are the same for everyone
# signed in (every published page is theirs to read) and cost a count over every page and
# its topics and cities (make bench, nation, 100,000 results: 380 ms). They are counted once
# and kept until the library changes (signals.py: a page published, unpublished or deleted,
# a network saved) or, for a renamed topic or city, FACETS_SECONDS at most. The counts of
# confidential networks are kept too and shown only to those who may see the network.
FACETS_SECONDS = 600
_FACETS_VERSION_KEY = "knowledge:facets:version"


def library_facets(*, user) -> dict:
    """Counts per topic, type, network, city and year of the published library. Networks the
    person may not see are no choice (a confidential network's name stays with it)."""
    if not _signed_in(user):
        return {name: [] for name in ("topic", "type", "network", "city", "year")}
    counted = cache.get_or_set(_facets_key(), _count_facets, FACETS_SECONDS)
    types = dict(counted["type"])  # labels in the person's language, not the counter's
    confidential = {pk for pk, *_rest, secret in counted["network"] if secret}
    visible = set(network_list_visible_to(user=user).filter(pk__in=confidential).values_list(
        "pk", flat=True)) if confidential else set()
    return {**counted,
            "type": [(value, label, types[value]) for value, label in ResultType.choices
                     if types.get(value)],
            "network": [(slug, name, count)
                        for pk, slug, name, count, secret in counted["network"]
                        if not secret or pk in visible]}


def library_page_count(*, user, cap: int, **filters) -> int:
    """How many published pages these filters find, at most ``cap + 1``: the same for
    everyone signed in (a network's for those who may see it), so counted once and kept like
    the counts per filter. Unordered: the newest-first order made PostgreSQL sort every
    match (nation, a topic and a type: 30 ms ordered, 19 ms not)."""
    if not _signed_in(user):  # reads nothing: not to be kept as everyone's count
        return 0
    viewer = user.pk if filters.get("network") else "everyone"
    chosen = hashlib.sha256(repr(sorted(filters.items())).encode()).hexdigest()[:32]
    return cache.get_or_set(
        f"{_facets_key()}:count:{viewer}:{cap}:{chosen}",
        lambda: library_page_list_visible_to(user=user, **filters).order_by().values(
            "pk")[:cap + 1].count(), FACETS_SECONDS)


def library_facets_changed() -> None:
    """The counts are counted again on the next visit (a new key: a visit counting at this
    moment stores its counts under the old one)."""
    try:
        cache.incr(_FACETS_VERSION_KEY)
    except ValueError:  # no version yet, or evicted: any new one will do
        cache.set(_FACETS_VERSION_KEY, time.time_ns(), None)


def _facets_key() -> str:
    version = cache.get(_FACETS_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(_FACETS_VERSION_KEY, version, None)
    return f"knowledge:facets:{version}"


def _count_facets() -> dict:
    from intranet.accounts.models import Organisation, Topic
    from networks.models import Network, Visibility

    pages = LibraryPage.objects.live()
    ids = pages.order_by().values("pk")
    topics = (Topic.objects.filter(library_pages__in=ids)
              .annotate(count=Count("library_pages", distinct=True)).order_by("name"))
    cities = (Organisation.objects.filter(library_pages__in=ids)
              .annotate(count=Count("library_pages", distinct=True)).order_by("name"))
    networks = (Network.objects.filter(library_pages__in=ids)
                .annotate(count=Count("library_pages", distinct=True)).order_by("name"))
    types = pages.order_by().values_list("result_type").annotate(count=Count("pk"))
    years = (pages.order_by().values_list("publication_date__year")
             .annotate(count=Count("pk")).order_by("-publication_date__year"))
    return {
        "topic": [(topic.slug, topic.name, topic.count) for topic in topics],
        "type": list(types),
        "network": [(network.pk, network.slug, network.name, network.count,
                     network.visibility == Visibility.CONFIDENTIAL) for network in networks],
        "city": [(city.slug, city.name, city.count) for city in cities],
        "year": [(str(year), str(year), count) for year, count in years],
    }


def network_name_visible_to(*, user, page) -> bool:
    """Whether the page may name its network for this person."""
    from networks.permissions import can_view_network

    return page.network is not None and can_view_network(user, page.network)


def related_pages(*, page, user, limit: int = 4) -> list:
    """Other published pages of the same network or topics, the most shared topics first."""
    key = _choice_key(page, "related", limit)
    pks = cache.get(key)
    if pks is None:
        topic_ids = [topic.pk for topic in page.topics.all()]
        pks = list(library_pages_visible_to(user=user).exclude(pk=page.pk)
                   .filter(Q(topics__in=topic_ids) | Q(network_id=page.network_id)
                           if page.network_id else Q(topics__in=topic_ids))
                   .annotate(shared=Count("topics", filter=Q(topics__in=topic_ids),
                                          distinct=True))
                   .order_by("-shared", "-publication_date", "-pk")
                   .values_list("pk", flat=True)[:limit])
        cache.set(key, pks, CHOICE_SECONDS)
    return _visible_in_order(user, pks)


# Which pages are related to a page, and which the index finds similar, is the same for
# everyone (a published page is read by everyone signed in) and costs a scan of every page
# sharing a topic, or a search of the whole index: it is chosen once per published
# version of the page and kept for an hour; each request reads the chosen pages again
# through the visibility rule. A page published meanwhile joins within the hour.
CHOICE_SECONDS = 3600


def _choice_key(page, what: str, limit: int) -> str:
    version = page.last_published_at.timestamp() if page.last_published_at else 0
    return f"knowledge:{what}:{page.pk}:{version}:{limit}"


def _visible_in_order(user, pks: list[int]) -> list:
    pages = {item.pk: item for item in library_pages_visible_to(user=user).filter(
        pk__in=pks).prefetch_related("topics")}
    return [pages[pk] for pk in pks if pk in pages]


def projects_on_map_visible_to(*, user):
    if not _signed_in(user):
        return ProjectPage.objects.none()
    return (ProjectPage.objects.live().filter(latitude__isnull=False)
            .select_related("city").prefetch_related("measures")
            .order_by("-publication_date", "-pk"))


def library_pages_of_network(*, network, user):
    """What a network has published, for its page."""
    return library_pages_visible_to(user=user).filter(network=network)


def drafts_of_network(*, network, user):
    """The network's unpublished pages, for its members on the workspace."""
    from networks.permissions import is_member

    if not is_member(user, network):
        return LibraryPage.objects.none()
    return LibraryPage.objects.filter(network=network, live=False).order_by(
        "-latest_revision_created_at")


def pages_led_by(*, user):
    """Pages whose review this person may decide: those of networks they lead."""
    from networks.models import Network

    led = Network.objects.filter(networkuserobjectpermission__user=user,
                                 networkuserobjectpermission__permission__codename="lead_network")
    return LibraryPage.objects.filter(network__in=led)


def documents_visible_to(*, user):
    """Documents of published pages; the rest only for the editors of their collection."""
    from wagtail.documents.permissions import permission_policy

    if not _signed_in(user):
        return LibraryDocument.objects.none()
    published = Q(library_uses__page__live=True)
    editable = permission_policy.collections_user_has_any_permission_for(
        user, ["add", "change", "choose"])
    return LibraryDocument.objects.filter(published | Q(collection__in=editable)).distinct()


def people_to_tell_of(*, page):
    """Who hears of a new result: the network's members and those who follow its topics."""
    from intranet.accounts.models import User

    members = Q(memberships__network_id=page.network_id,
                memberships__state=MemberState.ACTIVE) if page.network_id else Q(pk__in=[])
    # The text names the page only, never its network: a confidential network's result is
    # published for all, its name is not.
    followers = Q(topics__in=page.topics.all())
    return User.objects.filter(is_active=True).filter(members | followers).distinct()


def leads_of(*, network):
    from intranet.accounts.models import User
    from networks.models import MemberRole

    return User.objects.filter(is_active=True, memberships__network=network,
                               memberships__state=MemberState.ACTIVE,
                               memberships__role=MemberRole.LEAD)


def library_root_url() -> str:
    from .models import LibraryIndexPage

    root = LibraryIndexPage.objects.live().first()
    return root.url if root is not None else "/wissen/"


def documents_of(*, page):
    """A published page's documents, in the editors' order."""
    return [use.document for use in page.documents.select_related("document").order_by(
        "sort_order")]


def similar_pages(*, page, user, exclude=(), limit: int = 4) -> list:
    """"More like this": the index's nearest published pages, each re-checked. Empty when
    the search is unavailable: the page itself must not fail with it."""
    from intranet.core.search import SearchUnavailable, hits_for, similar_keys

    wanted = limit + len(exclude)
    key = _choice_key(page, "similar", wanted)
    found = cache.get(key)
    if found is None:
        text = " ".join([page.title, *(topic.name for topic in page.topics.all()),
                         page.summary])
        try:
            found = similar_keys(user=user, text=text, type="result", exclude_pk=page.pk,
                                 limit=wanted)
        except SearchUnavailable:
            return []
        cache.set(key, found, CHOICE_SECONDS)
    return [hit.obj for hit in hits_for(user=user, found=found)
            if hit.obj.pk not in set(exclude)][:limit]


def map_tiles() -> dict:
    """The tile server the operator configured; none by default (no third-party host)."""
    from django.conf import settings

    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


def image_by_media_path(*, path: str):
    """The image stored at this media path, as original or rendition, or None."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    if path.startswith("original_images/"):
        return image_model.objects.filter(file=path).first()
    if path.startswith("images/"):
        rendition = image_model.get_rendition_model().objects.filter(file=path).select_related(
            "image").first()
        return rendition.image if rendition else None
    return None


def image_is_published(*, image) -> bool:
    """Whether a published library page shows the image (Wagtail's reference index)."""
    from wagtail.models import ReferenceIndex

    page_ids = [int(object_id) for object_id in ReferenceIndex.get_references_to(image)
                .values_list("object_id", flat=True) if str(object_id).isdigit()]
    return LibraryPage.objects.live().filter(pk__in=page_ids).exists()
