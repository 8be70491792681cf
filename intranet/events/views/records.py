"""A meeting's records in the browser: agenda and slides, proposals, minutes, decisions and
their follow-up tasks, the documentation in the library.

Every page reads the event through ``access_event`` (hidden and missing: the one 404), and
the parts of it through ``access_*`` of that event; a write checks its ``can_*``: 403 for
someone who sees the meeting but may not do this.
"""

import zoneinfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.core.access import access_rule, not_found
from intranet.core.downloads import private_file_response
from intranet.core.errors import ConflictError
from intranet.core.forms import copy_service_errors
from intranet.core.markdown import render_markdown
from intranet.core.permissions import has_role

from .. import selectors, services
from ..forms.records import (
    AgendaItemForm,
    DecisionFilterForm,
    DecisionForm,
    EventTaskEditForm,
    EventTaskForm,
    MinutesForm,
    ProposalDeadlineForm,
    ProposalDecisionForm,
    ProposalForm,
    SlideForm,
    TaskStateForm,
)
from ..models import Kind
from ..permissions import (
    PROPOSER_ROLES,
    access_agenda_item,
    access_decision,
    access_event,
    access_event_task,
    access_slide,
    can_manage_records,
    can_publish_documentation,
    can_view_decision_overview,
    may_propose_to,
    proposal_window_open,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def records_context(user, event, *, may_manage: bool) -> dict:
    """What the event page shows of the records (its include ``events/records/on_event``):
    the agenda, the minutes, the decisions with their tasks; proposals for the organisers
    and one's own. Three queries without records; more only for what there is."""
    manage = may_manage and not event.is_cancelled
    minutes = selectors.minutes_of(event=event)
    department_heads = event.kind == Kind.DEPARTMENT_HEADS
    context = {
        "agenda": selectors.agenda_of(event=event, user=user),
        "minutes": minutes,
        "minutes_html": mark_safe(render_markdown(minutes.text)) if minutes else "",  # noqa: S308 (render_markdown sanitises)  # nosec B308 B703
        "decisions": selectors.decisions_of(event=event),
        "may_manage_records": manage,
        "department_heads": department_heads,
    }
    if department_heads:
        context["proposals"] = selectors.proposals_of(event=event, user=user, manage=manage)
        context["proposals_open"] = proposal_window_open(event)
        context["may_propose"] = context["proposals_open"] and (
            manage or has_role(user, *PROPOSER_ROLES, "department_head"))
    if manage:
        context["may_publish"] = can_publish_documentation(user, event)
    return context


def _records_event(request, pk: int):
    event = access_event(request.user, pk)
    if not can_manage_records(request.user, event):
        raise PermissionDenied
    return event


def _back(event, anchor: str = "") -> str:
    return event.get_absolute_url() + (f"#{anchor}" if anchor else "")


def _form_page(request, *, event, form, title: str, submit: str, cancel_url: str,
               intro: str = "", multipart: bool = False):
    return render(request, "events/records/form.html", {
        "event": event, "form": form, "page_title": title, "submit_label": submit,
        "cancel_url": cancel_url, "intro": intro, "multipart": multipart})


def _local(value):
    return value.astimezone(BERLIN) if value else None


# --- Agenda -----------------------------------------------------------------------------

@access_rule("login: access_event + can_manage_records")
def agenda_manage(request, pk: int):
    """The organisers' agenda: order, edit, remove; proposals to decide; a new item."""
    user = request.user
    event = _records_event(request, pk)
    form = AgendaItemForm(request.POST or None, viewer=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_create(event=event, actor=user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The item is on the agenda."))
            return redirect("events:agenda", pk=event.pk)
    department_heads = event.kind == Kind.DEPARTMENT_HEADS
    next_meeting = (selectors.next_department_heads_meeting(after=event)
                    if department_heads else None)
    return render(request, "events/records/agenda.html", {
        "event": event, "form": form,
        "items": selectors.agenda_of(event=event, user=user),
        "proposals": (selectors.proposals_of(event=event, user=user, manage=True)
                      if department_heads else []),
        "decision_form": ProposalDecisionForm(),
        "deadline_form": ProposalDeadlineForm(initial={
            "proposal_deadline": _local(event.proposal_deadline)}),
        "department_heads": department_heads, "next_meeting": next_meeting,
    })


@access_rule("login: access_event + access_agenda_item + can_manage_records")
def agenda_item_edit(request, pk: int, item_pk: int):
    user = request.user
    event = _records_event(request, pk)
    item = access_agenda_item(user, event, item_pk)
    initial = {"title": item.title, "description": item.description,
               "starts_at": _local(item.starts_at), "duration": item.duration,
               "presenter_names": item.presenter_names,
               "presenters": "\n".join(p.email for p in item.presenters.order_by("email"))}
    form = AgendaItemForm(request.POST or None, initial=initial, viewer=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, actor=user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The agenda item has been saved."))
            return redirect("events:agenda", pk=event.pk)
    return render(request, "events/records/agenda_item.html", {
        "event": event, "item": item, "form": form, "slide_form": SlideForm(),
        "slides": list(item.slides.order_by("uploaded_at", "pk"))})


@require_POST
@access_rule("login: access_event + access_agenda_item + can_manage_records")
def agenda_item_delete(request, pk: int, item_pk: int):
    event = _records_event(request, pk)
    item = access_agenda_item(request.user, event, item_pk)
    services.agenda_item_delete(item=item, actor=request.user)
    messages.success(request, _("The agenda item has been removed."))
    return redirect("events:agenda", pk=event.pk)


@require_POST
@access_rule("login: access_event + access_agenda_item + can_manage_records")
def agenda_item_move(request, pk: int, item_pk: int):
    event = _records_event(request, pk)
    item = access_agenda_item(request.user, event, item_pk)
    try:
        services.agenda_item_move(item=item, actor=request.user,
                                  direction=request.POST.get("direction", ""))
    except (ValidationError, ConflictError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect(reverse("events:agenda", args=[event.pk]) + f"#item-{item.pk}")


@require_POST
@access_rule("login: access_event + access_agenda_item + can_manage_records")
def slide_upload(request, pk: int, item_pk: int):
    user = request.user
    event = _records_event(request, pk)
    item = access_agenda_item(user, event, item_pk)
    form = SlideForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.slide_add(item=item, actor=user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The file has been uploaded."))
            return redirect("events:agenda_item", pk=event.pk, item_pk=item.pk)
    return render(request, "events/records/agenda_item.html", {
        "event": event, "item": item, "slide_form": form,
        "form": AgendaItemForm(viewer=user, initial={"title": item.title}),
        "slides": list(item.slides.order_by("uploaded_at", "pk"))})


@access_rule("login: access_event + access_slide (the item's visibility)")
def slide_download(request, pk: int, slide_pk: int):
    event = access_event(request.user, pk)
    slide = access_slide(request.user, event, slide_pk)
    return private_file_response(slide.file, filename=slide.original_name,
                                 content_type=slide.content_type)


@require_POST
@access_rule("login: access_event + access_slide + can_manage_records")
def slide_delete(request, pk: int, slide_pk: int):
    event = _records_event(request, pk)
    slide = access_slide(request.user, event, slide_pk)
    services.slide_delete(slide=slide, actor=request.user)
    messages.success(request, _("The file has been removed."))
    return redirect("events:agenda_item", pk=event.pk, item_pk=slide.item_id)


# --- Proposals (the department-heads meeting) -------------------------------------------

@access_rule("login: access_event + may_propose_to; the window is agenda_item_propose's")
def proposal_create(request, pk: int):
    user = request.user
    event = access_event(user, pk)
    if not may_propose_to(user, event):
        raise PermissionDenied
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_propose(event=event, actor=user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your topic has been proposed. The "
                                        "organisers accept or defer it."))
            return redirect(_back(event, "proposals"))
    deadline = event.proposal_deadline or event.start
    intro = _("Proposals are taken until %(date)s.") % {
        "date": _local(deadline).strftime("%d.%m.%Y %H:%M")}
    if not proposal_window_open(event):
        intro = _("The deadline for proposals has passed; the organisers no longer take any.")
    return _form_page(request, event=event, form=form, title=_("Propose a topic"),
                      submit=_("Propose"), cancel_url=_back(event), intro=intro)


@require_POST
@access_rule("login: access_event + access_agenda_item + can_manage_records")
def proposal_decide(request, pk: int, item_pk: int):
    event = _records_event(request, pk)
    item = access_agenda_item(request.user, event, item_pk)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept, defer or decline the proposal."))
    else:
        try:
            services.agenda_item_decide(item=item, actor=request.user, **form.cleaned_data)
        except (ValidationError, ConflictError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The proposal has been decided; its proposer is told."))
    return redirect(reverse("events:agenda", args=[event.pk]) + "#proposals")


@require_POST
@access_rule("login: access_event + access_agenda_item + can_manage_records (both meetings)")
def proposal_carry_over(request, pk: int, item_pk: int):
    event = _records_event(request, pk)
    item = access_agenda_item(request.user, event, item_pk)
    target = selectors.next_department_heads_meeting(after=event)
    try:
        carried = services.agenda_item_carry_over(item=item, actor=request.user,
                                                  to_event=target)
    except (ConflictError, PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("The proposal is now a proposal for %(event)s.") % {
            "event": carried.event.title})
    return redirect(reverse("events:agenda", args=[event.pk]) + "#proposals")


@require_POST
@access_rule("login: access_event + can_manage_records")
def proposal_deadline(request, pk: int):
    event = _records_event(request, pk)
    form = ProposalDeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_deadline_set(event=event, actor=request.user,
                                           deadline=form.cleaned_data["proposal_deadline"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The deadline for proposals has been saved."))
    else:
        messages.error(request, _("Enter a valid date and time."))
    return redirect(reverse("events:agenda", args=[event.pk]) + "#deadline")


# --- Minutes ----------------------------------------------------------------------------

@access_rule("login: access_event + can_manage_records")
def minutes_edit(request, pk: int):
    event = _records_event(request, pk)
    minutes = selectors.minutes_of(event=event)
    form = MinutesForm(request.POST or None, initial={"text": minutes.text if minutes else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The minutes have been saved."))
            return redirect(_back(event, "minutes"))
    return _form_page(request, event=event, form=form, title=_("Minutes"), submit=_("Save"),
                      cancel_url=_back(event, "minutes"))


# --- Decisions and their tasks ----------------------------------------------------------

def _decision_form(request, event, **kwargs):
    items = selectors.agenda_of(event=event, user=request.user)
    return DecisionForm(request.POST or None, items=items, **kwargs)


@access_rule("login: access_event + can_manage_records")
def decision_create(request, pk: int):
    event = _records_event(request, pk)
    form = _decision_form(request, event)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(event=event, actor=request.user,
                                                **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect(_back(event, f"decision-{decision.pk}"))
    return _form_page(request, event=event, form=form, title=_("Record a decision"),
                      submit=_("Record"), cancel_url=_back(event, "decisions"))


@access_rule("login: access_event + access_decision + can_manage_records")
def decision_edit(request, pk: int, decision_pk: int):
    event = _records_event(request, pk)
    decision = access_decision(request.user, event, decision_pk)
    form = _decision_form(request, event, initial={
        "title": decision.title, "text": decision.text, "status": decision.status,
        "agenda_item": decision.agenda_item_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(decision=decision, actor=request.user,
                                     **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The decision has been saved."))
            return redirect(_back(event, f"decision-{decision.pk}"))
    return _form_page(request, event=event, form=form,
                      title=_("Decision %(reference)s") % {"reference": decision.reference},
                      submit=_("Save"), cancel_url=_back(event, f"decision-{decision.pk}"))


@access_rule("login: access_event + access_decision + can_manage_records")
def event_task_create(request, pk: int, decision_pk: int):
    user = request.user
    event = _records_event(request, pk)
    decision = access_decision(user, event, decision_pk)
    form = EventTaskForm(request.POST or None, viewer=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_task_create(actor=user, event=event, decision=decision,
                                       **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The task has been given out; the assignee is told."))
            return redirect(_back(event, f"decision-{decision.pk}"))
    return _form_page(
        request, event=event, form=form, submit=_("Give out the task"),
        title=_("Follow-up task"), cancel_url=_back(event, f"decision-{decision.pk}"),
        intro=_("For decision %(reference)s: %(title)s") % {
            "reference": decision.reference, "title": decision.title})


@access_rule("login: access_event_task + can_manage_records of its meeting")
def event_task_edit(request, pk: int, task_pk: int):
    user = request.user
    event = _records_event(request, pk)
    task = access_event_task(user, task_pk)
    if task.event_id != event.pk:
        raise not_found()
    if request.method == "POST" and request.POST.get("delete"):
        services.event_task_delete(task=task, actor=user)
        messages.success(request, _("The task has been removed."))
        return redirect(_back(event, "decisions"))
    form = EventTaskEditForm(request.POST or None, viewer=user, initial={
        "title": task.title, "description": task.description, "due": task.due,
        "state": task.state, "assignee": task.assignee.email if task.assignee else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.event_task_update(task=task, actor=user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect(_back(event, f"task-{task.pk}"))
    return render(request, "events/records/task_form.html", {
        "event": event, "task": task, "form": form})


@require_POST
@access_rule("login: access_event_task + can_complete_event_task (assignee, organisers)")
def event_task_state(request, task_pk: int):
    """Mark a task done (or open again), from "my tasks" or the event page."""
    task = access_event_task(request.user, task_pk)
    form = TaskStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown state."))
    else:
        services.event_task_set_state(task=task, actor=request.user,
                                      state=form.cleaned_data["state"])
        messages.success(request, _("The task has been updated."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("networks:my_tasks")
    return redirect(target)


# --- Documentation in the library -------------------------------------------------------

@require_POST
@access_rule("login: access_event + can_publish_documentation")
def documentation_publish(request, pk: int):
    event = access_event(request.user, pk)
    if not can_publish_documentation(request.user, event):
        raise PermissionDenied
    try:
        page = services.documentation_publish(event=event, actor=request.user)
    except (ValidationError, ConflictError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if page.live:
            messages.success(request, _("The documentation is in the library."))
        else:
            messages.success(request, _("The documentation is a draft in the library; the "
                                        "network reviews and publishes it."))
    return redirect(_back(event, "documentation"))


# --- The decisions of the department-heads meetings -------------------------------------

DECISIONS_PER_PAGE = 50


@access_rule("login: can_view_decision_overview; rows by event_list_visible_to")
def decision_overview(request):
    user = request.user
    if not can_view_decision_overview(user):
        raise not_found()
    form = DecisionFilterForm(request.GET or None, years=selectors.decision_years(user=user))
    filters = form.cleaned_data if form.is_valid() else {}
    decisions = selectors.decision_overview_visible_to(
        user=user, year=filters.get("year"), status=filters.get("status", ""))
    page = Paginator(decisions, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "events/records/decisions.html", {
        "form": form, "page": page, "query": query.urlencode()})
