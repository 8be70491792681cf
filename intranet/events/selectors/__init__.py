"""Every read of events that depends on the viewer.

One module per concern; everything is importable from here.
"""

from .event import (
    FEED_PAST_DAYS,
    calendar_visible_to,
    event_list_visible_to,
    event_with_counts,
    events_hidden_from,
    events_of,
    feed_events_visible_to,
    network_meetings_visible_to,
    networks_for_meetings_of,
    organisers_of,
    participants_of,
    registration_of,
    reminder_registrations,
    waitlist_position,
    with_counts,
)
from .forum import (
    SUGGESTED_YEARS,
    HostRotation,
    HostRow,
    forum_edition_list_visible_to,
    forum_events_linkable_to,
    forum_host_rotation_visible_to,
    forum_photos_of,
    forum_plan_of,
    forum_planners,
    host_rotation_order,
    host_suggestions,
    with_cover,
)
from .open_space import (
    Conflict,
    Programme,
    ProgrammeRow,
    open_space_programme_visible_to,
    open_space_results_of,
    open_space_sessions_visible_to,
    programme_conflicts,
    session_conflicts,
)
from .records import (
    agenda_of,
    decision_overview_visible_to,
    decision_years,
    decisions_of,
    event_tasks_visible_to,
    minutes_of,
    my_event_tasks,
    next_department_heads_meeting,
    proposals_of,
)

__all__ = [
    "FEED_PAST_DAYS", "HostRotation", "HostRow", "SUGGESTED_YEARS", "calendar_visible_to",
    "event_list_visible_to", "event_with_counts", "events_hidden_from", "events_of",
    "feed_events_visible_to", "forum_edition_list_visible_to",
    "forum_host_rotation_visible_to", "host_rotation_order", "host_suggestions",
    "networks_for_meetings_of", "organisers_of", "participants_of", "registration_of",
    "reminder_registrations", "waitlist_position", "with_counts",
]
# The forum's planning: editing, the timeline, the gallery.
__all__ += [
    "forum_events_linkable_to", "forum_photos_of", "forum_plan_of", "forum_planners",
    "network_meetings_visible_to", "with_cover",
]
# The open space of the Expertenforum.
__all__ += [
    "Conflict", "Programme", "ProgrammeRow", "open_space_programme_visible_to",
    "open_space_results_of", "open_space_sessions_visible_to", "programme_conflicts",
    "session_conflicts",
]
# The meeting records: agenda, proposals, minutes, decisions, follow-up tasks.
__all__ += [
    "agenda_of", "decision_overview_visible_to", "decision_years", "decisions_of",
    "event_tasks_visible_to", "minutes_of", "my_event_tasks",
    "next_department_heads_meeting", "proposals_of",
]
