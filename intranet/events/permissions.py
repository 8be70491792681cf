"""Who may see and do what with events: the only place that decides.

An event reaches its audience (everyone, roles, cities, a network's members or named
people); its organisers and the service organisation see it too. A registration is no way
in: who leaves the audience loses the event (its place goes to the waitlist when the
organisers change the audience). An event of a network follows that network first: a
confidential network's meeting is seen by nobody who may not see the network, whatever
else applies.
"""

from intranet.core.access import not_found
from intranet.core.permissions import has_role
from networks.permissions import can_lead, can_view_network, is_member

from .models import Audience, Event, Kind

MANAGER_ROLES = ("service",)
# Who may create events at all; which kinds and networks is checked per event below.
CREATOR_ROLES = ("service", "coordinator", "steering")
SERVICE_ONLY_KINDS = (Kind.FORUM, Kind.DEPARTMENT_HEADS)
# Who proposes agenda items for the department-heads meeting.
PROPOSER_ROLES = ("coordinator",)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_event_manager(user) -> bool:
    """Service staff organise and manage every event they may see."""
    return has_role(user, *MANAGER_ROLES)


def is_organiser(user, event: Event) -> bool:
    # Through .all(): prefetched organisers (the calendar, the reminders) cost nothing.
    return _active(user) and any(person.pk == user.pk for person in event.organisers.all())


def _reaches(user, event: Event) -> bool:
    if event.audience == Audience.EVERYONE:
        return True
    if event.audience == Audience.ROLES:
        return bool(user.roles & {row.role for row in event.audience_roles.all()})
    if event.audience == Audience.CITIES:
        return bool(user.organisation_id) and any(
            city.pk == user.organisation_id for city in event.audience_cities.all())
    if event.audience == Audience.NETWORK:
        return event.network is not None and is_member(user, event.network)
    return any(person.pk == user.pk for person in event.audience_people.all())


def can_view_event(user, event: Event) -> bool:
    if not _active(user):
        return False
    if event.network is not None and not can_view_network(user, event.network):
        return False  # a confidential network's meeting follows the network
    return (_reaches(user, event) or is_organiser(user, event) or is_event_manager(user)
            or event.created_by_id == user.pk or _proposes_to(user, event))


def _proposes_to(user, event: Event) -> bool:
    """City coordinators see the department-heads meeting, to propose topics for it
    (proposals rise): they see it, they are not invited to it."""
    return event.kind == Kind.DEPARTMENT_HEADS and has_role(user, *PROPOSER_ROLES)


def can_register_for_event(user, event: Event) -> bool:
    """Whoever is invited, while registration is open (a visible event whose deadline has
    passed is seen, not joined)."""
    return (can_view_event(user, event) and event.registration_open
            and (_reaches(user, event) or is_organiser(user, event)
                 or is_event_manager(user)))


def can_manage_event(user, event: Event) -> bool:
    """Edit, cancel, see the participants and record attendance."""
    return can_view_event(user, event) and (is_organiser(user, event)
                                            or is_event_manager(user))


def can_create_events(user) -> bool:
    """Whether to offer "new event" at all: the roles that organise, or a network's lead."""
    from .selectors import networks_for_meetings_of

    return has_role(user, *CREATOR_ROLES) or (
        _active(user) and networks_for_meetings_of(user=user).exists())


def can_create_event(user, *, kind: str, network=None) -> bool:
    """Service staff create every kind; coordinators and steering their meetings; a
    network's meeting needs someone who leads that network (or service staff)."""
    if not _active(user):
        return False
    if is_event_manager(user):
        return network is None or can_view_network(user, network)
    if kind in SERVICE_ONLY_KINDS:
        return False
    if network is not None and not can_lead(user, network):
        return False
    if kind == Kind.NETWORK:
        return network is not None
    return has_role(user, "coordinator", "steering")


def access_event(user, pk) -> Event:
    """The event, or the one 404 for missing and hidden alike."""
    from .selectors import event_list_visible_to

    event = event_list_visible_to(user=user).select_related(
        "network", "host_organisation").filter(pk=pk).first()
    if event is None:
        raise not_found()
    return event


# --- Expertenforum ----------------------------------------------------------------------

def can_view_forum(user) -> bool:
    """The editions and the host rotation are the network's shared history: everyone."""
    return _active(user)


def can_manage_forum(user) -> bool:
    """Service staff plan the editions and adopt a host from the rotation."""
    return is_event_manager(user)


def access_forum_edition(user, year):
    """The edition of that year, or the one 404."""
    from .selectors import forum_edition_list_visible_to

    edition = forum_edition_list_visible_to(user=user).filter(year=year).first()
    if edition is None:
        raise not_found()
    return edition


# --- The forum's planning and its gallery --------------------------------------------------

def can_view_forum_plan(user, steps) -> bool:
    """The planning timeline: the service organisation, and whoever owns one of its steps
    (``steps``: the plan's tasks, already read)."""
    return can_manage_forum(user) or (
        _active(user) and any(step.assignee_id == user.pk for step in steps))


def can_work_on_forum_step(user, step) -> bool:
    """Mark a step done or open again: its owner or the service organisation."""
    return can_manage_forum(user) or (_active(user) and step.assignee_id == user.pk)


def access_forum_step(user, edition, pk):
    """A step of this edition's plan the person may work on, or the one 404 (steps are
    not public: who may not see the plan gets the same answer as for a missing one)."""
    from .models import EventTask

    step = EventTask.objects.select_related("assignee").filter(
        forum_edition=edition, pk=pk).first()
    if step is None or not can_work_on_forum_step(user, step):
        raise not_found()
    step.forum_edition = edition
    return step


def access_forum_photo(user, edition, pk):
    """A photo of a visible edition, or the one 404: the photos follow the forum."""
    from .models import ForumPhoto

    photo = ForumPhoto.objects.filter(edition=edition, pk=pk).first() \
        if can_view_forum(user) else None
    if photo is None:
        raise not_found()
    photo.edition = edition
    return photo


# --- Open space of the Expertenforum ----------------------------------------------------

def open_space_is_open(edition) -> bool:
    """Proposals and interest are taken until the forum is over (the marketplace of an
    open space runs on its first morning too)."""
    from .models import forum_is_over

    return not forum_is_over(edition)


def can_propose_session(user, edition) -> bool:
    """Everyone who may see the forum brings their questions, while it is not over."""
    return can_view_forum(user) and open_space_is_open(edition)


def can_mark_interest(user, session) -> bool:
    return can_view_forum(user) and open_space_is_open(session.edition)


def can_schedule_sessions(user, edition) -> bool:
    """The organisers define rooms and slots and place the sessions."""
    return can_view_forum(user) and can_manage_forum(user)


def can_edit_session(user, session) -> bool:
    """Its proposer or host until the programme is fixed (the session is placed or the
    forum over); the organisers always."""
    if not can_view_forum(user):
        return False
    if can_manage_forum(user):
        return True
    own = user.pk in (session.proposed_by_id, session.host_id)
    return own and not session.is_scheduled and open_space_is_open(session.edition)


def can_write_results(user, session) -> bool:
    """Its host or an organiser, once the forum has begun."""
    from .models import forum_has_begun

    return (can_view_forum(user) and forum_has_begun(session.edition)
            and (session.host_id == user.pk or can_manage_forum(user)))


def access_open_space_session(user, edition, pk):
    """A session of that edition, or the one 404."""
    from .selectors import open_space_sessions_visible_to

    session = open_space_sessions_visible_to(user=user, edition=edition).filter(
        pk=pk).first()
    if session is None:
        raise not_found()
    return session


def _part_of_edition(model, edition, pk):
    part = model.objects.filter(edition=edition, pk=pk).first()
    if part is None:
        raise not_found()
    part.edition = edition  # already read: its messages name the edition without a query
    return part


def access_open_space_room(user, edition, pk):
    """A room of the edition for someone who schedules it, or the one 404."""
    from .models import OpenSpaceRoom

    return _part_of_edition(OpenSpaceRoom, edition, pk)


def access_open_space_slot(user, edition, pk):
    """A time slot of the edition for someone who schedules it, or the one 404."""
    from .models import OpenSpaceSlot

    return _part_of_edition(OpenSpaceSlot, edition, pk)


# --- Meeting records: agenda, slides, minutes, decisions, follow-up tasks (H2) -----------
# Whoever sees the event reads its accepted agenda, slides, minutes and decisions: they
# follow the event's visibility (a confidential network's meeting stays with the network).

def can_manage_records(user, event: Event) -> bool:
    """The organisers keep the agenda, the minutes and the decisions (also after the
    meeting); a cancelled meeting keeps what it has."""
    return can_manage_event(user, event) and not event.is_cancelled


def proposal_window_open(event: Event) -> bool:
    """Proposals are taken until the deadline (without one: until the meeting begins)."""
    from django.utils import timezone

    now = timezone.now()
    if event.is_cancelled or event.start <= now:
        return False
    return event.proposal_deadline is None or event.proposal_deadline > now


def may_propose_to(user, event: Event) -> bool:
    """Who may propose at all (the window aside): for the department-heads meeting, the
    city coordinators, the department heads and its organisers."""
    return (event.kind == Kind.DEPARTMENT_HEADS and can_view_event(user, event)
            and (has_role(user, *PROPOSER_ROLES, "department_head")
                 or can_manage_event(user, event)))


def can_propose_agenda_item(user, event: Event) -> bool:
    return may_propose_to(user, event) and proposal_window_open(event)


def can_view_agenda_item(user, item) -> bool:
    """Accepted items for everyone who sees the event; proposals for the organisers and
    the person who proposed them."""
    from .models import AgendaStatus

    event = item.event
    if not can_view_event(user, event):
        return False
    return (item.status == AgendaStatus.ACCEPTED or item.proposed_by_id == user.pk
            or can_manage_event(user, event))


def can_complete_event_task(user, task) -> bool:
    """The assignee marks a task done; the organisers of its meeting too."""
    if not _active(user):
        return False
    if task.event_id is not None and not can_view_event(user, task.event):
        return False
    if task.assignee_id == user.pk:
        return True
    if task.event_id is not None:
        return can_manage_event(user, task.event)
    return is_event_manager(user)


def can_publish_documentation(user, event: Event) -> bool:
    """Service staff publish a meeting's documentation to the library once it has begun;
    the leads of a network publish its meeting's as a draft on the network's shelf."""
    from django.utils import timezone

    if not can_manage_records(user, event) or event.start > timezone.now():
        return False
    return is_event_manager(user) or (event.network is not None
                                      and can_lead(user, event.network))


def can_view_decision_overview(user) -> bool:
    """The decisions of the department-heads meetings: whoever sees such a meeting sees
    its decisions there."""
    return _active(user)


def access_agenda_item(user, event: Event, pk) -> "object":
    """An item of this event the person may see, or the one 404."""
    from .models import AgendaItem

    item = AgendaItem.objects.filter(event=event, pk=pk).first() if str(pk).isdigit() else None
    if item is None:
        raise not_found()
    item.event = event
    if not can_view_agenda_item(user, item):
        raise not_found()
    return item


def access_slide(user, event: Event, pk):
    """A slide of a visible agenda item of this event, or the one 404 (the file door)."""
    from .models import AgendaSlide

    slide = AgendaSlide.objects.select_related("item").filter(item__event=event, pk=pk).first()
    if slide is None:
        raise not_found()
    slide.item.event = event
    if not can_view_agenda_item(user, slide.item):
        raise not_found()
    return slide


def access_decision(user, event: Event, pk):
    from .models import Decision

    decision = Decision.objects.filter(event=event, pk=pk).first()
    if decision is None:
        raise not_found()
    decision.event = event
    return decision


def access_event_task(user, pk):
    """A follow-up task the person may see (through its meeting), or the one 404."""
    from .selectors import event_tasks_visible_to

    task = event_tasks_visible_to(user=user).filter(pk=pk).first()
    if task is None:
        raise not_found()
    return task
