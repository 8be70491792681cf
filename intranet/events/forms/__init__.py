"""Forms of the events: they parse input; the services decide and write.

One module per concern; everything is importable from here.
"""

from .event import (
    AUDIENCE_CHOICES,
    CalendarFilterForm,
    CancelForm,
    DateTimeLocalInput,
    EventForm,
    PeopleField,
)
from .forum import (
    AdoptHostForm,
    ForumEditionForm,
    ForumPhotoForm,
    ForumPlanForm,
    ForumPlanShiftForm,
    ForumStepForm,
)
from .open_space import (
    PlaceForm,
    ResultsForm,
    RoomForm,
    SessionProposalForm,
    SlotForm,
)

__all__ = [
    "AUDIENCE_CHOICES", "AdoptHostForm", "CalendarFilterForm", "CancelForm",
    "DateTimeLocalInput", "EventForm", "PeopleField",
]
# The forum's planning: editing, the timeline, the gallery.
__all__ += [
    "ForumEditionForm", "ForumPhotoForm", "ForumPlanForm", "ForumPlanShiftForm",
    "ForumStepForm"
]
# The open space of the Expertenforum.
__all__ += [
    "PlaceForm", "ResultsForm", "RoomForm", "SessionProposalForm", "SlotForm",
]
