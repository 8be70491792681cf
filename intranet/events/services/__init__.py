"""Every write to events, registrations and the Expertenforum's planning.

One module per concern; everything is importable from here.
"""

from .event import (
    EDITABLE_FIELDS,
    NOTICEABLE_FIELDS,
    REMINDER_WINDOWS,
    attendance_record,
    event_cancel,
    event_create,
    event_reminders_send,
    event_update,
    registration_cancel,
    registration_create,
    reminder_key,
)
from .forum import (
    forum_edition_create,
)

__all__ = [
    "EDITABLE_FIELDS", "NOTICEABLE_FIELDS", "REMINDER_WINDOWS", "attendance_record",
    "event_cancel", "event_create", "event_reminders_send", "event_update",
    "forum_edition_create", "registration_cancel", "registration_create", "reminder_key",
]
