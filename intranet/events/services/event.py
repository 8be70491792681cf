"""Every write to events and registrations.

Registration is "lock, check, create" (pretix's locking): the event's row is locked for
the whole transaction, then the places are counted, then the registration is written as
registered or waitlisted. Everyone who asks for the same event queues on that lock, so the
last place goes to exactly one person however many press the button at once.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.errors import ConflictError
from intranet.core.services import audit_record
from intranet.notifications.models import Kind as NotificationKind
from intranet.notifications.models import Notification
from intranet.notifications.services import notify

from .. import permissions
from ..models import (
    ACTIVE_STATUSES,
    Audience,
    AudienceRole,
    Event,
    Registration,
    RegistrationStatus,
)

EDITABLE_FIELDS = {"kind", "title", "description", "start", "end", "venue", "address",
                   "online_url", "host_organisation", "audience", "network", "capacity",
                   "registration_deadline"}
# Changing these tells the people registered (and their calendars, through SEQUENCE).
NOTICEABLE_FIELDS = ("start", "end", "venue", "address", "online_url")


def _when(event: Event) -> str:
    return timezone.localtime(event.start).strftime("%d.%m.%Y %H:%M")


def _notify_people(event: Event, people, text, key: str = "") -> None:
    notify(recipients=people, text=text, url=event.get_absolute_url(), network=event.network,
           event=event, kind=NotificationKind.EVENT, event_key=key)


def _check_audience(*, audience: str, network, roles, cities, people) -> None:
    if audience == Audience.NETWORK and network is None:
        raise ValidationError({"network": _("Choose the network whose members are invited.")})
    if audience == Audience.ROLES and not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    if audience == Audience.CITIES and not cities:
        raise ValidationError({"cities": _("Choose at least one city.")})
    if audience == Audience.PEOPLE and not people:
        raise ValidationError({"people": _("Name at least one person.")})


def _set_audience(event: Event, *, roles, cities, people) -> None:
    """Only the list that belongs to the audience is kept; the others are emptied."""
    AudienceRole.objects.filter(event=event).delete()
    if event.audience == Audience.ROLES:
        AudienceRole.objects.bulk_create([AudienceRole(event=event, role=role)
                                          for role in sorted(set(roles))])
    event.audience_cities.set(cities if event.audience == Audience.CITIES else [])
    event.audience_people.set(people if event.audience == Audience.PEOPLE else [])


def _check_network(network) -> None:
    if network is not None and network.is_dissolved:
        raise ConflictError(_("This network is dissolved and can no longer be changed."))


@transaction.atomic
def event_create(*, actor, kind: str, title: str, start: datetime.datetime,
                 end: datetime.datetime, description: str = "", venue: str = "",
                 address: str = "", online_url: str = "", host_organisation=None,
                 organisers: Iterable = (), audience: str = Audience.EVERYONE, network=None,
                 roles: Iterable[str] = (), cities: Iterable = (), people: Iterable = (),
                 capacity: int | None = None,
                 registration_deadline: datetime.datetime | None = None) -> Event:
    """A new event; its creator organises it, with the organisers named."""
    roles, cities, people = list(roles), list(cities), list(people)
    if not permissions.can_create_event(actor, kind=kind, network=network):
        raise PermissionDenied(_("You cannot create this kind of event."))
    _check_network(network)
    _check_audience(audience=audience, network=network, roles=roles, cities=cities,
                    people=people)
    event = Event(kind=kind, title=title.strip(), description=description.strip(),
                  start=start, end=end, venue=venue.strip(), address=address.strip(),
                  online_url=online_url.strip(), host_organisation=host_organisation,
                  audience=audience, network=network, capacity=capacity,
                  registration_deadline=registration_deadline, created_by=actor)
    event.full_clean()
    event.save()
    _set_audience(event, roles=roles, cities=cities, people=people)
    event.organisers.set({actor, *organisers})
    audit_record(actor=actor, action="event.create", target=event, kind=kind,
                 audience=audience)
    return event


@transaction.atomic
def event_update(*, event: Event, actor, roles: Iterable[str] | None = None,
                 cities: Iterable | None = None, people: Iterable | None = None,
                 organisers: Iterable | None = None, **fields) -> Event:
    """Change an event; calendars see a higher SEQUENCE, registered people hear of a new
    time or place, and more places move people up from the waitlist."""
    event = _locked(event)
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_("Only the organisers change an event."))
    if event.is_cancelled:
        raise ConflictError(_("This event is cancelled and can no longer be changed."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})
    before = {name: getattr(event, name) for name in NOTICEABLE_FIELDS}
    kind_before, network_before = event.kind, event.network_id
    for name, value in fields.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    # A new kind or network is like creating the event anew; a co-organiser who does not
    # lead the network may still change everything else.
    if (event.kind, event.network_id) != (kind_before, network_before):
        if not permissions.can_create_event(actor, kind=event.kind, network=event.network):
            raise PermissionDenied(_("You cannot create this kind of event."))
        _check_network(event.network)
    if roles is None:
        roles = [row.role for row in event.audience_roles.all()]
    cities = list(event.audience_cities.all()) if cities is None else list(cities)
    people = list(event.audience_people.all()) if people is None else list(people)
    roles = list(roles)
    _check_audience(audience=event.audience, network=event.network, roles=roles,
                    cities=cities, people=people)
    event.sequence += 1
    event.full_clean()
    event.save()
    _set_audience(event, roles=roles, cities=cities, people=people)
    if organisers is not None:
        event.organisers.set({*organisers} or {actor})
    _drop_the_uninvited(event, actor)
    changed = [name for name in NOTICEABLE_FIELDS if getattr(event, name) != before[name]]
    if changed:
        _notify_people(event, _active_people(event), (gettext_lazy(
            "%(title)s has changed: now %(when)s, %(where)s."), {
            "title": event.title, "when": _when(event),
            "where": event.location or event.online_url or "–"}))
    promoted = _promote(event)
    audit_record(actor=actor, action="event.update", target=event, fields=sorted(fields),
                 promoted=len(promoted))
    return event


def _drop_the_uninvited(event: Event, actor) -> None:
    """A narrower audience: registrations of people who may no longer see the event end,
    so their places go to the waitlist (they could not even cancel them themselves)."""
    for registration in Registration.objects.filter(
            event=event, status__in=ACTIVE_STATUSES).select_related("user"):
        if not permissions.can_view_event(registration.user, event):
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = timezone.now()
            registration.waitlist_number = None
            registration.save(update_fields=["status", "cancelled_at", "waitlist_number"])
            audit_record(actor=actor, action="registration.cancel", target=event,
                         person=registration.user.email, reason="audience")


@transaction.atomic
def event_cancel(*, event: Event, actor, reason: str = "") -> Event:
    """Call the event off: it stays visible as cancelled, calendars drop it, and everyone
    registered or waiting hears of it."""
    event = _locked(event)
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_("Only the organisers cancel an event."))
    if event.is_cancelled:
        raise ConflictError(_("This event is already cancelled."))
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    text = (gettext_lazy("Cancelled: %(title)s on %(when)s."), {
        "title": event.title, "when": _when(event)})
    if reason.strip():
        text = (gettext_lazy("Cancelled: %(title)s on %(when)s. %(reason)s"), {
            "title": event.title, "when": _when(event), "reason": reason.strip()[:300]})
    _notify_people(event, _active_people(event), text, key=f"event:{event.pk}:cancelled")
    audit_record(actor=actor, action="event.cancel", target=event, reason=reason.strip())
    return event


def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends (PostgreSQL; SQLite's writers
    take turns anyway)."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if event.network_id == locked.network_id and "network" in event._state.fields_cache:
        locked.network = event.network  # already read: the permission checks reuse it
    return locked


def _active_people(event: Event) -> list:
    return [registration.user for registration in Registration.objects.filter(
        event=event, status__in=ACTIVE_STATUSES).select_related("user")]


# --- Registration -----------------------------------------------------------------------

def _refuse_registration(user, event: Event) -> None:
    """Why the person may not register: 403 when not invited, 409 when closed."""
    if event.is_cancelled:
        raise ConflictError(_("This event is cancelled."))
    if event.start <= timezone.now():
        raise ConflictError(_("This event has already started."))
    if not event.registration_open:
        raise ConflictError(_("The registration deadline has passed."))
    raise PermissionDenied(_("This event is not open to you."))


@transaction.atomic
def registration_create(*, event: Event, user) -> Registration:
    """Register the person, or put them on the waitlist when every place is taken.
    Registering again while registered or waiting changes nothing."""
    event = _locked(event)  # lock …
    if not permissions.can_view_event(user, event):
        raise PermissionDenied(_("This event is not open to you."))
    existing = Registration.objects.filter(event=event, user=user,
                                           status__in=ACTIVE_STATUSES).first()
    if existing is not None:
        return existing
    if not permissions.can_register_for_event(user, event):
        _refuse_registration(user, event)
    taken = Registration.objects.filter(event=event,  # … check …
                                        status=RegistrationStatus.REGISTERED).count()
    registration = Registration(event=event, user=user)  # … create
    if event.capacity is not None and taken >= event.capacity:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_number = _next_waitlist_number(event)
    registration.full_clean(validate_constraints=False)  # the constraint is the database's
    registration.save()
    audit_record(actor=user, action="registration.create"
                 if registration.status == RegistrationStatus.REGISTERED
                 else "registration.waitlist", target=event)
    return registration


def _next_waitlist_number(event: Event) -> int:
    highest = Registration.objects.filter(event=event).aggregate(
        highest=Max("waitlist_number"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def registration_cancel(*, event: Event, user, actor=None) -> list[Registration]:
    """Cancel the person's registration (or leave the waitlist); a freed place goes to the
    first on the waitlist, who is told. Returns the people moved up."""
    event = _locked(event)
    actor = actor or user
    if actor.pk != user.pk and not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_("Only the organisers cancel someone else's registration."))
    registration = Registration.objects.filter(event=event, user=user,
                                               status__in=ACTIVE_STATUSES).first()
    if registration is None:
        raise ConflictError(_("You are not registered for this event."))
    if event.is_cancelled:
        raise ConflictError(_("This event is cancelled."))
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    audit_record(actor=actor, action="registration.cancel", target=event,
                 person=user.email)
    return _promote(event)


def _promote(event: Event) -> list[Registration]:
    """Fill free places from the waitlist, first come first served (under the lock)."""
    if event.is_cancelled or event.end <= timezone.now():
        return []
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
    if event.capacity is None:
        free = waiting.count()
    else:
        free = event.capacity - Registration.objects.filter(
            event=event, status=RegistrationStatus.REGISTERED).count()
    promoted = list(waiting.select_related("user").order_by("waitlist_number", "pk")[
        :max(free, 0)])
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.waitlist_number = None
        registration.save(update_fields=["status", "promoted_at", "waitlist_number"])
        audit_record(actor=None, action="registration.promote", target=event,
                     person=registration.user.email)
        _notify_people(event, [registration.user], (gettext_lazy(
            "A place has become free: you are now registered for %(title)s on %(when)s."), {
            "title": event.title, "when": _when(event)}),
            key=f"event:{event.pk}:promoted:{registration.pk}")
    return promoted


@transaction.atomic
def attendance_record(*, event: Event, actor, attended_user_ids: Iterable[int]) -> int:
    """Who came: the registered people among these ids attended, the others did not."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_("Only the organisers record attendance."))
    ids = {int(pk) for pk in attended_user_ids}
    registered = Registration.objects.filter(event=event,
                                             status=RegistrationStatus.REGISTERED)
    came = registered.filter(user_id__in=ids).update(attended=True)
    registered.exclude(user_id__in=ids).update(attended=False)
    audit_record(actor=actor, action="registration.attendance", target=event, attended=came)
    return came


# --- Reminders --------------------------------------------------------------------------

# (name, how far ahead the window ends, where it begins): beat runs every hour, so each
# window is a day wide and nobody is missed; the notification's key says "once".
REMINDER_WINDOWS = (("week", datetime.timedelta(days=7), datetime.timedelta(days=6)),
                    ("day", datetime.timedelta(days=1), datetime.timedelta(0)))


def reminder_key(event: Event, window: str) -> str:
    # The start is part of the key: a meeting moved to another day is remembered anew.
    return f"event-reminder:{event.pk}:{window}:{event.start:%Y%m%d%H%M}"


def event_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind registered people a week and a day before, in-app and by e-mail as each of
    them chose for events (off is off). Idempotent: a reminder is written once."""
    from ..selectors import reminder_registrations

    now = now or timezone.now()
    written = 0
    for window, ahead, begins in REMINDER_WINDOWS:
        registrations = reminder_registrations(start_after=now + begins,
                                               start_before=now + ahead)
        people_of: dict[int, tuple[Event, list]] = {}
        for registration in registrations:
            event, people = people_of.setdefault(registration.event_id,
                                                 (registration.event, []))
            people.append(registration.user)
        for event, people in people_of.values():
            written += _remind(event, people, window)
    return written


@transaction.atomic
def _remind(event: Event, people: list, window: str) -> int:
    key = reminder_key(event, window)
    reminded = set(Notification.objects.filter(event_key=key).values_list(
        "recipient_id", flat=True))
    # Asked again now: someone who has left a confidential network hears nothing more.
    due = [person for person in people
           if person.pk not in reminded and permissions.can_view_event(person, event)]
    if not due:
        return 0
    template = (gettext_lazy("Reminder: %(title)s begins in a week, on %(when)s.")
                if window == "week" else
                gettext_lazy("Reminder: %(title)s begins on %(when)s."))
    rows = notify(recipients=due, text=(template, {"title": event.title, "when": _when(event)}),
                  url=event.get_absolute_url(), network=event.network, event=event,
                  kind=NotificationKind.EVENT, event_key=key)
    return len(rows)
