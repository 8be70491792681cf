"""Reads of the Expertenforum's open space: the proposals with their interest, the
programme grid of rooms × time slots with its double bookings, and the results."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..models import (
    ForumEdition,
    OpenSpaceInterest,
    OpenSpaceRoom,
    OpenSpaceSession,
    OpenSpaceSlot,
)
from ..permissions import can_view_forum


def _interest_count():
    counted = (OpenSpaceInterest.objects.filter(session=OuterRef("pk"))
               .order_by().values("session").annotate(count=Count("pk")).values("count"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def open_space_sessions_visible_to(*, user, edition: ForumEdition) -> QuerySet[OpenSpaceSession]:
    """The edition's sessions, most interest first, each with ``interest_count`` and
    ``is_interesting`` (whether the viewer marked it): one query."""
    if not can_view_forum(user):
        return OpenSpaceSession.objects.none()
    mine = OpenSpaceInterest.objects.filter(session=OuterRef("pk"), user_id=user.pk)
    return (OpenSpaceSession.objects.filter(edition=edition)
            .select_related("host__organisation", "room", "slot")
            .annotate(interest_count=_interest_count(), is_interesting=Exists(mine))
            .order_by("-interest_count", "created_at", "pk"))


@dataclass(frozen=True)
class Conflict:
    """Two or more sessions in one slot that cannot both happen: in the same room
    (``kind`` "room") or with the same host ("host")."""

    kind: str
    slot: OpenSpaceSlot
    what: object  # the room or the host
    sessions: tuple


def programme_conflicts(sessions: Iterable[OpenSpaceSession]) -> list[Conflict]:
    """The double bookings among placed sessions; pure, so unit-testable."""
    by_room: dict[tuple, list] = defaultdict(list)
    by_host: dict[tuple, list] = defaultdict(list)
    for session in sessions:
        if session.slot_id is None:
            continue
        by_room[session.slot_id, session.room_id].append(session)
        by_host[session.slot_id, session.host_id].append(session)
    conflicts = [Conflict("room", group[0].slot, group[0].room, tuple(group))
                 for group in by_room.values() if len(group) > 1]
    conflicts += [Conflict("host", group[0].slot, group[0].host, tuple(group))
                  for group in by_host.values() if len(group) > 1]
    return sorted(conflicts, key=lambda c: (c.slot.starts_at, c.kind, str(c.what)))


@dataclass
class ProgrammeRow:
    """One time slot: per room (in the order of ``Programme.rooms``) its sessions."""

    slot: OpenSpaceSlot
    cells: list[list[OpenSpaceSession]] = field(default_factory=list)


@dataclass
class Programme:
    rooms: list[OpenSpaceRoom]
    rows: list[ProgrammeRow]
    unplaced: list[OpenSpaceSession]  # most interest first
    conflicts: list[Conflict]
    sessions: list[OpenSpaceSession] = field(default_factory=list)  # all, most interest first

    @property
    def conflicting_ids(self) -> set[int]:
        return {session.pk for conflict in self.conflicts for session in conflict.sessions}


def open_space_programme_visible_to(*, user, edition: ForumEdition) -> Programme:
    """The grid everyone sees, the proposals not placed yet and the double bookings:
    three queries (rooms, slots, sessions), however many there are."""
    if not can_view_forum(user):
        return Programme([], [], [], [], [])
    rooms = list(OpenSpaceRoom.objects.filter(edition=edition).order_by("name", "pk"))
    slots = list(OpenSpaceSlot.objects.filter(edition=edition).order_by("starts_at", "pk"))
    sessions = list(open_space_sessions_visible_to(user=user, edition=edition))
    column = {room.pk: index for index, room in enumerate(rooms)}
    rows = {slot.pk: ProgrammeRow(slot, [[] for _room in rooms]) for slot in slots}
    unplaced = []
    for session in sessions:
        if session.slot_id is None:
            unplaced.append(session)
        else:
            rows[session.slot_id].cells[column[session.room_id]].append(session)
    return Programme(rooms, list(rows.values()), unplaced, programme_conflicts(sessions),
                     sessions)


def open_space_results_of(*, user, edition: ForumEdition) -> QuerySet[OpenSpaceSession]:
    """The sessions that took place or have results, in the order of the programme (for
    the edition's page)."""
    return (open_space_sessions_visible_to(user=user, edition=edition)
            .filter(Q(slot__isnull=False) | ~Q(results=""))
            .order_by("slot__starts_at", "room__name", "title", "pk"))


def session_conflicts(*, session: OpenSpaceSession) -> list[Conflict]:
    """The double bookings the placed session is part of (one query)."""
    if session.slot_id is None:
        return []
    same_slot = (OpenSpaceSession.objects.filter(slot_id=session.slot_id)
                 .filter(Q(room_id=session.room_id) | Q(host_id=session.host_id))
                 .select_related("host", "room", "slot"))
    return [conflict for conflict in programme_conflicts(same_slot)
            if any(other.pk == session.pk for other in conflict.sessions)]
