"""Every write to a meeting's records: the agenda and its slides, proposals for the
department-heads meeting, the minutes, the decisions and their follow-up tasks.

The organisers (``can_manage_records``) keep the records; coordinators and department
heads propose agenda items while the proposal window is open; the assignee of a task marks
it done. Files are checked by their content (the upload rules of network documents) and
stored under a private folder; they go out only through the checked download view.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.errors import ConflictError
from intranet.core.services import audit_record
from intranet.notifications.models import Kind as NotificationKind
from intranet.notifications.services import notify
from networks.files import safe_file_name, validate_upload
from networks.models import TaskState

from .. import permissions
from ..models import (
    AgendaItem,
    AgendaSlide,
    AgendaStatus,
    Decision,
    DecisionStatus,
    Event,
    EventTask,
    Kind,
    Minutes,
)

MAX_SLIDES_PER_ITEM = 10

AUDIT_ACTIONS = {
    "agenda.create": gettext_lazy("Agenda item added"),
    "agenda.update": gettext_lazy("Agenda item changed"),
    "agenda.delete": gettext_lazy("Agenda item removed"),
    "agenda.propose": gettext_lazy("Agenda item proposed"),
    "agenda.decide": gettext_lazy("Agenda proposal accepted or deferred"),
    "agenda.carry_over": gettext_lazy("Deferred proposal carried to the next meeting"),
    "agenda.slide_add": gettext_lazy("Slides uploaded"),
    "agenda.slide_delete": gettext_lazy("Slides removed"),
    "minutes.save": gettext_lazy("Minutes saved"),
    "decision.create": gettext_lazy("Decision recorded"),
    "decision.update": gettext_lazy("Decision changed"),
    "event_task.create": gettext_lazy("Follow-up task created"),
    "event_task.update": gettext_lazy("Follow-up task changed"),
    "event_task.delete": gettext_lazy("Follow-up task removed"),
    "documentation.publish": gettext_lazy("Meeting documentation put into the library"),
}


def _require_manager(actor, event: Event) -> None:
    if not permissions.can_manage_records(actor, event):
        raise PermissionDenied(_("Only the organisers keep the records of this meeting."))


def _delete_files_after_commit(files) -> None:
    def remove():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove)


# --- Agenda -----------------------------------------------------------------------------

def _next_position(event: Event) -> int:
    return (AgendaItem.objects.filter(event=event).aggregate(top=Max("position"))["top"]
            or 0) + 1


@transaction.atomic
def agenda_item_create(*, event: Event, actor, title: str, description: str = "",
                       starts_at: datetime.datetime | None = None,
                       duration: int | None = None, presenters: Iterable = (),
                       presenter_names: str = "") -> AgendaItem:
    """An organiser's item: accepted at once, at the end of the agenda."""
    _require_manager(actor, event)
    item = AgendaItem(event=event, title=title.strip(), description=description.strip(),
                      starts_at=starts_at, duration=duration,
                      presenter_names=presenter_names.strip(), status=AgendaStatus.ACCEPTED,
                      position=_next_position(event), created_by=actor)
    item.full_clean()
    item.save()
    item.presenters.set(list(presenters))
    audit_record(actor=actor, action="agenda.create", target=event, item=item.title)
    return item


AGENDA_FIELDS = {"title", "description", "starts_at", "duration", "presenter_names"}


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, actor, presenters: Iterable | None = None,
                       **fields) -> AgendaItem:
    _require_manager(actor, item.event)
    unknown = set(fields) - AGENDA_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.full_clean()
    item.save()
    if presenters is not None:
        item.presenters.set(list(presenters))
    audit_record(actor=actor, action="agenda.update", target=item.event, item=item.title,
                 fields=sorted(fields))
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, actor) -> None:
    event = item.event
    _require_manager(actor, event)
    files = [(slide.file.storage, slide.file.name) for slide in item.slides.all()]
    audit_record(actor=actor, action="agenda.delete", target=event, item=item.title)
    item.delete()
    _delete_files_after_commit(files)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, actor, direction: str) -> None:
    """One place up or down among the accepted items; the order is then renumbered 1…n."""
    event = item.event
    _require_manager(actor, event)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    Event.objects.select_for_update().filter(pk=event.pk).first()
    items = list(AgendaItem.objects.filter(event=event, status=AgendaStatus.ACCEPTED)
                 .order_by("position", "pk"))
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise ConflictError(_("Only items on the agenda can be moved."))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, row in enumerate(items, start=1):
        row.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


@transaction.atomic
def slide_add(*, item: AgendaItem, actor, upload) -> AgendaSlide:
    _require_manager(actor, item.event)
    if item.slides.count() >= MAX_SLIDES_PER_ITEM:
        raise ValidationError({"file": _("An agenda item holds at most %(count)s files.") % {
            "count": MAX_SLIDES_PER_ITEM}})
    content_type = validate_upload(upload)
    name = safe_file_name(upload.name, content_type=content_type)
    slide = AgendaSlide(item=item, original_name=name, content_type=content_type,
                        size=upload.size, uploaded_by=actor)
    slide.file.save(name, upload, save=False)
    slide.save()
    audit_record(actor=actor, action="agenda.slide_add", target=item.event,
                 file=slide.original_name)
    return slide


@transaction.atomic
def slide_delete(*, slide: AgendaSlide, actor) -> None:
    event = slide.item.event
    _require_manager(actor, event)
    files = [(slide.file.storage, slide.file.name)]
    audit_record(actor=actor, action="agenda.slide_delete", target=event,
                 file=slide.original_name)
    slide.delete()
    _delete_files_after_commit(files)


# --- Proposals (the department-heads meeting) -------------------------------------------

@transaction.atomic
def proposal_deadline_set(*, event: Event, actor,
                          deadline: datetime.datetime | None) -> Event:
    _require_manager(actor, event)
    event.proposal_deadline = deadline
    event.full_clean()
    event.save(update_fields=["proposal_deadline", "updated_at"])
    audit_record(actor=actor, action="event.update", target=event,
                 fields=["proposal_deadline"])
    return event


@transaction.atomic
def agenda_item_propose(*, event: Event, actor, title: str, reason: str,
                        description: str = "") -> AgendaItem:
    """A topic for the meeting, proposed before the deadline; the organisers hear of it."""
    if not permissions.may_propose_to(actor, event):
        raise PermissionDenied(_("You cannot propose topics for this meeting."))
    if not permissions.proposal_window_open(event):
        raise ValidationError(_(
            "The deadline for proposals has passed; the organisers no longer take any."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting should discuss this.")})
    item = AgendaItem(event=event, title=title.strip(), description=description.strip(),
                      reason=reason.strip(), status=AgendaStatus.PROPOSED, proposed_by=actor,
                      position=_next_position(event), created_by=actor)
    item.full_clean()
    item.save()
    organisers = [person for person in event.organisers.all() if person.is_active]
    notify(recipients=organisers, exclude=actor, url=reverse("events:agenda", args=[event.pk]),
           event=event, kind=NotificationKind.EVENT,
           text=(gettext_lazy("New topic proposed for %(event)s: %(title)s"), {
               "event": event.title, "title": item.title}))
    audit_record(actor=actor, action="agenda.propose", target=event, item=item.title)
    return item


DECIDABLE = (AgendaStatus.ACCEPTED, AgendaStatus.DEFERRED, AgendaStatus.DECLINED)


@transaction.atomic
def agenda_item_decide(*, item: AgendaItem, actor, status: str,
                       note: str = "") -> AgendaItem:
    """Accept a proposal onto the agenda (at its end), defer it or decline it; the person
    who proposed it hears of it."""
    event = item.event
    _require_manager(actor, event)
    if status not in DECIDABLE:
        raise ValidationError({"status": _("Accept, defer or decline the proposal.")})
    if item.proposed_by_id is None:
        raise ConflictError(_("Only proposals are accepted or deferred."))
    if item.status == status:
        return item
    if status == AgendaStatus.ACCEPTED:
        item.position = _next_position(event)
    item.status, item.status_note = status, note.strip()
    item.decided_by, item.decided_at = actor, timezone.now()
    item.full_clean()
    item.save()
    if item.proposed_by is not None and item.proposed_by.is_active:
        texts = {
            AgendaStatus.ACCEPTED: gettext_lazy(
                "Your topic “%(title)s” is on the agenda of %(event)s."),
            AgendaStatus.DEFERRED: gettext_lazy(
                "Your topic “%(title)s” was deferred from %(event)s."),
            AgendaStatus.DECLINED: gettext_lazy(
                "Your topic “%(title)s” will not be discussed at %(event)s."),
        }
        notify(recipients=[item.proposed_by], exclude=actor, url=event.get_absolute_url(),
               event=event, kind=NotificationKind.EVENT,
               text=(texts[status], {"title": item.title, "event": event.title}))
    audit_record(actor=actor, action="agenda.decide", target=event, item=item.title,
                 status=status)
    return item


@transaction.atomic
def agenda_item_carry_over(*, item: AgendaItem, actor, to_event: Event) -> AgendaItem:
    """A deferred proposal goes to a later department-heads meeting as a proposal again,
    with its proposer and reason; the old one remembers where it went."""
    _require_manager(actor, item.event)
    if item.status != AgendaStatus.DEFERRED:
        raise ConflictError(_("Only deferred proposals are carried over."))
    if AgendaItem.objects.filter(carried_from=item).exists():
        raise ConflictError(_("This proposal has already been carried over."))
    if (to_event is None or to_event.kind != Kind.DEPARTMENT_HEADS
            or to_event.start <= item.event.start or to_event.is_cancelled):
        raise ConflictError(_("There is no later department-heads meeting to carry it to. "
                              "Create the next meeting first."))
    if not permissions.can_manage_records(actor, to_event):
        raise PermissionDenied(_("Only the organisers keep the records of this meeting."))
    carried = AgendaItem(event=to_event, title=item.title, description=item.description,
                         reason=item.reason, status=AgendaStatus.PROPOSED,
                         proposed_by=item.proposed_by, carried_from=item,
                         position=_next_position(to_event), created_by=actor)
    carried.full_clean()
    carried.save()
    audit_record(actor=actor, action="agenda.carry_over", target=to_event, item=item.title,
                 source=item.event_id)
    return carried


# --- Minutes ----------------------------------------------------------------------------

@transaction.atomic
def minutes_save(*, event: Event, actor, text: str) -> Minutes:
    _require_manager(actor, event)
    minutes, _created = Minutes.objects.select_for_update().get_or_create(event=event)
    minutes.text = text.strip()
    minutes.updated_by, minutes.updated_at = actor, timezone.now()
    minutes.full_clean()
    minutes.save()
    audit_record(actor=actor, action="minutes.save", target=event)
    return minutes


# --- Decisions --------------------------------------------------------------------------

def _check_agenda_item(event: Event, agenda_item) -> None:
    if agenda_item is not None and agenda_item.event_id != event.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})


def _set_status(decision: Decision, status: str) -> None:
    if status not in DecisionStatus.values:
        raise ValidationError({"status": _("Unknown state.")})
    if status != decision.status:
        decision.completed_at = timezone.now() if status == DecisionStatus.DONE else None
    decision.status = status


@transaction.atomic
def decision_create(*, event: Event, actor, title: str, text: str = "",
                    agenda_item: AgendaItem | None = None,
                    status: str = DecisionStatus.OPEN) -> Decision:
    """The next decision of the meeting: numbered 1, 2, … under the event's lock."""
    _require_manager(actor, event)
    _check_agenda_item(event, agenda_item)
    Event.objects.select_for_update().filter(pk=event.pk).first()
    number = (Decision.objects.filter(event=event).aggregate(top=Max("number"))["top"]
              or 0) + 1
    decision = Decision(event=event, number=number, title=title.strip(), text=text.strip(),
                        agenda_item=agenda_item, created_by=actor)
    _set_status(decision, status)
    decision.full_clean()
    decision.save()
    audit_record(actor=actor, action="decision.create", target=event, number=number)
    return decision


@transaction.atomic
def decision_update(*, decision: Decision, actor, **fields) -> Decision:
    """Change a decision; ``status`` done stamps ``completed_at`` (any other clears it)."""
    event = decision.event
    _require_manager(actor, event)
    unknown = set(fields) - {"title", "text", "status", "agenda_item"}
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})
    if "agenda_item" in fields:
        _check_agenda_item(event, fields["agenda_item"])
        decision.agenda_item = fields["agenda_item"]
    if "status" in fields:
        _set_status(decision, fields["status"])
    for name in ("title", "text"):
        if name in fields:
            setattr(decision, name, fields[name].strip())
    decision.full_clean()
    decision.save()
    audit_record(actor=actor, action="decision.update", target=event,
                 number=decision.number, status=decision.status)
    return decision


# --- Follow-up tasks --------------------------------------------------------------------

def _task_url(task: EventTask) -> str:
    if task.event_id is not None:
        return reverse("events:detail", args=[task.event_id]) + f"#task-{task.pk}"
    return task.forum_edition.get_absolute_url()


def _check_assignee(task: EventTask) -> None:
    person = task.assignee
    if person is None:
        return
    if not person.is_active or (task.event is not None
                                and not permissions.can_view_event(person, task.event)):
        raise ValidationError({"assignee": _(
            "Tasks go to active colleagues who may see this meeting.")})


def _tell_assignee(task: EventTask, actor) -> None:
    if task.assignee is None:
        return
    where = task.event.title if task.event_id else str(task.forum_edition)
    notify(recipients=[task.assignee], exclude=actor, url=_task_url(task), event=task.event,
           kind=NotificationKind.EVENT,
           text=(gettext_lazy("New task for you from %(event)s: %(title)s"), {
               "event": where, "title": task.title}))


def _may_keep_task(actor, *, event: Event | None, forum_edition) -> bool:
    if event is not None:
        return permissions.can_manage_records(actor, event)
    return forum_edition is not None and permissions.is_event_manager(actor)


@transaction.atomic
def event_task_create(*, actor, title: str, event: Event | None = None,
                      decision: Decision | None = None, forum_edition=None,
                      description: str = "", assignee=None, due: datetime.date | None = None,
                      step: str = "") -> EventTask:
    """A follow-up task of a decision (and so of its meeting), of a meeting, or a planning
    step of an Expertenforum edition; the assignee hears of it."""
    if decision is not None:
        event = event or decision.event
    if not _may_keep_task(actor, event=event, forum_edition=forum_edition):
        raise PermissionDenied(_("Only the organisers give out follow-up tasks."))
    task = EventTask(event=event, decision=decision, forum_edition=forum_edition,
                     title=title.strip(), description=description.strip(), assignee=assignee,
                     due=due, step=step, created_by=actor)
    task.full_clean()
    _check_assignee(task)
    task.save()
    _tell_assignee(task, actor)
    audit_record(actor=actor, action="event_task.create", target=event, task=task.title)
    return task


TASK_FIELDS = {"title", "description", "assignee", "due", "state", "step"}


@transaction.atomic
def event_task_update(*, task: EventTask, actor, **fields) -> EventTask:
    if not _may_keep_task(actor, event=task.event, forum_edition=task.forum_edition):
        raise PermissionDenied(_("Only the organisers give out follow-up tasks."))
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))})
    assignee_before = task.assignee_id
    if "state" in fields:
        _set_task_state(task, fields.pop("state"))
    for name, value in fields.items():
        setattr(task, name, value.strip() if isinstance(value, str) else value)
    task.full_clean()
    _check_assignee(task)
    task.save()
    if task.assignee_id != assignee_before:
        _tell_assignee(task, actor)
    audit_record(actor=actor, action="event_task.update", target=task.event,
                 task=task.title, state=task.state)
    return task


def _set_task_state(task: EventTask, state: str) -> None:
    if state not in TaskState.values:
        raise ValidationError({"state": _("Unknown state.")})
    if state != task.state:
        task.completed_at = timezone.now() if state == TaskState.DONE else None
    task.state = state


@transaction.atomic
def event_task_set_state(*, task: EventTask, actor, state: str) -> EventTask:
    """The assignee (or an organiser) moves a task on, e.g. marks it done."""
    if not permissions.can_complete_event_task(actor, task):
        raise PermissionDenied(_("Only the assignee and the organisers change this task."))
    _set_task_state(task, state)
    task.save(update_fields=["state", "completed_at", "updated_at"])
    audit_record(actor=actor, action="event_task.update", target=task.event,
                 task=task.title, state=task.state)
    return task


@transaction.atomic
def event_task_delete(*, task: EventTask, actor) -> None:
    if not _may_keep_task(actor, event=task.event, forum_edition=task.forum_edition):
        raise PermissionDenied(_("Only the organisers give out follow-up tasks."))
    audit_record(actor=actor, action="event_task.delete", target=task.event, task=task.title)
    task.delete()


# --- Documentation in the library -------------------------------------------------------

EVENTS_SHELF_SLUG = "veranstaltungen"


def events_shelf():
    """The library's shelf for meetings without a network (made on first use); no
    network's editors write there, service staff publish to it from here."""
    from wagtail.models import Collection

    from knowledge.models import ShelfPage
    from knowledge.services import library_root

    shelf = ShelfPage.objects.filter(network__isnull=True, slug=EVENTS_SHELF_SLUG).first()
    if shelf is not None:
        return shelf
    collection = Collection.get_first_root_node().add_child(name="Veranstaltungen")
    shelf = ShelfPage(title="Veranstaltungen", slug=EVENTS_SHELF_SLUG, network=None,
                      collection=collection)
    library_root().add_child(instance=shelf)
    return shelf


def _documentation_blocks(event: Event) -> list:
    from django.template.loader import render_to_string

    from intranet.core.markdown import render_markdown

    from ..selectors import agenda_of, decisions_of, minutes_of

    agenda = agenda_of(event=event, user=None)
    minutes = minutes_of(event=event)
    decisions = decisions_of(event=event)
    blocks = []
    if agenda:
        blocks += [("heading", _("Agenda")), ("paragraph", render_to_string(
            "events/records/library_agenda.html", {"items": agenda}))]
    if minutes is not None and minutes.text:
        blocks += [("heading", _("Minutes")), ("paragraph", render_markdown(minutes.text))]
    if decisions:
        blocks += [("heading", _("Decisions")), ("paragraph", render_to_string(
            "events/records/library_decisions.html", {"decisions": decisions}))]
    return blocks


def _attach_slides(page, event: Event, shelf) -> int:
    """Each slide once as a library document of the page (by its file name), added to the
    page's in-memory children: the next revision carries them."""
    from django.core.files.base import ContentFile

    from knowledge.models import LibraryDocument, LibraryPageDocument

    rows = list(page.documents.all())
    have = {row.document.title for row in rows}
    added = 0
    for slide in AgendaSlide.objects.filter(item__event=event,
                                            item__status=AgendaStatus.ACCEPTED).order_by(
            "item__position", "uploaded_at", "pk"):
        if slide.original_name in have:
            continue
        with slide.file.open("rb") as handle:
            content = handle.read()
        document = LibraryDocument(title=slide.original_name, collection=shelf.collection,
                                   uploaded_by_user=slide.uploaded_by)
        document.file.save(slide.original_name, ContentFile(content), save=False)
        document.save()
        have.add(slide.original_name)
        rows.append(LibraryPageDocument(document=document, sort_order=len(rows)))
        added += 1
    if added:
        page.documents.set(rows)
    return added


@transaction.atomic
def documentation_publish(*, event: Event, actor):
    """The meeting's agenda, minutes, decisions and slides as a result ("minutes") in the
    library. Service staff publish it at once; a confidential network's meeting, and what
    a network's leads put there, start as a draft on the network's shelf, for the network
    to review. Again later: the same page, brought up to date."""
    from knowledge.models import ResultPage, ResultType
    from knowledge.services import _unique_slug, editors_sync, shelf_for
    from networks.models import Visibility

    if not permissions.can_publish_documentation(actor, event):
        raise PermissionDenied(_("Only the organisers publish the documentation."))
    blocks = _documentation_blocks(event)
    if not blocks:
        raise ValidationError(_("There is nothing to publish yet: add the agenda, the "
                                "minutes or the decisions first."))
    network = event.network
    shelf = shelf_for(network) if network is not None else events_shelf()
    if network is not None:
        editors_sync(user=actor, network=network)
    live = permissions.is_event_manager(actor) and (
        network is None or network.visibility != Visibility.CONFIDENTIAL)
    minutes, _created = Minutes.objects.select_for_update().get_or_create(event=event)
    when = timezone.localtime(event.start)
    title = _("Documentation: %(title)s (%(date)s)") % {
        "title": event.title, "date": when.strftime("%d.%m.%Y")}
    summary = (_("Agenda, minutes and decisions of the %(kind)s on %(date)s.") % {
        "kind": event.get_kind_display(), "date": when.strftime("%d.%m.%Y")}
        + (f" {event.location}" if event.location else ""))[:800]
    page = minutes.library_page.specific if minutes.library_page_id else None
    if page is None:
        page = ResultPage(title=title[:255], summary=summary, result_type=ResultType.MINUTES,
                          slug=_unique_slug(shelf, title), live=False, owner=actor,
                          contact=actor, publication_date=when.date())
        page.body = blocks
        _attach_slides(page, event, shelf)
        shelf.add_child(instance=page)
    else:
        page.title, page.summary, page.body = title[:255], summary, blocks
        _attach_slides(page, event, shelf)
    revision = page.save_revision(user=actor, log_action=True, clean=False)
    if live:
        revision.publish(user=actor, skip_permission_checks=True)  # ours decided above
    minutes.library_page = page
    minutes.save(update_fields=["library_page"])
    audit_record(actor=actor, action="documentation.publish", target=event, page=page.pk,
                 live=live)
    return page
