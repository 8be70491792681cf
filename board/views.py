"""The notice board in the browser: thin views over selectors, permissions and services.

Every page of a post reads it through ``access_post``: hidden, missing and not visible
give the one 404. A write checks its ``can_*`` predicate: 403 for someone who sees the
post but may not do this.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.accounts import selectors as account_selectors
from intranet.core.access import access_rule
from intranet.core.downloads import private_file_response
from intranet.core.errors import ConflictError
from intranet.core.forms import copy_service_errors
from intranet.core.paging import CappedPaginator
from intranet.notifications.services import notifications_mark_read
from networks.selectors import (
    chosen_network,
    network_filter_choices,
    networks_member_of,
    workspaces_readable_by,
)

from . import selectors, services
from .forms import BERLIN as BERLIN_TZ
from .forms import AttachmentForm, BoardFilterForm, CommentForm, PinForm, PostEditForm, PostForm
from .models import Comment
from .permissions import (
    access_attachment,
    access_comment,
    access_post,
    can_comment,
    can_delete_post,
    can_edit_post,
    can_moderate_post,
    can_pin_post,
    can_remove_comment,
    is_expired,
    is_moderator,
)

POSTS_PER_PAGE = 20


# --- The board and the archive ----------------------------------------------------------

@access_rule("login: board_visible_to (post_list_visible_to)")
def board_list(request):
    user = request.user
    # Looked up before the form checks it: its choices include it.
    network = chosen_network(workspaces_readable_by(user=user), request.GET.get("network", ""))
    form = BoardFilterForm(
        request.GET or None,
        organisations=account_selectors.organisation_choices_visible_to(user=user),
        topics=account_selectors.topic_choices(),
        networks=network_filter_choices(user=user, chosen=network),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    if not filters.get("network"):
        network = None
    posts = selectors.board_pinned_first(
        user=user, category=filters.get("category", ""), topic=filters.get("topic", ""),
        organisation=filters.get("city", ""), network=network,
        unread=filters.get("unread", False))
    page = CappedPaginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "network": network}
    partial = request.headers.get("HX-Request")
    return render(request, "board/list_results.html" if partial else "board/list.html",
                  context)


@require_POST
@access_rule("login: the person's own reading state")
def board_mark_all_read(request):
    services.board_mark_all_read(user=request.user)
    messages.success(request, _("All posts are marked as read."))
    return redirect("board:list")


@access_rule("login: archive_visible_to (post_list_visible_to)")
def board_archive(request):
    posts = selectors.archive_visible_to(user=request.user).select_related(
        "author", "author_organisation", "network").prefetch_related("topics")
    page = CappedPaginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "board/archive.html", {"page": page, "query": ""})


# --- Writing ----------------------------------------------------------------------------

@access_rule("login: post_create checks the audience (member of the network)")
def post_create(request):
    user = request.user
    networks = networks_member_of(user)
    cities = account_selectors.organisation_list_visible_to(user=user).order_by("name")
    initial = {}
    slug = request.GET.get("network")
    if slug and networks.filter(slug=slug).exists():
        initial = {"network": slug, "audience": "network"}
    form = PostForm(request.POST or None, request.FILES or None, initial=initial,
                    networks=networks, cities=cities)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(author=user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("Your post is on the board."))
            return redirect("board:detail", pk=post.pk)
    return render(request, "board/post_form.html", {
        "form": form, "page_title": _("Write a post"), "cancel_url": reverse("board:list"),
        "submit_label": _("Publish")})


@access_rule("login: access_post + can_edit_post")
def post_edit(request, pk: int):
    post = access_post(request.user, pk)
    if not can_edit_post(request.user, post):
        raise PermissionDenied
    initial = {"title": post.title, "body": post.body, "category": post.category,
               "topics": post.topics.all(),
               "expires_at": post.expires_at.astimezone(BERLIN_TZ).date()
               if post.expires_at else None}
    form = PostEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        topics = data.pop("topics")
        try:
            services.post_update(post=post, actor=request.user, topics=topics, **data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The post has been saved."))
            return redirect("board:detail", pk=post.pk)
    return render(request, "board/post_form.html", {
        "form": form, "post": post, "page_title": _("Edit the post"),
        "cancel_url": reverse("board:detail", args=[post.pk]), "submit_label": _("Save")})


# --- The post's page --------------------------------------------------------------------

def _comments_of(post):
    """Top-level comments with their replies; a removed comment stays as a placeholder
    while it has replies, so the conversation keeps its shape."""
    replies = Comment.objects.filter(hidden_at__isnull=True).select_related("author")
    has_replies = Exists(Comment.objects.filter(parent=OuterRef("pk"), hidden_at__isnull=True))
    return (post.comments.filter(Q(hidden_at__isnull=True) | has_replies, parent__isnull=True)
            .select_related("author").prefetch_related(Prefetch("replies", queryset=replies)))


@access_rule("login: access_post; comments by can_comment")
def post_detail(request, pk: int):
    user = request.user
    post = access_post(user, pk)
    may_comment = can_comment(user, post)
    form = CommentForm(request.POST or None) if may_comment else None
    if request.method == "POST":
        if not may_comment:
            raise PermissionDenied
        if form.is_valid():
            parent = None
            if form.cleaned_data["parent"]:
                # One level of replies: a reply to a reply answers its top comment.
                parent = post.comments.filter(pk=form.cleaned_data["parent"]).first()
                if parent is not None and parent.parent_id:
                    parent = parent.parent
            try:
                services.comment_create(post=post, author=user, parent=parent,
                                        body=form.cleaned_data["body"])
            except ValidationError as error:
                copy_service_errors(form, error)
            except ConflictError as error:
                messages.error(request, str(error))
                return redirect("board:detail", pk=post.pk)
            else:
                messages.success(request, _("Your comment has been published."))
                return redirect("board:detail", pk=post.pk)
    services.post_mark_read(post=post, user=user)
    notifications_mark_read(user=user, post=post)
    may_edit = can_edit_post(user, post)
    context = {
        "post": post,
        "topics": post.topics.order_by("name"),
        "comments": _comments_of(post),
        "attachments": selectors.attachments_of(post=post),
        "attachment_form": AttachmentForm() if may_edit else None,
        "following": selectors.is_following(user=user, post=post),
        "form": form,
        "pin_form": PinForm(),
        "expired": is_expired(post),
        "may_edit": may_edit,
        "may_delete": can_delete_post(user, post),
        "may_pin": can_pin_post(user, post),
        "may_moderate": can_moderate_post(user, post),
        # Which remove buttons to show; can_remove_comment decides when one is pressed.
        "may_remove_own_comments": may_comment,
        "may_remove_any_comment": is_moderator(user),
    }
    return render(request, "board/detail.html", context)


# --- Actions ----------------------------------------------------------------------------

@require_POST
@access_rule("login: access_post + can_delete_post")
def post_delete(request, pk: int):
    post = access_post(request.user, pk)
    if not can_delete_post(request.user, post):
        raise PermissionDenied
    if request.POST.get("confirmed") != "yes":
        return render(request, "board/delete_confirm.html", {"post": post})
    services.post_delete(post=post, actor=request.user)
    messages.success(request, _("The post has been deleted."))
    return redirect("board:list")


@require_POST
@access_rule("login: access_post + can_pin_post")
def post_pin(request, pk: int):
    post = access_post(request.user, pk)
    if not can_pin_post(request.user, post):
        raise PermissionDenied
    pinned = request.POST.get("pinned", "1") != "0"
    form = PinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter a valid date."))
        return redirect("board:detail", pk=post.pk)
    try:
        services.post_pin(post=post, actor=request.user, pinned=pinned,
                          until=form.cleaned_data["until"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The post is pinned.") if pinned
                         else _("The post is no longer pinned."))
    return redirect("board:detail", pk=post.pk)


@require_POST
@access_rule("login: access_post + can_moderate_post")
def post_hide(request, pk: int):
    post = access_post(request.user, pk)
    if not can_moderate_post(request.user, post):
        raise PermissionDenied
    hidden = request.POST.get("hidden", "1") != "0"
    services.post_hide(post=post, actor=request.user, hidden=hidden)
    messages.success(request, _("The post is hidden.") if hidden
                     else _("The post is visible again."))
    return redirect("board:detail", pk=post.pk)


@require_POST
@access_rule("login: access_post (following needs only to see the post)")
def post_follow(request, pk: int):
    post = access_post(request.user, pk)
    follow = request.POST.get("follow", "1") != "0"
    services.post_follow(post=post, user=request.user, follow=follow)
    messages.success(request, _("You follow this post: new comments reach you.") if follow
                     else _("You no longer follow this post."))
    return redirect("board:detail", pk=post.pk)


# --- Attachments ------------------------------------------------------------------------

@require_POST
@access_rule("login: access_post + can_edit_post")
def attachment_upload(request, pk: int):
    post = access_post(request.user, pk)
    if not can_edit_post(request.user, post):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please choose a file."))
        return redirect("board:detail", pk=post.pk)
    try:
        services.attachment_add(post=post, actor=request.user, upload=form.cleaned_data["file"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file has been added."))
    return redirect("board:detail", pk=post.pk)


@access_rule("login: access_attachment (through access_post)")
def attachment_download(request, pk: int, attachment_pk: int):
    """Files leave only through here: checked, as an attachment, never cached or sniffed."""
    _post, attachment = access_attachment(request.user, pk, attachment_pk)
    return private_file_response(attachment.file, filename=attachment.original_name,
                                 content_type=attachment.content_type)


@require_POST
@access_rule("login: access_post + can_edit_post")
def attachment_delete(request, pk: int, attachment_pk: int):
    post, attachment = access_attachment(request.user, pk, attachment_pk)
    if not can_edit_post(request.user, post):
        raise PermissionDenied
    services.attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("The file has been removed."))
    return redirect("board:detail", pk=post.pk)


@require_POST
@access_rule("login: access_comment (through access_post) + can_remove_comment")
def comment_remove(request, pk: int, comment_pk: int):
    post, comment = access_comment(request.user, pk, comment_pk)
    if not can_remove_comment(request.user, comment):
        raise PermissionDenied
    services.comment_remove(comment=comment, actor=request.user)
    messages.success(request, _("The comment has been removed."))
    return redirect("board:detail", pk=post.pk)
