"""Every figure process steering reads: counts from aggregate queries only.

Each figure is one ``GROUP BY`` over its table (members per network, posts per network …),
merged here in Python by key: no query per row. Counting a nation's memberships, posts and
tasks takes seconds, so the dashboard does not count on each visit: an hourly task
(``services.steering_figures_count``) stores the figures per network and per city, and the
page reads those rows and says when they were counted. The city × network pairs (some 60,000 in
a nation) are counted in the database too (``COUNT(DISTINCT …)`` per network and per city);
they are read as a list only for the matrix's shown cells and for its CSV. Confidential
networks take part in every count; their names, titles and texts never leave this module
for someone who may not see them (DESIGN §3.6): such a network is "Confidential network
no. <id>".
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Greatest, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from board.models import Comment, Post
from intranet.accounts.models import Organisation, OrganisationKind, Role, User, UserRole
from intranet.core.models import AuditEntry
from intranet.events.models import (
    CLOSED_DECISION_STATUSES,
    Decision,
    Event,
    EventTask,
    Kind,
    Registration,
)
from intranet.events.selectors import event_list_visible_to
from knowledge.models import LibraryPage
from networks.models import (
    MemberRole,
    Membership,
    MemberState,
    Network,
    Status,
    Task,
    TaskState,
    Visibility,
)
from networks.selectors import network_ids_member_of

from .models import CityFigures, DailyFigure, NetworkFigures

ACTIVE_PEOPLE_DAYS = 90
ATTENDED_DAYS = 365
ACTIVITY_MONTHS = 24


def confidential_label(pk: int) -> str:
    return _("Confidential network no. %(id)s") % {"id": pk}


@dataclass
class NetworkRow:
    pk: int
    label: str
    url: str  # empty when the person may not open the network's page
    named: bool  # False: a confidential network shown by its number only
    visibility: str
    status: str
    founded_at: datetime.datetime
    ended_at: datetime.datetime | None
    age_days: int = 0
    members: int = 0
    cities: int = 0
    active_leads: int = 0
    posts_30: int = 0
    posts_90: int = 0
    comments_30: int = 0
    comments_90: int = 0
    tasks_open: int = 0
    tasks_overdue: int = 0
    tasks_done: int = 0
    meetings: int = 0
    results: int = 0
    last_activity: datetime.datetime | None = None
    counted_at: datetime.datetime | None = None  # None: founded since the last count

    @property
    def counted(self) -> bool:
        return self.counted_at is not None

    @property
    def is_open(self) -> bool:
        return self.status != Status.DISSOLVED

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def nudge_url(self) -> str:
        return _url_of("steering:nudge", self.pk)

    @property
    def propose_dissolution_url(self) -> str:
        return _url_of("steering:propose_dissolution", self.pk)

    @property
    def visibility_label(self) -> str:
        from networks.models import Visibility

        return str(Visibility(self.visibility).label)

    @property
    def quiet_days(self) -> int:
        return (timezone.now() - self.last_activity).days if self.last_activity else 0


@dataclass
class CityRow:
    pk: int
    slug: str
    name: str
    people: int = 0
    active_people: int = 0
    coordinators: int = 0
    networks: int = 0
    events_attended: int = 0
    posts: int = 0
    network_members: int = 0  # its people's memberships in open networks
    counted_at: datetime.datetime | None = None  # None: not counted yet

    @property
    def counted(self) -> bool:
        return self.counted_at is not None

    @property
    def url(self) -> str:
        return reverse("organisation_detail", args=[self.slug])


class Shown(list):
    """The first rows of a longer list, and how many there are in all."""

    def __init__(self, rows=(), total: int | None = None):
        super().__init__(rows)
        self.total = len(self) if total is None else total

    @property
    def more(self) -> int:
        return self.total - len(self)


@dataclass
class Attention:
    quiet: Shown = field(default_factory=Shown)
    leaderless: Shown = field(default_factory=Shown)
    cities_without_coordinator: Shown = field(default_factory=Shown)
    cities_without_network: Shown = field(default_factory=Shown)
    overdue_decisions: Shown = field(default_factory=Shown)

    @property
    def count(self) -> int:
        return (self.quiet.total + self.leaderless.total + self.cities_without_coordinator.total
                + self.cities_without_network.total + self.overdue_decisions.total)


@dataclass
class Matrix:
    """City × network participation: ``cells[i][j]`` members of city j in network i."""

    cities: list[CityRow]
    networks: list[NetworkRow]
    cells: list[list[int]]
    maximum: int
    total_networks: int = 0
    total_cities: int = 0

    @property
    def is_cut(self) -> bool:
        return (len(self.networks) < self.total_networks
                or len(self.cities) < self.total_cities)


@dataclass
class Dashboard:
    """The steering page: one page of each table, the first rows of each attention list,
    and the totals, each read as such from the database."""

    now: datetime.datetime
    quiet_days: int
    networks: Page  # of NetworkRow
    cities: Page  # of CityRow
    network_total: int
    networks_open: int
    attention: Attention
    matrix: Matrix
    lifecycle: list[dict]
    activity: list[dict]
    activity_as_of: datetime.datetime | None


@dataclass
class Tables:
    """Every row of the steering page's tables, for the CSV exports."""

    now: datetime.datetime
    quiet_days: int
    networks: list[NetworkRow]
    cities: list[CityRow]
    attention: Attention
    lifecycle: list[dict]
    activity: list[dict]

    def all_pairs(self) -> list[tuple]:
        """(network row, city row, members) of every open network and city with members
        (some 60,000 in a nation): one query."""
        networks = {row.pk: row for row in self.networks if row.is_open}
        cities = {city.pk: city for city in self.cities}
        pairs = participation_pairs(network_filter=~Q(network__status=Status.DISSOLVED))
        return sorted(((networks[n], cities[c], members) for (n, c), members in pairs.items()
                       if n in networks and c in cities),
                      key=lambda item: (item[0].label, item[1].name))


def _by(rows, key: str) -> dict:
    return {row.pop(key): row for row in rows}


# --- Per network ------------------------------------------------------------------------

NETWORK_FIGURES = ("members", "active_leads", "cities", "posts_30", "posts_90", "comments_30",
                   "comments_90", "tasks_open", "tasks_overdue", "tasks_done", "meetings",
                   "results", "last_post_at", "last_comment_at", "last_meeting_at")


def network_figures_counted(*, now: datetime.datetime) -> dict[int, dict]:
    """Network id → its figures, counted from the tables: the work of the hourly count
    (``services.steering_figures_count``), seven aggregate queries whatever the number."""
    today = timezone.localdate(now)
    since_30, since_90 = now - datetime.timedelta(days=30), now - datetime.timedelta(days=90)
    active = Membership.objects.filter(state=MemberState.ACTIVE, user__is_active=True)
    members = _by(active.order_by().values("network_id").annotate(
        members=Count("pk"),
        leads=Count("pk", filter=Q(role=MemberRole.LEAD)),
        cities=Count("user__organisation", distinct=True,
                     filter=Q(user__organisation__kind=OrganisationKind.MUNICIPALITY))),
        "network_id")
    posts = _by(Post.objects.filter(network__isnull=False, hidden_at__isnull=True,
                                    created_at__lte=now)
                .order_by().values("network_id").annotate(
                    last=Max("created_at"),
                    p30=Count("pk", filter=Q(created_at__gte=since_30)),
                    p90=Count("pk", filter=Q(created_at__gte=since_90))), "network_id")
    comments = _by(Comment.objects.filter(post__network__isnull=False, hidden_at__isnull=True,
                                          created_at__lte=now)
                   .order_by().values("post__network_id").annotate(
                       last=Max("created_at"),
                       c30=Count("pk", filter=Q(created_at__gte=since_30)),
                       c90=Count("pk", filter=Q(created_at__gte=since_90))), "post__network_id")
    not_done = ~Q(state=TaskState.DONE)
    tasks = _by(Task.objects.order_by().values("network_id").annotate(
        open=Count("pk", filter=not_done),
        overdue=Count("pk", filter=not_done & Q(due__lt=today)),
        done=Count("pk", filter=Q(state=TaskState.DONE))), "network_id")
    meetings = _by(Event.objects.filter(kind=Kind.NETWORK, network__isnull=False, end__lte=now,
                                        cancelled_at__isnull=True)
                   .order_by().values("network_id").annotate(n=Count("pk"), last=Max("end")),
                   "network_id")
    results = _by(LibraryPage.objects.live().filter(network__isnull=False)
                  .order_by().values("network_id").annotate(n=Count("pk")), "network_id")
    figures = {}
    for pk in Network.objects.values_list("pk", flat=True):
        member, post, comment = members.get(pk, {}), posts.get(pk, {}), comments.get(pk, {})
        task, meeting = tasks.get(pk, {}), meetings.get(pk, {})
        figures[pk] = {
            "members": member.get("members", 0), "active_leads": member.get("leads", 0),
            "cities": member.get("cities", 0),
            "posts_30": post.get("p30", 0), "posts_90": post.get("p90", 0),
            "comments_30": comment.get("c30", 0), "comments_90": comment.get("c90", 0),
            "tasks_open": task.get("open", 0), "tasks_overdue": task.get("overdue", 0),
            "tasks_done": task.get("done", 0), "meetings": meeting.get("n", 0),
            "results": results.get(pk, {}).get("n", 0),
            "last_post_at": post.get("last"), "last_comment_at": comment.get("last"),
            "last_meeting_at": meeting.get("last"),
        }
    return figures


NETWORK_VALUES = ("pk", "slug", "name", "visibility", "status", "founded_at", "ended_at",
                  "last_activity", "steering_figures__counted_at",
                  *(f"steering_figures__{name}" for name in NETWORK_FIGURES[:12]))
OPEN = ~Q(status=Status.DISSOLVED)


def networks_as_counted() -> QuerySet:
    """Networks with their counted figures joined, and their last activity: the network's
    own moment or the newest counted post, comment or meeting, whichever is later."""
    return Network.objects.annotate(last_activity=Greatest("last_activity_at", *(
        Coalesce(f"steering_figures__{moment}", "last_activity_at")
        for moment in ("last_post_at", "last_comment_at", "last_meeting_at"))))


def in_table_order(networks: QuerySet, visible_ids) -> QuerySet:
    """Named networks by name, then the numbered ones by number: a numbered network's place
    in the alphabet would tell its name's first letter."""
    named = _named(visible_ids)
    return networks.order_by(Case(When(named, then=Value(0)), default=Value(1)),
                             Case(When(named, then="name"), default=Value("")), "pk")


def _named(visible_ids) -> Q:
    """The rule of can_see_network_name as a condition."""
    return ~Q(visibility=Visibility.CONFIDENTIAL) | Q(pk__in=visible_ids)


def network_rows_of(networks: QuerySet, *, visible_ids, now: datetime.datetime
                    ) -> list[NetworkRow]:
    """Rows of ``networks`` (from ``networks_as_counted``), one query. A network founded
    since the last count has its row, without figures (``counted``)."""
    rows = []
    for network in networks.values(*NETWORK_VALUES):
        row = _network_row(network, visible_ids)
        row.age_days = (now - network["founded_at"]).days
        row.last_activity = network["last_activity"]
        row.counted_at = network["steering_figures__counted_at"]
        if row.counted:
            for name in NETWORK_FIGURES[:12]:
                setattr(row, name, network[f"steering_figures__{name}"])
        rows.append(row)
    return rows


def network_rows(*, user, now: datetime.datetime) -> list[NetworkRow]:
    """Every network with its counted figures, in the table's order (the CSV)."""
    visible_ids = set(network_ids_member_of(user=user))
    return network_rows_of(in_table_order(networks_as_counted(), visible_ids),
                           visible_ids=visible_ids, now=now)


def _url_of(name: str, arg) -> str:
    """``reverse(name, args=[arg])`` without a ``reverse`` per row (5,000 rows at nation
    scale): each pattern is reversed once with a placeholder for its one argument."""
    if name not in _URL_PATTERNS:
        placeholder = _PLACEHOLDER_ID if isinstance(arg, int) else _PLACEHOLDER_SLUG
        _URL_PATTERNS[name] = (reverse(name, args=[placeholder]), str(placeholder))
    pattern, placeholder = _URL_PATTERNS[name]
    return pattern.replace(placeholder, str(arg), 1)


_URL_PATTERNS: dict[str, tuple[str, str]] = {}
_PLACEHOLDER_ID, _PLACEHOLDER_SLUG = 987654321, "__slug__"


def _network_url(slug: str) -> str:
    return _url_of("networks:detail", slug)


def _network_row(network: dict, visible_ids) -> NetworkRow:
    # The rule of can_see_network_name, on plain values (no model per row).
    named = network["visibility"] != Visibility.CONFIDENTIAL or network["pk"] in visible_ids
    return NetworkRow(
        pk=network["pk"], named=named,
        label=network["name"] if named else confidential_label(network["pk"]),
        url=_network_url(network["slug"]) if named else "",
        visibility=network["visibility"], status=network["status"],
        founded_at=network["founded_at"], ended_at=network["ended_at"])


# --- Per city ---------------------------------------------------------------------------

def city_rows(*, since_people: datetime.datetime, period_start: datetime.datetime,
              period_end: datetime.datetime, networks_per_city: dict) -> list[CityRow]:
    """The member cities with people, coordinators, events attended and posts in the
    period; ``networks_per_city`` (city id → number) gives their networks."""
    cities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by(
        "name", "pk").values_list("pk", "slug", "name")
    people = _by(User.objects.filter(is_active=True, organisation__isnull=False).order_by()
                 .values("organisation_id").annotate(
                     people=Count("pk"),
                     active=Count("pk", filter=Q(last_login__gte=since_people)
                                  | Q(last_seen_at__gte=since_people))), "organisation_id")
    coordinators = dict(UserRole.objects.filter(
        role=Role.COORDINATOR, user__is_active=True, user__organisation__isnull=False)
        .order_by().values_list("user__organisation_id").annotate(n=Count("user", distinct=True)))
    attended = dict(Registration.objects.filter(
        attended=True, event__end__gte=period_start, event__end__lt=period_end,
        user__organisation__isnull=False)
        .order_by().values_list("user__organisation_id").annotate(n=Count("pk")))
    posts = dict(Post.objects.filter(
        created_at__gte=period_start, created_at__lt=period_end, hidden_at__isnull=True,
        author_organisation__isnull=False)
        .order_by().values_list("author_organisation_id").annotate(n=Count("pk")))
    rows = []
    for pk, slug, name in cities:
        row = CityRow(pk=pk, slug=slug, name=name)
        row.people = people.get(pk, {}).get("people", 0)
        row.active_people = people.get(pk, {}).get("active", 0)
        row.coordinators = coordinators.get(pk, 0)
        row.networks = networks_per_city.get(pk, 0)
        row.events_attended = attended.get(pk, 0)
        row.posts = posts.get(pk, 0)
        rows.append(row)
    return rows


CITY_FIGURES = ("people", "active_people", "coordinators", "networks", "network_members",
                "events_attended", "posts")


def city_figures_counted(*, now: datetime.datetime) -> dict[int, dict]:
    """City id → its figures, counted from the tables (the hourly count's work): people
    active in the last 90 days, events attended and posts in the last 12 months, its
    open networks."""
    participation = city_participation()
    rows = city_rows(since_people=now - datetime.timedelta(days=ACTIVE_PEOPLE_DAYS),
                     period_start=now - datetime.timedelta(days=ATTENDED_DAYS),
                     period_end=now, networks_per_city={
                         city_id: count for city_id, (count, _m) in participation.items()})
    return {row.pk: {"people": row.people, "active_people": row.active_people,
                     "coordinators": row.coordinators, "networks": row.networks,
                     "network_members": participation.get(row.pk, (0, 0))[1],
                     "events_attended": row.events_attended, "posts": row.posts}
            for row in rows}


CITY_VALUES = ("pk", "slug", "name", "steering_figures__counted_at",
               *(f"steering_figures__{name}" for name in CITY_FIGURES))


def cities_as_counted() -> QuerySet:
    return Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)


def city_rows_of(cities: QuerySet) -> list[CityRow]:
    """Rows of ``cities`` (from ``cities_as_counted``) with their counted figures: one query."""
    rows = []
    for city in cities.values(*CITY_VALUES):
        row = CityRow(pk=city["pk"], slug=city["slug"], name=city["name"],
                      counted_at=city["steering_figures__counted_at"])
        if row.counted:
            for name in CITY_FIGURES:
                setattr(row, name, city[f"steering_figures__{name}"])
        rows.append(row)
    return rows


def participation_pairs(*, network_filter: Q | None = None) -> dict[tuple[int, int], int]:
    """(network id, city id) → active members of that city in that network: one query."""
    pairs = Membership.objects.filter(
        state=MemberState.ACTIVE, user__is_active=True,
        user__organisation__kind=OrganisationKind.MUNICIPALITY)
    if network_filter is not None:
        pairs = pairs.filter(network_filter)
    return {(network_id, city_id): n for network_id, city_id, n in pairs.order_by().values_list(
        "network_id", "user__organisation_id").annotate(n=Count("pk"))}


def city_participation() -> dict[int, tuple[int, int]]:
    """City id → (open networks it takes part in, its active members in them): one
    ``GROUP BY`` over the memberships, not the list of pairs."""
    return {city_id: (networks, members) for city_id, networks, members in Membership.objects
            .filter(state=MemberState.ACTIVE, user__is_active=True,
                    user__organisation__kind=OrganisationKind.MUNICIPALITY)
            .exclude(network__status=Status.DISSOLVED)
            .order_by().values_list("user__organisation_id")
            .annotate(networks=Count("network", distinct=True), members=Count("pk"))}


MATRIX_NETWORKS, MATRIX_CITIES = 30, 25


def build_matrix(*, networks: QuerySet, cities: QuerySet, visible_ids, now: datetime.datetime,
                 total_networks: int, total_cities: int) -> Matrix:
    """Open networks by cities; the cell holds the number of members, shaded by it. A
    picture of a nation's 5,000 networks by 2,000 cities helps no one: it shows the
    largest open networks and the cities taking part most, as counted (``total_*`` say how
    many there are; the CSV has every pair). Three queries."""
    largest = networks.filter(OPEN).order_by(
        F("steering_figures__members").desc(nulls_last=True), "pk")[:MATRIX_NETWORKS]
    shown_networks = network_rows_of(largest, visible_ids=visible_ids, now=now)
    shown_networks.sort(key=lambda row: (not row.named, row.label if row.named else row.pk))
    shown_cities = city_rows_of(cities.order_by(
        F("steering_figures__network_members").desc(nulls_last=True), "name", "pk")[
        :MATRIX_CITIES])
    shown_cities.sort(key=lambda city: city.name)
    pairs = participation_pairs(network_filter=Q(
        network_id__in=[row.pk for row in shown_networks],
        user__organisation_id__in=[city.pk for city in shown_cities]))
    cells = [[pairs.get((network.pk, city.pk), 0) for city in shown_cities]
             for network in shown_networks]
    maximum = max((value for line in cells for value in line), default=0)
    return Matrix(cities=shown_cities, networks=shown_networks, cells=cells, maximum=maximum,
                  total_networks=total_networks, total_cities=total_cities)


# --- Over time --------------------------------------------------------------------------

def lifecycle_rows() -> list[dict]:
    """Per year: networks founded, dissolved and marked as continued (three grouped counts)."""
    founded = dict(Network.objects.order_by().values_list(ExtractYear("founded_at"))
                   .annotate(n=Count("pk")))
    dissolved = dict(Network.objects.filter(status=Status.DISSOLVED, ended_at__isnull=False)
                     .order_by().values_list(ExtractYear("ended_at")).annotate(n=Count("pk")))
    # "Continued" has no date on the network: the audit log says when it was decided.
    continued = dict(AuditEntry.objects.filter(action="network.continue").order_by()
                     .values_list(ExtractYear("created_at"))
                     .annotate(n=Count("target_id", distinct=True)))
    years = sorted({*founded, *dissolved, *continued})
    if not years:
        return []
    return [{"year": year, "founded": founded.get(year, 0), "dissolved": dissolved.get(year, 0),
             "continued": continued.get(year, 0)}
            for year in range(years[0], years[-1] + 1)]


def month_starts(today: datetime.date, months: int = ACTIVITY_MONTHS) -> list[datetime.date]:
    first = today.replace(day=1)
    starts = []
    for _index in range(months):
        starts.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def activity_rows(*, today: datetime.date) -> tuple[list[dict], datetime.datetime | None]:
    """Posts, comments, new tasks and meetings per month over two years, from the stored
    daily figures (one query), and when they were last counted."""
    months = month_starts(today)
    stored = (DailyFigure.objects.filter(day__gte=months[0]).order_by()
              .annotate(month=TruncMonth("day")).values("month")
              .annotate(posts=Sum("posts"), comments=Sum("comments"), tasks=Sum("tasks"),
                        meetings=Sum("meetings"), as_of=Max("computed_at")))
    by_month = {_as_date(row.pop("month")): row for row in stored}
    as_of = max((row["as_of"] for row in by_month.values()), default=None)
    rows = []
    for start in months:
        row = by_month.get(start, {})
        figures = {name: row.get(name) or 0 for name in ("posts", "comments", "tasks",
                                                           "meetings")}
        rows.append({"month": start, **figures, "total": sum(figures.values())})
    return rows, as_of


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def figures_of_day(day: datetime.date) -> dict[str, int]:
    """What the nightly task stores for one day: four counts over that day's rows."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return {
        "posts": Post.objects.filter(created_at__gte=start, created_at__lt=end,
                                     hidden_at__isnull=True).count(),
        "comments": Comment.objects.filter(created_at__gte=start, created_at__lt=end,
                                           hidden_at__isnull=True).count(),
        "tasks": Task.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        "meetings": Event.objects.filter(end__gte=start, end__lt=end,
                                         cancelled_at__isnull=True).count(),
    }


def days_without_figures(*, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    stored = set(DailyFigure.objects.filter(day__gte=first, day__lte=last)
                 .values_list("day", flat=True))
    days, day = [], first
    while day <= last:
        if day not in stored:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


# --- The whole picture ------------------------------------------------------------------

def overdue_decisions_visible_to(*, user, today: datetime.date) -> list[Decision]:
    """Decisions of the department-heads meetings the person may see that are neither done
    nor dropped while a follow-up task of theirs is past its due date: one query, oldest
    due first (``overdue_since``: the earliest such due date)."""
    late = Q(tasks__due__lt=today) & ~Q(tasks__state=TaskState.DONE)
    return list(Decision.objects.filter(
        event__kind=Kind.DEPARTMENT_HEADS,
        event__in=event_list_visible_to(user=user).values("pk"),
        pk__in=EventTask.objects.filter(decision__isnull=False, due__lt=today).exclude(
            state=TaskState.DONE).values("decision_id"))
        .exclude(status__in=CLOSED_DECISION_STATUSES)
        .select_related("event")
        .annotate(overdue_since=Min("tasks__due", filter=late))
        .order_by("overdue_since", "pk"))


SHOWN = 25  # rows of each attention list on the page; the CSV has them all
ROWS_PER_PAGE = 50


def _page(queryset: QuerySet, number, *, total: int, rows) -> Page:
    """One page of ``queryset`` as rows; the total is known already (no COUNT of its own)."""
    paginator = Paginator(queryset, ROWS_PER_PAGE)
    paginator.count = total
    page = paginator.get_page(number)
    page.object_list = rows(page.object_list)
    return page


def figures_counted_at() -> datetime.datetime | None:
    """When the figures were last counted, None before the first count: what the dashboard
    says of its figures and what its cached sections are kept by (two small aggregates)."""
    moments = [NetworkFigures.objects.aggregate(at=Max("counted_at"))["at"],
               CityFigures.objects.aggregate(at=Max("counted_at"))["at"]]
    return max((moment for moment in moments if moment), default=None)


def dashboard_for(*, user, quiet_days: int, now: datetime.datetime | None = None,
                  networks_page=1, cities_page=1) -> Dashboard:
    """The steering page, for someone ``can_view_steering`` lets in: the figures as last
    counted (when: ``figures_counted_at``), each table a page at a time and each attention
    list its first rows, so it costs the same for five networks and for five thousand."""
    now = now or timezone.now()
    visible_ids = set(network_ids_member_of(user=user))
    networks, cities = networks_as_counted(), cities_as_counted()
    quiet = OPEN & Q(last_activity__lt=now - datetime.timedelta(days=quiet_days))
    leaderless = OPEN & Q(steering_figures__active_leads=0)
    no_coordinator, no_network = (Q(steering_figures__coordinators=0),
                                  Q(steering_figures__networks=0))
    network_totals = networks.aggregate(
        all=Count("pk"), open=Count("pk", filter=OPEN), quiet=Count("pk", filter=quiet),
        leaderless=Count("pk", filter=leaderless))
    city_totals = cities.aggregate(
        all=Count("pk"), no_coordinator=Count("pk", filter=no_coordinator),
        no_network=Count("pk", filter=no_network))

    def rows_of(queryset):
        return network_rows_of(queryset, visible_ids=visible_ids, now=now)

    attention = Attention(
        quiet=Shown(rows_of(networks.filter(quiet).order_by("last_activity", "pk")[:SHOWN]),
                    network_totals["quiet"]),
        leaderless=Shown(rows_of(in_table_order(networks.filter(leaderless),
                                                     visible_ids)[:SHOWN]),
                         network_totals["leaderless"]),
        cities_without_coordinator=Shown(city_rows_of(
            cities.filter(no_coordinator).order_by("name", "pk")[:SHOWN]),
            city_totals["no_coordinator"]),
        cities_without_network=Shown(city_rows_of(
            cities.filter(no_network).order_by("name", "pk")[:SHOWN]), city_totals["no_network"]),
        overdue_decisions=Shown(overdue_decisions_visible_to(user=user,
                                                             today=timezone.localdate(now))))
    activity, as_of = activity_rows(today=timezone.localdate(now))
    return Dashboard(
        now=now, quiet_days=quiet_days,
        networks=_page(in_table_order(networks, visible_ids), networks_page,
                       total=network_totals["all"], rows=rows_of),
        cities=_page(cities.order_by("name", "pk"), cities_page, total=city_totals["all"],
                     rows=city_rows_of),
        network_total=network_totals["all"], networks_open=network_totals["open"],
        attention=attention,
        matrix=build_matrix(networks=networks, cities=cities, visible_ids=visible_ids, now=now,
                            total_networks=network_totals["open"],
                            total_cities=city_totals["all"]),
        lifecycle=lifecycle_rows(), activity=activity, activity_as_of=as_of)


def tables_for(*, user, quiet_days: int, now: datetime.datetime | None = None) -> Tables:
    """Every row of every table of the page, for the CSV exports."""
    now = now or timezone.now()
    networks = network_rows(user=user, now=now)
    cities = city_rows_of(cities_as_counted().order_by("name", "pk"))
    quiet_since = now - datetime.timedelta(days=quiet_days)
    open_networks = [row for row in networks if row.is_open]
    attention = Attention(
        quiet=Shown(sorted((row for row in open_networks if row.last_activity < quiet_since),
                           key=lambda row: (row.last_activity, row.pk))),
        leaderless=Shown(row for row in open_networks if row.counted and row.active_leads == 0),
        cities_without_coordinator=Shown(city for city in cities
                                         if city.counted and city.coordinators == 0),
        cities_without_network=Shown(city for city in cities
                                     if city.counted and city.networks == 0),
        overdue_decisions=Shown(overdue_decisions_visible_to(user=user,
                                                             today=timezone.localdate(now))))
    activity, _as_of = activity_rows(today=timezone.localdate(now))
    return Tables(now=now, quiet_days=quiet_days, networks=networks, cities=cities,
                  attention=attention, lifecycle=lifecycle_rows(), activity=activity)


def network_for_steering(*, user, pk: int) -> tuple[Network, NetworkRow] | None:
    """One network as steering may address it: the model (for the service) and its row
    (for the page: its label, never a hidden name)."""
    network = Network.objects.filter(pk=pk).first()
    if network is None:
        return None
    visible_ids = (set(network_ids_member_of(user=user))
                   if network.visibility == Visibility.CONFIDENTIAL else set())
    row = _network_row({"pk": network.pk, "slug": network.slug, "name": network.name,
                        "visibility": network.visibility, "status": network.status,
                        "founded_at": network.founded_at, "ended_at": network.ended_at},
                       visible_ids)
    return network, row
