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
from .records import (
    AgendaItemForm,
    DecisionFilterForm,
    DecisionForm,
    EventTaskEditForm,
    EventTaskForm,
    MinutesForm,
    ProposalDeadlineForm,
    ProposalDecisionForm,
    ProposalForm,
    SlideForm,
    TaskStateForm,
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
# The meeting records: agenda, proposals, minutes, decisions, follow-up tasks.
__all__ += [
    "AgendaItemForm", "DecisionFilterForm", "DecisionForm", "EventTaskEditForm",
    "EventTaskForm", "MinutesForm", "ProposalDeadlineForm", "ProposalDecisionForm",
    "ProposalForm", "SlideForm", "TaskStateForm",
]
