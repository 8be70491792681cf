"""Events in the browser: thin views over selectors, permissions and services.

One module per concern; everything is importable from here.
"""

from .event import (
    BERLIN,
    EVENTS_PER_PAGE,
    calendar,
    calendar_feed,
    event_cancel,
    event_create,
    event_detail,
    event_edit,
    event_ics,
    participants,
    participants_csv,
    register,
    unregister,
)
from .forum import (
    forum_detail,
    forum_host_adopt,
    forum_hosts,
    forum_list,
)
from .open_space import (
    open_space,
    open_space_edit,
    open_space_interest,
    open_space_place,
    open_space_programme,
    open_space_propose,
    open_space_results,
    open_space_room_add,
    open_space_room_delete,
    open_space_slot_add,
    open_space_slot_delete,
    open_space_withdraw,
)

__all__ = [
    "BERLIN", "EVENTS_PER_PAGE", "calendar", "calendar_feed", "event_cancel", "event_create",
    "event_detail", "event_edit", "event_ics", "forum_detail", "forum_host_adopt",
    "forum_hosts", "forum_list", "participants", "participants_csv", "register", "unregister",
]
# The open space of the Expertenforum.
__all__ += [
    "open_space", "open_space_edit", "open_space_interest", "open_space_place",
    "open_space_programme", "open_space_propose", "open_space_results",
    "open_space_room_add", "open_space_room_delete", "open_space_slot_add",
    "open_space_slot_delete", "open_space_withdraw",
]
