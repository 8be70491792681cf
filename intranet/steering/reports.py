"""The reads of the annual report (Jahresbericht): the year's networks, results, forum,
department-heads meeting and participation per city. A confidential network the reader may
not see appears by its number, without its mandate or summary (DESIGN §3.6)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from intranet.core.models import AuditEntry
from intranet.events.models import Kind
from intranet.events.selectors import event_list_visible_to, forum_edition_list_visible_to
from knowledge.selectors import library_pages_visible_to
from networks.models import Network, Status
from networks.selectors import network_ids_member_of

from .selectors import _network_row, city_rows, confidential_label, participation_pairs

FIRST_YEAR = 2015  # the first Expertenforum


def report_years() -> list[int]:
    return list(range(FIRST_YEAR, timezone.localdate().year + 1))


@dataclass
class ReportNetwork:
    label: str
    url: str
    named: bool
    status_label: str
    text: str  # the mandate, or what was achieved; empty for a numbered one
    results_text: str = ""


@dataclass
class AnnualReport:
    year: int
    founded: list[ReportNetwork]
    dissolved: list[ReportNetwork]
    continued: list[ReportNetwork]
    results: list[dict]
    forum: object
    department_heads: list
    cities: list
    active_networks: int


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def _report_network(network: Network, visible_ids, *, text_field: str) -> ReportNetwork:
    row = _network_row({"pk": network.pk, "slug": network.slug, "name": network.name,
                        "visibility": network.visibility, "status": network.status,
                        "founded_at": network.founded_at, "ended_at": network.ended_at},
                       visible_ids)
    return ReportNetwork(
        label=row.label, url=row.url, named=row.named, status_label=row.status_label,
        text=getattr(network, text_field) if row.named else "",
        results_text=network.end_results if row.named and text_field == "end_summary" else "")


def annual_report_for(*, user, year: int) -> AnnualReport:
    start, end = _year_bounds(year)
    visible_ids = set(network_ids_member_of(user=user))
    fields = ("pk", "slug", "name", "visibility", "status", "founded_at", "ended_at",
              "mandate", "end_summary", "end_results")
    founded = Network.objects.filter(founded_at__gte=start, founded_at__lt=end).only(
        *fields).order_by("founded_at", "pk")
    dissolved = Network.objects.filter(status=Status.DISSOLVED, ended_at__gte=start,
                                       ended_at__lt=end).only(*fields).order_by("ended_at", "pk")
    continued_ids = AuditEntry.objects.filter(
        action="network.continue", created_at__gte=start, created_at__lt=end).values(
        "target_id")
    continued = Network.objects.filter(pk__in=[int(pk) for pk in continued_ids.values_list(
        "target_id", flat=True) if pk.isdigit()]).only(*fields).order_by("name", "pk")
    results = [{
        "title": page.title, "url": page.url, "type": page.get_result_type_display(),
        "date": page.publication_date,
        "network": (page.network.name if page.network and (
            page.network.visibility != "confidential" or page.network_id in visible_ids)
            else confidential_label(page.network_id) if page.network_id else ""),
    } for page in library_pages_visible_to(user=user).filter(
        publication_date__year=year).order_by("publication_date", "pk")]
    # Networks at work during the year: founded before its end, not ended before its start.
    during = Q(network__founded_at__lt=end) & (
        Q(network__ended_at__isnull=True) | Q(network__ended_at__gte=start))
    pairs = participation_pairs(network_filter=during)
    network_ids_of_city = defaultdict(set)
    for network_id, city_id in pairs:
        network_ids_of_city[city_id].add(network_id)
    return AnnualReport(
        year=year,
        founded=[_report_network(n, visible_ids, text_field="mandate") for n in founded],
        dissolved=[_report_network(n, visible_ids, text_field="end_summary")
                   for n in dissolved],
        continued=[_report_network(n, visible_ids, text_field="end_summary")
                   for n in continued],
        results=results,
        forum=forum_edition_list_visible_to(user=user).filter(year=year).first(),
        department_heads=list(event_list_visible_to(user=user).filter(
            kind=Kind.DEPARTMENT_HEADS, start__gte=start, start__lt=end,
            cancelled_at__isnull=True).order_by("start")),
        cities=city_rows(since_people=start, period_start=start, period_end=end,
                         networks_per_city={city_id: len(ids) for city_id, ids
                                            in network_ids_of_city.items()}),
        active_networks=len({network_id for network_id, _city in pairs}),
    )
