"""Reads of the Expertenforum: the editions and the host rotation."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from intranet.accounts.models import Organisation, OrganisationKind

from ..models import ForumEdition
from ..permissions import can_view_forum

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
