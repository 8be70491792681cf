"""Reads of the Expertenforum: the editions and the host rotation."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from intranet.accounts.models import Organisation, OrganisationKind, User, UserRole

from ..models import Event, EventTask, ForumEdition, ForumPhoto, Kind
from ..permissions import can_view_forum
from .event import event_list_visible_to

# --- Expertenforum ----------------------------------------------------------------------

# How many coming years the host rotation suggests a city for.
SUGGESTED_YEARS = 3


def forum_edition_list_visible_to(*, user) -> QuerySet[ForumEdition]:
    """Every edition, newest first (the past ones since 2015 stay browsable)."""
    if not can_view_forum(user):
        return ForumEdition.objects.none()
    return ForumEdition.objects.select_related("host_organisation", "event").order_by("-year")


@dataclass
class HostRow:
    """A member city in the rotation and the years it hosted (oldest first)."""

    city: Organisation
    years: list[int] = field(default_factory=list)

    @property
    def last_year(self) -> int | None:
        return self.years[-1] if self.years else None


def host_rotation_order(cities: Iterable[Organisation],
                        hosted: Iterable[tuple[int, int]]) -> list[HostRow]:
    """Whose turn it is: cities that never hosted first, then the longest since their last
    forum, then by name. ``hosted`` is (city id, year) pairs; pure, so unit-testable."""
    rows = {city.pk: HostRow(city) for city in cities}
    for city_id, year in sorted(hosted, key=lambda pair: pair[1]):
        if city_id in rows:
            rows[city_id].years.append(year)
    return sorted(rows.values(), key=lambda row: (
        row.last_year is not None, row.last_year or 0, row.city.name.casefold(), row.city.pk))


def host_suggestions(order: list[HostRow], *, taken_years: Iterable[int], from_year: int,
                     count: int = SUGGESTED_YEARS) -> list[tuple[int, HostRow]]:
    """The next ``count`` years from ``from_year`` without an edition, each paired with the
    next city of the rotation (a city at most once)."""
    taken = set(taken_years)
    years = []
    year = from_year
    while len(years) < min(count, len(order)):
        if year not in taken:
            years.append(year)
        year += 1
    return list(zip(years, order, strict=False))


@dataclass
class HostRotation:
    rows: list[HostRow]
    suggestions: list[tuple[int, HostRow]]


def forum_host_rotation_visible_to(*, user, this_year: int | None = None) -> HostRotation:
    """The member cities in rotation order and the suggestions: two queries, however many
    cities and editions there are."""
    if not can_view_forum(user):
        return HostRotation([], [])
    cities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("name")
    hosted = list(ForumEdition.objects.values_list("host_organisation_id", "year"))
    order = host_rotation_order(cities, hosted)
    this_year = this_year or timezone.localdate().year
    return HostRotation(order, host_suggestions(
        order, taken_years=[year for _city, year in hosted], from_year=this_year))


def forum_events_linkable_to(*, user, edition: ForumEdition) -> QuerySet[Event]:
    """The forum events the person may link to the edition as its registration: visible to
    them, not cancelled, not another edition's; newest first."""
    return (event_list_visible_to(user=user)
            .filter(kind=Kind.FORUM, cancelled_at__isnull=True)
            .filter(Q(forum_edition__isnull=True) | Q(forum_edition=edition))
            .order_by("-start", "-pk"))


# --- The planning timeline and the gallery ---------------------------------------------------

def forum_plan_of(*, edition: ForumEdition) -> QuerySet[EventTask]:
    """The steps of the edition's plan with their owners, earliest due first (who may see
    them: ``can_view_forum_plan``)."""
    return (EventTask.objects.filter(forum_edition=edition)
            .select_related("assignee__organisation").order_by("due", "pk"))


def forum_planners(*, edition: ForumEdition) -> QuerySet[User]:
    """Who may own a step: the service organisation's active people, the host city's
    coordinators, and whoever owns one already."""
    service = UserRole.objects.filter(role="service").values("user_id")
    coordinators = UserRole.objects.filter(
        role="coordinator", user__organisation_id=edition.host_organisation_id).values("user_id")
    owners = EventTask.objects.filter(forum_edition=edition, assignee__isnull=False).values(
        "assignee_id")
    return (User.objects.filter(is_active=True)
            .filter(Q(pk__in=service) | Q(pk__in=coordinators) | Q(pk__in=owners))
            .select_related("organisation").order_by("name", "pk"))


def forum_photos_of(*, edition: ForumEdition) -> QuerySet[ForumPhoto]:
    """The edition's photos in the order they were added (the edition is known: no join)."""
    return ForumPhoto.objects.filter(edition=edition).order_by("uploaded_at", "pk")


def with_cover(editions: QuerySet[ForumEdition]) -> QuerySet[ForumEdition]:
    """``cover_id`` and ``cover_caption``: each edition's first photo, in the same query."""
    first = ForumPhoto.objects.filter(edition=OuterRef("pk")).order_by("uploaded_at", "pk")
    return editions.annotate(cover_id=Subquery(first.values("pk")[:1]),
                             cover_caption=Subquery(first.values("caption")[:1]))
