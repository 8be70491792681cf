from html.parser import HTMLParser

import pytest

from intranet.core.markdown import (
    ALLOWED_TAGS,
    Mentionable,
    render_markdown,
    render_with_mentions,
)


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags, self.attributes = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


def test_markdown_becomes_html():
    html = render_markdown("# Titel\n\n**fett** und *kursiv*, [Link](https://example.org)")
    assert "<h2>Titel</h2>" in html and "<strong>fett</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">Link</a>' in html


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "![bild](javascript:alert(1))",
    "<iframe src=https://evil.example></iframe>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[x](java\tscript:alert(1))",
    "[x]: javascript:alert(1)\n\n[klick][x]",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "[x](vbscript:msgbox(1))",
    "<a href=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">x</a>",
    "`<script>` @anna <style>*{}</style>",
    "[@anna](javascript:alert(1)) @anna",
])
def test_nothing_executable_survives(source):
    people = {"anna": Mentionable(url="/personen/1/", name='Anna "><script>alert(1)</script>')}
    for html in (render_markdown(source), render_with_mentions(source, people=people).html):
        _assert_inert(html)


def _assert_inert(html):
    elements = Elements(html)
    assert set(elements.tags) <= ALLOWED_TAGS
    for name, value in elements.attributes:
        assert not name.startswith("on")
        assert not (value or "").strip().lower().startswith(
            ("javascript:", "data:", "vbscript:"))
    assert "<script" not in html.lower()


def test_empty_source_gives_empty_html():
    assert render_markdown("") == ""


def test_a_real_link_keeps_working_and_an_evil_one_is_dropped():
    elements = Elements(render_markdown("[gut](https://a.example) [böse](javascript:x)"))
    hrefs = [value for name, value in elements.attributes if name == "href"]
    assert hrefs == ["https://a.example"]
