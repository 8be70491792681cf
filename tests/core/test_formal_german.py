"""Public administrations say "Sie": our override catalogue replaces allauth's "du".

``locale_overrides/de`` is hand-maintained (makemessages never writes there) and is the
second entry of LOCALE_PATHS: it beats allauth's own German, and our ``locale/`` beats it.
"""

import array
import html
import re
import struct
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import translation

from tests.core.test_translations import _messages, _placeholders, parse_po

BASE_DIR = Path(settings.BASE_DIR)
OVERRIDES_PO = BASE_DIR / "locale_overrides" / "de" / "LC_MESSAGES" / "django.po"
ALLAUTH_PO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"

INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*|euch|euer\w*)\b", re.IGNORECASE)

# Where allauth's strings are shown with our configuration: account, TOTP, recovery codes
# and the shared layout; no social accounts, user sessions, headless, OIDC or WebAuthn.
IN_USE = re.compile(r"(account|mfa|core)/|templates/(account|mfa|allauth)/")
NOT_IN_USE = re.compile(r"webauthn")


@pytest.fixture(scope="module")
def overrides():
    return _messages(parse_po(OVERRIDES_PO))


def _translate(entry, count=None):
    if entry.msgid_plural is None:
        if entry.msgctxt is None:
            return translation.gettext(entry.msgid)
        return translation.pgettext(entry.msgctxt, entry.msgid)
    if entry.msgctxt is None:
        return translation.ngettext(entry.msgid, entry.msgid_plural, count)
    return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)


def _informal_words(text: str) -> list[str]:
    return [match.group(0) for match in INFORMAL.finditer(text)]


def _visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]*>", " ", page))


def _references(path: Path, entry) -> list[str]:
    """The ``#:`` source references above an entry (parse_po keeps only its line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    references, number = [], entry.line - 2
    while number >= 0 and lines[number].startswith("#"):
        if lines[number].startswith("#:"):
            references += lines[number][2:].split()
        number -= 1
    return references


def _write_mo(path: Path, messages: dict[str, str]) -> None:
    """A minimal GNU .mo writer (the layout Python's gettext module reads)."""
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    messages = {"": header, **messages}
    keys = sorted(messages)
    ids = strs = b""
    table = []
    for key in keys:
        key_bytes, value_bytes = key.encode(), messages[key].encode()
        table.append((len(ids), len(key_bytes), len(strs), len(value_bytes)))
        ids += key_bytes + b"\0"
        strs += value_bytes + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    key_offsets, value_offsets = [], []
    for id_offset, id_length, str_offset, str_length in table:
        key_offsets += [id_length, id_offset + key_start]
        value_offsets += [str_length, str_offset + value_start]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
        + array.array("i", key_offsets + value_offsets).tobytes() + ids + strs
    )


def test_the_informal_pattern_finds_what_it_should():
    for informal in ["Gib deine E-Mail-Adresse ein", "Bist du sicher?", "Lass Dir helfen",
                     "mit deinem Konto", "Wir schicken dir einen Link", "euer Team"]:
        assert _informal_words(informal), informal
    for formal in ["Geben Sie Ihre E-Mail-Adresse ein", "Dienstag", "direkt", "Dubai",
                   "Dichtung", "Deutschland"]:
        assert not _informal_words(formal), formal


def test_every_override_is_compiled_and_in_effect(overrides):
    """Django reads the .mo: a .po edited without ``make messages`` shows here."""
    assert len(overrides) >= 40
    stale = []
    with translation.override("de"):
        for entry in overrides:
            checks = [(None, 0)] if entry.msgid_plural is None else [(1, 0), (5, 1)]
            for count, index in checks:
                got = _translate(entry, count)
                if got != entry.msgstr[index]:
                    stale.append(f"{entry.label} (n={count}): gettext gives {got!r}")
    assert not stale, "run `make messages` (compilemessages):\n" + "\n".join(stale)


def test_no_override_uses_informal_address(overrides):
    informal = [f"{entry.label}: {_informal_words(text)}" for entry in overrides
                for text in entry.msgstr.values() if _informal_words(text)]
    assert not informal, "informal address in locale_overrides:\n" + "\n".join(informal)


def test_overrides_are_complete_and_keep_the_placeholders(overrides):
    wrong = []
    for entry in overrides:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        if sorted(entry.msgstr) != list(range(len(sources))) or not all(entry.msgstr.values()):
            wrong.append(f"{entry.label}: needs {len(sources)} non-empty form(s)")
            continue
        if "fuzzy" in entry.flags:
            wrong.append(f"{entry.label}: fuzzy (msgfmt leaves it out)")
        for index, text in entry.msgstr.items():
            source = sources[min(index, len(sources) - 1)]
            if _placeholders(text, entry.flags) != _placeholders(source, entry.flags):
                wrong.append(f"{entry.label} msgstr[{index}]: placeholders differ")
    assert not wrong, "\n".join(wrong)


def test_overrides_still_match_allauth(overrides):
    """After an allauth upgrade a changed msgid would silently bring the "du" back."""
    known = {(e.msgctxt, e.msgid, e.msgid_plural) for e in _messages(parse_po(ALLAUTH_PO))}
    gone = [entry.label for entry in overrides
            if (entry.msgctxt, entry.msgid, entry.msgid_plural) not in known]
    assert not gone, "no longer in allauth's German catalogue:\n" + "\n".join(gone)


def test_every_informal_allauth_string_in_use_is_overridden(overrides):
    """New "du" strings in account or mfa after an allauth upgrade show here."""
    ours = {(entry.msgctxt, entry.msgid) for entry in overrides}
    missing = []
    for entry in _messages(parse_po(ALLAUTH_PO)):
        if (entry.msgctxt, entry.msgid) in ours:
            continue
        if not any(_informal_words(text) for text in entry.msgstr.values()):
            continue
        if any(IN_USE.match(ref) and not NOT_IN_USE.search(ref)
               for ref in _references(ALLAUTH_PO, entry)):
            missing.append(entry.label)
    assert not missing, "add formal German to locale_overrides:\n" + "\n".join(missing)


def test_our_catalogue_wins_over_the_overrides(tmp_path):
    paths = [Path(path) for path in settings.LOCALE_PATHS]
    assert paths.index(BASE_DIR / "locale") < paths.index(BASE_DIR / "locale_overrides")
    # A second catalogue that also defines one of our msgids and one of allauth's. (The
    # msgids are variables so that makemessages does not pick them up from this file.)
    ours, allauths = "Save", "Are you sure?"
    _write_mo(tmp_path / "de" / "LC_MESSAGES" / "django.mo",
              {ours: "OVERRIDE", allauths: "OVERRIDE"})
    with override_settings(LOCALE_PATHS=[BASE_DIR / "locale", tmp_path]), \
            translation.override("de"):
        assert translation.gettext(ours) == "Speichern"  # locale/ wins
        assert translation.gettext(allauths) == "OVERRIDE"  # beats allauth's German
    with override_settings(LOCALE_PATHS=[tmp_path, BASE_DIR / "locale"]), \
            translation.override("de"):
        assert translation.gettext(ours) == "OVERRIDE"  # so the order is what matters


@pytest.mark.django_db
def test_password_reset_page_is_formal(client):
    response = client.get("/konto/password/reset/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de"' in page
    text = _visible_text(page)
    assert "Geben Sie unten Ihre E-Mail-Adresse ein" in text
    assert not _informal_words(text), _informal_words(text)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/konto/password/change/", "/konto/logout/", "/konto/2fa/",
                                 "/konto/2fa/totp/activate/"])
def test_signed_in_allauth_pages_are_formal(client_for, member, url):
    response = client_for(member).get(url, follow=True, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de"' in page
    assert not _informal_words(_visible_text(page)), (url, _informal_words(_visible_text(page)))


@pytest.mark.django_db
def test_password_reset_email_is_formal(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves on commit
        response = client.post("/konto/password/reset/", {"email": member.email},
                               HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Sie erhalten diese E-Mail" in message.body
    assert not _informal_words(message.subject + "\n" + message.body)
