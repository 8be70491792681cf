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
    FORUM_PLAN,
    PlanStep,
    forum_edition_create,
    forum_edition_update,
    forum_photo_add,
    forum_photo_delete,
    forum_plan_create,
    forum_plan_schedule,
    forum_plan_shift,
    forum_plan_step_done,
    forum_plan_step_update,
    photo_process,
)
from .open_space import (
    open_space_interest_toggle,
    open_space_room_create,
    open_space_room_delete,
    open_space_session_propose,
    open_space_session_results,
    open_space_session_schedule,
    open_space_session_update,
    open_space_session_withdraw,
    open_space_slot_create,
    open_space_slot_delete,
)
from .records import (
    AUDIT_ACTIONS,
    agenda_item_carry_over,
    agenda_item_create,
    agenda_item_decide,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_propose,
    agenda_item_update,
    decision_create,
    decision_update,
    documentation_publish,
    event_task_create,
    event_task_delete,
    event_task_set_state,
    event_task_update,
    events_shelf,
    minutes_save,
    proposal_deadline_set,
    slide_add,
    slide_delete,
)

__all__ = [
    "EDITABLE_FIELDS", "NOTICEABLE_FIELDS", "REMINDER_WINDOWS", "attendance_record",
    "event_cancel", "event_create", "event_reminders_send", "event_update",
    "forum_edition_create", "registration_cancel", "registration_create", "reminder_key",
]
# The forum's planning: editing, the timeline, the gallery.
__all__ += [
    "FORUM_PLAN", "PlanStep", "forum_edition_update", "forum_photo_add",
    "forum_photo_delete", "forum_plan_create", "forum_plan_schedule", "forum_plan_shift",
    "forum_plan_step_done", "forum_plan_step_update", "photo_process"
]
# The open space of the Expertenforum.
__all__ += [
    "open_space_interest_toggle", "open_space_room_create", "open_space_room_delete",
    "open_space_session_propose", "open_space_session_results",
    "open_space_session_schedule", "open_space_session_update",
    "open_space_session_withdraw", "open_space_slot_create", "open_space_slot_delete",
]
# The meeting records: agenda, proposals, minutes, decisions, follow-up tasks.
__all__ += [
    "AUDIT_ACTIONS", "agenda_item_carry_over", "agenda_item_create", "agenda_item_decide",
    "agenda_item_delete", "agenda_item_move", "agenda_item_propose", "agenda_item_update",
    "decision_create", "decision_update", "documentation_publish", "event_task_create",
    "event_task_delete", "event_task_set_state", "event_task_update", "events_shelf",
    "minutes_save", "proposal_deadline_set", "slide_add", "slide_delete",
]
