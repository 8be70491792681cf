"""Journey through a meeting's records: the organiser builds the agenda (a mistake first,
told at its field), uploads slides, writes the minutes, records a decision and gives its
follow-up task to a member, who marks it done in "my tasks"; a coordinator proposes a topic
for the department-heads meeting, whose decisions page a department head reads. axe-core
checks every page. New strings may not be translated yet, so controls are found by URL,
name or id.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intranet.events.models import AgendaItem, AgendaSlide, Decision, EventTask
from intranet.events.services import decision_create, event_create
from tests.e2e.conftest import _new_context
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_organiser_keeps_the_records_and_the_member_finishes_the_task(
        page, browser, live_server, coordinator, member, tmp_path):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    event = event_create(actor=coordinator, kind="coordinators", title="Koordinationstreffen",
                         start=start, end=start + datetime.timedelta(hours=3),
                         venue="Rathaus Bochum")
    base = f"{live_server.url}/termine/{event.pk}"
    sign_in(page, live_server, coordinator, PASSWORD, check=False)

    page.goto(f"{base}/tagesordnung/")
    assert_accessible(page)
    page.fill("#id_title", "Bericht aus den Städten")
    page.fill("#id_starts_at", _local(start + datetime.timedelta(hours=5)))  # after the end
    page.click("#main form.kern-stack-md button[type=submit]")
    expect(page.locator("#id_starts_at_error")).to_be_visible()
    assert_accessible(page)
    page.fill("#id_starts_at", _local(start + datetime.timedelta(minutes=15)))
    page.fill("#id_duration", "30")
    page.fill("#id_presenters", member.email)
    page.click("#main form.kern-stack-md button[type=submit]")
    page.wait_for_url(f"{base}/tagesordnung/")
    item = AgendaItem.objects.get(event=event)
    screenshot(page, "70-tagesordnung")

    page.goto(f"{base}/tagesordnung/{item.pk}/")
    assert_accessible(page)
    slides = Path(tmp_path) / "folien.pdf"
    slides.write_bytes(b"%PDF-1.4\n% Folien\n")
    page.set_input_files("#id_file", str(slides))
    page.click(f"form[action='/termine/{event.pk}/tagesordnung/{item.pk}/folien/'] button")
    page.wait_for_url(f"{base}/tagesordnung/{item.pk}/")
    assert AgendaSlide.objects.filter(item=item).count() == 1

    page.goto(f"{base}/protokoll/")
    assert_accessible(page)
    page.fill("#id_text", "## Ergebnisse\n\n- Alle Städte berichten bis Juni.")
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{base}/#minutes")

    page.goto(f"{base}/beschluesse/neu/")
    assert_accessible(page)
    page.fill("#id_title", "Leitfaden bis Juni")
    page.click("#main form button[type=submit]")
    decision = Decision.objects.get(event=event)
    page.goto(f"{base}/beschluesse/{decision.pk}/aufgabe/")
    assert_accessible(page)
    page.fill("#id_title", "Entwurf schreiben")
    page.fill("#id_assignee", member.email)
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{base}/#decision-{decision.pk}")
    expect(page.locator("#minutes strong, #minutes li").first).to_be_visible()
    expect(page.locator(f"a[href='/termine/{event.pk}/folien/"
                        f"{AgendaSlide.objects.get().pk}/']")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "71-termin-mit-protokoll")

    other = _new_context(browser).new_page()
    sign_in(other, live_server, member, PASSWORD, check=False)
    other.goto(f"{live_server.url}/netzwerke/aufgaben/")
    task = EventTask.objects.get()
    expect(other.locator(f"a[href='/termine/{event.pk}/#task-{task.pk}']")).to_have_count(1)
    assert_accessible(other)
    screenshot(other, "72-meine-aufgaben")
    other.click(f"form[action='/termine/aufgaben/{task.pk}/status/'] button")
    other.wait_for_url(f"{live_server.url}/netzwerke/aufgaben/")
    task.refresh_from_db()
    assert task.state == "done"


def test_a_coordinator_proposes_and_a_department_head_reads_the_decisions(
        page, browser, live_server, coordinator, department_head, service_staff):
    start = timezone.now() + datetime.timedelta(days=40)
    meeting = event_create(actor=service_staff, kind="department_heads",
                           title="Dezernent:innenrunde", start=start,
                           end=start + datetime.timedelta(hours=4), audience="roles",
                           roles=["department_head", "service"])
    decision_create(event=meeting, actor=service_staff, title="Hitzeaktionspläne überall")
    sign_in(page, live_server, coordinator, PASSWORD, check=False)
    page.goto(f"{live_server.url}/termine/{meeting.pk}/vorschlagen/")
    assert_accessible(page)
    page.fill("#id_title", "Kühle Orte")
    page.click("#main form button[type=submit]")
    expect(page.locator("#id_reason_error")).to_be_visible()
    page.fill("#id_reason", "Drei Städte planen schon.")
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/termine/{meeting.pk}/#proposals")
    assert_accessible(page)
    assert AgendaItem.objects.get(event=meeting).status == "proposed"

    head = _new_context(browser).new_page()
    sign_in(head, live_server, department_head, PASSWORD, check=False)
    head.goto(f"{live_server.url}/termine/beschluesse/")
    expect(head.locator("table tbody tr")).to_have_count(1)
    assert_accessible(head)
    screenshot(head, "73-beschluesse")
