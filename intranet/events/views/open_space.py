"""The Expertenforum's open space in the browser: the proposals with their interest, the
programme grid (with the organisers' placing), and each session's results.

Every page reads the edition through ``access_forum_edition`` and a session through
``access_open_space_session``: missing and hidden give the one 404; a write someone may
not do is a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.core.access import access_rule, not_found
from intranet.core.errors import ConflictError
from intranet.core.forms import copy_service_errors

from .. import selectors, services
from ..forms import PlaceForm, ResultsForm, RoomForm, SessionProposalForm, SlotForm
from ..permissions import (
    access_forum_edition,
    access_open_space_room,
    access_open_space_session,
    access_open_space_slot,
    can_edit_session,
    can_mark_interest,
    can_propose_session,
    can_schedule_sessions,
    can_write_results,
)


def _session(request, year: int, pk: int):
    edition = access_forum_edition(request.user, year)
    session = access_open_space_session(request.user, edition, pk)
    session.edition = edition  # read once: the permission checks reuse it
    return edition, session


def _proposals_url(edition, session=None) -> str:
    url = reverse("events:open_space", args=[edition.year])
    return f"{url}#session-{session.pk}" if session is not None else url


def _programme_url(edition) -> str:
    return reverse("events:open_space_programme", args=[edition.year])


# --- Proposals and interest ------------------------------------------------------------

@access_rule("login: access_forum_edition; open_space_sessions_visible_to")
def open_space(request, year: int):
    user = request.user
    edition = access_forum_edition(user, year)
    sessions = list(selectors.open_space_sessions_visible_to(user=user, edition=edition))
    for session in sessions:
        session.edition = edition
        session.may_edit = can_edit_session(user, session)
        session.may_mark = can_mark_interest(user, session)
    return render(request, "events/open_space/proposals.html", {
        "edition": edition, "sessions": sessions,
        "may_propose": can_propose_session(user, edition),
        "may_schedule": can_schedule_sessions(user, edition)})


@access_rule("login: access_forum_edition + can_propose_session")
def open_space_propose(request, year: int):
    user = request.user
    edition = access_forum_edition(user, year)
    if not can_propose_session(user, edition):
        raise PermissionDenied
    form = SessionProposalForm(request.POST or None, viewer=user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.open_space_session_propose(actor=user, edition=edition,
                                                          **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your session is proposed. Others can now mark "
                                        "their interest."))
            return redirect(_proposals_url(edition, session))
    return render(request, "events/open_space/proposal_form.html", {
        "edition": edition, "form": form, "page_title": _("Propose a session"),
        "submit_label": _("Propose the session")})


@access_rule("login: access_open_space_session + can_edit_session")
def open_space_edit(request, year: int, pk: int):
    user = request.user
    edition, session = _session(request, year, pk)
    if not can_edit_session(user, session):
        raise PermissionDenied
    initial = {"title": session.title, "description": session.description,
               "host": session.host.email if session.host_id != user.pk else ""}
    form = SessionProposalForm(request.POST or None, initial=initial, viewer=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["host"] = data["host"] or user
        try:
            services.open_space_session_update(actor=user, session=session, **data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The session has been saved."))
            return redirect(_proposals_url(edition, session))
    return render(request, "events/open_space/proposal_form.html", {
        "edition": edition, "form": form, "session": session,
        "page_title": _("Edit the session"), "submit_label": _("Save")})


@require_POST
@access_rule("login: access_open_space_session + can_edit_session")
def open_space_withdraw(request, year: int, pk: int):
    edition, session = _session(request, year, pk)
    if not can_edit_session(request.user, session):
        raise PermissionDenied
    services.open_space_session_withdraw(actor=request.user, session=session)
    messages.success(request, _("The session has been withdrawn."))
    return redirect(_proposals_url(edition))


@require_POST
@access_rule("login: access_open_space_session + can_mark_interest")
def open_space_interest(request, year: int, pk: int):
    edition, session = _session(request, year, pk)
    if not can_mark_interest(request.user, session):
        raise PermissionDenied
    if services.open_space_interest_toggle(actor=request.user, session=session):
        messages.success(request, _("Marked: “%(title)s” interests you.") % {
            "title": session.title})
    else:
        messages.success(request, _("Your interest in “%(title)s” is removed.") % {
            "title": session.title})
    return redirect(_proposals_url(edition, session))


# --- The programme -----------------------------------------------------------------------

def _programme_page(request, edition, *, room_form=None, slot_form=None, place_form=None,
                    status: int = 200):
    user = request.user
    may_schedule = can_schedule_sessions(user, edition)
    if may_schedule:
        room_form = room_form or RoomForm()
        slot_form = slot_form or SlotForm(edition=edition)
    return render(request, "events/open_space/programme.html", {
        "edition": edition,
        "programme": selectors.open_space_programme_visible_to(user=user, edition=edition),
        "may_schedule": may_schedule, "may_propose": can_propose_session(user, edition),
        "room_form": room_form if may_schedule else None,
        "slot_form": slot_form if may_schedule else None,
        "place_form": place_form,
        "place_session_pk": place_form.cleaned_data["session"].pk if place_form else None},
        status=status)


@access_rule("login: access_forum_edition; open_space_programme_visible_to; placing: "
             "can_schedule_sessions")
def open_space_programme(request, year: int):
    return _programme_page(request, access_forum_edition(request.user, year))


def _organised_edition(request, year: int):
    edition = access_forum_edition(request.user, year)
    if not can_schedule_sessions(request.user, edition):
        raise PermissionDenied
    return edition


@require_POST
@access_rule("login: access_forum_edition + can_schedule_sessions")
def open_space_place(request, year: int):
    edition = _organised_edition(request, year)
    form = PlaceForm(request.POST, edition=edition)
    if not form.is_valid():
        session_errors = form.errors.get("session")
        if session_errors:
            raise not_found()  # a session of another edition, or none
        return _programme_page(request, edition, place_form=form, status=400)
    session = form.cleaned_data["session"]
    room, slot = form.cleaned_data["room"], form.cleaned_data["slot"]
    try:
        conflicts = services.open_space_session_schedule(actor=request.user, session=session,
                                                         room=room, slot=slot)
    except ValidationError as error:
        copy_service_errors(form, error)
        return _programme_page(request, edition, place_form=form, status=400)
    if slot is None:
        messages.success(request, _("“%(title)s” is no longer in the programme.") % {
            "title": session.title})
    elif conflicts:
        for conflict in conflicts:
            messages.warning(request, _conflict_text(conflict))
    else:
        messages.success(request, _("“%(title)s” is placed: %(slot)s, %(room)s.") % {
            "title": session.title, "slot": str(slot), "room": room.name})
    return redirect(_programme_url(edition))


def _conflict_text(conflict) -> str:
    titles = ", ".join(f"„{session.title}“" for session in conflict.sessions)
    if conflict.kind == "room":
        return _("Double booking: %(room)s is taken twice at %(slot)s (%(titles)s).") % {
            "room": conflict.what.name, "slot": str(conflict.slot), "titles": titles}
    return _("Double booking: %(host)s hosts two sessions at %(slot)s (%(titles)s).") % {
        "host": conflict.what.name, "slot": str(conflict.slot), "titles": titles}


@require_POST
@access_rule("login: access_forum_edition + can_schedule_sessions")
def open_space_room_add(request, year: int):
    edition = _organised_edition(request, year)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            room = services.open_space_room_create(actor=request.user, edition=edition,
                                                   **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("Room %(name)s added.") % {"name": room.name})
            return redirect(_programme_url(edition))
    return _programme_page(request, edition, room_form=form, status=400)


@require_POST
@access_rule("login: access_forum_edition + can_schedule_sessions")
def open_space_slot_add(request, year: int):
    edition = _organised_edition(request, year)
    form = SlotForm(request.POST, edition=edition)
    if form.is_valid():
        try:
            slot = services.open_space_slot_create(
                actor=request.user, edition=edition, starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"])
        except ValidationError as error:
            copy_service_errors(form, error, rename={"starts_at": "begins",
                                                     "ends_at": "ends"})
        else:
            messages.success(request, _("Time slot %(slot)s added.") % {"slot": str(slot)})
            return redirect(_programme_url(edition))
    return _programme_page(request, edition, slot_form=form, status=400)


@require_POST
@access_rule("login: access_forum_edition + can_schedule_sessions")
def open_space_room_delete(request, year: int, pk: int):
    edition = _organised_edition(request, year)
    room = access_open_space_room(request.user, edition, pk)
    try:
        services.open_space_room_delete(actor=request.user, room=room)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Room %(name)s removed.") % {"name": room.name})
    return redirect(_programme_url(edition))


@require_POST
@access_rule("login: access_forum_edition + can_schedule_sessions")
def open_space_slot_delete(request, year: int, pk: int):
    edition = _organised_edition(request, year)
    slot = access_open_space_slot(request.user, edition, pk)
    try:
        services.open_space_slot_delete(actor=request.user, slot=slot)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Time slot %(slot)s removed.") % {"slot": str(slot)})
    return redirect(_programme_url(edition))


# --- The edition page -------------------------------------------------------------------

def open_space_context(user, edition) -> dict:
    """The edition page's open space: the sessions of the programme with their results
    (one query), and whether proposals are still taken."""
    sessions = list(selectors.open_space_results_of(user=user, edition=edition))
    for session in sessions:
        session.edition = edition
        session.may_write_results = can_write_results(user, session)
    return {"open_space_sessions": sessions,
            "open_space_open": can_propose_session(user, edition)}


# --- Results -----------------------------------------------------------------------------

@access_rule("login: access_open_space_session + can_write_results")
def open_space_results(request, year: int, pk: int):
    user = request.user
    edition, session = _session(request, year, pk)
    if not can_write_results(user, session):
        raise PermissionDenied
    form = ResultsForm(request.POST or None, initial={"results": session.results})
    if request.method == "POST" and form.is_valid():
        try:
            services.open_space_session_results(actor=user, session=session,
                                                results=form.cleaned_data["results"])
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The results have been saved."))
            return redirect(f"{edition.get_absolute_url()}#session-{session.pk}")
    return render(request, "events/open_space/results_form.html", {
        "edition": edition, "session": session, "form": form})
