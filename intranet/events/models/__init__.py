"""Events of the network: the forum, the department-heads meeting, steering, coordinators'
and network meetings, with registration, capacity and a waitlist. One module per concern;
everything is importable from here."""

from .event import (
    ACTIVE_STATUSES,
    Audience,
    AudienceRole,
    Event,
    Kind,
    Registration,
    RegistrationStatus,
)
from .forum import PHOTO_TYPES, ForumEdition, ForumPhoto
from .open_space import (
    OpenSpaceInterest,
    OpenSpaceRoom,
    OpenSpaceSession,
    OpenSpaceSlot,
    forum_has_begun,
    forum_is_over,
)
from .records import (
    CLOSED_DECISION_STATUSES,
    AgendaItem,
    AgendaSlide,
    AgendaStatus,
    Decision,
    DecisionStatus,
    EventTask,
    Minutes,
)

__all__ = [
    "ACTIVE_STATUSES", "Audience", "AudienceRole", "Event", "ForumEdition", "Kind",
    "Registration", "RegistrationStatus",
    "AgendaItem", "AgendaSlide", "AgendaStatus", "CLOSED_DECISION_STATUSES", "Decision",
    "DecisionStatus", "EventTask", "Minutes",
    "OpenSpaceInterest", "OpenSpaceRoom", "OpenSpaceSession", "OpenSpaceSlot",
    "forum_has_begun", "forum_is_over",
]
# The forum's planning: the gallery.
__all__ += ["PHOTO_TYPES", "ForumPhoto"]
