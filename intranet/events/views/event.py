"""Events in the browser: thin views over selectors, permissions and services.

Every page of an event reads it through ``access_event``: hidden and missing give the one
404. A write checks its ``can_*`` predicate: 403 for someone who sees the event but may not
do this.
"""

import zoneinfo

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.accounts.selectors import organisation_list_visible_to
from intranet.core.access import PUBLIC, access_rule, not_found
from intranet.core.errors import ConflictError
from intranet.core.exports import csv_response
from intranet.core.forms import copy_service_errors
from intranet.notifications.services import notifications_mark_read

from .. import ical, selectors, services
from ..forms import CalendarFilterForm, CancelForm, EventForm
from ..models import Audience, RegistrationStatus
from ..permissions import (
    access_event,
    can_create_events,
    can_manage_event,
    can_register_for_event,
)
from .records import records_context

EVENTS_PER_PAGE = 25
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@access_rule("login: calendar_visible_to (event_list_visible_to)")
def calendar(request):
    user = request.user
    form = CalendarFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.calendar_visible_to(
        user=user, kind=filters.get("kind", ""), mine=filters.get("mine", False),
        past=filters.get("past", False))
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "events/calendar.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "past": filters.get("past", False), "may_create": can_create_events(user)})


@access_rule("login: access_event (event_list_visible_to) with counts")
def event_detail(request, pk: int):
    user = request.user
    event = selectors.event_with_counts(user=user, pk=pk)
    if event is None:
        raise not_found()
    notifications_mark_read(user=user, event=event)
    may_manage = can_manage_event(user, event)
    return render(request, "events/detail.html", {
        "event": event,
        "may_register": not event.my_status and can_register_for_event(user, event),
        "may_manage": may_manage,
        "organisers": selectors.organisers_of(event=event),
        "cancel_form": CancelForm() if may_manage and not event.is_cancelled else None,
        "free_places": (None if event.capacity is None
                        else max(event.capacity - event.registered_count, 0)),
        **records_context(user, event, may_manage=may_manage),
    })


# --- Writing ----------------------------------------------------------------------------

def _form(request, *, initial=None):
    user = request.user
    return EventForm(request.POST or None, initial=initial, viewer=user,
                     networks=selectors.networks_for_meetings_of(user=user),
                     cities=organisation_list_visible_to(user=user).order_by("name"))


@access_rule("login: can_create_events; event_create checks kind and network")
def event_create(request):
    user = request.user
    if not can_create_events(user):
        raise PermissionDenied
    initial = {}
    slug = request.GET.get("network")
    networks = selectors.networks_for_meetings_of(user=user)
    if slug and networks.filter(slug=slug).exists():
        initial = {"network": slug, "kind": "network", "audience": Audience.NETWORK}
    form = _form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except (PermissionDenied, ConflictError) as error:
            form.add_error(None, str(error) or _("You cannot create this kind of event."))
        else:
            messages.success(request, _("The event is in the calendar."))
            return redirect(event)
    return render(request, "events/event_form.html", {
        "form": form, "page_title": _("New event"), "cancel_url": reverse("events:calendar"),
        "submit_label": _("Create event")})


def _initial_of(event) -> dict:
    return {
        "kind": event.kind, "title": event.title, "description": event.description,
        "start": event.start.astimezone(BERLIN), "end": event.end.astimezone(BERLIN),
        "venue": event.venue, "address": event.address, "online_url": event.online_url,
        "host_organisation": event.host_organisation.slug if event.host_organisation else None,
        "audience": event.audience, "network": event.network.slug if event.network else None,
        "roles": [row.role for row in event.audience_roles.all()],
        "cities": list(event.audience_cities.all()),
        "people": "\n".join(p.email for p in event.audience_people.order_by("email")),
        "organisers": "\n".join(p.email for p in event.organisers.order_by("email")),
        "capacity": event.capacity,
        "registration_deadline": (event.registration_deadline.astimezone(BERLIN)
                                  if event.registration_deadline else None),
    }


@access_rule("login: access_event + can_manage_event")
def event_edit(request, pk: int):
    user = request.user
    event = access_event(user, pk)
    if not can_manage_event(user, event):
        raise PermissionDenied
    if event.is_cancelled:
        messages.error(request, _("This event is cancelled and can no longer be changed."))
        return redirect(event)
    form = _form(request, initial=_initial_of(event))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        audience = {name: data.pop(name) for name in ("roles", "cities", "people")}
        organisers = data.pop("organisers")
        try:
            services.event_update(event=event, actor=user, organisers=organisers or None,
                                  **audience, **data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except (PermissionDenied, ConflictError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(event)
    return render(request, "events/event_form.html", {
        "form": form, "event": event, "page_title": _("Edit the event"),
        "cancel_url": event.get_absolute_url(), "submit_label": _("Save")})


@require_POST
@access_rule("login: access_event + can_manage_event")
def event_cancel(request, pk: int):
    event = access_event(request.user, pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if not form.is_valid():
        # A note that cannot be sent (too long, control characters) stops the cancellation
        # instead of cancelling without it.
        messages.error(request, " ".join(error for errors in form.errors.values()
                                         for error in errors))
        return redirect(event)
    try:
        services.event_cancel(event=event, actor=request.user,
                              reason=form.cleaned_data["reason"])
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The event is cancelled; everyone registered is told."))
    return redirect(event)


# --- Registration -----------------------------------------------------------------------

@require_POST
@access_rule("login: access_event; registration_create checks can_register_for_event")
def register(request, pk: int):
    event = access_event(request.user, pk)
    try:
        registration = services.registration_create(event=event, user=request.user)
    except (ConflictError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(request, _("You are registered."))
        else:
            messages.info(request, _("All places are taken: you are on the waitlist and "
                                     "will be told when a place becomes free."))
    return redirect(event)


@require_POST
@access_rule("login: access_event; one's own registration")
def unregister(request, pk: int):
    event = access_event(request.user, pk)
    try:
        services.registration_cancel(event=event, user=request.user)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(event)


# --- For the organisers -----------------------------------------------------------------

def _managed_event(request, pk: int):
    event = access_event(request.user, pk)
    if not can_manage_event(request.user, event):
        raise PermissionDenied
    return event


@access_rule("login: access_event + can_manage_event")
def participants(request, pk: int):
    event = _managed_event(request, pk)
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("attended") if value.isdigit()]
        services.attendance_record(event=event, actor=request.user, attended_user_ids=ids)
        messages.success(request, _("Attendance has been saved."))
        return redirect("events:participants", pk=event.pk)
    rows = list(selectors.participants_of(event=event))
    return render(request, "events/participants.html", {
        "event": event,
        "registered": [row for row in rows if row.status == RegistrationStatus.REGISTERED],
        "waitlisted": [row for row in rows if row.status == RegistrationStatus.WAITLISTED],
    })


@access_rule("login: access_event + can_manage_event")
def participants_csv(request, pk: int):
    event = _managed_event(request, pk)
    header = [_("Name"), _("E-mail address"), _("City or organisation"), _("Status"),
              _("Waitlist place"), _("Registered at"), _("Attended")]
    position = 0
    rows = []
    for registration in selectors.participants_of(event=event):
        waiting = registration.status == RegistrationStatus.WAITLISTED
        position += waiting
        person = registration.user
        rows.append([person.name, person.email,
                     person.organisation.name if person.organisation else "",
                     registration.get_status_display(), position if waiting else "",
                     registration.created_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M"),
                     _("yes") if registration.attended else _("no")])
    return csv_response(f"teilnehmende-{event.pk}.csv", header, rows)


# --- iCalendar --------------------------------------------------------------------------

@access_rule("login: access_event")
def event_ics(request, pk: int):
    event = access_event(request.user, pk)
    return ical.ical_response(ical.calendar_of([event], name=event.title),
                              filename=f"termin-{event.pk}.ics")


# Public: the secret feed token in the address is the permission (renewable in the
# settings), as for the board's Atom feed.
@access_rule(PUBLIC)
def calendar_feed(request, token: str):
    """``/feeds/<token>/calendar.ics``: every event its owner may see (``?mine=1``: only
    those they are registered for or organise); a renewed token makes this a 404."""
    person = get_user_model().objects.filter(feed_token=token, is_active=True).first() \
        if token else None
    if person is None:
        raise not_found()
    events = selectors.feed_events_visible_to(user=person, mine=bool(request.GET.get("mine")))
    body = ical.calendar_of(events, name=_("Klima.Werk events of %(name)s") % {
        "name": person.name})
    return ical.ical_response(body, filename="klimawerk.ics")
