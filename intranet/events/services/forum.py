"""Writes of the Expertenforum's planning."""

import datetime
import io
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from intranet.core.errors import ConflictError, FileTooLarge
from intranet.core.services import audit_record
from intranet.notifications.models import Kind as NotificationKind
from intranet.notifications.services import notify
from networks.models import TaskState

from .. import permissions
from ..models import PHOTO_TYPES, Event, EventTask, ForumEdition, ForumPhoto, Kind
from .event import event_create

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# The registration event created from an edition's dates: the usual day of a forum.
FORUM_DAY_STARTS = datetime.time(9, 30)
FORUM_DAY_ENDS = datetime.time(16, 0)
EDITION_FIELDS = ("host_organisation", "theme", "start_date", "end_date", "venue",
                  "description", "event")

# --- Expertenforum ----------------------------------------------------------------------

def _year_taken(year: int) -> ConflictError:
    return ConflictError(_("There is already an Expertenforum for %(year)s.") % {
        "year": year})


@transaction.atomic
def forum_edition_create(*, actor, year: int, host_organisation, theme: str = "",
                         start_date: datetime.date | None = None,
                         end_date: datetime.date | None = None, venue: str = "",
                         description: str = "", event: Event | None = None) -> ForumEdition:
    """A year's forum with its host city (e.g. a suggestion of the rotation adopted).
    One edition per year: a year already planned is refused and nothing changes."""
    if not permissions.can_manage_forum(actor):
        raise PermissionDenied(_("Only the service organisation plans the Expertenforum."))
    if ForumEdition.objects.filter(year=year).exists():
        raise _year_taken(year)
    edition = ForumEdition(year=year, host_organisation=host_organisation,
                           theme=theme.strip(), start_date=start_date, end_date=end_date,
                           venue=venue.strip(), description=description.strip(),
                           event=event, created_by=actor)
    # The year's uniqueness is left to the database: checked here as well, a second person
    # adopting the same year a moment later would meet a ValidationError, not the message.
    edition.full_clean(validate_unique=False)
    try:
        with transaction.atomic():  # two adopting at once: the unique year decides
            edition.save()
    except IntegrityError as error:
        raise _year_taken(year) from error
    audit_record(actor=actor, action="forum_edition.create", target=edition, year=year,
                 host=host_organisation.slug)
    return edition


def _refuse_unless_manager(actor) -> None:
    if not permissions.can_manage_forum(actor):
        raise PermissionDenied(_("Only the service organisation plans the Expertenforum."))


def _registration_event(*, edition: ForumEdition, actor) -> Event:
    """The forum's registration event from its dates: for everyone, hosted by its city."""
    title = _("Expertenforum %(year)s") % {"year": edition.year}
    if edition.theme:
        title = f"{title}: {edition.theme}"[:200]
    return event_create(
        actor=actor, kind=Kind.FORUM, title=title, description=edition.description,
        start=datetime.datetime.combine(edition.start_date, FORUM_DAY_STARTS, tzinfo=BERLIN),
        end=datetime.datetime.combine(edition.end_date or edition.start_date, FORUM_DAY_ENDS,
                                      tzinfo=BERLIN),
        venue=edition.venue[:200], host_organisation=edition.host_organisation)


@transaction.atomic
def forum_edition_update(*, edition: ForumEdition, actor, create_event: bool = False,
                         **fields) -> ForumEdition:
    """Change an edition's host, theme, dates, venue, description or registration event;
    ``create_event`` makes that event from the dates. Nothing changes on an error."""
    _refuse_unless_manager(actor)
    unknown = set(fields) - set(EDITION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    edition = ForumEdition.objects.select_for_update().get(pk=edition.pk)
    before = {name: getattr(edition, name) for name in EDITION_FIELDS}
    for name, value in fields.items():
        setattr(edition, name, value.strip() if isinstance(value, str) else value)
    if edition.start_date and not edition.end_date:
        edition.end_date = edition.start_date
    edition.full_clean()
    if create_event:
        if edition.event_id:
            raise ValidationError({"create_event": _(
                "Either link an existing event or create a new one, not both.")})
        if not edition.start_date:
            raise ValidationError({"create_event": _(
                "Enter the first and the last day to create the registration event.")})
        edition.event = _registration_event(edition=edition, actor=actor)
    edition.save()
    changed = sorted(name for name in EDITION_FIELDS if getattr(edition, name) != before[name])
    audit_record(actor=actor, action="forum_edition.update", target=edition,
                 year=edition.year, changed=changed, event_created=create_event)
    return edition


# --- The planning timeline -----------------------------------------------------------------

@dataclass(frozen=True)
class PlanStep:
    """A standard step of a forum's plan, due so long before its first day (``days_after``:
    so long after its last)."""

    key: str
    title: Promise
    description: Promise
    months_before: int = 0
    days_before: int = 0
    days_after: int = 0


FORUM_PLAN = (
    PlanStep("host", gettext_lazy("Confirm the host city and the dates"), gettext_lazy(
        "Agree the dates with the host city's coordinators and announce the host."),
        months_before=12),
    PlanStep("venue", gettext_lazy("Book the venue"), gettext_lazy(
        "A hall for everyone and rooms for the open-space sessions, step-free, with "
        "catering; booked with the host city."), months_before=9),
    PlanStep("save_the_date", gettext_lazy("Send the save-the-date"), gettext_lazy(
        "Dates, host city and theme to all members and the department heads."),
        months_before=6),
    PlanStep("call_for_questions", gettext_lazy("Call for questions and concerns"),
             gettext_lazy("Invite everyone to bring their questions (Anliegen) as "
                          "open-space proposals."), months_before=4),
    PlanStep("registration", gettext_lazy("Open the registration"), gettext_lazy(
        "The registration event in the calendar, with places and a deadline."),
        months_before=3),
    PlanStep("programme", gettext_lazy("Fix the programme"), gettext_lazy(
        "Place the sessions into rooms and time slots and publish the programme."),
        days_before=21),
    PlanStep("documentation", gettext_lazy("Publish the documentation"), gettext_lazy(
        "Results of the sessions, slides and photos on the forum's page and in the "
        "library."), days_after=28),
)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` earlier (the month's last day if shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return datetime.date(year, month, min(day.day, (following - datetime.timedelta(days=1)).day))


def forum_plan_schedule(start_date: datetime.date, end_date: datetime.date | None = None,
                        steps=FORUM_PLAN) -> list[tuple[PlanStep, datetime.date]]:
    """Each standard step with its due date, counted back from the first day (the
    documentation from the last), earliest first. Pure, so unit-testable."""
    end_date = end_date or start_date
    schedule = []
    for step in steps:
        if step.days_after:
            due = end_date + datetime.timedelta(days=step.days_after)
        else:
            due = _months_before(start_date, step.months_before) - datetime.timedelta(
                days=step.days_before)
        schedule.append((step, due))
    return sorted(schedule, key=lambda pair: pair[1])


def _plan_url(edition: ForumEdition) -> str:
    return reverse("events:forum_detail", args=[edition.year]) + "#h-plan"


def _tell_owner(task: EventTask, edition: ForumEdition, actor) -> None:
    if task.assignee is None:
        return
    notify(recipients=[task.assignee], exclude=actor, kind=NotificationKind.EVENT,
           url=_plan_url(edition),
           text=(gettext_lazy("Step of the Expertenforum %(year)s for you: %(title)s"), {
               "year": edition.year, "title": task.title}))


@transaction.atomic
def forum_plan_create(*, edition: ForumEdition, actor, owner=None) -> list[EventTask]:
    """The standard steps of the plan as tasks, owned by ``owner`` (the acting person by
    default) and due counted back from the first day. Planning again adds only the steps
    that are missing; nothing twice."""
    _refuse_unless_manager(actor)
    edition = ForumEdition.objects.select_for_update().get(pk=edition.pk)
    if edition.start_date is None:
        raise ValidationError(_("Enter the forum's first day before planning it."))
    owner = owner or actor
    existing = set(EventTask.objects.filter(forum_edition=edition).exclude(step="")
                   .values_list("step", flat=True))
    created = []
    for step, due in forum_plan_schedule(edition.start_date, edition.end_date):
        if step.key in existing:
            continue
        task = EventTask(forum_edition=edition, step=step.key, title=str(step.title),
                         description=str(step.description), assignee=owner, due=due,
                         created_by=actor)
        task.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():  # someone planning at the same moment: theirs stays
                task.save()
        except IntegrityError:
            continue
        created.append(task)
    if created:
        audit_record(actor=actor, action="forum_plan.create", target=edition,
                     year=edition.year, steps=[task.step for task in created],
                     owner=owner.email)
        if owner.pk != actor.pk:
            notify(recipients=[owner], kind=NotificationKind.EVENT, url=_plan_url(edition),
                   text=(gettext_lazy("%(count)s steps of the Expertenforum %(year)s are "
                                      "yours."), {"count": len(created),
                                                  "year": edition.year}))
    return created


def _plan_step(task: EventTask) -> EventTask:
    task = (EventTask.objects.select_for_update(of=("self",))
            .select_related("forum_edition", "assignee")
            .filter(pk=task.pk, forum_edition__isnull=False).first())
    if task is None:
        raise ConflictError(_("This step is no longer part of the plan."))
    return task


@transaction.atomic
def forum_plan_step_update(*, task: EventTask, actor, assignee, due: datetime.date | None,
                           state: str) -> EventTask:
    """Reassign a step, move its due date or change its state (the service organisation).
    The new owner is told."""
    _refuse_unless_manager(actor)
    task = _plan_step(task)
    before = (task.assignee_id, task.due, task.state)
    reassigned = assignee is not None and assignee.pk != task.assignee_id
    task.assignee, task.due = assignee, due
    _set_state(task, state)
    task.full_clean(validate_constraints=False)
    task.save()
    if (task.assignee_id, task.due, task.state) != before:
        audit_record(actor=actor, action="forum_plan.update", target=task.forum_edition,
                     step=task.step or task.title, assignee=assignee.email if assignee else "",
                     due=due.isoformat() if due else "", state=task.state)
    if reassigned:
        _tell_owner(task, task.forum_edition, actor)
    return task


def _set_state(task: EventTask, state: str) -> None:
    if state not in TaskState.values:
        raise ValidationError({"state": _("Choose a valid state.")})
    if state == TaskState.DONE and task.state != TaskState.DONE:
        task.completed_at = timezone.now()
    elif state != TaskState.DONE:
        task.completed_at = None
    task.state = state


@transaction.atomic
def forum_plan_step_done(*, task: EventTask, actor, done: bool = True) -> EventTask:
    """Mark a step done (or open again): its owner or the service organisation."""
    task = _plan_step(task)
    if not permissions.can_work_on_forum_step(actor, task):
        raise PermissionDenied(_("Only the step's owner or the service organisation "
                                 "changes it."))
    _set_state(task, TaskState.DONE if done else TaskState.OPEN)
    task.save(update_fields=["state", "completed_at", "updated_at"])
    audit_record(actor=actor, action="forum_plan.update", target=task.forum_edition,
                 step=task.step or task.title, state=task.state)
    return task


@transaction.atomic
def forum_plan_shift(*, edition: ForumEdition, actor, days: int) -> int:
    """Move the due dates of the plan's open steps by ``days`` (the forum moved); the
    steps already done keep theirs. Returns how many moved."""
    _refuse_unless_manager(actor)
    if not days:
        return 0
    tasks = list(EventTask.objects.select_for_update().filter(forum_edition=edition,
                                                               due__isnull=False)
                 .exclude(state=TaskState.DONE))
    now = timezone.now()
    for task in tasks:
        task.due += datetime.timedelta(days=days)
        task.updated_at = now
    EventTask.objects.bulk_update(tasks, ["due", "updated_at"])
    if tasks:
        audit_record(actor=actor, action="forum_plan.shift", target=edition,
                     year=edition.year, days=days, steps=len(tasks))
    return len(tasks)


# --- The gallery ("Eindrücke") ---------------------------------------------------------------

PHOTO_MAX_BYTES = 15 * 1024 * 1024   # FORUM_PHOTO_MAX_BYTES in the settings overrides it
PHOTO_MAX_PIXELS = 50_000_000         # what a camera makes; more is a decompression bomb
PHOTO_MAX_SIDE = 2400                 # the stored photo, re-encoded
PHOTO_THUMBNAIL_SIDE = 480


def _photo_limit() -> int:
    return getattr(settings, "FORUM_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES)


def _not_a_photo() -> ValidationError:
    return ValidationError({"image": _(
        "This file is not a photo we accept. Allowed are JPEG, PNG and WebP images.")})


def _encoded(image: Image.Image, image_format: str) -> bytes:
    """The picture alone, encoded anew: no EXIF (places, camera, names), no comments."""
    image.info = {}
    buffer = io.BytesIO()
    if image_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, image_format, quality=85, exif=b"")
    return buffer.getvalue()


def photo_process(upload) -> dict:
    """Check an upload by its content (Pillow reads it; the name and the browser's word
    count for nothing) and re-encode it: the stored photo, its thumbnail, type and size.
    A ValidationError at ``image`` says in words why a file is refused."""
    limit = _photo_limit()
    if upload.size > limit:
        raise FileTooLarge({"image": _("The photo is larger than %(limit)s.") % {
            "limit": filesizeformat(limit)}})
    if not upload.size:
        raise ValidationError({"image": _("The file is empty.")})
    try:
        upload.seek(0)
        with Image.open(upload, formats=list(PHOTO_TYPES)) as probe:
            image_format = probe.format
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError({"image": _(
                    "The photo has too many pixels; at most %(megapixels)s megapixels.") % {
                    "megapixels": PHOTO_MAX_PIXELS // 1_000_000}})
            probe.verify()  # a broken or truncated file stops here
        upload.seek(0)
        with Image.open(upload, formats=[image_format]) as original:
            original.load()
            image = ImageOps.exif_transpose(original)  # upright, as the camera meant it
        # Odd modes (16-bit, CMYK, palettes) either convert or are refused, never a 500.
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if has_alpha and image_format != "JPEG" else "RGB")
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        thumbnail = image.copy()
        thumbnail.thumbnail((PHOTO_THUMBNAIL_SIDE, PHOTO_THUMBNAIL_SIDE))
        encoded = _encoded(image, image_format), _encoded(thumbnail, image_format)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError, EOFError, TypeError) as error:
        raise _not_a_photo() from error
    content_type, suffix = PHOTO_TYPES[image_format]
    return {"image": encoded[0], "thumbnail": encoded[1], "content_type": content_type,
            "suffix": suffix, "width": image.width, "height": image.height}


@transaction.atomic
def forum_photo_add(*, edition: ForumEdition, actor, upload, caption: str) -> ForumPhoto:
    """A photo for the edition's gallery, with the caption that describes it."""
    _refuse_unless_manager(actor)
    caption = (caption or "").strip()
    if not caption:
        raise ValidationError({"caption": _(
            "Describe what the photo shows: the caption is what people who cannot see it "
            "read.")})
    processed = photo_process(upload)
    photo = ForumPhoto(edition=edition, caption=caption,
                       content_type=processed["content_type"], width=processed["width"],
                       height=processed["height"], uploaded_by=actor)
    name = f"photo.{processed['suffix']}"
    photo.image.save(name, ContentFile(processed["image"]), save=False)
    photo.thumbnail.save(name, ContentFile(processed["thumbnail"]), save=False)
    try:
        photo.full_clean()
        photo.save()
    except Exception:
        _remove_files(photo)
        raise
    audit_record(actor=actor, action="forum_photo.add", target=edition, year=edition.year,
                 photo=photo.pk, caption=caption[:100])
    return photo


def _remove_files(photo: ForumPhoto) -> None:
    for field in (photo.image, photo.thumbnail):
        if field.name:
            field.storage.delete(field.name)


@transaction.atomic
def forum_photo_delete(*, photo: ForumPhoto, actor) -> None:
    """Remove a photo from the gallery; its files go once the removal is committed."""
    _refuse_unless_manager(actor)
    edition = photo.edition
    audit_record(actor=actor, action="forum_photo.delete", target=edition, year=edition.year,
                 caption=photo.caption[:100])
    files = [(field.storage, field.name) for field in (photo.image, photo.thumbnail)
             if field.name]
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
