"""Every read of networks that depends on the viewer."""

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Left
from django.utils import timezone

from intranet.accounts.models import Organisation, Topic

from .models import (
    Document,
    DocumentVersion,
    MemberRole,
    Membership,
    MemberState,
    Network,
    NetworkUserObjectPermission,
    Status,
    Task,
    TaskState,
    Visibility,
)

User = get_user_model()


def _member_grants(user):
    return NetworkUserObjectPermission.objects.filter(
        user=user, permission__codename="view_network").values("content_object_id")


def network_list_visible_to(*, user) -> QuerySet[Network]:
    """Every network whose existence the person may know of: the one visibility rule."""
    if not (user and user.is_authenticated and user.is_active):
        return Network.objects.none()
    return Network.objects.filter(
        ~Q(visibility=Visibility.CONFIDENTIAL) | Q(pk__in=_member_grants(user)))


def network_list_for_index(*, user, status: str = "", topic: str = "", organisation: str = "",
                           mine: bool = False, q: str = "") -> QuerySet[Network]:
    """The network list with its filters, member counts and the viewer's own state."""
    networks = network_list_visible_to(user=user)
    if status:
        networks = networks.filter(status=status)
    if topic:
        # The topic's few networks as a set, not a lookup per visible network (SQLite runs
        # a correlated EXISTS once per row of the count: 5,000 networks in make bench).
        networks = networks.filter(pk__in=Network.topics.through.objects.filter(
            topic__slug=topic).values("network_id"))
    if organisation:
        networks = networks.filter(Exists(Membership.objects.filter(
            network=OuterRef("pk"), state=MemberState.ACTIVE,
            user__organisation__slug=organisation)))
    if mine:
        networks = networks.filter(pk__in=_member_grants(user))
    for word in q.split()[:6]:
        networks = networks.filter(Q(name__icontains=word) | Q(mandate__icontains=word))
    own = Membership.objects.filter(network=OuterRef("pk"), user=user)
    return networks.annotate(
        member_count=Subquery(
            Membership.objects.filter(network=OuterRef("pk"), state=MemberState.ACTIVE)
            .values("network").annotate(n=Count("pk")).values("n")),
        my_state=Subquery(own.values("state")[:1]),
        my_role=Subquery(own.values("role")[:1]),
    ).prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name"))
                       ).order_by("name", "pk")


def members_of(*, network: Network) -> QuerySet[Membership]:
    return (Membership.objects.filter(network=network, state=MemberState.ACTIVE)
            .select_related("user__organisation").order_by("user__organisation__name",
                                                           "user__name"))


def pending_of(*, network: Network) -> QuerySet[Membership]:
    """Requests and invitations that wait for someone's decision (leads see them)."""
    return (Membership.objects.filter(network=network).exclude(state=MemberState.ACTIVE)
            .select_related("user__organisation").order_by("created_at"))


def cities_of(*, network: Network) -> list[str]:
    """The names of the cities taking part: visible to all who may see the network."""
    return list(User.objects.filter(
        memberships__network=network, memberships__state=MemberState.ACTIVE,
        organisation__isnull=False).values_list("organisation__name", flat=True)
        .distinct().order_by("organisation__name"))


def membership_of(*, user, network: Network) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(network=network, user=user).first()


def lead_count(*, network: Network) -> int:
    return Membership.objects.filter(network=network, state=MemberState.ACTIVE,
                                     role=MemberRole.LEAD).count()


# Open and doing before done; then the earliest due date, tasks without one last.
TASK_ORDER = (Case(When(state=TaskState.DONE, then=Value(1)), default=Value(0)),
              F("due").asc(nulls_last=True), "pk")


def tasks_of(*, network: Network, include_done: bool = False) -> QuerySet[Task]:
    tasks = Task.objects.filter(network=network).select_related("assignee__organisation")
    if not include_done:
        tasks = tasks.exclude(state=TaskState.DONE)
    return tasks.order_by(*TASK_ORDER)


def task_by_id(*, pk: int) -> Task | None:
    """Only for access_task, which checks the workspace before anything is shown."""
    return Task.objects.select_related("network").filter(pk=pk).first()


def my_tasks_visible_to(*, user, include_done: bool = False,
                        include_archived: bool = True) -> QuerySet[Task]:
    """Tasks assigned to the person, in networks whose workspace they may still read;
    without ``include_archived``, none of a dissolved network (nothing to do there)."""
    if not user.is_authenticated:
        return Task.objects.none()
    tasks = Task.objects.filter(assignee=user, network__in=workspaces_readable_by(user=user))
    if not include_done:
        tasks = tasks.exclude(state=TaskState.DONE)
    if not include_archived:
        tasks = tasks.exclude(network__status=Status.DISSOLVED)
    return tasks.select_related("network").order_by(*TASK_ORDER)


def networks_member_of(user) -> QuerySet[Network]:
    """The active networks the person belongs to: where they may post, for example."""
    return network_list_visible_to(user=user).filter(pk__in=_member_grants(user)).exclude(
        status=Status.DISSOLVED).order_by("name")


def network_ids_member_of(*, user) -> QuerySet:
    """The ids of every network the person belongs to, dissolved ones included: the
    audiences of the search (its meetings, a confidential network's content)."""
    return network_list_visible_to(user=user).filter(
        pk__in=_member_grants(user)).values_list("pk", flat=True)


def chosen_network(networks: QuerySet[Network], slug: str) -> Network | None:
    """The network of ``slug`` among ``networks``, as a filter names it in a request's
    query; a NUL byte, which PostgreSQL refuses in a query, names none."""
    if not slug or "\x00" in slug:
        return None
    return networks.filter(slug=slug).first()


def network_filter_choices(*, user, chosen: Network | None = None) -> list[tuple[str, str]]:
    """(slug, name) of a network filter: the person's own networks, and the chosen one when
    it is another (a network's page and the search's facets link to it). Every network the
    person may see would be thousands of options at nation scale, most of the page."""
    choices = list(networks_member_of(user).values_list("slug", "name"))
    if chosen is not None and chosen.slug not in {slug for slug, _name in choices}:
        choices = sorted([*choices, (chosen.slug, chosen.name)], key=lambda pair: pair[1])
    return choices


def workspaces_readable_by(*, user) -> QuerySet[Network]:
    return network_list_visible_to(user=user).filter(
        Q(visibility=Visibility.OPEN) | Q(pk__in=_member_grants(user)))


def documents_of(*, network: Network) -> QuerySet[Document]:
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return (Document.objects.filter(network=network)
            .annotate(version_count=Count("versions"),
                      latest_version_id=Subquery(latest.values("pk")[:1]),
                      latest_number=Subquery(latest.values("number")[:1]))
            .order_by("-updated_at", "pk"))


def network_documents_visible_to(*, user) -> QuerySet[Document]:
    """Files of the workspaces the person may read, with the start of their newest
    version's text (what search shows a snippet of)."""
    newest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return (Document.objects.filter(network__in=workspaces_readable_by(user=user))
            .select_related("network")
            .annotate(newest_text=Left(Subquery(newest.values("text")[:1]), 20_000)))


def versions_of(*, document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("uploaded_by").order_by("-number")


def overdue_count(*, network: Network) -> int:
    return Task.objects.filter(network=network, due__lt=timezone.localdate()).exclude(
        state=TaskState.DONE).count()


# --- Reads of the HTML pages ------------------------------------------------------------

def member_people_of(*, network: Network) -> QuerySet:
    """The network's active members as people: whom a task may be given to."""
    return (User.objects.filter(memberships__network=network,
                                memberships__state=MemberState.ACTIVE, is_active=True)
            .select_related("organisation").order_by("name", "pk"))


def person_to_invite(*, user, email: str):
    """The active colleague with this e-mail address, as the people finder shows them."""
    from intranet.accounts.selectors import person_list_visible_to

    email = email.strip()
    if not email:
        return None
    return person_list_visible_to(user=user).prefetch_related(None).filter(
        email__iexact=email).first()


def membership_in(*, network: Network, user_id: int) -> Membership | None:
    """One person's membership (in any state) of the network, for the leads' decisions."""
    return (Membership.objects.filter(network=network, user_id=user_id)
            .select_related("user", "network").first())


def task_of(*, network: Network, pk: int) -> Task | None:
    return Task.objects.filter(network=network, pk=pk).select_related("assignee").first()


def document_of(*, network: Network, pk: int) -> Document | None:
    return Document.objects.filter(network=network, pk=pk).first()


def version_of(*, document: Document, number: int) -> DocumentVersion | None:
    return document.versions.filter(number=number).first()


def invitations_for(*, user) -> QuerySet[Membership]:
    """The person's pending invitations. The network's name is shown even for a
    confidential one, so that the invitation can be answered (access_network_to_answer)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    # A dissolved network takes no new members: its invitations are void.
    return (Membership.objects.filter(user=user, state=MemberState.INVITED)
            .exclude(network__status=Status.DISSOLVED)
            .select_related("network", "invited_by").order_by("-created_at", "pk"))


# --- Network ideas ----------------------------------------------------------------------

def idea_list_visible_to(*, user, status: str = "open") -> QuerySet:
    from .models import IdeaComment, IdeaInterest, NetworkIdea

    if not (user and user.is_authenticated and user.is_active):
        return NetworkIdea.objects.none()
    ideas = NetworkIdea.objects.all()
    if status:
        ideas = ideas.filter(status=status)
    return ideas.annotate(
        interest_count=Subquery(IdeaInterest.objects.filter(idea=OuterRef("pk")).values(
            "idea").annotate(n=Count("pk")).values("n")),
        comment_count=Subquery(IdeaComment.objects.filter(idea=OuterRef("pk")).values(
            "idea").annotate(n=Count("pk")).values("n")),
        my_interest=Exists(IdeaInterest.objects.filter(idea=OuterRef("pk"), user=user)),
    ).select_related("proposed_by__organisation", "network").prefetch_related(
        Prefetch("cities", queryset=Organisation.objects.order_by("name")),
        Prefetch("topics", queryset=Topic.objects.order_by("name")),
    ).order_by("-last_activity_at", "-pk")


def interested_people_of(*, idea) -> QuerySet:
    return User.objects.filter(idea_interests__idea=idea, is_active=True).select_related(
        "organisation").order_by("name")


def comments_of(*, idea) -> QuerySet:
    return idea.comments.select_related("author__organisation").order_by("created_at", "pk")


# --- For the audit log: which of these objects may the person not see? ------------------

def networks_hidden_from(user, ids) -> set[int]:
    ids = {int(pk) for pk in ids}
    return ids - set(network_list_visible_to(user=user).filter(pk__in=ids).values_list(
        "pk", flat=True))


def documents_hidden_from(user, ids) -> set[int]:
    ids = {int(pk) for pk in ids}
    readable = Document.objects.filter(pk__in=ids, network__in=workspaces_readable_by(user=user))
    return ids - set(readable.values_list("pk", flat=True))
