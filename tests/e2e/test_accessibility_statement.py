"""The accessibility statement (/barrierefreiheit/) says what was tested, when, what is
known not to be accessible, where to report a barrier and how to enforce it (BITV 2.0).

No browser needed: these run with the rest of the suite, the axe-core check of the page
itself is in ``test_accessibility_sweep.py``.
"""

import html

import pytest
from django.conf import settings
from django.utils import translation

from intranet.core.accessibility import CHECKED_PAGE_TYPES, KEYBOARD_JOURNEYS, LAST_CHECKED

pytestmark = pytest.mark.django_db

URL = "/barrierefreiheit/"


def statement(client, language: str | None = None) -> str:
    if language:  # the language switch's cookie; the browser's language does not count
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(URL)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_statement_is_public_and_names_every_checked_page_type_and_journey(client):
    text = statement(client)
    with translation.override("de"):
        for page_type in [*CHECKED_PAGE_TYPES, *KEYBOARD_JOURNEYS]:
            assert str(page_type) in text, f"the statement does not name {page_type!r}"
    assert text.count("<li>") >= len(CHECKED_PAGE_TYPES) + len(KEYBOARD_JOURNEYS)


def test_the_statement_names_the_method_the_date_and_the_standard(client):
    text = statement(client)
    assert "axe-core" in text
    assert "WCAG 2.1" in text
    assert "BITV 2.0" in text
    assert LAST_CHECKED.year == 2026
    assert "21. November 2026" in text


def test_the_statement_names_the_known_limitations(client):
    text = statement(client, "en")
    assert "Files uploaded by users" in text
    assert "Wagtail's own administration under /cms/" in text


def test_the_statement_names_the_feedback_contact_and_the_enforcement_body(client):
    text = statement(client)
    assert f"mailto:{settings.OPERATOR['accessibility_email']}" in text
    assert "§ 16 BGG" in text
    assert "https://www.schlichtungsstelle-bgg.de" in text
    assert "Mauerstraße 53, 10117 Berlin" in text


def test_the_english_statement_names_the_same_page_types(client):
    text = statement(client, "en")
    with translation.override("en"):
        for page_type in CHECKED_PAGE_TYPES:
            assert str(page_type) in text
    assert "November 21, 2026" in text or "Nov. 21, 2026" in text
