"""axe-core over every page type of the platform (issue 8, item 7).

One representative address per family of URL patterns, taken from the demo region that
``seed_demo`` builds, plus the pages people meet when something goes wrong: the sign-in
with an error, the second-factor code, the lockout, 404, 500, a form with errors and a
rejected upload. Every page must be free of WCAG 2.1 A/AA violations of any impact (the
journeys' ``assert_accessible`` stops at serious ones). The accessibility statement
names these page types from ``intranet.core.accessibility.CHECKED_PAGE_TYPES``: a page
type added here is added there too. Bounded in time: one browser context per test.
"""

import json
import time
from importlib import import_module

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import path
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from board.models import Post
from intranet import urls as platform_urls
from intranet.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from intranet.accounts.models import Organisation, Topic, User
from intranet.core.access import PUBLIC, access_rule
from intranet.events.models import Event, ForumEdition
from knowledge.models import ProjectPage, ResultPage, ShelfPage
from networks.models import Document, Membership, Network, NetworkIdea
from tests.e2e.helpers import AXE_JS, AXE_TAGS
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the personas' second factor (tests/conftest.py)
AXE_SOURCE = AXE_JS.read_text(encoding="utf-8")
COORDINATOR_EMAIL = DEMO_LOGINS[0][0]  # Katrin Brandt: coordinator and process steering


def axe_violations(page, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Every WCAG 2.1 A/AA violation axe-core finds on the page, whatever its impact,
    outside the ``exclude`` selectors."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the pages' CSP (script-src 'self') would
        # refuse axe-core as an inline <script>, and must not be loosened for the test.
        page.evaluate(AXE_SOURCE + "\n;void 0")
    return page.evaluate(
        """([tags, exclude]) => axe.run(
               exclude.length ? {exclude: exclude.map(s => [s])} : document,
               {runOnly: {type: 'tag', values: tags}})
             .then(r => r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))""",
        [AXE_TAGS, list(exclude)],
    )


class Sweep:
    """Visits pages and keeps what axe-core finds, so that one run reports every page."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.findings: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, label: str, path: str, *, status: int = 200, styled: bool = True,
              exclude: tuple[str, ...] = ()):
        response = self.page.goto(self.base + path)
        assert response.status == status, f"{label}: {path} answered {response.status}"
        self.check_current(label, styled=styled, exclude=exclude)

    def check_current(self, label: str, *, styled: bool = True, exclude: tuple[str, ...] = ()):
        url = self.page.url.removeprefix(self.base)
        self.checked.append(label)
        if styled:  # contrast is only meaningful on the styled page
            font = self.page.evaluate("getComputedStyle(document.body).fontFamily")
            assert "Fira Sans" in font, f"{label}: the KERN styles did not load on {url}"
        if violations := axe_violations(self.page, exclude):
            self.findings[f"{label} ({url})"] = violations

    def assert_clean(self):
        assert not self.findings, "axe-core found violations:\n" + "\n".join(
            f"{where}:\n" + "\n".join(
                f"  - {v['id']} ({v['impact']}): {v['help']} → {json.dumps(v['targets'])}"
                for v in violations)
            for where, violations in self.findings.items())


def _fill_sign_in(page, base, email, password):
    page.goto(f"{base}/konto/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("load")


# --- Before and around the sign-in ----------------------------------------------------------

def test_sign_in_second_factor_lockout_and_public_pages_have_no_violations(
        page, live_server, member, service_staff):
    base = live_server.url
    sweep = Sweep(page, base)
    sweep.check("sign-in", "/konto/login/")
    sweep.check("accessibility statement", "/barrierefreiheit/")
    sweep.check("imprint", "/impressum/")
    sweep.check("password reset", "/konto/password/reset/")

    _fill_sign_in(page, base, member.email, "Falsches-Passwort-123")
    expect(page.locator("#main [role=alert]")).to_be_visible()
    sweep.check_current("sign-in with an error")

    _fill_sign_in(page, base, service_staff.email, PASSWORD)
    expect(page.locator("input[name=code]")).to_be_visible()
    sweep.check_current("second-factor code")
    page.fill("input[name=code]", "000000")
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("load")
    sweep.check_current("second-factor code with an error")
    page.fill("input[name=code]", format_hotp_value(hotp_value(TOTP_SECRET,
                                                               int(time.time()) // 30)))
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.context.clear_cookies()

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fill_sign_in(page, base, member.email, "Falsches-Passwort-123")
    _fill_sign_in(page, base, member.email, PASSWORD)
    assert page.locator(".site-account").count() == 0
    sweep.check_current("lockout after five failures")

    sweep.assert_clean()


# --- The server error page ---------------------------------------------------------------

@access_rule(PUBLIC)
def _broken_view(request):
    raise RuntimeError("a deliberate error for the 500 page")


# This module doubles as the URLconf of the 500 test: the platform's patterns and error
# handlers plus one view that fails, so that no test-only route enters production URLs.
urlpatterns = [path("kaputt/", _broken_view), *platform_urls.urlpatterns]
handler404, handler500 = platform_urls.handler404, platform_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_the_server_error_page_has_no_violations(page, live_server):
    sweep = Sweep(page, live_server.url)
    sweep.check("server error (500)", "/kaputt/", status=500)
    expect(page.locator("h1")).to_have_text("Etwas ist schiefgegangen")
    sweep.assert_clean()


# --- Every page type of the signed-in platform ------------------------------------------------

def _representatives(coordinator: User) -> dict:
    """One object of each kind from the demo region, seen by the demo coordinator."""
    memberships = Membership.objects.filter(user=coordinator, state="active")
    own = Network.objects.get(pk=memberships.filter(role="lead").values("network")[:1])
    foreign = (Network.objects.exclude(pk__in=memberships.values("network"))
               .exclude(visibility="confidential").order_by("pk").first())
    year = timezone.localdate().year
    return {
        "own": own, "foreign": foreign,
        "document": Document.objects.filter(network=own).order_by("pk").first(),
        "idea": NetworkIdea.objects.order_by("pk").first(),
        # A post of someone else for the whole platform, with files if the demo has one.
        "post": Post.objects.filter(audience="platform").exclude(author=coordinator)
        .order_by("attachments", "-pk").last(),
        "city": Organisation.objects.get(slug="bochum"),
        "shelf": ShelfPage.objects.live().order_by("path").first(),
        "result": ResultPage.objects.live().order_by("path").first(),
        "project": ProjectPage.objects.live().order_by("path").first(),
        "event": Event.objects.filter(start__gte=timezone.now(), kind="network",
                                      network=own).order_by("start").first()
        or Event.objects.filter(start__gte=timezone.now()).order_by("start").first(),
        "coming_forum": ForumEdition.objects.filter(year__gt=year).order_by("year").first(),
        "past_forum": ForumEdition.objects.filter(year__lt=year).order_by("-year").first(),
        "report_year": year - 1,
    }


def _platform_pages(r: dict, coordinator: User) -> list[tuple[str, str]]:
    own, coming, past = r["own"].slug, r["coming_forum"].year, r["past_forum"].year
    return [
        ("start page", "/"),
        ("people", "/personen/"), ("person", f"/personen/{coordinator.pk}/"),
        ("cities", "/staedte/"), ("city", f"/staedte/{r['city'].slug}/"),
        ("city form", f"/staedte/{r['city'].slug}/bearbeiten/"),
        ("invitations", "/einladungen/"),
        ("profile", "/profil/"), ("settings", "/profil/einstellungen/"),
        ("networks", "/netzwerke/"), ("network founding form", "/netzwerke/gruenden/"),
        ("network (not a member)", f"/netzwerke/{r['foreign'].slug}/"),
        ("network workspace", f"/netzwerke/{own}/"),
        ("network members", f"/netzwerke/{own}/mitglieder/"),
        ("network tasks", f"/netzwerke/{own}/aufgaben/"),
        ("network files", f"/netzwerke/{own}/dokumente/"),
        ("network file", f"/netzwerke/{own}/dokumente/{r['document'].pk}/"),
        ("network form", f"/netzwerke/{own}/bearbeiten/"),
        ("my tasks", "/netzwerke/aufgaben/"),
        ("ideas", "/netzwerke/ideen/"), ("idea", f"/netzwerke/ideen/{r['idea'].pk}/"),
        ("notice board", "/brett/"), ("board archive", "/brett/archiv/"),
        ("board post", f"/brett/{r['post'].pk}/"), ("board form", "/brett/neu/"),
        ("library", "/wissen/"), ("library shelf", r["shelf"].url),
        ("library result", r["result"].url), ("library project", r["project"].url),
        ("project map", "/bibliothek/karte/"),
        ("search with results", "/suche/?q=Starkregen"),
        ("search without results", "/suche/?q=Quxquxnichtvorhanden"),
        ("calendar", "/termine/"), ("event", f"/termine/{r['event'].pk}/"),
        ("event form", "/termine/neu/"),
        ("forum list", "/termine/expertenforum/"),
        ("forum hosts", "/termine/expertenforum/gastgeber/"),
        ("forum edition (planning)", f"/termine/expertenforum/{coming}/"),
        ("forum edition (past)", f"/termine/expertenforum/{past}/"),
        ("open space proposals", f"/termine/expertenforum/{coming}/open-space/"),
        ("open space proposal form", f"/termine/expertenforum/{coming}/open-space/vorschlagen/"),
        ("open space programme", f"/termine/expertenforum/{coming}/programm/"),
        ("decisions", "/termine/beschluesse/"),
        ("steering dashboard and attention list", "/steuerung/"),
        ("annual report", f"/steuerung/jahresbericht/{r['report_year']}/"),
        ("audit log", "/steuerung/protokoll/"),
        ("notifications", "/benachrichtigungen/"),
        ("notification settings", "/benachrichtigungen/einstellungen/"),
    ]


MOBILE_PAGES = {"start page", "invitations", "network members", "board form", "event form",
                "open space programme", "steering dashboard and attention list",
                "annual report", "audit log"}


def _restore_migrated_data():
    """What the data migrations write (topics, measures, the library as Wagtail's root):
    a test with real transactions before this one ends with a flush that empties it."""
    if Topic.objects.exists():
        return
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(
        settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    for module, function in [("intranet.accounts.migrations.0002_topics", "add_topics"),
                             ("knowledge.migrations.0002_library_root_and_measures",
                              "create_library"),
                             ("intranet.core.migrations.0002_site_name", "name_the_site")]:
        getattr(import_module(module), function)(django_apps, None)


@pytest.fixture
def demo_region(db):
    _restore_migrated_data()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    return User.objects.get(email=COORDINATOR_EMAIL)


def test_every_page_type_of_the_platform_has_no_violations(page, live_server, demo_region):
    base = live_server.url
    coordinator = demo_region
    r = _representatives(coordinator)
    pages = _platform_pages(r, coordinator)
    _fill_sign_in(page, base, coordinator.email, DEMO_PASSWORD)
    assert page.url == f"{base}/"
    sweep = Sweep(page, base)
    for label, address in pages:
        sweep.check(label, address)
    sweep.check("not found (404)", "/netzwerke/gibt-es-nicht/", status=404)
    sweep.check("not allowed (403)", f"/brett/{r['post'].pk}/bearbeiten/", status=403)

    # A form sent back with its errors, then an upload the platform refuses.
    page.goto(f"{base}/brett/neu/")
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("load")
    sweep.check_current("board form with errors")
    page.fill("input[name=title]", "Gefahrenkarte zum Abgleich")
    page.fill("textarea[name=body]", "Bitte einmal gegenlesen.")
    page.set_input_files("input[name=files]", files=[{
        "name": "gefahrenkarte.pdf", "mimeType": "application/pdf",
        "buffer": b"<!DOCTYPE html><html><script>alert(1)</script></html>"}])
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("load")
    expect(page.locator("#main")).to_contain_text("gefahrenkarte.pdf")
    assert not Post.objects.filter(title="Gefahrenkarte zum Abgleich").exists()
    sweep.check_current("upload rejection")

    # Swagger UI draws the API documentation with barriers of its own (contrast, controls
    # inside controls) that the statement names; our page around it is checked.
    sweep.check("API documentation (the page around Swagger UI)", "/api/v1/docs/",
                styled=False, exclude=("#swagger-ui",))
    expect(page.locator("#swagger-ui .title")).to_be_visible()

    # On a phone the navigation folds and wide tables scroll inside their frame.
    page.set_viewport_size({"width": 390, "height": 844})
    for label, address in pages:
        if label in MOBILE_PAGES:
            sweep.check(f"{label}, phone width", address)
    sweep.assert_clean()
