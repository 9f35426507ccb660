"""Choose how a document splits into questions, and split it.

Every kind of block that can hold a question is a candidate: the headings of each
level, whole-bold paragraphs, `<details>` blocks, "Q:" labels, list items. The kind
whose members most often read as questions and are followed by an answer wins (the
first of KINDS on a tie); headings above its questions become categories, headings
below them stay inside the answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from exporter.importer.blocks import Unit
from exporter.importer.questions import (
    asks_outright,
    card_front,
    is_numbered,
    reads_as_question,
)
from exporter.importer.tables import Row, cell, columns_of, row_of

# Section names that say nothing about the questions under them: no tag.
GENERIC_CATEGORIES = frozenset(
    "questions interview-questions interview faq q-a qa questions-answers contents"
    " table-contents table-of-contents frequently-asked-questions preguntas perguntas"
    " preguntas-frecuentes вопросы 问题 常见问题 面试题 面试问题 質問 よく聞かれる質問"
    " 질문 자주-묻는-질문 면접-질문".split()
)
# In order of preference when two kinds explain a document equally well.
KINDS = ("details", "table", "labels", "headings", "list", "bold", "lines")
_LABEL = re.compile(
    r"^\s*+(?:(?:\*\*|__)?+\s*+(?:Q(?:uestion)?+)\s*+\d*+\s*+(?:\*\*|__)?+\s*+[:.]"
    r"|(?:\*\*|__)\d++[.)]?+(?:\*\*|__))\s*+(?:\*\*|__)?+\s*+(?P<text>\S.*)$",
    re.IGNORECASE,
)
_LONE_LABEL = re.compile(
    r"^\s*+(?:\*\*|__)?+\s*+Q(?:uestion)?+\s*+\d*+\s*+(?:\*\*|__)?+\s*+:\s*+(?:\*\*|__)?+\s*+$",
    re.IGNORECASE,
)
# The summary of a <details> that only hides the answer to the question above it.
_ANSWER_SUMMARY = re.compile(
    r"^(?:show\s++|see\s++)?+(?:the\s++)?+(?:answer|solution|respuesta|resposta|réponse"
    r"|ответ|答案|回答|답변|정답)\b",
    re.IGNORECASE,
)
_NOT_QUESTION_LABEL = re.compile(
    r"^(?:answer|key\s++points?|a|note|tips?|example)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Found:
    """A question: its line (1-based), its text, the lines of its own block that hold
    the start of its answer, the blocks after it that hold the rest, and the categories
    it stands under."""

    line: int
    question: str
    own: tuple[int, int] | None  # lines of its own block that start its answer
    content: tuple[Unit, ...]
    tags: tuple[str, ...] = ()
    in_list: bool = False  # `own` is a list item, its first line the question
    row: Row | None = None  # a table's row


@dataclass
class Segmentation:
    """How a document splits: the kind chosen, its title, questions, themes section,
    categories, and what was skipped, by line."""

    kind: str = ""
    level: int = 0
    title: str = ""
    questions: list[Found] = field(default_factory=list)
    themes: list[Unit] = field(default_factory=list)
    categories: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Member:
    """A block (or a line of one) that may open a question."""

    unit: int  # its index among the units
    line: int  # 0-based
    text: str
    answer_from: int | None = None
    details: bool = False
    row: Row | None = None  # a table's row


def members(
    kind: str, units: Sequence[Unit], lines: Sequence[str], level: int = 0
) -> list[_Member]:
    """The blocks of `units` that are of `kind` (headings: of `level`)."""
    found: list[_Member] = []
    for index, unit in enumerate(units):
        if kind == "headings" and unit.kind == "heading" and unit.level == level:
            found.append(_Member(index, unit.start, unit.text))
        elif kind == "bold" and unit.kind == "paragraph" and unit.bold:
            if not unit.text.rstrip().endswith(":"):
                found.append(_Member(index, unit.start, unit.text))
        elif kind == "details" and unit.kind == "details" and not _ANSWER_SUMMARY.match(unit.text):
            line = next(
                (n for n in range(unit.start, unit.end) if "<summary" in lines[n].lower()),
                unit.start,
            )
            found.append(_Member(index, line, unit.text, details=True))
        elif kind == "lines" and unit.kind == "paragraph" and not unit.bold:
            first = lines[unit.start].strip()
            if len(first) < 300 and asks_outright(first):
                found.append(_Member(index, unit.start, first, unit.start + 1))
        elif kind == "labels" and unit.kind == "paragraph":
            for number in range(unit.start, unit.end):
                match = _LABEL.match(lines[number])
                if match and not _NOT_QUESTION_LABEL.match(match["text"]):
                    found.append(_Member(index, number, match["text"], number + 1))
                elif _LONE_LABEL.match(lines[number]) and number + 1 < unit.end:
                    # "Question:" alone on its line: the question is the next line.
                    asked = lines[number + 1].strip()
                    found.append(_Member(index, number + 1, asked, number + 2))
        elif kind == "table" and unit.kind == "table" and unit.rows:
            columns = columns_of(unit.rows[0])
            for number, row in enumerate(unit.rows[1:], start=2):
                if columns and cell(row, columns.question):
                    read = row_of(row, unit.rows[0], columns)
                    line = unit.start + number  # one line a row, after the delimiter row
                    found.append(_Member(index, line, read.question, None, True, read))
        elif kind == "list" and unit.kind in ("ordered_list", "bullet_list"):
            found += [_Member(index, item.start, item.text, item.start) for item in unit.items]
    return found


def _answered(member: _Member, following: Sequence[Unit], lines: Sequence[str]) -> bool:
    """Tell whether something that can be an answer follows `member` (a `<details>`
    block holds its own)."""
    if member.details:
        return member.row is None or bool(member.row.answer)
    if member.answer_from is not None and any(
        line.strip() for line in lines[member.answer_from : member.answer_from + 2]
    ):
        return True
    for unit in following:
        if unit.kind in ("noise", "hr"):
            continue
        if unit.kind == "details":
            return bool(_ANSWER_SUMMARY.match(unit.text))
        return unit.kind != "heading" or not reads_as_question(card_front(unit.text))
    return False


def choose(
    units: Sequence[Unit], lines: Sequence[str], steer: str | None = None
) -> tuple[str, int]:
    """The kind (and, for headings, the level) that best explains the document; `steer`
    names the kind to take whatever the scores."""
    candidates: list[tuple[str, int]] = []
    for kind in KINDS:
        if steer and kind != steer:
            continue
        levels = sorted({unit.level for unit in units if unit.kind == "heading"}, reverse=True)
        for level in levels if kind == "headings" else [0]:
            candidates.append((kind, level))
    best: tuple[int, int, str, int] | None = None
    for order, (kind, level) in enumerate(candidates):
        found = members(kind, units, lines, level)
        score = 0
        for member in found:
            text = card_front(member.text)
            asks = reads_as_question(text) or (kind == "headings" and is_numbered(member.text))
            if asks and _answered(member, units[member.unit + 1 :], lines):
                score += 1
        if score and (best is None or score > best[0]):
            best = (score, -order, kind, level)
    if best is None:
        return "", 0
    return best[2], best[3]


@dataclass
class _Reading:
    """The question, section or themes being read, and the blocks gathered under it."""

    state: str = "preamble"  # or "question", "section", "themes"
    line: int = 0
    level: int = 0  # a section's heading level
    text: str = ""
    own: tuple[int, int] | None = None
    tags: tuple[str, ...] = ()
    content: list[Unit] = field(default_factory=list)
    row: Row | None = None


def split(
    units: Sequence[Unit], lines: Sequence[str], kind: str, level: int, slug: Callable[[str], str]
) -> Segmentation:
    """Split the document into questions of `kind` (headings: of `level`); `slug` turns a
    category's name into a tag."""
    result = Segmentation(kind, level)
    every = members(kind, units, lines, level) if kind else []
    by_unit: dict[int, list[_Member]] = {}
    for member in every:
        by_unit.setdefault(member.unit, []).append(member)
    asking = [m for m in every if reads_as_question(card_front(m.text)) or is_numbered(m.text)]
    # Where most siblings ask, an imperative ("Explain…") asks too.
    mostly_questions = bool(every) and len(asking) >= 0.6 * len(every)
    # Lists of one item, each followed by its answer: the document's own Q&A layout.
    alone = {
        id(member)
        for member in every
        if kind == "list"
        and len(units[member.unit].items) == 1
        and _answered(member, units[member.unit + 1 :], lines)
    }
    lists = {member.unit for member in every}
    laid_out = bool(lists) and len(alone) >= 0.75 * len(lists)
    # Numbered headings in a section where none asks are tips or steps, not questions.
    section_of = _sections(units, every, level if kind == "headings" else 99)
    asking_sections = {
        section_of[id(member)] for member in every if reads_as_question(card_front(member.text))
    }
    categories: list[tuple[int, int, str]] = []  # (heading level, line, name), outermost first
    reading = _Reading()

    def opens(member: _Member) -> bool:
        text = card_front(member.text)
        if member.details:  # a summary or a question cell asks, however it is worded
            return bool(text)
        if reads_as_question(text) or (laid_out and id(member) in alone):
            return True
        if section_of[id(member)] not in asking_sections:
            return False
        if kind != "bold" and is_numbered(member.text):
            return True
        return mostly_questions and _answered(member, units[member.unit + 1 :], lines)

    def close(by_question: bool, by_level: int = 0) -> None:
        """End what is being read: by a question, or by a heading of `by_level` (0: the
        end of the document)."""
        nonlocal reading
        shown = [unit for unit in reading.content if unit.kind not in ("hr", "noise")]
        if reading.state == "question":
            result.questions.append(
                Found(
                    reading.line,
                    reading.text,
                    reading.own,
                    tuple(reading.content),
                    reading.tags,
                    kind == "list",
                    reading.row,
                )
            )
        elif reading.state == "themes":
            result.themes.extend(reading.content)
        elif reading.state == "preamble" and shown:
            result.skipped.append(
                (shown[0].start + 1, "skipped the text before the first question")
            )
        elif reading.state == "section" and by_question and shown:
            message = f"skipped the text under '{reading.text}'"
            result.skipped.append((shown[0].start + 1, message))
        # A section that only holds deeper sections is a category, not skipped.
        elif (
            reading.state == "section"
            and not by_question
            and (shown or not by_level or by_level <= reading.level)
        ):
            result.skipped.append((reading.line, f"skipped the section '{reading.text}'"))
        reading = _Reading()

    def open_question(member: _Member, own: tuple[int, int] | None) -> None:
        nonlocal reading
        close(by_question=True)
        for line, name in [(line, name) for _, line, name in categories]:
            if (line, name) not in result.categories:
                result.categories.append((line, name))
        tags = tuple(
            dict.fromkeys(
                slug(name) for _, _, name in categories if slug(name) not in GENERIC_CATEGORIES
            )
        )
        text = card_front(member.text)
        reading = _Reading("question", member.line + 1, 0, text, own, tags)
        reading.row = member.row

    def deeper_question(unit: Unit) -> bool:
        """A heading below the questions' level that is a question all the same: where no
        question is open, or numbered like one ("### P1: Explica…")."""
        return reads_as_question(card_front(unit.text)) and (
            reading.state != "question" or is_numbered(unit.text)
        )

    for index, unit in enumerate(units):
        deeper = kind == "headings" and unit.kind == "heading" and unit.level > level
        if deeper and deeper_question(unit):
            open_question(_Member(index, unit.start, unit.text), None)
            continue
        if unit.kind == "heading" and not (kind == "headings" and unit.level > level):
            here = by_unit.get(index)
            heading: _Member | None = here[0] if here else None
            if "theme" in unit.text.lower():
                close(by_question=False, by_level=unit.level)
                reading = _Reading("themes", unit.start + 1, unit.level, unit.text)
            elif (
                unit.level == 1
                and not result.title
                and not result.questions
                and reading.state == "preamble"
                and not reads_as_question(card_front(unit.text))
            ):
                result.title = unit.text
            elif (heading is not None and opens(heading)) or (
                heading is None
                and asks_outright(unit.text)
                and _answered(_Member(index, unit.start, unit.text), units[index + 1 :], lines)
            ):
                _drop_deeper(categories, unit.level)
                open_question(heading or _Member(index, unit.start, unit.text), None)
            elif (
                unit.level == 1
                and not result.title
                and not result.questions
                and (reading.state == "preamble")
            ):
                result.title = unit.text
            elif heading is not None and reading.state == "section":
                reading.content.append(unit)  # one more tip of a section of tips
            else:
                if heading is None:  # shallower than the questions: a category
                    _drop_deeper(categories, unit.level)
                    categories.append((unit.level, unit.start + 1, unit.text))
                if reading.state == "section" and unit.level > reading.level:
                    continue  # a section inside a section: one warning, for the outer
                close(by_question=False, by_level=unit.level)
                reading = _Reading("section", unit.start + 1, unit.level, unit.text)
            continue
        opening = [member for member in by_unit.get(index, []) if opens(member)]
        if kind != "headings" and opening:
            for number, member in enumerate(opening):
                later = opening[number + 1].line if number + 1 < len(opening) else None
                end = later if later is not None else _end_of(unit, member)
                own = (member.answer_from, end) if member.answer_from is not None else None
                open_question(member, own)
            if unit.kind == "details":  # the answer is inside the question's own block
                reading.content.append(unit)
            continue
        reading.content.append(unit)
    close(by_question=False)
    result.kind, result.level = kind, level
    result.counts = _counts(units, lines)
    return result


def _counts(units: Sequence[Unit], lines: Sequence[str]) -> dict[str, int]:
    """How many blocks of each kind that can hold questions the document has."""
    levels = sorted({unit.level for unit in units if unit.kind == "heading"})
    counts = {
        f"level-{level} headings": sum(
            1 for unit in units if unit.kind == "heading" and unit.level == level
        )
        for level in levels
    }
    counts["<details> blocks"] = len(members("details", units, lines))
    counts["table rows"] = len(members("table", units, lines))
    counts["'Q:' labels"] = len(members("labels", units, lines))
    counts["list items"] = len(members("list", units, lines))
    counts["bold paragraphs"] = len(members("bold", units, lines))
    counts["paragraphs that ask"] = len(members("lines", units, lines))
    return counts


def _sections(units: Sequence[Unit], every: Sequence[_Member], level: int) -> dict[int, int]:
    """The section each member stands in: the index of the nearest heading above it
    shallower than `level` (-1: none), by the member's id."""
    sections: dict[int, int] = {}
    current = -1
    by_unit: dict[int, list[_Member]] = {}
    for member in every:
        by_unit.setdefault(member.unit, []).append(member)
    for index, unit in enumerate(units):
        if unit.kind == "heading" and unit.level < level:
            current = index
        for member in by_unit.get(index, []):
            sections[id(member)] = current
    return sections


def _end_of(unit: Unit, member: _Member) -> int:
    for item in unit.items:
        if item.start == member.line:
            return item.end
    return unit.end


def _drop_deeper(categories: list[tuple[int, int, str]], level: int) -> None:
    while categories and categories[-1][0] >= level:
        categories.pop()
