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
    forum_edit,
    forum_host_adopt,
    forum_hosts,
    forum_list,
    forum_photo,
    forum_photo_add,
    forum_photo_delete,
    forum_plan_create,
    forum_plan_shift,
    forum_step_done,
    forum_step_edit,
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
from .records import (
    agenda_item_delete,
    agenda_item_edit,
    agenda_item_move,
    agenda_manage,
    decision_create,
    decision_edit,
    decision_overview,
    documentation_publish,
    event_task_create,
    event_task_edit,
    event_task_state,
    minutes_edit,
    proposal_carry_over,
    proposal_create,
    proposal_deadline,
    proposal_decide,
    records_context,
    slide_delete,
    slide_download,
    slide_upload,
)

__all__ = [
    "BERLIN", "EVENTS_PER_PAGE", "calendar", "calendar_feed", "event_cancel", "event_create",
    "event_detail", "event_edit", "event_ics", "forum_detail", "forum_host_adopt",
    "forum_hosts", "forum_list", "participants", "participants_csv", "register", "unregister",
]
# The forum's planning: editing, the timeline, the gallery.
__all__ += [
    "forum_edit", "forum_photo", "forum_photo_add", "forum_photo_delete", "forum_plan_create",
    "forum_plan_shift", "forum_step_done", "forum_step_edit",
]
# The open space of the Expertenforum.
__all__ += [
    "open_space", "open_space_edit", "open_space_interest", "open_space_place",
    "open_space_programme", "open_space_propose", "open_space_results",
    "open_space_room_add", "open_space_room_delete", "open_space_slot_add",
    "open_space_slot_delete", "open_space_withdraw",
]
# The meeting records: agenda, proposals, minutes, decisions, follow-up tasks.
__all__ += [
    "agenda_item_delete", "agenda_item_edit", "agenda_item_move", "agenda_manage",
    "decision_create", "decision_edit", "decision_overview", "documentation_publish",
    "event_task_create", "event_task_edit", "event_task_state", "minutes_edit",
    "proposal_carry_over", "proposal_create", "proposal_deadline", "proposal_decide",
    "records_context", "slide_delete", "slide_download", "slide_upload",
]
