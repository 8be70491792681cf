"""The German catalogue is complete and clean, and the committed .mo matches the .po.

German is the product's first language: every string marked for translation must have a
German text. English is the source language, so the English catalogue stays empty on purpose.
After changing strings run ``make messages`` and translate what is new; these tests say what.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
DE_PO = LOCALE_DIR / "de" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %.1f … as Python's %-formatting reads them; "%%" is a literal percent.
PERCENT_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]"
)
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{\s*[^{}]*?\s*\}\}")  # {{ name }} left in a template string
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}(?!\})")

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
           "f": "\f", "v": "\v"}


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted string: {text!r}"
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A minimal reader for the .po files makemessages writes (obsolete entries are skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None

    def finish():
        nonlocal entry
        if entry is not None:
            entries.append(entry)
        entry = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, kind, getattr(entry, kind) + _unquote(line))
            continue
        if keyword in {"msgctxt", "msgid"} and entry is not None and entry.msgstr:
            finish()  # a new entry without a blank line before it
        if entry is None:
            entry = Entry(line=number, flags=flags)
            flags = set()
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword == "msgctxt":
            entry.msgctxt, target = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry.msgstr[0], target = _unquote(rest), ("msgstr", 0)
        elif match:
            index = int(match.group(1))
            entry.msgstr[index], target = _unquote(rest), ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def _messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid != ""]  # without the header


def _header(entries: list[Entry]) -> Entry:
    headers = [entry for entry in entries if entry.msgid == "" and entry.msgctxt is None]
    assert len(headers) == 1, "the catalogue needs exactly one header entry"
    return headers[0]


def _percent(text: str) -> list[str]:
    return sorted(m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text.replace("%%", "")))


def _placeholders(text: str, flags: set[str]) -> list[str]:
    found = [re.sub(r"\s+", "", m.group(0)) for m in TEMPLATE_PLACEHOLDER.finditer(text)]
    if "python-format" in flags:
        found += _percent(text)
    if "python-brace-format" in flags:
        found += [m.group(0) for m in BRACE_PLACEHOLDER.finditer(text)]
    return sorted(found)


@pytest.fixture(scope="module")
def german():
    return parse_po(DE_PO)


def test_the_parser_reads_every_entry(german):
    # Cross-check the reader against a plain count of the msgid lines in the file.
    text = DE_PO.read_text(encoding="utf-8")
    assert len(german) == len(re.findall(r"^msgid ", text, flags=re.MULTILINE))
    assert len(_messages(german)) > 100


def test_header_is_german_utf8_with_two_plural_forms(german):
    header = _header(german).msgstr[0]
    assert "Language: de\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def test_every_entry_has_a_german_translation(german):
    missing = []
    for entry in _messages(german):
        expected = 2 if entry.msgid_plural is not None else 1
        forms = [entry.msgstr.get(index, "") for index in range(expected)]
        if sorted(entry.msgstr) != list(range(expected)) or not all(f.strip() for f in forms):
            missing.append(entry.label)
    assert not missing, "untranslated in locale/de:\n" + "\n".join(missing)


def test_no_entry_is_fuzzy(german):
    fuzzy = [entry.label if entry.msgid else "header" for entry in german
             if "fuzzy" in entry.flags]
    assert not fuzzy, "check these translations, then drop '#, fuzzy':\n" + "\n".join(fuzzy)


def test_translations_keep_the_placeholders(german):
    wrong = []
    for entry in _messages(german):
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural is not None else [])
        allowed = set(_placeholders("".join(sources), entry.flags))
        for index, text in entry.msgstr.items():
            if not text:
                continue  # reported by test_every_entry_has_a_german_translation
            # msgstr[0] answers msgid; the other plural forms answer msgid_plural.
            source = sources[min(index, len(sources) - 1)]
            have = _placeholders(text, entry.flags)
            lost = [p for p in _placeholders(source, entry.flags) if p not in have]
            unknown = [p for p in have if p not in allowed]
            if lost or unknown:
                wrong.append(f"{entry.label} msgstr[{index}]: lost {lost}, unknown {unknown}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_placeholder_check_sees_what_it_should():
    flags = {"python-format"}
    assert _placeholders("Hello %(name)s, 100%% done, %d new", flags) == ["%(name)s", "%d"]
    assert _placeholders("{{ name }} and {{inviter}}", set()) == ["{{inviter}}", "{{name}}"]
    assert _placeholders("50% off", set()) == []


def test_compiled_catalogue_matches_the_po(german):
    """Django reads the .mo; a .po edited without ``compilemessages`` shows here.

    Every translated entry (at least the first twenty plain ones) must come back from
    gettext exactly as the .po has it. Our catalogue comes first (LOCALE_PATHS), so a string
    that is also in Django or allauth must still give our text.
    """
    entries = [entry for entry in _messages(german) if all(entry.msgstr.values())]
    plain = [entry for entry in entries if entry.msgid_plural is None]
    assert len(plain) >= 20
    stale = []
    with translation.override("de"):
        for entry in entries:
            if entry.msgid_plural is None:
                if entry.msgctxt is None:
                    got = translation.gettext(entry.msgid)
                else:
                    got = translation.pgettext(entry.msgctxt, entry.msgid)
                if got != entry.msgstr[0]:
                    stale.append(f"{entry.label}: .mo gives {got!r}")
                continue
            for count, index in ((1, 0), (5, 1)):
                if entry.msgctxt is None:
                    got = translation.ngettext(entry.msgid, entry.msgid_plural, count)
                else:
                    got = translation.npgettext(
                        entry.msgctxt, entry.msgid, entry.msgid_plural, count)
                if got != entry.msgstr[index]:
                    stale.append(f"{entry.label} (n={count}): .mo gives {got!r}")
    assert not stale, "run `make messages` (compilemessages):\n" + "\n".join(stale)


def test_english_catalogue_exists_with_the_same_strings(german):
    english = parse_po(EN_PO)
    assert "Language: en\n" in _header(english).msgstr[0]
    assert (EN_PO.parent / "django.mo").is_file()
    assert (DE_PO.parent / "django.mo").is_file()

    def keys(entries):
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in _messages(entries)}

    assert keys(english) == keys(german), "run `make messages` to update both catalogues"
    with translation.override("en"):
        assert translation.gettext("Who knows what?") == "Who knows what?"
