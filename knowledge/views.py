"""The library in the browser. Wagtail routes the page tree to ``serve``, which calls these;
the network workspace starts a result here and hands over to Wagtail's editor."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from intranet.core.access import access_rule, not_found
from intranet.core.downloads import private_image_response
from intranet.core.forms import copy_service_errors
from intranet.core.paging import CappedPaginator
from networks.permissions import access_network, can_view_network, prefetch_grants

from . import selectors, services
from .forms import LibraryFilterForm, ResultStartForm
from .permissions import access_media_image, can_start_result, can_view_library_page

PAGES_PER_PAGE = 20


def library_index(request, index_page):
    """Everything published, newest first, with counts for each filter."""
    user = request.user
    form = LibraryFilterForm(request.GET or None, facets=selectors.library_facets(user=user))
    pages = selectors.library_page_list_visible_to(user=user, **form.filters()).select_related(
        "network").prefetch_related("topics")
    page = CappedPaginator(pages, PAGES_PER_PAGE, counted=lambda cap: selectors.library_page_count(
        user=user, cap=cap, **form.filters())).get_page(request.GET.get("page"))
    _name_networks(user, page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "knowledge/library_index.html", {
        "page": page, "self": index_page, "form": form, "query": query.urlencode(),
        "filtered": any(form.filters().values()) if form.is_bound else False,
    })


def _name_networks(user, pages) -> None:
    """Whether each page may name its network, the person's grants read in one query."""
    prefetch_grants({user: {item.network_id for item in pages if item.network_id}})
    for item in pages:
        item.network_shown = selectors.network_name_visible_to(user=user, page=item)


def shelf_redirect(request, shelf):
    """A shelf is the library filtered by its network, for those who may know the network;
    the meetings' shelf (no network) is the library's minutes."""
    if shelf.network is None:
        return redirect(f"{selectors.library_root_url()}?type=minutes")
    if not can_view_network(request.user, shelf.network):
        raise not_found()
    return redirect(f"{selectors.library_root_url()}?network={shelf.network.slug}")


def library_page(request, page):
    user = request.user
    if not can_view_library_page(user, page):
        raise not_found()
    prefetch_related_objects([page], "topics")  # the aside, related and similar read them
    related = selectors.related_pages(page=page, user=user)
    _name_networks(user, [page, *related])
    return render(request, page.get_template(request), {
        "page": page, "self": page,
        "documents": selectors.documents_of(page=page),
        "related": related,
        "similar": selectors.similar_pages(page=page, user=user,
                                           exclude=[item.pk for item in related]),
        "map_tiles": selectors.map_tiles(),
    })


@access_rule("login: projects_on_map_visible_to (library_pages_visible_to)")
def project_map(request):
    projects = selectors.projects_on_map_visible_to(user=request.user)
    return render(request, "knowledge/project_map.html", {
        "projects": projects, "map_tiles": selectors.map_tiles(),
        "library_url": selectors.library_root_url(),
    })


@access_rule("login: access_network + can_start_result (members of an active network)")
def result_start(request, slug):
    network = access_network(request.user, slug)
    if not can_start_result(request.user, network):
        raise PermissionDenied(_("Only members of an active network publish its results."))
    form = ResultStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.result_start(network=network, actor=request.user,
                                         **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _(
                "The draft is saved. Fill it in here; when it is ready, submit it to the "
                "network's leads for approval."))
            return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return render(request, "knowledge/result_start.html", {"form": form, "network": network})


@access_rule("login: access_media_image (published pages' images; drafts' for their editors)")
def library_media(request, path):
    """Wagtail's images and their renditions, checked like every other file."""
    import mimetypes

    image = access_media_image(request.user, path)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return private_image_response(image.file.storage, path, content_type=content_type)
