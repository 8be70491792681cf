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

__all__ = [
    "BERLIN", "EVENTS_PER_PAGE", "calendar", "calendar_feed", "event_cancel", "event_create",
    "event_detail", "event_edit", "event_ics", "forum_detail", "forum_host_adopt",
    "forum_hosts", "forum_list", "participants", "participants_csv", "register", "unregister",
]
