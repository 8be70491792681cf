"""What the pages show: charts with their tables, the heat map, the annual report, the
audit review."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.core.services import audit_record
from intranet.events.models import ForumEdition
from intranet.steering.charts import bar_chart, heat_level
from intranet.steering.services import daily_figures_catch_up

pytestmark = pytest.mark.django_db


def test_charts_are_inline_svg_with_numbers_and_a_table_behind(region, client_for, steering):
    daily_figures_catch_up()
    body = client_for(steering).get(reverse("steering:dashboard")).content.decode()
    assert body.count("<svg class=\"bar-chart\"") == 2
    assert 'role="img"' in body and "<title id=\"activity-title\">" in body
    assert body.count('<details class="chart-data">') == 2
    # Coordinates in SVG's own notation, never the German decimal comma ("36,5").
    assert not re.search(r'(x|y|width|height)="-?\d+,\d', body)
    assert re.search(r'<rect class="bar-chart__bar bar-chart__bar--total" x="[\d.]+"', body)
    assert "http://" not in re.sub(r'href="[^"]*"', "", body.split("<main")[1])  # no CDN


def test_heat_map_cells_hold_the_number_and_a_shade(region, client_for, steering):
    body = client_for(steering).get(reverse("steering:dashboard")).content.decode()
    assert '<td class="heat-4">3</td>' in body  # Bochum in Starkregen: the most
    assert '<td class="heat-0">0</td>' in body


def test_heat_levels_and_bar_heights_scale_with_the_largest_value():
    assert [heat_level(v, 8) for v in (0, 1, 2, 3, 8)] == [0, 1, 1, 2, 4]
    chart = bar_chart([("a", [("total", 5, "a: 5")]), ("b", [("total", 10, "b: 10")])])
    short, tall = chart.bars
    assert tall.height == 2 * short.height and tall.y < short.y
    assert bar_chart([]).bars == []


def test_annual_report_lists_the_year_with_forum_and_cities(region, client_for, steering,
                                                            city):
    year = timezone.localdate().year
    ForumEdition.objects.create(year=year, host_organisation=city, theme="Hitze in der Stadt")
    response = client_for(steering).get(reverse("steering:annual_report", args=[year]))
    body = response.content.decode()
    assert "Starkregen" in body and "Wasser halten" in body  # founded, with its mandate
    assert "Hitze in der Stadt" in body
    report = response.context["report"]
    assert [c.name for c in report.cities] == ["Stadt Bochum", "Stadt Dortmund", "Stadt Essen"]
    assert [c.networks for c in report.cities] == [3, 0, 1]
    assert 'href="/static/css/steering.css"' in body  # its print rules: no nav, page breaks


def test_print_rules_leave_out_navigation_and_break_pages():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "intranet/static/css/steering.css").read_text()
    print_rules = css.split("@media print")[1]
    assert ".site-header" in print_rules and "display: none" in print_rules
    assert "break-before: page" in print_rules


def test_latest_annual_report_is_last_year(client_for, steering):
    response = client_for(steering).get(reverse("steering:annual_report_latest"))
    assert response["Location"] == reverse("steering:annual_report",
                                           args=[timezone.localdate().year - 1])


def test_audit_log_filters_by_person_name_and_date(client_for, steering, coordinator, member):
    audit_record(actor=coordinator, action="network.found")
    audit_record(actor=member, action="network.found")
    client = client_for(steering)
    page = client.get(reverse("audit_log"), {"person": "carla"}).context["page"]
    assert [entry.actor for entry in page] == [coordinator]
    today = timezone.localdate().isoformat()
    page = client.get(reverse("audit_log"), {"date_from": today, "date_to": today,
                                             "action": "network.found"}).context["page"]
    assert len(page) == 2


def test_audit_log_filtered_by_actor_says_so_and_offers_everyone(client_for, steering,
                                                                 coordinator):
    audit_record(actor=coordinator, action="network.found")
    body = client_for(steering).get(reverse("audit_log"),
                                    {"actor": coordinator.pk}).content.decode()
    assert "Carla Koordinatorin" in body and 'href="?"' in body
