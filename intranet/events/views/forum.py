"""The Expertenforum in the browser: editions, the host rotation and its adoption."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.core.access import access_rule
from intranet.core.errors import ConflictError

from .. import selectors, services
from ..forms import AdoptHostForm
from ..permissions import access_forum_edition, can_manage_forum, can_view_event

# --- Expertenforum ---------------------------------------------------------------------

@access_rule("login: forum_edition_list_visible_to")
def forum_list(request):
    return render(request, "events/forum_list.html", {
        "editions": selectors.forum_edition_list_visible_to(user=request.user)})


@access_rule("login: access_forum_edition; the event's link only when can_view_event")
def forum_detail(request, year: int):
    user = request.user
    edition = access_forum_edition(user, year)
    event = edition.event
    return render(request, "events/forum_detail.html", {
        "edition": edition,
        "event": event if event is not None and can_view_event(user, event) else None})


@access_rule("login: forum_host_rotation_visible_to; adopting: can_manage_forum")
def forum_hosts(request):
    user = request.user
    return render(request, "events/forum_hosts.html", {
        "rotation": selectors.forum_host_rotation_visible_to(user=user),
        "may_adopt": can_manage_forum(user)})


@require_POST
@access_rule("login: can_manage_forum; forum_edition_create")
def forum_host_adopt(request):
    user = request.user
    if not can_manage_forum(user):
        raise PermissionDenied
    form = AdoptHostForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year and a member city."))
        return redirect("events:forum_hosts")
    try:
        edition = services.forum_edition_create(actor=user, **form.cleaned_data)
    except (ValidationError, ConflictError) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        return redirect("events:forum_hosts")
    messages.success(request, _("%(city)s hosts the Expertenforum %(year)s.") % {
        "city": edition.host_organisation.name, "year": edition.year})
    return redirect(edition)
