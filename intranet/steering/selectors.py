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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth
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

from .models import DailyFigure

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


@dataclass
class Attention:
    quiet: list[NetworkRow] = field(default_factory=list)
    leaderless: list[NetworkRow] = field(default_factory=list)
    cities_without_coordinator: list[CityRow] = field(default_factory=list)
    cities_without_network: list[CityRow] = field(default_factory=list)
    overdue_decisions: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return (len(self.quiet) + len(self.leaderless) + len(self.cities_without_coordinator)
                + len(self.cities_without_network) + len(self.overdue_decisions))


@dataclass
class Matrix:
    """City × network participation: ``cells[i][j]`` members of city j in network i."""

    cities: list[CityRow]
    networks: list[NetworkRow]
    cells: list[list[int]]
    maximum: int
    total_networks: int = 0
    total_cities: int = 0
    sources: tuple = ((), ())  # open networks, cities: for ``all_pairs``

    def all_pairs(self) -> list[tuple]:
        """(network row, city row, members) of every pair, for the CSV: read on demand (one
        query), since a nation has some 60,000 of them."""
        open_networks, cities = self.sources
        networks = {row.pk: row for row in open_networks}
        pairs = participation_pairs(network_filter=~Q(network__status=Status.DISSOLVED))
        by_pk = {city.pk: city for city in cities}
        return sorted(((networks[n], by_pk[c], members) for (n, c), members in pairs.items()
                       if n in networks and c in by_pk),
                      key=lambda item: (item[0].label, item[1].name))

    @property
    def is_cut(self) -> bool:
        return (len(self.networks) < self.total_networks
                or len(self.cities) < self.total_cities)


@dataclass
class Dashboard:
    now: datetime.datetime
    quiet_days: int
    networks: list[NetworkRow]
    cities: list[CityRow]
    attention: Attention
    matrix: Matrix
    lifecycle: list[dict]
    activity: list[dict]
    activity_as_of: datetime.datetime | None
    counted_at: datetime.datetime | None = None  # when the figures were last counted


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


def network_rows(*, user, now: datetime.datetime) -> list[NetworkRow]:
    """Every network with its figures as last counted: one query, whatever the number. A
    network founded since the last count has its row, without figures (``counted``)."""
    visible_ids = set(network_ids_member_of(user=user))
    stored = [f"steering_figures__{name}" for name in (*NETWORK_FIGURES, "counted_at")]
    networks = Network.objects.order_by("name", "pk").values(
        "pk", "slug", "name", "visibility", "status", "founded_at", "ended_at",
        "last_activity_at", *stored)
    named_rows, numbered_rows = [], []
    for network in networks:
        row = _network_row(network, visible_ids)
        row.age_days = (now - network["founded_at"]).days
        row.counted_at = network["steering_figures__counted_at"]
        if row.counted:
            for name in NETWORK_FIGURES[:12]:
                setattr(row, name, network[f"steering_figures__{name}"])
        row.last_activity = max(moment for moment in (
            network["last_activity_at"], network["steering_figures__last_post_at"],
            network["steering_figures__last_comment_at"],
            network["steering_figures__last_meeting_at"]) if moment is not None)
        (named_rows if row.named else numbered_rows).append(row)
    # Numbered ones after the named, by number: their place in the alphabet says nothing.
    return named_rows + sorted(numbered_rows, key=lambda row: row.pk)


def _network_url(slug: str) -> str:
    """The network's address without a ``reverse`` per row (5,000 rows at nation scale)."""
    return _NETWORK_URL[0].replace("__slug__", slug)


_NETWORK_URL: list[str] = []


def _network_row(network: dict, visible_ids) -> NetworkRow:
    if not _NETWORK_URL:
        _NETWORK_URL.append(reverse("networks:detail", args=["__slug__"]))
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


def city_rows_as_counted() -> list[CityRow]:
    """The member cities with their figures as last counted: one query."""
    stored = [f"steering_figures__{name}" for name in (*CITY_FIGURES, "counted_at")]
    rows = []
    for city in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by(
            "name", "pk").values("pk", "slug", "name", *stored):
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


def build_matrix(networks: list[NetworkRow], cities: list[CityRow]) -> Matrix:
    """Open networks by cities; the cell holds the number of members, shaded by it. A
    picture of a nation's 5,000 networks by 2,000 cities helps no one: it shows the
    largest networks and the cities taking part most (``total_*`` say how many there are;
    the CSV has every pair). The shown cells are one query of their own."""
    open_networks = [row for row in networks if row.is_open]
    shown_networks = sorted(open_networks, key=lambda row: (-row.members, row.pk))[
        :MATRIX_NETWORKS]
    shown_networks.sort(key=lambda row: (not row.named, row.label if row.named else row.pk))
    shown_cities = sorted(cities, key=lambda city: (-city.network_members, city.name))[
        :MATRIX_CITIES]
    shown_cities.sort(key=lambda city: city.name)
    pairs = participation_pairs(network_filter=Q(
        network_id__in=[row.pk for row in shown_networks],
        user__organisation_id__in=[city.pk for city in shown_cities]))
    cells = [[pairs.get((network.pk, city.pk), 0) for city in shown_cities]
             for network in shown_networks]
    maximum = max((value for line in cells for value in line), default=0)
    return Matrix(cities=shown_cities, networks=shown_networks, cells=cells, maximum=maximum,
                  total_networks=len(open_networks), total_cities=len(cities),
                  sources=(open_networks, cities))


# --- Over time --------------------------------------------------------------------------

def lifecycle_rows(networks: list[NetworkRow]) -> list[dict]:
    """Per year: networks founded, dissolved and marked as continued."""
    founded, dissolved = defaultdict(int), defaultdict(int)
    zone = timezone.get_current_timezone()  # once, not a localtime() per row (5,000 rows)
    for row in networks:
        founded[row.founded_at.astimezone(zone).year] += 1
        if row.status == Status.DISSOLVED and row.ended_at:
            dissolved[row.ended_at.astimezone(zone).year] += 1
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


def attention_of(networks: list[NetworkRow], cities: list[CityRow], *, quiet_days: int,
                 now: datetime.datetime, overdue_decisions=()) -> Attention:
    quiet_since = now - datetime.timedelta(days=quiet_days)
    open_networks = [row for row in networks if row.is_open]
    return Attention(
        quiet=sorted((row for row in open_networks if row.last_activity < quiet_since),
                     key=lambda row: row.last_activity),
        leaderless=[row for row in open_networks if row.counted and row.active_leads == 0],
        cities_without_coordinator=[city for city in cities
                                    if city.counted and city.coordinators == 0],
        cities_without_network=[city for city in cities if city.counted and city.networks == 0],
        overdue_decisions=list(overdue_decisions),
    )


def dashboard_for(*, user, quiet_days: int, now: datetime.datetime | None = None) -> Dashboard:
    """Everything on the steering page, for someone ``can_view_steering`` lets in: the
    figures as last counted (``counted_at``), the attention list from them and the day's
    state of each network."""
    now = now or timezone.now()
    networks = network_rows(user=user, now=now)
    cities = city_rows_as_counted()
    activity, as_of = activity_rows(today=timezone.localdate(now))
    return Dashboard(
        now=now, quiet_days=quiet_days, networks=networks, cities=cities,
        attention=attention_of(networks, cities, quiet_days=quiet_days, now=now,
                               overdue_decisions=overdue_decisions_visible_to(
                                   user=user, today=timezone.localdate(now))),
        matrix=build_matrix(networks, cities),
        lifecycle=lifecycle_rows(networks), activity=activity, activity_as_of=as_of,
        counted_at=max((row.counted_at for row in (*networks, *cities) if row.counted),
                       default=None))


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
