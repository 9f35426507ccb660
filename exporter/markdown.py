"""Markdown → HTML (for Anki) and → blocks of styled spans (for Word), from one parse."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# Whitespace that HTML shows as a space but Word would show as a break or a tab.
_SHOWN_AS_SPACE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting; `link` is the target of a hyperlink."""

    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False
    link: str | None = None
    image: str | None = None  # the target of an inline image; `text` is its plain alt text


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, or a heading when `heading_level` > 0."""

    spans: tuple[Span, ...]
    heading_level: int = 0


@dataclass(frozen=True)
class CodeBlock:
    """Preformatted text, shown in a monospace font."""

    text: str


Alignment = Literal["left", "center", "right"] | None


@dataclass(frozen=True)
class Table:
    """A table whose first row is the header; each cell is a tuple of spans.

    `alignments` gives each column's alignment (None: as the text runs).
    """

    rows: tuple[tuple[tuple[Span, ...], ...], ...]
    alignments: tuple[Alignment, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A thematic break (`---`)."""


@dataclass(frozen=True)
class Quote:
    """A block quote and the blocks it holds."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ItemList:
    """A bulleted or numbered list; each item is the blocks it holds, maybe none."""

    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


Block = Paragraph | CodeBlock | Table | Rule | Quote | ItemList


@dataclass(frozen=True)
class RenderedMarkdown:
    """One Markdown text rendered for both outputs."""

    html: str
    blocks: tuple[Block, ...]
    images: tuple[str, ...] = ()  # the targets of its images, as written


def is_link(url: str) -> bool:
    """Tell whether a link target is shown as a link: an absolute http or https address,
    or a mailto. Any other link is shown as its text, in every output."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.netloc)
    return parts.scheme.lower() == "mailto" and bool(parts.path)


def _unlink(state: StateCore) -> None:
    """Take the link off every link whose target is not one (see is_link), keeping its
    text: the one place the link rule is applied, before either output is made."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        kept: list[Token] = []
        unlinked = False
        for child in token.children:
            if child.type == "link_open":
                unlinked = not is_link(str(child.attrGet("href") or ""))
                if unlinked:
                    continue
            elif child.type == "link_close" and unlinked:
                unlinked = False
                continue
            kept.append(child)
        token.children = kept


def _make_parser() -> MarkdownIt:
    # Raw HTML off: whatever the user types is shown as text, never run by Anki.
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    # Every target parses as a link or an image: links that may not be links lose
    # their link in _unlink, images that are not files are refused by the build.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    parser.core.ruler.push("unlink", _unlink)
    return parser


_PARSER = _make_parser()
_TEXT = RendererHTML()  # for an image's alt text, as the HTML renderer writes it


def render_markdown(text: str) -> RenderedMarkdown:
    """Parse `text` once and render it as HTML and as Word-ready blocks."""
    env: dict[str, object] = {}
    tokens = _PARSER.parse(text, env)
    html = _PARSER.renderer.render(tokens, _PARSER.options, env).rstrip("\n")
    images = tuple(
        str(child.attrGet("src") or "")
        for token in tokens
        for child in token.children or []
        if child.type == "image"
    )
    return RenderedMarkdown(html, _blocks(tokens), images)


def with_image_names(html: str, names: Mapping[str, str]) -> str:
    """`html` with each image target (as the parser gave it) replaced by its name."""
    for target, name in names.items():
        html = html.replace(f'src="{escapeHtml(target)}"', f'src="{escapeHtml(name)}"')
    return html


def render_texts(texts: Iterable[str]) -> dict[str, RenderedMarkdown]:
    """Render each distinct text of `texts` once; the result is keyed by the text."""
    rendered: dict[str, RenderedMarkdown] = {}
    for text in texts:
        if text not in rendered:
            rendered[text] = render_markdown(text)
    return rendered


_CONTAINERS = ("blockquote", "bullet_list", "ordered_list", "list_item")
_OPENS = frozenset(f"{kind}_open" for kind in _CONTAINERS)
_CLOSES = frozenset(f"{kind}_close" for kind in _CONTAINERS)
_ALIGNMENTS: dict[str, Alignment] = {
    f"text-align:{side}": side for side in ("left", "center", "right")
}


def _blocks(tokens: Sequence[Token]) -> tuple[Block, ...]:
    """Nest markdown-it's flat token stream into blocks.

    A stack of flat loops, not markdown-it's SyntaxTreeNode: its nodes refer to their
    parents, so a deck's worth of them would wait in memory for the cycle collector.
    """
    contents: list[list[Any]] = [[]]  # what each open quote, list or item holds so far
    opened: list[Token] = []
    heading = 0
    rows: list[tuple[tuple[Span, ...], ...]] | None = None
    row: list[tuple[Span, ...]] = []
    alignments: list[Alignment] = []
    for token in tokens:
        kind = token.type
        if kind in _OPENS:
            opened.append(token)
            contents.append([])
        elif kind in _CLOSES:
            held = tuple(contents.pop())
            contents[-1].append(_container(opened.pop(), held))
        elif kind == "heading_open":
            heading = int(token.tag[1:])
        elif kind == "heading_close":
            heading = 0
        elif kind == "table_open":
            rows, alignments = [], []
        elif kind == "th_open":
            alignments.append(_ALIGNMENTS.get(str(token.attrGet("style"))))
        elif kind == "tr_close" and rows is not None:
            rows.append(tuple(row))
            row = []
        elif kind == "table_close" and rows is not None:
            contents[-1].append(Table(tuple(rows), tuple(alignments)))
            rows = None
        elif kind == "inline" and rows is not None:
            row.append(inline_spans(token.children or []))
        elif kind == "inline":
            contents[-1].append(Paragraph(inline_spans(token.children or []), heading))
        elif kind in ("fence", "code_block"):
            contents[-1].append(CodeBlock(token.content.removesuffix("\n")))
        elif kind == "hr":
            contents[-1].append(Rule())
    return tuple(contents[0])


def _container(token: Token, held: tuple[Any, ...]) -> Quote | ItemList | tuple[Block, ...]:
    """The block a quote or list holds `held` in; a list item is just what it holds."""
    if token.type == "blockquote_open":
        return Quote(held)
    if token.type == "list_item_open":
        return held
    start = token.attrGet("start")
    return ItemList(token.type == "ordered_list_open", 1 if start is None else int(start), held)


def inline_spans(children: Sequence[Token]) -> tuple[Span, ...]:
    """Turn the inline tokens of one paragraph into spans, merging equal neighbours."""
    spans: list[Span] = []
    bold = italic = strike = 0
    link: str | None = None

    def add(text: str, code: bool = False) -> None:
        span = Span(text, bold > 0, italic > 0, strike > 0, code, link)
        if spans and _formatting(spans[-1]) == _formatting(span):
            spans[-1] = replace(spans[-1], text=spans[-1].text + text)
        else:
            spans.append(span)

    for child in children:
        kind = child.type
        if kind == "text":
            add(_SHOWN_AS_SPACE.sub(" ", child.content))
        elif kind == "code_inline":
            add(_SHOWN_AS_SPACE.sub(" ", child.content), code=True)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "image":
            alt = _TEXT.renderInlineAsText(child.children or [], _PARSER.options, {})
            spans.append(Span(alt, link=link, image=str(child.attrGet("src") or "")))
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind in ("s_open", "s_close"):
            strike += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            link = str(child.attrGet("href") or "") or None
        elif kind == "link_close":
            link = None
    return tuple(spans)


def _formatting(span: Span) -> tuple[bool, bool, bool, bool, str | None, str | None]:
    return span.bold, span.italic, span.strike, span.code, span.link, span.image
