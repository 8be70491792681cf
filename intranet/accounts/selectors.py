"""Every read of people, organisations and invitations that depends on the viewer."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from intranet.core.permissions import has_role

from .models import ApiToken, Invitation, Organisation, Role, Topic, User, UserRole


def _with_profile(people: QuerySet[User]) -> QuerySet[User]:
    return people.select_related("organisation").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name")))


def person_list_visible_to(
    *, user, q: str = "", organisation: str = "", topic: str = "", role: str = ""
) -> QuerySet[User]:
    """Every active colleague of every city: the people finder ("Wer weiß was?")."""
    if not user.is_authenticated:
        return User.objects.none()
    people = User.objects.filter(is_active=True)
    # Topics and roles are tested with EXISTS or IN, not joined: a join would repeat a person
    # once per matching topic and force a DISTINCT over the whole table. A word's cities and
    # topics are subqueries rather than a join, so that the planner can walk the people in
    # the list's order (the index on name) and stop after a page (make bench, nation:
    # a common word matched 20,000 of 50,000 people; the join sorted all of them, 60 ms).
    for word in q.split()[:6]:
        people = people.filter(
            Q(name__icontains=word)
            | Q(position__icontains=word)
            | Q(bio__icontains=word)
            | Q(organisation__in=Organisation.objects.filter(name__icontains=word).values("pk"))
            | Q(pk__in=User.topics.through.objects.filter(
                topic__name__icontains=word).values("user_id"))
        )
    if organisation:
        people = people.filter(organisation__slug=organisation)
    if topic:
        people = people.filter(Exists(_topic_links().filter(topic__slug=topic)))
    if role:
        people = people.filter(Exists(UserRole.objects.filter(user=OuterRef("pk"), role=role)))
    return _with_profile(people).order_by("name", "pk")


def mention_candidates(*, user, prefix: str, limit: int = 8) -> QuerySet[User]:
    """Colleagues whose handle or a part of whose name starts with ``prefix``: the
    suggestions while typing an @-mention."""
    prefix = prefix.strip().lstrip("@")[:40]
    if len(prefix) < 2:
        return User.objects.none()
    return (person_list_visible_to(user=user).prefetch_related(None)
            .filter(Q(handle__startswith=prefix.lower()) | Q(name__istartswith=prefix)
                    | Q(name__icontains=f" {prefix}"))
            .exclude(handle__isnull=True)[:limit])


def _topic_links():
    return User.topics.through.objects.filter(user_id=OuterRef("pk"))


def person_profile_visible_to(*, user) -> QuerySet[User]:
    """The people a profile page may show, with what only the profile shows: the roles."""
    return person_list_visible_to(user=user).prefetch_related(
        Prefetch("role_assignments", queryset=UserRole.objects.order_by("role")))


def colleagues_of(*, user, limit: int = 6) -> QuerySet[User]:
    """People of the viewer's own organisation, for the start page (names only)."""
    if not user.organisation_id:
        return User.objects.none()
    return person_list_visible_to(user=user, organisation=user.organisation.slug).exclude(
        pk=user.pk).prefetch_related(None)[:limit]


def newcomers_visible_to(*, user, limit: int = 5) -> QuerySet[User]:
    return person_list_visible_to(user=user).exclude(pk=user.pk).prefetch_related(
        None).order_by("-date_joined", "-pk")[:limit]


def profile_is_complete(*, user) -> bool:
    """Colleagues find someone by position and topics; without both the profile is thin."""
    return bool(user.position) and user.topics.exists()


def organisation_list_visible_to(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.order_by("kind", "name")


def with_people_counts(organisations) -> list[Organisation]:
    """Set ``people_count`` on the organisations of one page, from one grouped query over
    just those: counting for every organisation would grow with the whole table."""
    organisations = list(organisations)
    counts = dict(
        User.objects.filter(is_active=True, organisation__in=organisations)
        .values_list("organisation").annotate(count=Count("pk")).values_list(
            "organisation", "count"))
    for organisation in organisations:
        organisation.people_count = counts.get(organisation.pk, 0)
    return organisations


def organisation_choices_visible_to(*, user) -> list[tuple[str, str]]:
    """(slug, name) of every organisation, for filters: no more than a select needs."""
    return list(organisation_list_visible_to(user=user).order_by("name").values_list(
        "slug", "name"))


def coordinators_of(*, organisation: Organisation, with_topics: bool = True
                    ) -> QuerySet[User]:
    coordinators = User.objects.filter(
        organisation=organisation, is_active=True, role_assignments__role=Role.COORDINATOR
    ).select_related("organisation").order_by("name")
    return _with_profile(coordinators) if with_topics else coordinators


def topic_choices() -> list[tuple[str, str]]:
    return list(Topic.objects.order_by("name").values_list("slug", "name"))


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.order_by("name")


def invitation_list_visible_to(*, user) -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related("organisation", "invited_by")
    if has_role(user, Role.ADMIN, Role.SERVICE, Role.STEERING):
        return invitations
    if has_role(user, Role.COORDINATOR):
        return invitations.filter(organisation_id=user.organisation_id)
    return invitations.none()


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)
