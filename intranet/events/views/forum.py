"""The Expertenforum in the browser: editions, the host rotation and its adoption."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from intranet.core.access import access_rule, not_found
from intranet.core.downloads import private_image_response
from intranet.core.errors import ConflictError
from intranet.core.forms import copy_service_errors
from networks.models import TaskState

from .. import selectors, services
from ..forms import (
    AdoptHostForm,
    ForumEditionForm,
    ForumPhotoForm,
    ForumPlanForm,
    ForumPlanShiftForm,
    ForumStepForm,
)
from ..permissions import (
    access_forum_edition,
    access_forum_photo,
    access_forum_step,
    can_manage_forum,
    can_view_event,
    can_view_forum_plan,
    can_work_on_forum_step,
)
from .open_space import open_space_context

# --- Expertenforum ---------------------------------------------------------------------

@access_rule("login: forum_edition_list_visible_to")
def forum_list(request):
    return render(request, "events/forum_list.html", {
        "editions": selectors.with_cover(
            selectors.forum_edition_list_visible_to(user=request.user))})


@access_rule("login: access_forum_edition; the event's link only when can_view_event; "
             "the plan by can_view_forum_plan")
def forum_detail(request, year: int):
    user = request.user
    edition = access_forum_edition(user, year)
    event = edition.event
    may_manage = can_manage_forum(user)
    steps = list(selectors.forum_plan_of(edition=edition))
    for step in steps:
        step.may_work = can_work_on_forum_step(user, step)
    plan_complete = {step.key for step in services.FORUM_PLAN} <= {s.step for s in steps}
    return render(request, "events/forum_detail.html", {
        "edition": edition, "may_manage": may_manage,
        **open_space_context(user, edition),
        "event": event if event is not None and can_view_event(user, event) else None,
        "steps": steps if can_view_forum_plan(user, steps) else None,
        "plan_form": (ForumPlanForm(planners=selectors.forum_planners(edition=edition),
                                    initial={"owner": user.pk})
                      if may_manage and edition.start_date and not plan_complete else None),
        "photos": [_with_edition(photo, edition)
                   for photo in selectors.forum_photos_of(edition=edition)]})


def _with_edition(photo, edition):
    photo.edition = edition  # its addresses name the year: no query per photo
    return photo


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


# --- Editing an edition ------------------------------------------------------------------

def _managed_edition(request, year: int):
    """The edition (404 as for everyone) for someone who plans the forum, else 403."""
    edition = access_forum_edition(request.user, year)
    if not can_manage_forum(request.user):
        raise PermissionDenied
    return edition


def _edition_initial(edition) -> dict:
    return {
        "host_organisation": edition.host_organisation.slug, "theme": edition.theme,
        "start_date": edition.start_date, "end_date": edition.end_date,
        "venue": edition.venue, "description": edition.description,
        "event": edition.event_id,
    }


@access_rule("login: access_forum_edition + can_manage_forum; forum_edition_update")
def forum_edit(request, year: int):
    user = request.user
    edition = _managed_edition(request, year)
    form = ForumEditionForm(
        request.POST or None, initial=_edition_initial(edition),
        events=selectors.forum_events_linkable_to(user=user, edition=edition))
    before = edition.start_date
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.forum_edition_update(edition=edition, actor=user,
                                                    **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except (PermissionDenied, ConflictError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The edition has been saved."))
            moved = _days_moved(before, edition.start_date)
            if moved and selectors.forum_plan_of(edition=edition).exclude(
                    state=TaskState.DONE).exists():
                return redirect(reverse("events:forum_plan_shift", args=[edition.year])
                                + f"?tage={moved}")
            return redirect(edition)
    return render(request, "events/forum_form.html", {
        "form": form, "edition": edition, "cancel_url": edition.get_absolute_url(),
        "page_title": _("Edit the Expertenforum %(year)s") % {"year": edition.year},
        "submit_label": _("Save")})


def _days_moved(before, after) -> int:
    return (after - before).days if before and after else 0


# --- The planning timeline -----------------------------------------------------------------

@require_POST
@access_rule("login: access_forum_edition + can_manage_forum; forum_plan_create")
def forum_plan_create(request, year: int):
    user = request.user
    edition = _managed_edition(request, year)
    form = ForumPlanForm(request.POST, planners=selectors.forum_planners(edition=edition))
    if not form.is_valid():
        messages.error(request, _("Choose who owns the steps."))
        return redirect(edition)
    try:
        created = services.forum_plan_create(edition=edition, actor=user,
                                             owner=form.cleaned_data["owner"])
    except (ValidationError, ConflictError) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        if created:
            messages.success(request, ngettext(
                "%(count)s step has been added to the plan.",
                "%(count)s steps have been added to the plan.", len(created)) % {
                "count": len(created)})
        else:
            messages.info(request, _("The plan already has every standard step."))
    return redirect(reverse("events:forum_detail", args=[edition.year]) + "#h-plan")


def _back_to_plan(edition):
    return redirect(reverse("events:forum_detail", args=[edition.year]) + "#h-plan")


@access_rule("login: access_forum_edition + can_manage_forum; access_forum_step")
def forum_step_edit(request, year: int, pk: int):
    user = request.user
    edition = _managed_edition(request, year)
    step = access_forum_step(user, edition, pk)
    form = ForumStepForm(request.POST or None,
                         planners=selectors.forum_planners(edition=edition),
                         initial={"assignee": step.assignee_id, "due": step.due,
                                  "state": step.state})
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_plan_step_update(task=step, actor=user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except (PermissionDenied, ConflictError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The step has been saved."))
            return _back_to_plan(edition)
    return render(request, "events/forum_form.html", {
        "form": form, "edition": edition, "cancel_url": edition.get_absolute_url(),
        "page_title": _("Step: %(title)s") % {"title": step.title}, "submit_label": _("Save")})


@require_POST
@access_rule("login: access_forum_edition + access_forum_step (its owner or can_manage_forum)")
def forum_step_done(request, year: int, pk: int):
    user = request.user
    edition = access_forum_edition(user, year)
    step = access_forum_step(user, edition, pk)
    done = request.POST.get("done") != "0"
    try:
        services.forum_plan_step_done(task=step, actor=user, done=done)
    except (PermissionDenied, ConflictError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” is done.") % {"title": step.title} if done
                         else _("“%(title)s” is open again.") % {"title": step.title})
    return _back_to_plan(edition)


@access_rule("login: access_forum_edition + can_manage_forum; forum_plan_shift")
def forum_plan_shift(request, year: int):
    user = request.user
    edition = _managed_edition(request, year)
    open_steps = list(selectors.forum_plan_of(edition=edition).exclude(state=TaskState.DONE))
    form = ForumPlanShiftForm(request.POST or None,
                              initial={"days": request.GET.get("tage", "0")})
    if request.method == "POST" and form.is_valid():
        moved = services.forum_plan_shift(edition=edition, actor=user,
                                          days=form.cleaned_data["days"])
        messages.success(request, ngettext(
            "%(count)s open step has been moved.", "%(count)s open steps have been moved.",
            moved) % {"count": moved})
        return _back_to_plan(edition)
    return render(request, "events/forum_plan_shift.html", {
        "form": form, "edition": edition, "open_steps": open_steps})


# --- The gallery ---------------------------------------------------------------------------

PHOTO_SIZES = ("gross", "klein")  # the photo and its thumbnail, in the address

@access_rule("login: access_forum_edition + can_manage_forum; forum_photo_add")
def forum_photo_add(request, year: int):
    user = request.user
    edition = _managed_edition(request, year)
    form = ForumPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_photo_add(edition=edition, actor=user,
                                     upload=form.cleaned_data["image"],
                                     caption=form.cleaned_data["caption"])
        except ValidationError as error:
            copy_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The photo is in the gallery."))
            if "another" in request.POST:
                return redirect("events:forum_photo_add", year=edition.year)
            return redirect(reverse("events:forum_detail", args=[edition.year])
                            + "#h-gallery")
    return render(request, "events/forum_form.html", {
        "form": form, "edition": edition, "multipart": True, "another": True,
        "cancel_url": edition.get_absolute_url(),
        "page_title": _("Add a photo to the Expertenforum %(year)s") % {"year": edition.year},
        "submit_label": _("Add the photo")})


@access_rule("login: access_forum_edition + access_forum_photo (the photos follow the forum)")
def forum_photo(request, year: int, pk: int, size: str):
    edition = access_forum_edition(request.user, year)
    photo = access_forum_photo(request.user, edition, pk)
    if size not in PHOTO_SIZES:
        raise not_found()
    field = photo.image if size == "gross" else photo.thumbnail
    return private_image_response(field.storage, field.name, content_type=photo.content_type)


@require_POST
@access_rule("login: access_forum_edition + can_manage_forum; forum_photo_delete")
def forum_photo_delete(request, year: int, pk: int):
    edition = _managed_edition(request, year)
    photo = access_forum_photo(request.user, edition, pk)
    services.forum_photo_delete(photo=photo, actor=request.user)
    messages.success(request, _("The photo has been removed from the gallery."))
    return redirect(reverse("events:forum_detail", args=[edition.year]) + "#h-gallery")
