"""Browser journey of the forum's planning: service staff edit an edition, create its plan,
mark a step done, upload a photo; a member sees the gallery and the forum list with its
thumbnail, and the network page's meetings. axe-core on every page."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from intranet.events.models import EventTask, ForumPhoto
from intranet.events.services import event_create, forum_edition_create
from networks.services import membership_join, network_found
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.e2e.test_forum_journey import sign_in_with_second_factor
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_service_staff_plan_the_forum_and_members_see_its_photos(
        page, browser, live_server, service_staff, member, coordinator, city, other_city,
        tmp_path):
    year = timezone.localdate().year + 1
    first = datetime.date(year, 9, 16)
    edition = forum_edition_create(actor=service_staff, year=year, host_organisation=city,
                                   theme="Schwammstadt", start_date=first,
                                   end_date=first + datetime.timedelta(days=1))
    base = f"{live_server.url}/termine/expertenforum/{year}/"

    sign_in_with_second_factor(page, live_server, service_staff)
    page.goto(base)
    assert_accessible(page)
    page.click("text=Bearbeiten" if page.locator("text=Bearbeiten").count() else "text=Edit")
    assert_accessible(page)
    page.fill("input[name=venue]", "Rathaus Bochum, Ratssaal")
    page.fill("input[name=end_date]", f"{year}-09-10")  # before the first day
    page.click("#main form button[type=submit]")
    assert page.locator("[aria-invalid=true]").count() == 1
    assert_accessible(page)
    screenshot(page, "forum-edit-error")
    page.fill("input[name=end_date]", f"{year}-09-17")
    page.check("input[name=create_event]")
    page.click("#main form button[type=submit]")
    page.wait_for_url(base)
    edition.refresh_from_db()
    assert edition.venue == "Rathaus Bochum, Ratssaal" and edition.event is not None

    page.click("#h-plan ~ form button[type=submit]")
    page.wait_for_url(f"{base}#h-plan")
    assert EventTask.objects.filter(forum_edition=edition).count() == 7
    page.locator(".forum-plan form button").first.click()
    page.wait_for_url(f"{base}#h-plan")
    assert EventTask.objects.filter(forum_edition=edition, state="done").count() == 1
    assert_accessible(page)
    screenshot(page, "forum-plan")

    photo = tmp_path / "plenum.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (40, 110, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    page.goto(f"{base}eindruecke/neu/")
    assert_accessible(page)
    page.set_input_files("input[name=image]", str(photo))
    page.fill("input[name=caption]", "Plenum im Ratssaal")
    page.locator("#main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}#h-gallery")
    assert ForumPhoto.objects.filter(edition=edition).count() == 1

    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    visitor = context.new_page()
    sign_in(visitor, live_server, member, PASSWORD, check=False)
    visitor.goto(base)
    assert visitor.locator("#h-plan").count() == 0
    image = visitor.locator(".forum-gallery img")
    assert image.get_attribute("alt") == "Plenum im Ratssaal"
    assert visitor.evaluate("document.querySelector('.forum-gallery img').naturalWidth") > 0
    assert_accessible(visitor)
    screenshot(visitor, "forum-gallery")
    visitor.goto(f"{live_server.url}/termine/expertenforum/")
    assert visitor.locator("img.forum-thumb").count() == 1
    assert_accessible(visitor)
    screenshot(visitor, "forum-list")

    network = network_found(founder=coordinator, name="Baumrigolen", mandate="Wie bauen wir?")
    membership_join(network=network, user=member)
    start = timezone.now() + datetime.timedelta(days=12)
    event_create(actor=coordinator, kind="network", network=network, audience="network",
                 title="Arbeitstreffen Baumrigolen", start=start,
                 end=start + datetime.timedelta(hours=2))
    visitor.goto(f"{live_server.url}{network.get_absolute_url()}")
    assert visitor.locator("#h-meetings ~ ul a").first.inner_text() == \
        "Arbeitstreffen Baumrigolen"
    assert_accessible(visitor)
    screenshot(visitor, "network-meetings")
    context.close()
