"""Journey through process steering (/steuerung/): the dashboard with its attention list,
charts and heat map, a message to a quiet network's leads (a mistake first, told at its
field), the annual report on screen and as print, and the audit log. axe-core checks every
page. New strings may not be translated yet, so controls are found by URL or id."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intranet.notifications.models import Notification
from intranet.steering.services import daily_figures_catch_up, steering_figures_count
from networks.models import Network, Visibility
from networks.services import membership_invite, membership_join, network_found
from tests.e2e.helpers import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.steering.conftest import CANARY, meeting_of, post_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def region(coordinator, member, outsider):
    OrganisationFactory(slug="dortmund", name="Stadt Dortmund")
    rain = network_found(founder=coordinator, name="Starkregenvorsorge", mandate="Wasser halten",
                         visibility=Visibility.OPEN)
    for person in (member, outsider):
        membership_invite(network=rain, user=person, actor=coordinator)
        membership_join(network=rain, user=person)
    for days in (3, 40, 200, 400):
        post_in(rain, member, days_ago=days, comments=(days - 1,))
    meeting_of(rain, days_ago=30, attendees=(member, outsider))
    secret = network_found(founder=coordinator, name=f"Geheim {CANARY}", mandate="Intern",
                           visibility=Visibility.CONFIDENTIAL)
    post_in(secret, coordinator, days_ago=1, title=f"Beitrag {CANARY}")
    quiet = network_found(founder=coordinator, name="Baumrigolen", mandate="Bäume")
    Network.objects.filter(pk=quiet.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=90),
        founded_at=timezone.now() - datetime.timedelta(days=800))
    daily_figures_catch_up()
    steering_figures_count()
    return {"rain": rain, "secret": secret, "quiet": quiet}


def test_steering_reviews_the_network_and_asks_a_quiet_network_how_it_is(
        page, live_server, region, city):
    steering = UserFactory(name="Stefan Steuerung", organisation=city,
                           roles=["coordinator", "steering"])
    sign_in(page, live_server, steering, PASSWORD, check=False)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".site-nav a[href='/steuerung/']")).to_have_count(1)

    page.goto(f"{live_server.url}/steuerung/")
    expect(page.locator("svg.bar-chart")).to_have_count(2)
    expect(page.locator("table.heatmap")).to_have_count(1)
    assert CANARY not in page.content()
    assert_accessible(page)
    screenshot(page, "90-steuerung")
    page.locator("details.chart-data summary").first.click()
    assert_accessible(page)

    quiet = region["quiet"]
    page.locator(f"a[href='/steuerung/netzwerke/{quiet.pk}/nachfragen/']").click()
    page.wait_for_url(f"{live_server.url}/steuerung/netzwerke/{quiet.pk}/nachfragen/")
    assert_accessible(page)
    page.fill("#id_message", "   ")
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("#id_message_error")).to_have_count(1)
    assert_accessible(page)
    page.fill("#id_message", "Wie geht es den Baumrigolen? Brauchen Sie Unterstützung?")
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/steuerung/")
    assert Notification.objects.filter(network=quiet, text__contains="Baumrigolen?").exists()

    year = timezone.localdate().year
    page.goto(f"{live_server.url}/steuerung/jahresbericht/{year}/")
    expect(page.locator("#founded-heading")).to_have_count(1)
    assert CANARY not in page.content()
    assert_accessible(page)
    screenshot(page, "91-jahresbericht")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".report-actions")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/steuerung/protokoll/?person=Stefan")
    expect(page.locator("#main table tbody tr")).to_have_count(1)  # the message just sent
    assert_accessible(page)
    screenshot(page, "92-protokoll")
