"""HTML → Markdown, with markdownify: what a renderer shows, as the Markdown that shows it."""

from __future__ import annotations

import html
import re
from typing import Any

from markdownify import MarkdownConverter

_CODE_SPAN = re.compile(r"``[^`\n]++``|`[^`\n]++`")
_HELD = re.compile("\ue000(\\d+)\ue001")
_TAG = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]*+)[^<>]*+>")
# Tags HTML lets go unclosed, and anchors: markup whether or not a closing tag follows.
_VOID = frozenset({"br", "img", "hr", "wbr", "a", "li", "p", "td", "th", "tr", "dt", "dd"})
_ANY_TAG = re.compile(r"<[^<>]*+>")
_TERM_TAG = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9]*+)>(?=[ \t]*+[:,;)–—])")
# The classes of a page's chrome around its text: difficulty badges, numbers, arrows,
# counts ("Mid", "JS-01", "▶", "8 questions").
_BADGE = re.compile(
    r"\b(?:diff\w*+|badge|level|tag|label|chip|pill|arrow|chevron|caret|icon|q-arr|q-num"
    r"|count)\b"
)
_BUTTON = re.compile(r"\b(?:btn|button)\b", re.IGNORECASE)
# What a button that opens a FAQ's answer carries: the state or target of what it opens.
_OPENS = ("aria-expanded", "aria-controls", "data-toggle", "data-bs-toggle", "data-target")
_ACCORDION = re.compile(r"accordion|faq|collapse|question|toggle", re.IGNORECASE)
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_BREAKS = re.compile(r"(?: *+\\?\n){2,}+")


class _Converter(MarkdownConverter):
    """HTML → Markdown that leaves the Markdown already in the text alone and keeps
    `<details>` blocks, which the importer reads as questions."""

    def convert_soup(self, soup: Any) -> str:
        for badge in soup.find_all(class_=_BADGE):
            badge.decompose()  # chrome, wherever it stands
        for stamp in soup.find_all("time"):
            if stamp.parent is not None and stamp.parent.find(_HEADINGS, recursive=False):
                stamp.decompose()  # the date an entry was posted, beside its heading
        return str(super().convert_soup(soup))

    def convert_li(self, el: Any, text: str, parent_tags: set[str]) -> str:
        """An item; one that holds a heading is a card of the page's layout (a FAQ
        entry's question and answer), its blocks shown as they are, with no bullet."""
        if el.find(_HEADINGS):
            return f"\n\n{text.strip()}\n\n"
        return str(super().convert_li(el, text, parent_tags))  # type: ignore[misc]

    def convert_details(self, el: Any, text: str, parent_tags: set[str]) -> str:
        summary = el.find("summary")
        for badge in summary.find_all(class_=_BADGE) if summary is not None else []:
            badge.decompose()  # "Medium", "⭐": a mark beside the question, not in it
        for tag in summary.find_all("br") if summary is not None else []:
            tag.replace_with("\n")  # a line break ends the question; inline tags do not
        lines = summary.get_text(" ").split("\n") if summary is not None else []
        lines = [" ".join(line.split()) for line in lines if line.strip()]
        # The summary's first line asks; the rest of it starts the answer.
        opening = f"<details><summary>{html.escape(lines[0] if lines else '')}</summary>"
        body = "\n\n".join([*lines[1:], text.strip()])
        return f"\n\n{opening}\n\n{body}\n\n</details>\n\n"

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if _BUTTON.search(" ".join(el.get("class") or ()) + " " + str(el.get("role") or "")):
            return ""  # a page's "Home" or "Next" button: a control, not content
        el.attrs.pop("title", None)  # a tooltip: not what a reader sees on the page
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]

    def convert_summary(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return ""  # written by convert_details

    def _left_out(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return ""  # a page's navigation, header, footer and asides are not its content

    convert_nav = convert_footer = convert_header = convert_aside = convert_title = _left_out

    def convert_button(self, el: Any, text: str, parent_tags: set[str]) -> str:
        """A FAQ's question, as an accordion shows it: the button that opens its answer
        (a heading here); any other button is a control, not content."""
        opens = any(el.get(name) for name in _OPENS) or _ACCORDION.search(
            " ".join(el.get("class") or ())
        )
        words = " ".join(text.split())
        return f"\n\n### {words}\n\n" if opens and words else ""


def unclosed_as_text(fragment: str) -> str:
    """`fragment` (a paragraph of Markdown) with each tag that no closing tag matches,
    as in "A <div> is a block", made text: the author wrote it to be read."""
    names = [match["name"].lower() for match in _TAG.finditer(fragment) if match["close"]]

    def literal(match: re.Match[str]) -> str:
        name = match["name"].lower()
        if match["close"] or name in names or name in _VOID or match.group().endswith("/>"):
            return match.group()
        return html.escape(match.group(), quote=False)

    return _TAG.sub(literal, fragment)


def named_tags_as_text(fragment: str) -> str:
    """`fragment` with each tag that no closing tag matches and that stands as a term
    ("<header>: the top of the page", "<nav>, <aside>") made text."""
    closed = {match["name"].lower() for match in _TAG.finditer(fragment) if match["close"]}

    def literal(match: re.Match[str]) -> str:
        if match["name"].lower() in closed:
            return match.group()
        return html.escape(match.group(), quote=False)

    return _TERM_TAG.sub(literal, fragment)


def html_to_markdown(fragment: str, page: bool = False) -> str:
    """The Markdown a renderer's view of the HTML `fragment` amounts to. Code spans in
    it (`` `<script>` ``) are Markdown already: they are kept, not read as HTML. A whole
    `page` (a saved web page, a Word document) holds no Markdown: its text is escaped,
    so that "&lt;div&gt;" stays the text <div>."""
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group())
        return f"\ue000{len(spans) - 1}\ue001"

    converter = _Converter(
        heading_style="ATX",
        bullets="-",
        escape_asterisks=page,
        escape_underscores=page,
        escape_misc=page,
        code_language="",
        table_infer_header=True,
    )
    try:
        markdown = str(converter.convert(_CODE_SPAN.sub(hold, fragment))).strip()
    except RecursionError:  # HTML nested hundreds deep: keep its words, not its shape
        markdown = " ".join(html.unescape(_ANY_TAG.sub(" ", fragment)).split())
    markdown = _BREAKS.sub("\n\n", markdown)  # <br><br>: a new paragraph
    return _HELD.sub(lambda match: spans[int(match.group(1))], markdown)
