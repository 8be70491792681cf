"""Screenshots of the main pages for the README: `make screenshots` (needs `make run` running).

Signs in as the demo coordinator in the system Chromium and saves PNGs to docs/screenshots/.
"""

import datetime
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NEXT_YEAR = datetime.date.today().year + 1
LAST_YEAR = NEXT_YEAR - 2
PAGES = [
    ("start", "/"), ("personen", "/personen/"), ("person", "/personen/1/"),
    ("staedte", "/staedte/"), ("stadt", "/staedte/bochum/"), ("einladungen", "/einladungen/"),
    ("protokoll", "/steuerung/protokoll/"), ("einstellungen", "/profil/einstellungen/"),
    ("netzwerke", "/netzwerke/"), ("netzwerk", "/netzwerke/starkregenvorsorge/"),
    ("netzwerk-ideen", "/netzwerke/ideen/"), ("meine-aufgaben", "/netzwerke/aufgaben/"),
    ("brett", "/brett/"), ("brett-neu", "/brett/neu/"),
    ("benachrichtigungen", "/benachrichtigungen/"),
    ("benachrichtigungen-einstellungen", "/benachrichtigungen/einstellungen/"),
    ("suche", "/suche/?q=Starkregen"),
    ("bibliothek", "/wissen/"),
    ("bibliothek-ergebnis", "/wissen/netzwerk-1/leitfaden-starkregengefahrenkarten/"),
    ("bibliothek-projekt", "/wissen/netzwerk-2/baumrigolen-an-der-castroper-strasse/"),
    ("bibliothek-karte", "/bibliothek/karte/"),
    ("termine", "/termine/"), ("expertenforum", "/termine/expertenforum/"),
    ("expertenforum-gastgeber", "/termine/expertenforum/gastgeber/"),
    # The demo plans next year's forum (timeline, open space) and has photos of the last ones.
    ("expertenforum-planung", f"/termine/expertenforum/{NEXT_YEAR}/"),
    ("open-space-vorschlaege", f"/termine/expertenforum/{NEXT_YEAR}/open-space/"),
    ("open-space-programm", f"/termine/expertenforum/{NEXT_YEAR}/programm/"),
    ("expertenforum-jahrgang", f"/termine/expertenforum/{LAST_YEAR}/"),
    ("beschluesse", "/termine/beschluesse/"),
    ("steuerung", "/steuerung/"), ("jahresbericht", f"/steuerung/jahresbericht/{LAST_YEAR}/"),
]


def first_post_with_files(page) -> str:
    """The newest post on the board that has files (the demo gives some of them files)."""
    page.goto(BASE + "/brett/?page=1")
    for href in page.eval_on_selector_all(".board-card h2 a", "links => links.map(a => a.href)"):
        page.goto(href)
        if page.locator(".board-attachment-list").count():
            return href
    return href


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        for width, suffix in ((1280, ""), (390, "-mobil")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(BASE + "/konto/login/")
            page.screenshot(path=OUT / f"anmeldung{suffix}.png", full_page=True)
            page.fill("input[name=login]", "koordination@demo.klimawerk.invalid")
            page.fill("input[name=password]", "Klimawerk-Demo-2026")
            page.click("#main form button[type=submit]")
            page.wait_for_url(BASE + "/")
            for name, path in PAGES:
                page.goto(BASE + path)
                page.screenshot(path=OUT / f"{name}{suffix}.png", full_page=True)
            page.goto(first_post_with_files(page))
            page.screenshot(path=OUT / f"brett-beitrag{suffix}.png", full_page=True)
            page.goto(BASE + "/termine/")  # the first upcoming event: the full meeting
            page.click("#event-results .board-card h3 a >> nth=0")
            page.screenshot(path=OUT / f"termin{suffix}.png", full_page=True)
            page.goto(BASE + "/termine/?kind=department_heads")  # the coming one, its agenda
            page.click("#event-results .board-card h3 a >> nth=0")
            page.screenshot(path=OUT / f"dezernententreffen{suffix}.png", full_page=True)
            page.close()
        browser.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
