"""Expert networks in the browser: thin views over selectors, permissions and services.

Pages that show a network read through ``access_network`` (it exists for the viewer) or
``access_workspace`` (its content); both give the one 404 for hidden and missing alike.
A write checks its ``can_*`` predicate (403 for someone who may see but not do it); on a
dissolved network the service refuses with a ConflictError, whose message is shown.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from board import selectors as board_selectors
from intranet.accounts import selectors as account_selectors
from intranet.core.access import access_rule, not_found
from intranet.core.downloads import private_file_response
from intranet.core.errors import ConflictError
from intranet.core.forms import copy_service_errors
from intranet.events import selectors as event_selectors
from intranet.events.permissions import can_create_event
from knowledge import selectors as knowledge_selectors

from . import selectors, services
from .forms import (
    DocumentForm,
    EndNetworkForm,
    InviteForm,
    NetworkFilterForm,
    NetworkForm,
    RoleForm,
    TaskEditForm,
    TaskFilterForm,
    TaskForm,
    VersionForm,
)
from .models import MemberState
from .permissions import (
    access_network,
    access_network_to_answer,
    access_workspace,
    can_contribute,
    can_download_document,
    can_end_network,
    can_found_network,
    can_join,
    can_lead,
    can_read_workspace,
    can_reopen_network,
    can_view_network,
)

NETWORKS_PER_PAGE = 24
TASKS_PER_PAGE = 50
DOCUMENTS_PER_PAGE = 50
ON_NETWORK_PAGE = 8  # tasks and documents the network page shows before "all …"




def _refused(request, network, error: ConflictError, fallback: str = ""):
    """The state of the network forbids the write: say why, change nothing."""
    messages.error(request, str(error))
    if fallback and not network.is_dissolved:
        return redirect(fallback, slug=network.slug)
    return redirect(network)


def _archived(request, network):
    """Form pages of a dissolved network: it is a read-only archive."""
    messages.error(request, _("This network is dissolved and can no longer be changed."))
    return redirect(network)


def _require(allowed: bool, network) -> None:
    """403 for someone who sees the network but may not do this. A dissolved network is
    left to the service: its ConflictError tells everyone the same clear reason."""
    if not allowed and not network.is_dissolved:
        raise PermissionDenied


# --- The list, founding, my tasks -------------------------------------------------------

@access_rule("login: network_list_for_index (network_list_visible_to)")
def network_list(request):
    form = NetworkFilterForm(
        request.GET or None,
        organisations=account_selectors.organisation_choices_visible_to(user=request.user),
        topics=account_selectors.topic_choices(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    networks = selectors.network_list_for_index(
        user=request.user,
        status=filters.get("status", ""),
        topic=filters.get("topic", ""),
        organisation=filters.get("organisation", ""),
        mine=filters.get("mine", False),
        q=filters.get("q", ""),
    )
    page = Paginator(networks, NETWORKS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(),
               "may_found": can_found_network(request.user),
               # Pending invitations, confidential ones included: answered from here.
               "invitations": selectors.invitations_for(user=request.user)}
    partial = request.headers.get("HX-Request")
    template = "networks/list_results.html" if partial else "networks/list.html"
    return render(request, template, context)


@access_rule("login: can_found_network")
def network_found(request):
    if not can_found_network(request.user):
        raise PermissionDenied
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_found(founder=request.user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The network %(name)s has been founded. You are its "
                                        "lead.") % {"name": network.name})
            return redirect(network)
    return render(request, "networks/network_form.html", {
        "form": form, "page_title": _("Found a network"), "cancel_url": reverse("networks:list"),
        "submit_label": _("Found the network")})


@access_rule("login: my_tasks_visible_to (own tasks in readable workspaces)")
def my_tasks(request):
    form = TaskFilterForm(request.GET or None)
    include_done = form.is_valid() and form.cleaned_data["done"]
    tasks = selectors.my_tasks_visible_to(user=request.user, include_done=include_done,
                                          include_archived=False)
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    query = "done=on" if include_done else ""
    from intranet.events.selectors import my_event_tasks

    return render(request, "networks/my_tasks.html", {
        "form": form, "page": page, "query": query, "include_done": include_done,
        # The follow-up tasks of meetings (one query), next to the network tasks.
        "event_tasks": my_event_tasks(user=request.user, include_done=include_done)[:200]})


# --- The network page -------------------------------------------------------------------

@access_rule("login: access_network; the workspace by can_read_workspace")
def network_detail(request, slug: str):
    user = request.user
    network = access_network(user, slug)
    membership = selectors.membership_of(user=user, network=network)
    context = {
        "network": network,
        "membership": membership,
        "cities": selectors.cities_of(network=network),
        "workspace": can_read_workspace(user, network),
        "may_join": can_join(user, network) and membership is None,
        "may_lead": can_lead(user, network),
        "may_end": can_end_network(user, network),
        "may_reopen": can_reopen_network(user, network),
        "may_contribute": can_contribute(user, network),
        # Results are handed to everyone who may know the network; drafts to its members.
        "results": knowledge_selectors.library_pages_of_network(network=network, user=user)[:10],
        "drafts": knowledge_selectors.drafts_of_network(network=network, user=user)[:10],
        # The network's coming meetings the viewer may see, and "plan one" for its leads.
        "meetings": event_selectors.network_meetings_visible_to(
            user=user, network=network)[:ON_NETWORK_PAGE],
        "may_plan_meeting": not network.is_dissolved and can_create_event(
            user, kind="network", network=network),
    }
    if context["workspace"]:
        context.update({
            "members": selectors.members_of(network=network),
            "tasks": selectors.tasks_of(network=network)[:ON_NETWORK_PAGE],
            "overdue": selectors.overdue_count(network=network),
            "documents": selectors.documents_of(network=network)[:ON_NETWORK_PAGE],
            "posts": board_selectors.board_visible_to(
                user=user, network=network).prefetch_related(None)[:5],
        })
    if context["may_lead"]:
        context["pending"] = selectors.pending_of(network=network)
    return render(request, "networks/detail.html", context)


@access_rule("login: access_network + can_lead")
def network_edit(request, slug: str):
    network = access_network(request.user, slug)
    if network.is_dissolved:
        return _archived(request, network)
    if not can_lead(request.user, network):
        raise PermissionDenied
    initial = {"name": network.name, "mandate": network.mandate, "goals": network.goals,
               "visibility": network.visibility, "topics": network.topics.all()}
    form = NetworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        topics = data.pop("topics")
        try:
            services.network_update(network=network, actor=request.user, topics=topics, **data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except ConflictError as error:
            return _refused(request, network, error)
        else:
            messages.success(request, _("The description of the network has been saved."))
            return redirect(network)
    return render(request, "networks/network_form.html", {
        "form": form, "network": network, "page_title": _("Edit the network"),
        "cancel_url": network.get_absolute_url(), "submit_label": _("Save")})


# --- Membership -------------------------------------------------------------------------

@require_POST
@access_rule("login: access_network_to_answer + can_join (or a pending invitation)")
def network_join(request, slug: str):
    user = request.user
    network = access_network_to_answer(user, slug)
    membership = selectors.membership_of(user=user, network=network)
    answering = membership is not None and membership.state in (MemberState.INVITED,
                                                                MemberState.ACTIVE)
    _require(answering or can_join(user, network), network)
    try:
        membership = services.membership_join(network=network, user=user)
    except ConflictError as error:
        return _refused(request, network, error)
    if membership.state == MemberState.ACTIVE:
        messages.success(request, _("Welcome: you are now a member of %(network)s.") % {
            "network": network.name})
    else:
        messages.success(request, _("Your request has gone to the leads of %(network)s. You "
                                    "will hear from them.") % {"network": network.name})
    return redirect(network)


@require_POST
@access_rule("login: access_network_to_answer (the person's own membership)")
def network_leave(request, slug: str):
    user = request.user
    network = access_network_to_answer(user, slug)
    membership = selectors.membership_of(user=user, network=network)
    if membership is None:
        return redirect(network)
    try:
        services.membership_leave(network=network, user=user)
    except ConflictError as error:
        return _refused(request, network, error)
    if membership.state == MemberState.INVITED:
        text = _("You have declined the invitation to %(network)s.")
    elif membership.state == MemberState.REQUESTED:
        text = _("Your request to join %(network)s has been withdrawn.")
    else:
        text = _("You have left %(network)s.")
    messages.success(request, text % {"network": network.name})
    if not can_view_network(user, network):
        return redirect("networks:list")
    return redirect(network)


def _members_page(request, network, invite_form=None):
    may_lead = can_lead(request.user, network)
    context = {
        "network": network,
        "members": selectors.members_of(network=network),
        "may_lead": may_lead,
        "me": request.user.pk,
    }
    if may_lead:
        context["pending"] = selectors.pending_of(network=network)
        context["invite_form"] = invite_form or InviteForm()
    return render(request, "networks/members.html", context)


@access_rule("login: access_workspace; the controls by can_lead")
def network_members(request, slug: str):
    network = access_workspace(request.user, slug)
    return _members_page(request, network)


@require_POST
@access_rule("login: access_workspace + can_lead")
def network_invite(request, slug: str):
    network = access_workspace(request.user, slug)
    _require(can_lead(request.user, network), network)
    if network.is_dissolved:
        return _archived(request, network)
    form = InviteForm(request.POST)
    if form.is_valid():
        person = selectors.person_to_invite(user=request.user, email=form.cleaned_data["email"])
        if person is None:
            form.add_error("email", _("Nobody with this address works on the platform. "
                                      "Coordinators invite new colleagues to the platform."))
        else:
            try:
                membership = services.membership_invite(
                    network=network, user=person, actor=request.user,
                    role=form.cleaned_data["role"])
            except ValidationError as error:
                copy_service_errors(form, error, rename={"user_id": "email"})
            except ConflictError as error:
                return _refused(request, network, error, fallback="networks:members")
            else:
                if membership.state == MemberState.ACTIVE:
                    text = _("%(name)s had asked to join and is now a member.")
                else:
                    text = _("%(name)s has been invited and will be notified.")
                messages.success(request, text % {"name": person.name})
                return redirect("networks:members", slug=network.slug)
    return _members_page(request, network, invite_form=form)


def _decision(request, slug: str, user_id: int):
    """The network and one person's membership of it, for a lead's decision."""
    network = access_workspace(request.user, slug)
    _require(can_lead(request.user, network), network)
    membership = selectors.membership_in(network=network, user_id=user_id)
    if membership is None:
        raise not_found()
    return network, membership


@require_POST
@access_rule("login: access_workspace + can_lead")
def membership_approve(request, slug: str, user_id: int):
    network, membership = _decision(request, slug, user_id)
    try:
        services.membership_approve(membership=membership, actor=request.user)
    except ConflictError as error:
        return _refused(request, network, error, fallback="networks:members")
    messages.success(request, _("%(name)s is now a member.") % {"name": membership.user.name})
    return redirect("networks:members", slug=network.slug)


@require_POST
@access_rule("login: access_workspace + can_lead")
def membership_decline(request, slug: str, user_id: int):
    network, membership = _decision(request, slug, user_id)
    try:
        services.membership_decline(membership=membership, actor=request.user)
    except ConflictError as error:
        return _refused(request, network, error, fallback="networks:members")
    messages.success(request, _("The request of %(name)s has been declined.") % {
        "name": membership.user.name})
    return redirect("networks:members", slug=network.slug)


@require_POST
@access_rule("login: access_workspace + can_lead")
def membership_remove(request, slug: str, user_id: int):
    network, membership = _decision(request, slug, user_id)
    invitation = membership.state == MemberState.INVITED
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ConflictError as error:
        return _refused(request, network, error, fallback="networks:members")
    if invitation:
        text = _("The invitation of %(name)s has been withdrawn.")
    else:
        text = _("%(name)s is no longer a member.")
    messages.success(request, text % {"name": membership.user.name})
    if not can_view_network(request.user, network):  # a lead who removed themselves
        return redirect("networks:list")
    return redirect("networks:members", slug=network.slug)


@require_POST
@access_rule("login: access_workspace + can_lead")
def membership_set_role(request, slug: str, user_id: int):
    network, membership = _decision(request, slug, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose lead or member."))
        return redirect("networks:members", slug=network.slug)
    try:
        services.membership_set_role(membership=membership, role=form.cleaned_data["role"],
                                     actor=request.user)
    except ConflictError as error:
        return _refused(request, network, error, fallback="networks:members")
    if form.cleaned_data["role"] == "lead":
        text = _("%(name)s is now a lead of the network.")
    else:
        text = _("%(name)s is now a member without the lead role.")
    messages.success(request, text % {"name": membership.user.name})
    if not can_read_workspace(request.user, network):
        return redirect(network)
    return redirect("networks:members", slug=network.slug)


# --- Tasks ------------------------------------------------------------------------------

@access_rule("login: access_workspace; adding by can_contribute")
def network_tasks(request, slug: str):
    network = access_workspace(request.user, slug)
    may_contribute = can_contribute(request.user, network)
    form = None
    if request.method == "POST":
        _require(may_contribute, network)
        form = TaskForm(request.POST, members=selectors.member_people_of(network=network))
        if form.is_valid():
            try:
                task = services.task_create(network=network, actor=request.user,
                                            **form.cleaned_data)
            except ValidationError as error:
                copy_service_errors(form, error)
            except ConflictError as error:
                return _refused(request, network, error)
            else:
                messages.success(request, _("The task “%(title)s” has been added.") % {
                    "title": task.title})
                return redirect("networks:tasks", slug=network.slug)
        elif network.is_dissolved:
            return _archived(request, network)
    elif may_contribute:
        form = TaskForm(members=selectors.member_people_of(network=network))
    filter_form = TaskFilterForm(request.GET or None)
    include_done = filter_form.is_valid() and filter_form.cleaned_data["done"]
    tasks = selectors.tasks_of(network=network, include_done=include_done)
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "networks/tasks.html", {
        "network": network, "form": form, "filter_form": filter_form, "page": page,
        "query": "done=on" if include_done else "", "include_done": include_done,
        "may_contribute": may_contribute})


@access_rule("login: access_workspace + can_contribute")
def task_edit(request, slug: str, pk: int):
    network = access_workspace(request.user, slug)
    task = selectors.task_of(network=network, pk=pk)
    if task is None:
        raise not_found()
    if network.is_dissolved and request.method != "POST":
        return _archived(request, network)
    _require(can_contribute(request.user, network), network)
    initial = {"title": task.title, "description": task.description,
               "assignee": task.assignee_id, "due": task.due, "state": task.state}
    form = TaskEditForm(request.POST or None, initial=initial,
                        members=selectors.member_people_of(network=network))
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        except ConflictError as error:
            return _refused(request, network, error)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect("networks:tasks", slug=network.slug)
    elif request.method == "POST" and network.is_dissolved:
        return _archived(request, network)
    return render(request, "networks/task_edit.html", {
        "network": network, "task": task, "form": form})


# --- Documents --------------------------------------------------------------------------

def _upload(request, network, form_class, document=None):
    """POST of a new document or a new version: (form to show again, or a response)."""
    _require(can_contribute(request.user, network), network)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return form, (_archived(request, network) if network.is_dissolved else None)
    try:
        version = services.document_upload(
            network=network, actor=request.user, upload=form.cleaned_data["file"],
            title=form.cleaned_data.get("title", ""), document=document)
    except ValidationError as error:
        copy_service_errors(form, error)
        return form, None
    except ConflictError as error:
        return form, _refused(request, network, error)
    if document is None:
        messages.success(request, _("“%(title)s” has been uploaded.") % {
            "title": version.document.title})
        return form, redirect("networks:documents", slug=network.slug)
    messages.success(request, _("Version %(number)s has been uploaded.") % {
        "number": version.number})
    return form, redirect("networks:document", slug=network.slug, pk=document.pk)


@access_rule("login: access_workspace; uploading by can_contribute")
def network_documents(request, slug: str):
    network = access_workspace(request.user, slug)
    may_contribute = can_contribute(request.user, network)
    form = DocumentForm() if may_contribute else None
    if request.method == "POST":
        form, response = _upload(request, network, DocumentForm)
        if response:
            return response
    documents = selectors.documents_of(network=network)
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "networks/documents.html", {
        "network": network, "form": form, "page": page, "query": "",
        "may_contribute": may_contribute})


def _document(user, slug: str, pk: int):
    network = access_workspace(user, slug)
    document = selectors.document_of(network=network, pk=pk)
    if document is None or not can_download_document(user, document):
        raise not_found()
    return network, document


@access_rule("login: access_workspace; a new version by can_contribute")
def network_document(request, slug: str, pk: int):
    network, document = _document(request.user, slug, pk)
    may_contribute = can_contribute(request.user, network)
    form = VersionForm() if may_contribute else None
    if request.method == "POST":
        form, response = _upload(request, network, VersionForm, document=document)
        if response:
            return response
    return render(request, "networks/document.html", {
        "network": network, "document": document, "form": form,
        "versions": selectors.versions_of(document=document),
        "may_contribute": may_contribute})


@access_rule("login: access_workspace + can_download_document")
def document_download(request, slug: str, pk: int, number: int):
    """Files leave only through here: checked, as an attachment, never cached or sniffed."""
    network, document = _document(request.user, slug, pk)
    version = selectors.version_of(document=document, number=number)
    if version is None:
        raise not_found()
    return private_file_response(version.file, filename=version.original_name,
                                 content_type=version.content_type)


# --- Ending and reopening ---------------------------------------------------------------

@access_rule("login: access_network + can_end_network")
def network_end(request, slug: str):
    network = access_network(request.user, slug)
    if network.is_dissolved:
        return _archived(request, network)
    if not can_end_network(request.user, network):
        raise PermissionDenied
    form = EndNetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and "back" not in request.POST:
        data = form.cleaned_data
        if request.POST.get("confirmed") != "yes":
            return render(request, "networks/end_confirm.html", {
                "network": network, "form": form,
                "dissolve": data["outcome"] == EndNetworkForm.DISSOLVE})
        try:
            if data["outcome"] == EndNetworkForm.DISSOLVE:
                services.network_dissolve(network=network, actor=request.user,
                                          summary=data["summary"], results=data["results"],
                                          reason=data["reason"])
                text = _("%(network)s has been dissolved. Its members have been told; its "
                         "page stays as a read-only archive.")
            else:
                services.network_continue(network=network, actor=request.user,
                                          summary=data["note"])
                text = _("%(network)s continues as a standing network.")
        except ValidationError as error:
            copy_service_errors(form, error)
        except ConflictError as error:
            return _refused(request, network, error)
        else:
            messages.success(request, text % {"network": network.name})
            return redirect(network)
    return render(request, "networks/end.html", {"network": network, "form": form})


@require_POST
@access_rule("login: access_network + can_reopen_network")
def network_reopen(request, slug: str):
    network = access_network(request.user, slug)
    if not network.is_dissolved:
        messages.info(request, _("This network is not dissolved."))
        return redirect(network)
    if not can_reopen_network(request.user, network):
        raise PermissionDenied
    services.network_reopen(network=network, actor=request.user)
    messages.success(request, _("%(network)s is active again.") % {"network": network.name})
    return redirect(network)
