"""The answer, key points and themes of a document, from the source lines of its blocks.

Markdown is kept as the author wrote it; HTML a renderer would show as formatting
becomes the same Markdown; noise is left out.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from exporter.importer.blocks import Unit, read_units
from exporter.importer.candidates import is_toggle, opens_with_question_label
from exporter.importer.chat import is_turn_label, without_turn_label
from exporter.importer.markup import html_to_markdown, named_tags_as_text, unclosed_as_text
from exporter.importer.questions import (
    ANSWER_LABEL,
    ANSWER_NAME,
    ANSWER_TERMS,
    ANSWER_WORDS,
    SIGN_BEFORE_LABEL,
    continues_question,
    is_answer_heading,
    unquote,
)
from exporter.importer.segment import Found
from exporter.model import Theme

# A line that only says "Answer:", anywhere in an answer.
_LABEL_LINE = re.compile(
    rf"^[ \t]*+(?:\*\*|__|`)?+(?:{ANSWER_WORDS})"
    r"[ \t]*+(?:\*\*|__)?+[:：](?:\*\*|__|`)?+[ \t]*+$\n?",
    re.IGNORECASE | re.MULTILINE,
)
# An emoji or a sign before a label ("✅ Respuesta modelo:"), not a Markdown mark.
_DECORATION = re.compile(rf"\A{SIGN_BEFORE_LABEL}{{1,3}}+\s*+")
# "Answer", "Answer: D", "**Sample answer:** …", "答案：": the name of an answer, where it starts.
_ANSWER_NAME = re.compile(
    r"(?:(?:show|see|view|reveal|check|ver|mostrar|ver)[ \t]++(?:the[ \t]++|la[ \t]++)?+"
    rf"|查看|点击查看)?+{ANSWER_NAME}(?:[ \t]*+(?:\*\*|__)?+[:：]|[ \t]*+$|[ \t]*+(?:\*\*|__)?+\Z)",
    re.IGNORECASE,
)
# An option ticked as the right one ("- ☑ 0"), as _formatted_line draws "- [x] 0".
_TICKED = re.compile(r"^(?P<marker>[ \t]*+(?:[-*+]|\d++[.)])[ \t]++)☑[ \t]*+", re.MULTILINE)
_ANSWER_WORD = re.compile(ANSWER_TERMS, re.IGNORECASE)
_TOGGLE_LENGTH = 40
_KEY_POINTS_LABEL = re.compile(
    r"^(?:key\s++(?:points|takeaways)|talking\s++points|points\s++to\s++(?:hit|make))\s*+:?$",
    re.IGNORECASE,
)
_THEME_ITEM = re.compile(
    r"^(?:\*\*|__)(?P<title>.+?)(?:\*\*|__)\s*+(?:→|->|—|–|:|-)\s*+(?P<summary>.+)$"
    r"|^(?:\*\*|__)(?P<title2>.+?):(?:\*\*|__)\s*+(?P<summary2>.+)$",
    re.DOTALL,
)
# What an author writes where the answer is still to come.
_PLACEHOLDER = re.compile(
    r"^(?:[-+*>][ \t]++)?+[\s*_`(\[]*+(?:todo|tbd|tba|wip|coming\s++soon|to\s++do|\.\.\.|…"
    r"|to\s++be\s++(?:completed|added|written|done|continued)"
    rf"|{ANSWER_WORDS}|(?:your\s++)?answer\s++(?:here|goes\s++here)|待补充|待完善|暂无|未完成)[\s*_`)\].:!]*+$",
    re.IGNORECASE,
)
# "** detail" under "* item": a nested bullet as Jira and wiki notes write it; never
# emphasis, which cannot open before a space.
_JIRA_BULLET = re.compile(r"^(?P<indent>[ \t]*+)\*\*(?=[ \t]++\S)(?!.*\*\*)[ \t]++", re.MULTILINE)
_ONLY_CODE = re.compile(
    r"\A(?P<fence>`{3,}+|~{3,}+)[^\n]*+\n(?:(?!(?P=fence)).*\n)*?(?P=fence)[`~]*+\Z"
)
_EMPTY_LAST_ITEM = re.compile(r"\n[ \t]*+(?:[-*+]|\d++[.)])[ \t]*+\Z")
_RULE_MARKS = r"(?:(?:-[ \t]*+){3,}+|(?:\*[ \t]*+){3,}+|(?:_[ \t]*+){3,}+)"
_RULE = re.compile(rf"^{_RULE_MARKS}$")
_LAST_RULE = re.compile(rf"\n[ \t]*+\n[ \t]*+{_RULE_MARKS}\Z")  # after a blank line: no heading
_TODO_NOTE = re.compile(r"^(?:[-+*>][ \t]++)?+(?:TODO|TBD|FIXME|WIP)\b[^\n]{0,40}+$")
_TASK = re.compile(r"^(?P<marker>[ \t]*+(?:[-*+]|\d++[.)])[ \t]++)\[(?P<box>[ xX])\][ \t]++")
_END_BREAK = re.compile(r"[ \t]*+<br\s*+/?>[ \t]*+$", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*+(?:[-*+]|\d++[.)])\s+")
_DETAILS_WRAPPER = re.compile(
    r"</?details\b[^>]*+>|<summary\b[^>]*+>.*?</summary\s*+>", re.IGNORECASE | re.DOTALL
)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*+>")
_PICTURE_TAG = re.compile(r"<img\b[^>]*+>", re.IGNORECASE)  # no closing tag to find
_CLOSING_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9]*+)\s*+>")
_LEAD = re.compile(r"^[ \t]*+(?:(?:[-*+]|\d++[.)])[ \t]++)?+(?:>[ \t]*+)*+")
_SPACING_LINE = re.compile(r"^[ \t]*+(?:<br\s*+/?>[ \t]*+)++$\n?", re.IGNORECASE | re.MULTILINE)
_SUMMARY_LINE = re.compile(r"<br\s*+/?>|\n", re.IGNORECASE)
_SUMMARY_END = re.compile(r"</summary\s*+>", re.IGNORECASE)
# Tags at the very start or end of a text that wrap all of it, as in `<br><b>…</b>`.
_OUTER_WRAPPERS = re.compile(
    r"\A(?:\s*+</?(?:br|p|div|span)\b[^>]*+>)++|(?:</?(?:br|p|div|span)\b[^>]*+>\s*+)++\Z",
    re.IGNORECASE,
)
# Bold that wraps a whole answer, as in "<b> answer </b>": a page's style, not emphasis.
_WHOLE_BOLD = re.compile(
    r"\A<(?P<tag>b|strong)\b[^>]*+>(?P<inner>(?:(?!</?(?P=tag)\b).)*+)</(?P=tag)\s*+>\Z",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Body:
    """What a question holds below it: its context (the code or options it shows, before
    the answer's own mark), its answer and key points, all Markdown."""

    context: str
    answer: str
    key_points: tuple[str, ...]
    question_end: str = ""  # the question's words on the lines after its label's line


def body_of(found: Found, lines: Sequence[str]) -> Body:
    """The context, answer and key points of the question `found`."""
    if found.row is not None:
        points = tuple(mixed_to_markdown(point) for point in found.row.key_points)
        return Body("", unquote(mixed_to_markdown(found.row.answer)), points)
    pieces: list[tuple[int, int, str]] = []  # (start, end, Markdown) in order
    answer_from = _answer_mark(found, lines)
    if answer_from is None:
        answer_from = _wrapped_question_end(found, lines)
    if found.own is not None:
        start, end = found.own
        parts = [(start, end)]
        if answer_from is not None and start < answer_from < end:
            parts = [(start, answer_from), (answer_from, end)]
        for part_start, part_end in parts:
            pieces.append((part_start, part_end, _own_markdown(found, lines[part_start:part_end])))
    key_points: list[str] = []
    units = list(found.content)
    index = 0
    while index < len(units):
        unit = units[index]
        following = units[index + 1] if index + 1 < len(units) else None
        label = "\n".join(lines[unit.start : unit.end]).strip().strip("*_").strip()
        if (
            unit.kind == "paragraph"
            and _KEY_POINTS_LABEL.match(label)
            and following is not None
            and following.kind == "bullet_list"
        ):
            key_points.extend(item for _, item in list_items(following, lines))
            index += 2
            continue
        if answer_from is not None and unit.start < answer_from < unit.end:
            # A list whose last item's lazy lines start the answer.
            pieces.append(
                (unit.start, answer_from, _markdown_of(replace(unit, end=answer_from), lines))
            )
            pieces.append(
                (answer_from, unit.end, mixed_to_markdown("\n".join(lines[answer_from : unit.end])))
            )
        elif unit.kind not in ("noise",):
            if unit.kind == "details" and not unit.start < found.line <= unit.end:
                # A part of the answer folded under its name ("Deadlock prevention").
                pieces.append((unit.start, unit.end, _folded_part(unit, lines)))
            else:
                pieces.append((unit.start, unit.end, _markdown_of(unit, lines)))
        index += 1
    context = question_end = ""
    if answer_from is not None:
        before = [piece for piece in pieces if piece[1] <= answer_from]
        pieces = [piece for piece in pieces if piece[1] > answer_from]
        context = unquote(_joined(before, lines).strip())
        if continues_question(found.question, context):
            question_end, context = " ".join(context.split()), ""
        ticked = [line for line in context.split("\n") if _TICKED.match(line)]
        if ticked:  # the front shows the options, the back which are right
            context = _TICKED.sub(r"\g<marker>", context)
            pieces.insert(0, (answer_from, answer_from, "\n".join(ticked).strip() + "\n"))
    while pieces and (not pieces[-1][2].strip() or _RULE.match(pieces[-1][2].strip())):
        pieces.pop()
    answer = textwrap.dedent(_joined(pieces, lines)).lstrip("\n")  # all indented alike
    answer = _without_label(without_turn_label(answer) if found.chat else answer)
    answer = _without_answer_heading(answer)
    answer = _LABEL_LINE.sub("", answer)  # a label further down, between two parts
    answer = _EMPTY_LAST_ITEM.sub("", answer.rstrip())  # a bullet left with nothing in it
    answer = _LAST_RULE.sub("", answer)  # a rule that ends the answer inside its fold
    if found.question.endswith((":", "：")) and _ONLY_CODE.match(answer.strip()):
        return Body("", "", tuple(key_points))  # "Explain these selectors:" and its code
    return Body(context, unquote(answer.strip()), tuple(key_points), question_end)


_LEADING_RULES = re.compile(r"\A(?:[ ]{0,3}(?:[-*_][ \t]*+){3,}+\n++)++")
_HEADING_LINE = re.compile(r"\A\s*+#{1,6}[ \t]++(?P<text>[^\n]*+)\n")


def _without_answer_heading(answer: str) -> str:
    """`answer` without the sub-heading it opens with when that only says "Answer" ("###
    Model Answer (60 seconds):")."""
    heading = _HEADING_LINE.match(answer)
    if heading and is_answer_heading(heading["text"]):
        return answer[heading.end() :].lstrip("\n")
    return answer


def _without_label(answer: str) -> str:
    """`answer` without the label it opens with ("**Answer:**", "Ответ:"); emphasis the
    label opened and the answer's words close stays ("**Cevap: HashMap**")."""
    answer = _LEADING_RULES.sub("", answer)  # a rule above the answer parts nothing
    label = ANSWER_LABEL.match(answer)
    if label is None:
        return answer
    opened = "".join(mark for mark in ("**", "__", "`") if label[0].count(mark) % 2)
    return opened + answer[label.end() :]


def _own_markdown(found: Found, raw: Sequence[str]) -> str:
    """Lines of the question's own block, as Markdown."""
    if found.in_list:  # the item's lines after the question, indented under it
        text = _JIRA_BULLET.sub(r"\g<indent>- ", textwrap.dedent("\n".join(raw)))
    else:
        text = "\n".join(raw)
    shown = _HTML_TAG.search(text) or any(unit.kind == "noise" for unit in read_units(text))
    return mixed_to_markdown(text) if shown else text


def _wrapped_question_end(found: Found, lines: Sequence[str]) -> int | None:
    """The line after a question wrapped onto the lines below its own ("4. Explain your
    part on both the development / side and the operations side."), when an answer
    follows; None for a question on one line."""
    if found.own is None or found.row is not None:
        return None
    start, end = found.own
    blank = next((number for number in range(start, end) if not lines[number].strip()), end)
    wrapped = "\n".join(line.strip() for line in lines[start:blank])
    answered = any(line.strip() for line in lines[blank:end]) or bool(found.content)
    return (
        blank
        if start < blank and answered and continues_question(found.question, wrapped)
        else None
    )


def _answer_mark(found: Found, lines: Sequence[str]) -> int | None:
    """The line where the answer's own mark stands ("Answer", a folded "Show answer",
    "**Answer:** …") when the question shows something before it: its code, its options.
    None when the answer starts right below the question."""
    blocks: list[tuple[int, Unit]] = []  # (offset of its lines, block)
    if found.own is not None:
        start, end = found.own
        own = "\n".join(lines[start:end])
        blocks += [
            (start, unit) for unit in read_units(textwrap.dedent(own) if found.in_list else own)
        ]
    blocks += [(0, unit) for unit in found.content]
    # "Q: …" then "A: …": the answer's label ends a question that runs over lines.
    labelled = 0 < found.line <= len(lines) and opens_with_question_label(lines[found.line - 1])
    shown_before = False
    for offset, unit in blocks:
        source = "\n".join(lines[offset + unit.start : offset + unit.end])
        if (
            _marks_answer(unit, source, found.line)
            or (found.chat and is_turn_label(unit, source))
            or (labelled and unit.kind == "paragraph" and ANSWER_LABEL.match(source) is not None)
        ):
            return offset + unit.start if shown_before else None
        if unit.kind in ("bullet_list", "ordered_list"):
            # "解析：" under the options, unindented: the last option's lazy line to
            # Markdown, the answer's start to a reader.
            for number in range(offset + unit.start + 1, offset + unit.end):
                line = lines[number]
                lazy = line[:1] not in (" ", "\t") and not _LIST_MARKER.match(line)
                if lazy and _ANSWER_NAME.match(line.lstrip("*_`")):
                    return number
        shown_before = shown_before or unit.kind not in ("noise", "hr", "remark")
    return None


def _names_answer(summary: str) -> bool:
    """Tell whether a `<details>` summary names the answer it folds: "Answer", "Show
    Answer", "Réponse et explication", "查看答案" (not "Show", "展开" nor a topic)."""
    short = len(summary) <= _TOGGLE_LENGTH and not summary.rstrip().endswith(("?", "？"))
    return short and _ANSWER_WORD.search(summary) is not None


def _marks_answer(unit: Unit, source: str, question_line: int) -> bool:
    """Tell whether `unit` starts an answer by saying so: a folded "Answer", a heading
    "Answer: D", a paragraph "**Answer:** …"."""
    if unit.kind == "details":
        return not unit.start < question_line <= unit.end and _names_answer(unit.text)
    if unit.kind == "heading":
        return _ANSWER_NAME.match(unit.text) is not None
    said = _DECORATION.sub("", source.lstrip(" \t*_`"))  # "**✅ Respuesta modelo:**"
    return unit.kind == "paragraph" and _ANSWER_NAME.match(said) is not None


def is_placeholder(answer: str) -> bool:
    """Tell whether `answer` only holds the place of one: "TODO", "Answer", "TBD",
    "- TODO memcache"."""
    return _PLACEHOLDER.match(answer) is not None or _TODO_NOTE.match(answer) is not None


def _markdown_of(unit: Unit, lines: Sequence[str]) -> str:
    source = "\n".join(lines[unit.start : unit.end])
    if unit.kind == "details":
        return mixed_to_markdown(_DETAILS_WRAPPER.sub(_summary_rest, source))
    if unit.kind == "html":
        return html_to_markdown(named_tags_as_text(source))
    if unit.kind == "paragraph" and unit.markup:
        return html_to_markdown(unclosed_as_text(source))
    if unit.kind in ("bullet_list", "ordered_list", "blockquote"):
        # `<br>` lines that only space blocks apart go; formatting tags become Markdown.
        lines_of = _SPACING_LINE.sub("", source).split("\n")
        return "\n".join(_formatted_line(line) for line in lines_of)
    return source


def _formatted_line(line: str) -> str:
    """A line of a list with the HTML formatting in it (`<b>`, `<u>`, `<code>`, a `<br>`
    at its end) made Markdown, its marker and indentation kept; a task's box ("- [x]")
    drawn as the box GitHub shows (☑, ☐)."""
    line = _TASK.sub(lambda match: match["marker"] + ("☐ " if match["box"] == " " else "☑ "), line)
    line = _END_BREAK.sub("  ", line)  # a line break: two spaces, in Markdown
    closed = {match.group(1).lower() for match in _CLOSING_TAG.finditer(line)}
    if not closed and not _PICTURE_TAG.search(line):
        return line
    lead = _LEAD.match(line)
    start = lead.end() if lead else 0
    return line[:start] + html_to_markdown(unclosed_as_text(line[start:]))


def _folded_part(unit: Unit, lines: Sequence[str]) -> str:
    """A `<details>` block inside an answer: its summary as a bold line (none for a mere
    "Show"), then what it folds."""
    body = _markdown_of(unit, lines)
    if not unit.text or is_toggle(unit.text):
        return body
    return f"**{unit.text}**\n\n{body}" if body else f"**{unit.text}**"


def _summary_rest(match: re.Match[str]) -> str:
    """What a `<summary>` holds after its first line break: the start of the answer
    (the question is its first line); the `<details>` tags themselves go."""
    if not match.group().lower().startswith("<summary"):
        return ""
    inner = _SUMMARY_END.sub("", match.group()[match.group().index(">") + 1 :])
    parts = _SUMMARY_LINE.split(inner.lstrip(), maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


def mixed_to_markdown(text: str) -> str:
    """Markdown with HTML blocks and tags in it → Markdown: the Markdown kept as written,
    the HTML converted, tags that only wrap the whole (`<b>…</b>`, `<br>`) dropped."""
    # Dedented first: stripping only the first line's indent would nest the lines below it.
    text = _OUTER_WRAPPERS.sub("", textwrap.dedent(text).strip()).strip()
    whole = _WHOLE_BOLD.match(text)
    if whole:
        text = _OUTER_WRAPPERS.sub("", whole["inner"].strip()).strip()
    lines = text.split("\n")
    pieces = []
    for unit in read_units(text):
        if unit.kind != "noise":
            pieces.append(_markdown_of(unit, lines))
    return "\n\n".join(piece for piece in pieces if piece.strip())


def _joined(pieces: Sequence[tuple[int, int, str]], lines: Sequence[str]) -> str:
    """The pieces in order; where nothing was left out between two, the source lines
    between them too, so that Markdown the author wrote stays as written."""
    text = ""
    previous_end = None
    for start, end, markdown in pieces:
        if previous_end is not None:
            gap = lines[previous_end:start]
            text += (
                "\n" + "\n".join(gap) + "\n"
                if gap and not any(line.strip() for line in gap)
                else "\n\n"
                if previous_end != start
                else "\n"
            )
        text += markdown
        previous_end = end
    return text


def _dedented(raw: Sequence[str]) -> str:
    """Lines of a list item (or the rest of a labelled paragraph), without the item's
    marker or indentation."""
    if not raw:
        return ""
    marker = _LIST_MARKER.match(raw[0])
    indent = len(marker.group()) if marker else 0
    rest = [line[indent:] if line[:indent].isspace() else line.strip() for line in raw[1:]]
    return "\n".join([raw[0][indent:], *rest])


def list_items(unit: Unit, lines: Sequence[str]) -> list[tuple[int, str]]:
    """The line and Markdown of each item of a list, without its marker or indentation."""
    return [
        (item.start + 1, _dedented(lines[item.start : item.end]).strip()) for item in unit.items
    ]


def themes_of(
    units: Sequence[Unit], lines: Sequence[str], warn: Callable[[int, str], None]
) -> list[Theme]:
    """The themes in the lists of a themes section; `warn` of anything else."""
    themes = []
    for unit in units:
        if unit.kind not in ("bullet_list", "ordered_list"):
            if unit.kind not in ("hr", "noise"):
                warn(unit.start + 1, "skipped text in the themes section")
            continue
        for line, item in list_items(unit, lines):
            match = _THEME_ITEM.match(item)
            if match is None:
                warn(line, f"skipped a theme without a **bold title**: '{item}'")
                continue
            title = match["title"] or match["title2"]
            summary = match["summary"] or match["summary2"]
            themes.append(Theme("", title.strip().rstrip(":"), unquote(summary.strip())))
    return themes
