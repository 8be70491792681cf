"""Network ideas (issue 3, item 6): propose, support, discuss, turn into a network.
Split from views.py because it is its own small workflow; same rules, same rooms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.core.access import access_rule
from intranet.core.errors import ConflictError

from . import permissions, selectors, services
from .forms import IdeaCommentForm, IdeaConvertForm, IdeaForm
from .models import IdeaStatus

IDEAS_PER_PAGE = 20


@access_rule("login: idea_list_visible_to")
def idea_list(request):
    status = request.GET.get("status", IdeaStatus.OPEN)
    if status not in IdeaStatus.values:
        status = IdeaStatus.OPEN
    ideas = selectors.idea_list_visible_to(user=request.user, status=status)
    page = Paginator(ideas, IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_propose(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your idea is online. Colleagues can now join in."))
            return redirect("networks:idea", pk=idea.pk)
    return render(request, "networks/ideas/list.html", {
        "page": page, "query": f"status={status}", "status": status, "form": form,
        "statuses": IdeaStatus.choices})


@access_rule("login: access_idea")
def idea_detail(request, pk: int):
    idea = permissions.access_idea(request.user, pk)
    form = IdeaCommentForm(request.POST or None)
    if request.method == "POST":
        if not permissions.can_take_part_in_idea(request.user, idea):
            messages.error(request, _("This idea is no longer open."))
            return redirect("networks:idea", pk=idea.pk)
        if form.is_valid():
            services.idea_comment(idea=idea, author=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("Your comment has been added."))
            return redirect("networks:idea", pk=idea.pk)
    return render(request, "networks/ideas/detail.html", {
        "idea": idea, "form": form,
        "comments": selectors.comments_of(idea=idea),
        "interested": selectors.interested_people_of(idea=idea),
        "may_take_part": permissions.can_take_part_in_idea(request.user, idea),
        "may_convert": permissions.can_convert_idea(request.user, idea),
    })


@require_POST
@access_rule("login: access_idea + can_take_part_in_idea")
def idea_interest(request, pk: int):
    idea = permissions.access_idea(request.user, pk)
    interested = request.POST.get("interested") == "yes"
    try:
        services.idea_set_interest(idea=idea, user=request.user, interested=interested)
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are in: you will be invited when the network starts.")
                         if interested else _("You no longer take part in this idea."))
    return redirect("networks:idea", pk=idea.pk)


@access_rule("login: access_idea + can_convert_idea")
def idea_convert(request, pk: int):
    idea = permissions.access_idea(request.user, pk)
    if idea.status != IdeaStatus.OPEN:
        messages.error(request, _("This idea is no longer open."))
        return redirect("networks:idea", pk=idea.pk)
    if not permissions.can_convert_idea(request.user, idea):
        raise PermissionDenied
    form = IdeaConvertForm(request.POST or None, initial={"name": idea.question[:150]})
    if request.method == "POST" and form.is_valid():
        try:
            network = services.idea_convert(idea=idea, actor=request.user, **form.cleaned_data)
        except (ValidationError, ConflictError) as error:
            form.add_error(None, error.messages[0] if hasattr(error, "messages") else str(error))
        else:
            messages.success(request, _("The network has been founded; everyone who marked "
                                        "interest has been invited."))
            return redirect(network)
    return render(request, "networks/ideas/convert.html", {
        "idea": idea, "form": form,
        "interested": selectors.interested_people_of(idea=idea)})
