"""The Markdown a reader sees in a document: what is hidden blanked, a guide unwrapped from
the fence it was pasted in, old and site-specific syntax written as CommonMark. Every
line keeps its number, so that warnings name the document's own lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

import emoji
from markdown_it import MarkdownIt

from exporter.importer.markup import html_to_markdown
from exporter.importer.questions import is_bare_label

_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<marks>`{3,}+|~{3,}+)[ \t]*+(?P<info>[^`\n]*+)$")
_MARKDOWN_FENCE_INFO = ("markdown", "md", "")
_COPY_CODE = re.compile(
    r"^[ \t]*+[\w+#.-]{1,20}+[ \t]*+\n"
    r"[ \t]*+(?:Copy code|Copy|复制代码|コードをコピーする)[ \t]*+$\n?",
    re.MULTILINE,
)
_UNSPACED_HEADING = re.compile(r"^(?P<marks> {0,3}#{2,6})(?=[^#\s])")
_UNSPACED_ANYWHERE = re.compile(r"^ {0,3}#{2,6}[^#\s]", re.MULTILINE)
_ALERT = re.compile(
    r"^(?P<quote>[ \t]*+>[ \t]*+)\[!(?P<kind>NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*+$",
    re.IGNORECASE | re.MULTILINE,
)
# YAML front matter; some blogs lose its opening "---" and keep only the "key: value" lines.
_ADMONITION = re.compile(
    r"^ {0,3}+:{3,}+[ \t]*+(?P<kind>[A-Za-z]++)"
    r"(?:\[(?P<title>[^\]\n]++)\]|[ \t]++(?P<text>\S.*))?+$"
)
_ADMONITION_END = re.compile(r"^ {0,3}+:{3,}+[ \t]*+$")
# A Jekyll page's attribute lines ("{: .no_toc }", "{:toc}"), and MkDocs' attributes
# after a link ("[Guide](x.md){ .md-button }"): the site hides them.
_ATTRIBUTES = re.compile(
    r"^[ \t]*+\{:[^{}\n]*+\}[ \t]*+$|(?<=[)*_])[ \t]*+\{[ \t]*+[.#:][^{}\n]*+\}", re.MULTILINE
)
# A line that is only a site template's tag ("{% assign legal = … %}", '<%= youtube_video
# "…" %>'): the site runs it, a reader never sees it.
_TEMPLATE_LINE = re.compile(r"^[ \t]*+(?:\{%[^\n]*?%\}|<%[^\n]*?%>)[ \t]*+$", re.MULTILINE)
# A line of one drawing sign over and over: box drawing, blocks, shapes, wide dashes.
_DRAWN_RULE = re.compile(
    r"^[ \t]*+([\u2500-\u25ff\u2014\u2015\uff1d\uff0d\uff5e])(?:[ \t]*+\1){4,}+[ \t]*+$"
)
_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:[ \t]|$)")
_DETAILS_TAG = re.compile(r"<(?P<close>/)?details\b[^>]*+>", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary\b[^>]*+>(?P<text>[^<]*+)</summary\s*+>", re.IGNORECASE)
# MkDocs' boxes ('!!! tip "Title"', '??? note' folded) and tabs ('=== "Linux"'): their
# text is the block indented under them.
_MKDOCS_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*+)(?P<mark>!!!|\?\?\?\+?+|===\+?+)[ \t]++"
    r'(?:(?P<kind>[\w-]++)[ \t]*+)?+(?:"(?P<title>[^"\n]*+)")?+[ \t]*+$'
)
_FOOTNOTE = re.compile(r"^\[\^(?P<label>[^\]\s]++)\]:[ \t]*+(?P<note>\S[^\n]*+)$", re.MULTILINE)
_FOOTNOTE_CALL = re.compile(r"\[\^(?P<label>[^\]\s]++)\]")
_FRONT_MATTER = re.compile(
    r"\A(?:---[ \t]*+\n(?:[^\n]*+\n)*?"
    r"|(?:[A-Za-z][\w-]*+:[^\n]*+\n(?:(?:[ \t]|-(?!--))[^\n]*+\n)*+)++)"
    r"---[ \t]*+\n"
)
# ":blue_book:", as GitHub draws it (📘); not "a:b:" nor a time, "10:30:00".
_SHORTCODE = re.compile(r"(?<![\w:]):[a-z0-9_+\-]++:(?![\w:])")
_CODE_SPAN = re.compile(r"(?P<ticks>`++).+?(?P=ticks)")
_HTML_HEADING_OPEN = re.compile(r"^ {0,3}<h[1-6]\b[^>]*+>", re.IGNORECASE)
_HTML_HEADING = re.compile(
    r"^ {0,3}<h(?P<level>[1-6])\b[^>]*+>(?P<inner>.*?)</h(?P=level)\s*+>[ \t]*+(?=\n|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_HEADING_LINES = 6  # lines an HTML heading may take
# Only where a line starts them: `<script>` in a code span is an answer's content.
_HIDDEN = re.compile(
    r"^[ \t]*+(?:<script\b.*?</script\s*+>|<style\b.*?</style\s*+>|<!--.*?-->"
    r"|<ins\b.*?</ins\s*+>)",
    re.IGNORECASE | re.DOTALL | re.MULTILINE,
)


def readable(text: str) -> str:
    """`text` as a reader sees it, every line at its number."""
    text = spaced_headings(unwrap_fence(without_hidden(text)))
    lines = named_alerts(html_headings(text)).split("\n")
    lines = mkdocs_blocks(numbered_details(drawn_rules(lines)))
    return drawn_shortcodes(inlined_notes("\n".join(lines)))


def drawn_rules(lines: Sequence[str]) -> list[str]:
    """`lines` with each line drawn of one sign ("▬▬▬▬▬", "━━━━━", "＝＝＝＝") made a rule,
    as a reader takes it; "***", which no line above can take for its underline."""
    shown = list(lines)
    for number, line in _outside_code(lines):
        if _DRAWN_RULE.match(line):
            shown[number] = "***"
    return shown


def numbered_details(lines: Sequence[str]) -> list[str]:
    """`lines` with each fold that only numbers its question ("<summary>Question
    1</summary>", the question and a folded answer inside) opened up under a heading
    of that name, one level below the document's deepest: its question is the
    paragraph under it."""
    outside = list(_outside_code(lines))
    levels = [len(match["marks"]) for _, line in outside if (match := _HEADING.match(line))]
    marks = "#" * min(max(levels, default=1) + 1, 6)
    shown = list(lines)
    opened: list[bool] = []  # for each fold open at this line: whether it is opened up
    for number, line in outside:
        for tag in _DETAILS_TAG.finditer(line):
            if tag["close"]:
                if opened and opened.pop():
                    shown[number] = _DETAILS_TAG.sub("", shown[number]).rstrip()
                continue
            summary = _SUMMARY.search("\n".join(lines[number : number + 2]))
            label = summary is not None and is_bare_label(summary["text"].strip())
            opened.append(label)
            if label and summary is not None:
                where = number if "<summary" in line.lower() else number + 1
                shown[number] = _DETAILS_TAG.sub("", shown[number]).rstrip()
                shown[where] = f"{marks} {summary['text'].strip()}"
    return shown


def mkdocs_blocks(lines: Sequence[str]) -> list[str]:
    """`lines` with MkDocs' boxes written as quotes under their bold title, as the site
    shows them, and its tabs as their bold title over their text."""
    shown: list[str] = []
    outside = {number for number, _ in _outside_code(lines)}
    number = 0
    while number < len(lines):
        line = lines[number]
        block = _MKDOCS_BLOCK.match(line) if number in outside else None
        tab = block is not None and block["mark"].startswith("===")
        # A box names its kind ("!!! tip"), a tab its title ('=== "Linux"').
        if block is None or not (block["title"] is not None if tab else block["kind"]):
            shown.append(line)
            number += 1
            continue
        indent, end = block["indent"], number + 1
        while end < len(lines) and (not lines[end].strip() or _under(lines[end], indent)):
            end += 1
        while end > number + 1 and not lines[end - 1].strip():
            end -= 1  # the blank lines after the block are not in it
        body = mkdocs_blocks([_dedented(line, indent) for line in lines[number + 1 : end]])
        title = block["title"] if block["title"] is not None else block["kind"].capitalize()
        if tab:
            shown += [f"{indent}**{title}**", *(f"{indent}{line}" if line else "" for line in body)]
        else:
            quoted = (f"{indent}> {line}" if line else f"{indent}>" for line in body)
            shown += [f"{indent}> **{title}**" if title else f"{indent}>", *quoted]
        number = end
    return shown


def _under(line: str, indent: str) -> bool:
    return line.startswith((f"{indent}    ", f"{indent}\t"))


def _dedented(line: str, indent: str) -> str:
    if not line.strip():
        return ""
    return line[len(indent) + (1 if line[len(indent)] == "\t" else 4) :]


def html_headings(text: str) -> str:
    """`text` with the HTML headings that stand as blocks of their own (`<h3 name="config">`,
    its words, `</h3>`, over one line or several) written as Markdown headings: a reader
    sees the same heading. The lines it took after the first become blank."""
    if "<h" not in text and "<H" not in text:
        return text
    lines = text.split("\n")
    for number, line in _outside_code(lines):
        if _HTML_HEADING_OPEN.match(line) is None:
            continue
        last = min(number + _HEADING_LINES, len(lines))
        block = "\n".join(lines[number:last])
        whole = _HTML_HEADING.match(block)
        if whole is None or "\n\n" in whole.group():
            continue
        words = html_to_markdown(whole["inner"]).replace("\n", " ").strip()
        if not words:
            continue
        taken = whole.group().count("\n")
        lines[number] = "#" * int(whole["level"]) + " " + words
        lines[number + 1 : number + 1 + taken] = [""] * taken
    return "\n".join(lines)


def drawn_shortcodes(text: str) -> str:
    """`text` with GitHub's emoji shortcodes (":blue_book:") drawn as the emoji GitHub
    shows (📘), but in code, where they are the author's text."""
    if ":" not in text or not _SHORTCODE.search(text):
        return text
    lines = text.split("\n")
    for number, line in _outside_code(lines):
        if ":" in line:
            lines[number] = outside_code_spans(line, _emojized)
    return "\n".join(lines)


def _outside_code(lines: Sequence[str]) -> Iterator[tuple[int, str]]:
    """The number and text of each line outside a fenced code block, fences excluded."""
    fence = ""
    for number, line in enumerate(lines):
        marks = _FENCE.match(line)
        if marks and (not fence or marks["marks"].startswith(fence)):
            fence = "" if fence else marks["marks"][:3]
        elif not fence:
            yield number, line


def outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    """`line` with `change` made to its text outside code spans (`…`), which stay as
    the author wrote them."""
    out, position = [], 0
    for span in _CODE_SPAN.finditer(line):
        out += [change(line[position : span.start()]), span.group()]
        position = span.end()
    return "".join([*out, change(line[position:])])


def _emojized(text: str) -> str:
    return _SHORTCODE.sub(lambda code: emoji.emojize(code.group(), language="alias"), text)


def inlined_notes(text: str) -> str:
    """`text` with each footnote ("date[^dates]" … "[^dates]: See …") written where it
    is called, in brackets, and its own line left blank: a card has no foot."""
    notes = {
        match["label"]: match["note"].strip().removesuffix(".").removesuffix("。")
        for match in _FOOTNOTE.finditer(text)
    }
    if not notes:
        return text
    text = _FOOTNOTE.sub("", text)
    return _FOOTNOTE_CALL.sub(
        lambda call: f" ({notes[call['label']]})" if call["label"] in notes else call.group(),
        text,
    )


def without_hidden(text: str) -> str:
    """`text` without what a reader never sees: YAML front matter, scripts, styles,
    HTML comments, ad slots, a Jekyll page's attribute lines and template tags, the "python / Copy
    code" buttons a chat window's text brings along. They become blank lines, so every
    line keeps its number."""
    text = _FRONT_MATTER.sub(_blanked, text)
    text = _TEMPLATE_LINE.sub("", _ATTRIBUTES.sub("", text))
    text = _COPY_CODE.sub(_blanked, text)
    return _HIDDEN.sub(_blanked, text)


def _blanked(match: re.Match[str]) -> str:
    return "\n" * match.group().count("\n")


def unwrap_fence(text: str) -> str:
    """`text` with a guide pasted inside a Markdown code fence taken out of it: the fence
    lines become blank, so that every line keeps its number. A fence is unwrapped when it
    is labelled markdown (or not labelled) and holds a heading, or is never closed."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        closing = _closing_fence(lines, index + 1, match["marks"])
        info = match["info"].strip().lower()
        inner = lines[index + 1 : closing if closing is not None else len(lines)]
        holds_guide = any(line.lstrip().startswith("#") for line in inner)
        if info in _MARKDOWN_FENCE_INFO and (holds_guide and (info or closing is None)):
            lines[index] = ""
            if closing is not None:
                lines[closing] = ""
            index += 1
            continue
        index = closing + 1 if closing is not None else len(lines)
    return "\n".join(lines)


def _closing_fence(lines: Sequence[str], start: int, marks: str) -> int | None:
    for number in range(start, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith(marks[0] * len(marks)) and not stripped.strip(marks[0]):
            return number
    return None


def spaced_headings(text: str) -> str:
    """`text` with the headings written without a space ("####Preguntas:"), which
    GitHub once showed as headings and CommonMark shows as text, made headings."""
    if not _UNSPACED_ANYWHERE.search(text):
        return text  # the common case: no parse needed
    lines = text.split("\n")
    for token in _PARSER.parse(text):
        if token.type == "paragraph_open" and token.map is not None:
            for number in range(*token.map):
                lines[number] = _UNSPACED_HEADING.sub(r"\g<marks> ", lines[number], count=1)
    return "\n".join(lines)


def named_alerts(text: str) -> str:
    """`text` with GitHub's alert marks ("> [!IMPORTANT]") written as the bold word a
    reader sees on GitHub ("> **Important**"), and the boxes of documentation sites
    (":::tip[Conclusión]" … ":::") as quotes under their title."""
    text = _ALERT.sub(lambda match: f"{match['quote']}**{match['kind'].capitalize()}**", text)
    lines = text.split("\n")
    fence, inside = "", False
    for number, line in enumerate(lines):
        marks = _FENCE.match(line)
        if marks and not inside and (not fence or marks["marks"].startswith(fence)):
            fence = "" if fence else marks["marks"][:3]
            continue
        opening = None if fence else _ADMONITION.match(line)
        if opening and not inside:
            title = opening["title"] or opening["text"] or opening["kind"].capitalize()
            lines[number], inside = f"> **{title.strip()}**", True
        elif inside and _ADMONITION_END.match(line):
            lines[number], inside = "", False
        elif inside:
            lines[number] = f"> {line}" if line.strip() else ">"
    return "\n".join(lines)
