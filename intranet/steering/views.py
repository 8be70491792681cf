from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from intranet.accounts import selectors as account_selectors
from intranet.core import selectors as audit_selectors
from intranet.core.access import access_rule, not_found
from intranet.core.forms import AuditFilterForm, copy_service_errors
from intranet.core.paging import open_ended_page
from intranet.core.tasks import enqueue_after_commit
from networks.permissions import can_end_network

from . import exports, reports, selectors, services
from .charts import bar_chart, heat_level
from .forms import LeadMessageForm, QuietDaysForm
from .permissions import (
    access_audit_log,
    access_steering,
    can_nudge_network,
    can_view_audit_log,
)
from .tasks import count_steering_figures

STEERING_RULE = "login: access_steering (steering, service, admin; 404 for everyone else)"


# The dashboard's sections as rendered, per person, language and request, for a minute at
# most and only while the figures stay as counted: they read the hourly figures, and a
# visit that finds them computes nothing of them (make throughput, nation: 0.24 of the
# reference page's requests per second uncached).
DASHBOARD_SECONDS = 60
SECTIONS_GENERATION_KEY = "steering:dashboard:generation"


def _sections_generation() -> int:
    return cache.get_or_set(SECTIONS_GENERATION_KEY, 0, None)


def dashboard_sections_changed() -> None:
    """Every cached section is rendered again on its next visit (a new key)."""
    cache.set(SECTIONS_GENERATION_KEY, _sections_generation() + 1, None)


@access_rule(STEERING_RULE)
def dashboard(request):
    access_steering(request.user)
    form = QuietDaysForm(request.GET or None)
    counted_at = selectors.figures_counted_at()
    if counted_at is None:  # a new installation: the first count starts now
        enqueue_after_commit(count_steering_figures)
    board = SimpleLazyObject(lambda: selectors.dashboard_for(
        user=request.user, quiet_days=form.days(),
        networks_page=request.GET.get("networks_page"),
        cities_page=request.GET.get("cities_page")))
    return render(request, "steering/dashboard.html", {
        "form": form, "board": board, "counted_at": counted_at,
        "cached_for": DASHBOARD_SECONDS,
        # As typed, not as cleaned: the sections show the form's errors too.
        "cache_key": [_sections_generation(), request.user.pk,
                      counted_at.isoformat() if counted_at else "",
                      *(request.GET.get(name, "") for name in (
                          "quiet_days", "networks_page", "cities_page"))],
        "networks_page": SimpleLazyObject(
            lambda: _pager(request, board.networks, "networks_page")),
        "cities_page": SimpleLazyObject(lambda: _pager(request, board.cities, "cities_page")),
        "heat_rows": SimpleLazyObject(lambda: _heat_rows(board.matrix)),
        "activity_chart": SimpleLazyObject(lambda: _activity_chart(board.activity)),
        "lifecycle_chart": SimpleLazyObject(lambda: _lifecycle_chart(board.lifecycle)),
        "lifecycle_legend": [("founded", _("founded")), ("dissolved", _("dissolved")),
                             ("continued", _("continued"))],
        "may_review_audit": can_view_audit_log(request.user),
        "years": reports.report_years(),
    })


@require_POST
@access_rule(STEERING_RULE)
def recount(request):
    """Count the figures now instead of at the next full hour (in the background)."""
    access_steering(request.user)
    enqueue_after_commit(count_steering_figures)
    messages.info(request, _("The figures are being counted again. Reload the page in a "
                             "minute to see them."))
    return redirect("steering:dashboard")


def _pager(request, page, param: str) -> dict:
    """A page of a table with the links to the others, which keep the other parameters."""
    query = request.GET.copy()
    query.pop(param, None)
    return {"page": page, "param": param, "query": query.urlencode()}


def _heat_rows(matrix) -> list[tuple]:
    """Each network with its row of cells, written here: 750 cells through the template
    engine cost more than the rest of the page."""
    return [(network, format_html_join("", '<td class="heat-{}">{}</td>', (
        (heat_level(value, matrix.maximum), value) for value in line)))
        for network, line in zip(matrix.networks, matrix.cells, strict=True)]


def _activity_chart(rows):
    return bar_chart([
        (date_format(row["month"], "m/y"),
         [("total", row["total"], f'{date_format(row["month"], "F Y")}: {row["total"]}')])
        for row in rows], every=3)


def _lifecycle_chart(rows):
    names = {"founded": _("founded"), "dissolved": _("dissolved"), "continued": _("continued")}
    return bar_chart([
        (str(row["year"]), [(series, row[series], f'{row["year"]}, {names[series]}: {row[series]}')
                            for series in ("founded", "dissolved", "continued")])
        for row in rows], every=1 if len(rows) <= 12 else 2)


@access_rule(STEERING_RULE)
def export(request, table: str):
    access_steering(request.user)
    if table not in exports.TABLES:
        raise not_found()
    form = QuietDaysForm(request.GET or None)
    tables = selectors.tables_for(user=request.user, quiet_days=form.days())
    return exports.csv_of(table, tables)


@access_rule(STEERING_RULE)
def annual_report(request, year: int):
    access_steering(request.user)
    if year not in reports.report_years():
        raise not_found()
    return render(request, "steering/annual_report.html", {
        "report": reports.annual_report_for(user=request.user, year=year),
        "years": reports.report_years()})


@access_rule(STEERING_RULE)
def annual_report_latest(request):
    access_steering(request.user)
    return redirect("steering:annual_report", year=timezone.localdate().year - 1)


def _lead_message(request, pk: int, *, proposal: bool):
    access_steering(request.user)
    found = selectors.network_for_steering(user=request.user, pk=pk)
    if found is None:
        raise not_found()
    network, row = found
    if not can_nudge_network(request.user, network):
        raise not_found()  # a dissolved network has no one left to ask
    form = LeadMessageForm(request.POST or None, initial={"message": _(
        "Could you please tell us briefly whether the network needs help and whether it "
        "will carry on, continue as a standing network or end?") if proposal else _(
        "We have not seen any activity for a while. How is the network doing, and can we "
        "help?")})
    if request.method == "POST" and form.is_valid():
        service = (services.network_propose_dissolution if proposal
                   else services.network_nudge)
        try:
            sent = service(network=network, actor=request.user,
                           message=form.cleaned_data["message"])
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, ngettext(
                "Your message went to %(count)s person of %(network)s.",
                "Your message went to %(count)s people of %(network)s.", sent)
                % {"count": sent, "network": row.label})
            return redirect("steering:dashboard")
    return render(request, "steering/lead_message.html", {
        "form": form, "row": row, "proposal": proposal,
        "end_url": reverse("networks:end", args=[network.slug])
        if proposal and row.named and can_end_network(request.user, network) else ""})


@access_rule(STEERING_RULE + "; can_nudge_network")
def network_nudge(request, pk: int):
    return _lead_message(request, pk, proposal=False)


@access_rule(STEERING_RULE + "; can_nudge_network")
def network_propose_dissolution(request, pk: int):
    return _lead_message(request, pk, proposal=True)


AUDIT_CSV_LIMIT = 50_000


@access_rule("login: access_audit_log (steering, admin; 404 for everyone else)")
def audit_log(request):
    access_audit_log(request.user)
    form = AuditFilterForm(
        request.GET or None,
        organisations=account_selectors.organisation_choices_visible_to(user=request.user),
        actions=audit_selectors.audit_actions(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_selectors.audit_entries_visible_to(
        user=request.user,
        actor_id=filters.get("actor"),
        actor_name=filters.get("person", ""),
        organisation_slug=filters.get("organisation", ""),
        action=filters.get("action", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    if request.GET.get("format") == "csv":
        return exports.audit_csv(audit_selectors.without_hidden_targets(
            user=request.user, entries=entries[:AUDIT_CSV_LIMIT]))
    page = open_ended_page(entries, request.GET.get("page"), per_page=50)
    page.object_list = audit_selectors.without_hidden_targets(user=request.user,
                                                              entries=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    without_actor = query.copy()
    without_actor.pop("actor", None)
    actor_label = next((entry.actor_label for entry in page.object_list
                        if filters.get("actor") and entry.actor_id == filters["actor"]), "")
    return render(request, "steering/audit_log.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "actor_filter": filters.get("actor"), "actor_label": actor_label,
        "without_actor": without_actor.urlencode()})
