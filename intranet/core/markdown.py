"""Markdown for posts and comments: rendered with markdown-it-py, sanitised with nh3.

Raw HTML in the source is not rendered at all; what Markdown produces then passes an
allow-list, so no script, event handler or ``javascript:`` link can survive.

``@handle`` mentions of existing people become links to their profiles. They are found in
the parsed text only, so a mention inside code or inside a link stays as written.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from intranet.accounts.models import HANDLE_PATTERN

MENTION = re.compile(rf"(?<![\w@.])@({HANDLE_PATTERN})", re.IGNORECASE)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALIGN_CLASSES = {f"text-align:{side}": f"md-align-{side}" for side in ("left", "center", "right")}


@dataclass(frozen=True)
class Mentionable:
    url: str
    name: str


def mentioned_handles(source: str) -> set[str]:
    """Every ``@handle`` written in the source (whether or not such a person exists)."""
    return {match.group(1).lower() for match in MENTION.finditer(source or "")}


def _link_mentions(tokens: list[Token], people: Mapping[str, Mentionable],
                   linked: set[str]) -> list[Token]:
    result, link_depth = [], 0
    for token in tokens:
        link_depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type != "text" or link_depth or "@" not in token.content:
            result.append(token)
            continue
        position = 0
        for match in MENTION.finditer(token.content):
            person = people.get(match.group(1).lower())
            if person is None:
                continue
            linked.add(match.group(1).lower())
            result.append(_text(token.content[position:match.start()]))
            opening = Token("link_open", "a", 1)
            opening.attrs = {"href": person.url, "class": "mention", "title": person.name}
            result += [opening, _text(match.group(0)), Token("link_close", "a", -1)]
            position = match.end()
        result.append(_text(token.content[position:]))
    return result


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _renderer() -> MarkdownIt:
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False,
                                         "typographer": False})
    renderer.enable("table").enable("strikethrough")

    def mentions_rule(state):
        people = state.env.get("people") or {}
        if not people:
            return
        for block in state.tokens:
            if block.type == "inline" and block.children:
                block.children = _link_mentions(block.children, people, state.env["linked"])

    def alignment_as_class(state):
        # A table column's alignment as a class: the CSP refuses style attributes.
        for token in state.tokens:
            style = token.attrs.pop("style", None) if token.attrs else None
            if style in ALIGN_CLASSES:
                token.attrs["class"] = ALIGN_CLASSES[style]

    renderer.core.ruler.push("mentions", mentions_rule)
    renderer.core.ruler.push("alignment_as_class", alignment_as_class)
    return renderer


_markdown = _renderer()


@dataclass(frozen=True)
class Rendered:
    html: str
    mentioned: frozenset[str]  # the handles that became links


def render_with_mentions(source: str, *, people: Mapping[str, Mentionable]) -> Rendered:
    """Safe HTML for the given Markdown, with ``@handle`` of ``people`` linked to them."""
    env = {"people": people, "linked": set()}
    html = _markdown.render(source or "", env)
    return Rendered(html=_clean(html), mentioned=frozenset(env["linked"]))


def render_markdown(source: str) -> str:
    """Safe HTML for the given Markdown. Headings shift down one level: the page owns <h1>."""
    return _clean(_markdown.render(source or "", {}))


def _clean(html: str) -> str:
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        allowed_classes={"a": {"mention"}, "th": set(ALIGN_CLASSES.values()),
                         "td": set(ALIGN_CLASSES.values())},
    )
