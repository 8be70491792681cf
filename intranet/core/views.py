from collections import Counter

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n

from board import selectors as board_selectors
from intranet.accounts import selectors as account_selectors
from intranet.accounts.permissions import can_invite
from intranet.events import selectors as event_selectors
from networks import selectors as network_selectors
from networks.permissions import can_found_network

from . import accessibility as checks
from .access import PUBLIC, access_rule
from .forms import SearchForm
from .search import SearchUnavailable, search_visible_to, snippet
from .search_facets import FacetValue, facets_of

HOME_ROWS = 5


@access_rule("login: the person's own start page")
def home(request):
    user = request.user
    return render(request, "core/home.html", {
        "colleagues": account_selectors.colleagues_of(user=user),
        "coordinators": (account_selectors.coordinators_of(organisation=user.organisation,
                                                           with_topics=False)
                         if user.organisation_id else []),
        "newcomers": account_selectors.newcomers_visible_to(user=user),
        "may_invite": can_invite(user),
        "profile_incomplete": not account_selectors.profile_is_complete(user=user),
        # Names only on the start page: no topics prefetched.
        "my_networks": network_selectors.network_list_for_index(
            user=user, mine=True).prefetch_related(None)[:HOME_ROWS],
        "my_tasks": network_selectors.my_tasks_visible_to(
            user=user, include_archived=False)[:HOME_ROWS],
        "my_event_tasks": event_selectors.my_event_tasks(user=user)[:HOME_ROWS],
        "may_found": can_found_network(user),
        **_news_since_last_visit(user),
    })


def _news_since_last_visit(user) -> dict:
    news, count = board_selectors.new_since_last_visit(user=user, limit=HOME_ROWS)
    return {"news": news, "news_count": count}


@access_rule(PUBLIC)
def accessibility(request):
    return render(request, "core/accessibility.html", {
        "operator": settings.OPERATOR, "last_checked": checks.LAST_CHECKED,
        "checked_page_types": checks.CHECKED_PAGE_TYPES,
        "keyboard_journeys": checks.KEYBOARD_JOURNEYS})


@access_rule(PUBLIC)
def imprint(request):
    return render(request, "core/imprint.html", {"operator": settings.OPERATOR})


@access_rule(PUBLIC)
def set_language(request):
    """Django's language switch; open to all so the sign-in page can switch too."""
    return i18n.set_language(request)


def error_404(request, exception=None):
    if request.path.startswith("/api/"):
        from .api import not_found_response

        return not_found_response()
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)


SEARCH_PER_PAGE = 20
SEARCH_TYPE_LABELS = {"post": gettext_lazy("Post"), "network": gettext_lazy("Network"),
                      "person": gettext_lazy("Person"), "result": gettext_lazy("Result"),
                      "document": gettext_lazy("Document"), "event": gettext_lazy("Event")}


@access_rule("login: search_visible_to (audience filter, then each hit's own selector)")
def search(request):
    user = request.user
    network = network_selectors.chosen_network(
        network_selectors.network_list_visible_to(user=user), request.GET.get("network", ""))
    form = SearchForm(
        request.GET or None, topics=account_selectors.topic_choices(),
        organisations=account_selectors.organisation_choices_visible_to(user=user),
        networks=network_selectors.network_filter_choices(user=user, chosen=network))
    data = form.cleaned_data if form.is_valid() else {}
    q, kind = data.get("q", ""), data.get("type", "")
    unavailable = False
    try:
        hits = search_visible_to(
            user=user, q=q, type=kind, newest_first=data.get("sort") == "date",
            topic=data.get("topic", ""), organisation=data.get("city", ""),
            network=data.get("network", ""), year=data.get("year"))
    except SearchUnavailable:
        hits, unavailable = [], True
    page = Paginator(hits, SEARCH_PER_PAGE).get_page(request.GET.get("page"))
    for hit in page:
        hit.snippet = snippet(hit.text, q)
        hit.type_label = SEARCH_TYPE_LABELS[hit.kind]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/search.html", {
        "form": form, "q": q, "page": page, "query": query.urlencode(),
        "unavailable": unavailable,
        # From the re-checked hits only (DESIGN §4).
        "facets": _facet_links(query, hits) if hits else [],
    }, status=503 if unavailable else 200)


def _facet_links(query, hits) -> list[tuple[str, str, list[dict]]]:
    """(form field, heading, [{label, count, url, active}]) for the facet column: each
    entry narrows the search to its value; the chosen one widens it again."""
    kinds = [FacetValue(kind, SEARCH_TYPE_LABELS[kind], count)
             for kind, count in Counter(hit.kind for hit in hits.found).most_common()]
    facets = facets_of(hits.found)
    groups = [("type", _("Kind"), kinds), ("topic", _("Topic"), facets["topic"]),
              ("city", _("City or organisation"), facets["city"]),
              ("year", _("Year"), facets["year"])]
    return [(field, heading, [_facet_link(query, field, value) for value in values])
            for field, heading, values in groups if values]


def _facet_link(query, field: str, value: FacetValue) -> dict:
    narrowed = query.copy()
    active = query.get(field) == value.value
    if active:
        narrowed.pop(field)
    else:
        narrowed[field] = value.value
    return {"label": value.label, "count": value.count, "active": active,
            "url": f"?{narrowed.urlencode()}"}
