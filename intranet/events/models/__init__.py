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
from .forum import ForumEdition

__all__ = [
    "ACTIVE_STATUSES", "Audience", "AudienceRole", "Event", "ForumEdition", "Kind",
    "Registration", "RegistrationStatus",
]
