"""Every read of events that depends on the viewer."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from intranet.accounts.models import User, UserRole
from networks.models import Network, NetworkUserObjectPermission, Status
from networks.selectors import network_list_visible_to

from ..models import (
    ACTIVE_STATUSES,
    Audience,
    AudienceRole,
    Event,
    Kind,
    Registration,
    RegistrationStatus,
)
from ..permissions import MANAGER_ROLES, PROPOSER_ROLES, is_event_manager

# How far back the personal calendar feed reaches: calendars keep what they once had.
FEED_PAST_DAYS = 180


def _member_grants(user):
    return NetworkUserObjectPermission.objects.filter(
        user=user, permission__codename="view_network").values("content_object_id")


def event_list_visible_to(*, user) -> QuerySet[Event]:
    """Every event the person may see, past and cancelled ones included: the one rule."""
    if not (user and user.is_authenticated and user.is_active):
        return Event.objects.none()
    events = Event.objects.filter(
        Q(network__isnull=True) | Q(network__in=network_list_visible_to(user=user).values("pk")))
    # Roles are read in SQL, not from ``user.roles``: the header's notification count asks
    # this on every page and must stay one query.
    my_roles = UserRole.objects.filter(user=user).values("role")
    event = OuterRef("pk")
    reach = (
        Q(audience=Audience.EVERYONE)
        | Exists(UserRole.objects.filter(user=user, role__in=MANAGER_ROLES))
        | (Q(audience=Audience.ROLES)
           & Exists(AudienceRole.objects.filter(event=event, role__in=my_roles)))
        | (Q(audience=Audience.CITIES) & Exists(Event.audience_cities.through.objects.filter(
            event_id=event, organisation_id=user.organisation_id)))
        | Q(audience=Audience.NETWORK, network__in=_member_grants(user))
        | (Q(audience=Audience.PEOPLE) & Exists(Event.audience_people.through.objects.filter(
            event_id=event, user_id=user.pk)))
        | Exists(Event.organisers.through.objects.filter(event_id=event, user_id=user.pk))
        | Q(created_by=user)
        | (Q(kind=Kind.DEPARTMENT_HEADS)
           & Exists(UserRole.objects.filter(user=user, role__in=PROPOSER_ROLES)))
    )
    return events.filter(reach)


def _count_of(status: str):
    return Coalesce(Subquery(
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .values("event").annotate(n=Count("pk")).values("n")), 0)


def with_counts(events: QuerySet[Event], *, user) -> QuerySet[Event]:
    """``registered_count``, ``waitlist_count``, the viewer's ``my_status`` and, while
    waiting, ``my_waitlist_position`` (1 = next to move up): all in the one query."""
    my_number = Registration.objects.filter(
        event=OuterRef(OuterRef("pk")), user=user,
        status=RegistrationStatus.WAITLISTED).values("waitlist_number")[:1]
    return events.annotate(
        registered_count=_count_of(RegistrationStatus.REGISTERED),
        waitlist_count=_count_of(RegistrationStatus.WAITLISTED),
        my_status=Subquery(Registration.objects.filter(
            event=OuterRef("pk"), user=user, status__in=ACTIVE_STATUSES).values("status")[:1]),
        my_waitlist_position=Subquery(
            Registration.objects.filter(event=OuterRef("pk"),
                                        status=RegistrationStatus.WAITLISTED,
                                        waitlist_number__lte=Subquery(my_number))
            .values("event").annotate(n=Count("pk")).values("n")),
    )


def calendar_visible_to(*, user, kind: str = "", mine: bool = False,
                        past: bool = False) -> QuerySet[Event]:
    """The calendar: upcoming (or past, newest first) events, one kind, or only "mine"."""
    now = timezone.now()
    events = event_list_visible_to(user=user)
    events = events.filter(end__lte=now) if past else events.filter(end__gt=now)
    if kind:
        events = events.filter(kind=kind)
    if mine:
        events = events.filter(_mine(user))
    order = ("-start", "-pk") if past else ("start", "pk")
    return with_counts(events, user=user).select_related(
        "network", "host_organisation").order_by(*order)


def _mine(user) -> Q:
    return (Exists(Registration.objects.filter(event=OuterRef("pk"), user=user,
                                               status__in=ACTIVE_STATUSES))
            | Exists(Event.organisers.through.objects.filter(event_id=OuterRef("pk"),
                                                             user_id=user.pk)))


def events_of(user) -> QuerySet[Event]:
    """"Mine": the visible events the person is registered for (or waiting) or organises."""
    return event_list_visible_to(user=user).filter(_mine(user))


def event_with_counts(*, user, pk) -> Event | None:
    """One visible event with its counts, for its page and the API."""
    return with_counts(event_list_visible_to(user=user), user=user).select_related(
        "network", "host_organisation").filter(pk=pk).first()


def registration_of(*, user, event: Event) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user,
                                       status__in=ACTIVE_STATUSES).first()


def waitlist_position(registration: Registration | None) -> int | None:
    """1 for the first on the waitlist; None when not waiting."""
    if registration is None or registration.status != RegistrationStatus.WAITLISTED:
        return None
    return Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED,
        waitlist_number__lt=registration.waitlist_number).count() + 1


def organisers_of(*, event: Event) -> QuerySet[User]:
    return event.organisers.select_related("organisation").order_by("name", "pk")


def participants_of(*, event: Event) -> QuerySet[Registration]:
    """The registered people, then the waitlist in its order (for the organisers)."""
    return (Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
            .select_related("user__organisation")
            .order_by("status", "waitlist_number", "created_at", "pk"))


def networks_for_meetings_of(*, user) -> QuerySet[Network]:
    """The active networks the person may hold meetings for: those they lead (all visible
    ones for service staff)."""
    networks = network_list_visible_to(user=user).exclude(status=Status.DISSOLVED)
    if not is_event_manager(user):
        networks = networks.filter(pk__in=NetworkUserObjectPermission.objects.filter(
            user=user, permission__codename="lead_network").values("content_object_id"))
    return networks.order_by("name")


def feed_events_visible_to(*, user, mine: bool = False) -> QuerySet[Event]:
    """The personal calendar feed: every visible event of the last half year and later,
    cancelled ones included (so that calendars take them out)."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    events = event_list_visible_to(user=user).filter(end__gte=since)
    if mine:
        events = events.filter(_mine(user))
    return events.order_by("start", "pk")


def events_hidden_from(user, ids) -> set[int]:
    """Of these events, those the person may not see: the audit log names them not."""
    ids = {int(pk) for pk in ids}
    return ids - set(event_list_visible_to(user=user).filter(pk__in=ids).values_list(
        "pk", flat=True))


def reminder_registrations(*, start_after, start_before) -> QuerySet[Registration]:
    """Registered people of the events that start in this window and still take place."""
    return (Registration.objects.filter(
        status=RegistrationStatus.REGISTERED, event__cancelled_at__isnull=True,
        event__start__gt=start_after, event__start__lte=start_before, user__is_active=True)
        .select_related("event__network", "user").prefetch_related(
            Prefetch("user__role_assignments")).order_by("event_id", "pk"))


def network_meetings_visible_to(*, user, network: Network) -> QuerySet[Event]:
    """The network's coming events the person may see (its page's "Meetings"), soonest
    first; cancelled ones left out."""
    return (event_list_visible_to(user=user)
            .filter(network=network, end__gt=timezone.now(), cancelled_at__isnull=True)
            .order_by("start", "pk"))
