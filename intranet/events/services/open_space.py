"""Writes of the Expertenforum's open space: proposals, interest, rooms and slots, the
placing of sessions and their results."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.errors import ConflictError
from intranet.core.markdown import render_markdown
from intranet.core.services import audit_record
from intranet.notifications.models import Kind as NotificationKind
from intranet.notifications.services import notify

from .. import permissions
from ..models import (
    ForumEdition,
    OpenSpaceInterest,
    OpenSpaceRoom,
    OpenSpaceSession,
    OpenSpaceSlot,
)


def _programme_url(edition: ForumEdition) -> str:
    return reverse("events:open_space_programme", args=[edition.year])


def _proposals_url(edition: ForumEdition) -> str:
    return reverse("events:open_space", args=[edition.year])


def _check_host(host) -> None:
    if not permissions.can_view_forum(host):
        raise ValidationError({"host": _("The host must be an active colleague.")})


# --- Proposals ---------------------------------------------------------------------------

@transaction.atomic
def open_space_session_propose(*, actor, edition: ForumEdition, title: str,
                               description: str = "", host=None) -> OpenSpaceSession:
    """A question or concern brought to the forum as a session; the proposer hosts it
    unless someone else is named."""
    if not permissions.can_propose_session(actor, edition):
        raise PermissionDenied(_("Proposals for this forum are closed."))
    host = host or actor
    _check_host(host)
    session = OpenSpaceSession(edition=edition, title=title.strip(),
                               description=description.strip(), host=host, proposed_by=actor)
    session.full_clean()
    session.save()
    audit_record(actor=actor, action="open_space.propose", target=edition,
                 session=session.pk, title=session.title)
    if host.pk != actor.pk:
        notify(recipients=[host], text=(gettext_lazy(
            "%(name)s has named you host of the session “%(title)s” at the %(forum)s."), {
            "name": actor.name, "title": session.title, "forum": str(edition)}),
            url=_proposals_url(edition),
            kind=NotificationKind.EVENT, event_key=f"open-space:{session.pk}:host:{host.pk}")
    return session


@transaction.atomic
def open_space_session_update(*, actor, session: OpenSpaceSession, title: str,
                              description: str = "", host=None) -> OpenSpaceSession:
    """Its proposer or host changes it until it is placed; the organisers always."""
    session = OpenSpaceSession.objects.select_for_update().select_related("edition").get(
        pk=session.pk)
    if not permissions.can_edit_session(actor, session):
        raise PermissionDenied(_("The programme is fixed: this session can no longer be "
                                 "changed."))
    session.title, session.description = title.strip(), description.strip()
    if host is not None:
        _check_host(host)
        session.host = host
    session.full_clean()
    session.save()
    audit_record(actor=actor, action="open_space.update", target=session.edition,
                 session=session.pk, title=session.title)
    return session


@transaction.atomic
def open_space_session_withdraw(*, actor, session: OpenSpaceSession) -> None:
    """Take a proposal back (with the interest in it) until it is placed."""
    session = OpenSpaceSession.objects.select_for_update().select_related("edition").get(
        pk=session.pk)
    if not permissions.can_edit_session(actor, session):
        raise PermissionDenied(_("The programme is fixed: this session can no longer be "
                                 "withdrawn."))
    audit_record(actor=actor, action="open_space.withdraw", target=session.edition,
                 session=session.pk, title=session.title)
    session.delete()


@transaction.atomic
def open_space_interest_toggle(*, actor, session: OpenSpaceSession) -> bool:
    """"Interessiert mich" on or off; returns whether the person is now interested.
    The unique (session, person) decides when the same person presses twice at once."""
    if not permissions.can_mark_interest(actor, session):
        raise PermissionDenied(_("Interest in this forum's sessions is closed."))
    deleted, _rows = OpenSpaceInterest.objects.filter(session=session, user=actor).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            OpenSpaceInterest.objects.create(session=session, user=actor)
    except IntegrityError:
        pass  # the same person's other request got there first: marked once
    return True


# --- Rooms and slots ---------------------------------------------------------------------

def _check_organiser(actor, edition: ForumEdition) -> None:
    if not permissions.can_schedule_sessions(actor, edition):
        raise PermissionDenied(_("Only the organisers plan the programme."))


@transaction.atomic
def open_space_room_create(*, actor, edition: ForumEdition, name: str,
                           capacity: int | None = None) -> OpenSpaceRoom:
    _check_organiser(actor, edition)
    name = name.strip()
    if OpenSpaceRoom.objects.filter(edition=edition, name__iexact=name).exists():
        raise ValidationError({"name": _("This edition already has a room of this name.")})
    room = OpenSpaceRoom(edition=edition, name=name, capacity=capacity)
    room.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            room.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("This edition already has a room of this name.")}) from error
    audit_record(actor=actor, action="open_space.room_create", target=edition, room=name)
    return room


@transaction.atomic
def open_space_slot_create(*, actor, edition: ForumEdition, starts_at: datetime.datetime,
                           ends_at: datetime.datetime) -> OpenSpaceSlot:
    _check_organiser(actor, edition)
    slot = OpenSpaceSlot(edition=edition, starts_at=starts_at, ends_at=ends_at)
    slot.full_clean(validate_constraints=False)
    if OpenSpaceSlot.objects.filter(edition=edition, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": _("A time slot already begins at this time.")})
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError as error:
        raise ValidationError(
            {"starts_at": _("A time slot already begins at this time.")}) from error
    audit_record(actor=actor, action="open_space.slot_create", target=edition,
                 slot=str(slot))
    return slot


@transaction.atomic
def open_space_room_delete(*, actor, room: OpenSpaceRoom) -> None:
    _check_organiser(actor, room.edition)
    if room.sessions.exists():
        raise ConflictError(_("Sessions are placed in this room: move them first."))
    audit_record(actor=actor, action="open_space.room_delete", target=room.edition,
                 room=room.name)
    room.delete()


@transaction.atomic
def open_space_slot_delete(*, actor, slot: OpenSpaceSlot) -> None:
    _check_organiser(actor, slot.edition)
    if slot.sessions.exists():
        raise ConflictError(_("Sessions are placed in this time slot: move them first."))
    audit_record(actor=actor, action="open_space.slot_delete", target=slot.edition,
                 slot=str(slot))
    slot.delete()


# --- Placing -------------------------------------------------------------------------------

@transaction.atomic
def open_space_session_schedule(*, actor, session: OpenSpaceSession,
                                room: OpenSpaceRoom | None,
                                slot: OpenSpaceSlot | None) -> list:
    """Place a session into a room and a slot (both None: take it out of the programme).
    A double booking is allowed but returned as conflicts, for the organiser to see."""
    from ..selectors import session_conflicts

    session = OpenSpaceSession.objects.select_for_update().select_related(
        "edition", "host").get(pk=session.pk)
    _check_organiser(actor, session.edition)
    session.room, session.slot = room, slot
    session.full_clean()
    session.save(update_fields=["room", "slot", "updated_at"])
    audit_record(actor=actor, action="open_space.schedule" if slot else "open_space.unschedule",
                 target=session.edition, session=session.pk,
                 room=room.name if room else "", slot=str(slot) if slot else "")
    if slot is not None:
        start = timezone.localtime(slot.starts_at)
        notify(recipients=[session.host], text=(gettext_lazy(
            "Your session “%(title)s” is in the programme: %(when)s, %(room)s."), {
            "title": session.title, "when": f"{start:%d.%m.%Y %H:%M}", "room": room.name}),
            url=_programme_url(session.edition), kind=NotificationKind.EVENT, exclude=actor)
    return session_conflicts(session=session)


# --- Results --------------------------------------------------------------------------------

def _shift_headings(html: str) -> str:
    """The results sit under the session's <h3> on the edition page: their headings start
    at <h4> (Markdown's # and ## become h4, ### h5, #### h6)."""
    for level in (4, 3, 2):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>")
    return html


@transaction.atomic
def open_space_session_results(*, actor, session: OpenSpaceSession,
                               results: str) -> OpenSpaceSession:
    """What the session found, in Markdown, by its host or an organiser after the forum
    has begun; rendered and sanitised once, here."""
    session = OpenSpaceSession.objects.select_for_update().select_related("edition").get(
        pk=session.pk)
    if not permissions.can_write_results(actor, session):
        raise PermissionDenied(_("Only the host or an organiser writes the results, once the "
                                 "forum has begun."))
    session.results = results.strip()
    session.results_html = _shift_headings(render_markdown(session.results)) \
        if session.results else ""
    session.results_by, session.results_at = actor, timezone.now()
    session.full_clean()
    session.save(update_fields=["results", "results_html", "results_by", "results_at",
                                "updated_at"])
    audit_record(actor=actor, action="open_space.results", target=session.edition,
                 session=session.pk)
    return session
