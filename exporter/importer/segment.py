"""Split a document into questions by the kind of block chosen for them.

Headings above the questions become categories (tags), headings below them stay
inside the answers; what stands between is warned of as skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from exporter.importer.blocks import Item, Unit
from exporter.importer.candidates import (
    Member,
    answered,
    counts,
    is_answer_label,
    is_lone_label,
    members,
)
from exporter.importer.questions import (
    asks_outright,
    card_front,
    commands,
    is_numbered,
    reads_as_question,
)
from exporter.importer.tables import Row

# The names of a table of contents: never a document's title.
_CONTENTS = frozenset(
    "contents table-contents table-of-contents toc 목차 目录 目錄 目次 índice indice"
    " índice-de-contenidos содержание оглавление inhalt inhaltsverzeichnis sommaire"
    " table-des-matières".split()
)
# Section names that say nothing about the questions under them: no tag.
GENERIC_CATEGORIES = (
    frozenset(
        "questions interview-questions interview faq q-a qa questions-answers"
        " frequently-asked-questions preguntas perguntas"
        " preguntas-frecuentes вопросы 问题 常见问题 面试题 面试问题 質問 よく聞かれる質問"
        " 질문 자주-묻는-질문 면접-질문".split()
    )
    | _CONTENTS
)


_UNSEEN = ("hr", "noise", "remark")  # blocks a reader does not read as text
# A sentence's tail, set apart by mistake: "是展示强调内容", "and the rest".
_FRAGMENT = re.compile(r"^(?:[是而和与或但的]|(?:and|or|but|which|is|are)\b)")
# A line of further reading, or of a to-do list: never an answer.
_LINK_LINE = re.compile(
    r"^\s*+(?:(?:[-*+]|\d++[.)])\s++)?+(?:\[[^\]]*+\]\([^)]*+\)|<?https?://\S++"
    r"|\[[ xX]\]\s.*+)[\s.,;]*+$"
)
_NUMBER = re.compile(r"^\W*+(\d{1,4}+)[.):、．）：]")


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
    mostly_html: bool = False  # read as an HTML page: its lines are not the file's


@dataclass
class _Reading:
    """The question, section or themes being read, and the blocks gathered under it."""

    state: str = "preamble"  # or "question", "section", "themes", "unanswered", "after"
    line: int = 0
    level: int = 0  # the level of the heading that opened the section or question
    text: str = ""
    own: tuple[int, int] | None = None
    tags: tuple[str, ...] = ()
    content: list[Unit] = field(default_factory=list)
    row: Row | None = None
    source: str = ""  # the question as written, its number included
    in_list: bool = False  # a list item, its answer the item's further lines


def split(
    units: Sequence[Unit],
    lines: Sequence[str],
    kind: str,
    level: int,
    slug: Callable[[str], str],
    only_kind: bool = False,
) -> Segmentation:
    """Split the document into questions of `kind` (headings: of `level`); `slug` turns a
    category's name into a tag. Headings that ask outright are questions too, unless
    `only_kind` (the user named the kind)."""
    result = Segmentation(kind, level)
    every = members(kind, units, lines, level) if kind else []
    by_unit: dict[int, list[Member]] = {}
    for member in every:
        by_unit.setdefault(member.unit, []).append(member)
    asking = [m for m in every if reads_as_question(card_front(m.text)) or is_numbered(m.text)]
    # Where most siblings ask, an imperative ("Explain…") asks too.
    mostly_questions = bool(every) and len(asking) >= 0.5 * len(every)
    # Lists of one item, each followed by its answer: the document's own Q&A layout.
    alone = {
        id(member)
        for member in every
        if kind == "list" and len(units[member.unit].items) == 1 and answered(member, units, lines)
    }
    lists = {member.unit for member in every}
    laid_out = bool(lists) and len(alone) >= 0.75 * len(lists)
    # Numbered headings in a section where none asks are tips or steps, not questions.
    section_of = _sections(units, every, level if kind == "headings" else 99)
    asking_sections = {
        section_of[id(member)] for member in every if reads_as_question(card_front(member.text))
    }
    # Questions set apart by rules: a rule ends every answer, the last one's too.
    ruled = _ruled(units, every)
    categories: list[tuple[int, int, str]] = []  # (heading level, line, name), outermost first
    reading = _Reading()

    # Questions numbered, answers bulleted (or the other way round): a list of the
    # other sort is part of an answer.
    list_sort = _list_sort(units, asking, lines) if kind == "list" else ""

    def opens(member: Member) -> bool:
        text = card_front(member.text)
        if member.details or kind == "labels":  # a summary, a question cell, a "Q:" label
            return bool(text)  # asks, however it is worded
        if list_sort and units[member.unit].kind != list_sort:
            return False
        if reads_as_question(text) or (laid_out and id(member) in alone):
            return True
        if section_of[id(member)] not in asking_sections:
            return False
        if kind != "bold" and is_numbered(member.text):
            return True
        return (
            mostly_questions
            and _reads_as_sentence(text)
            and answered(member, units, lines)
            and not _only_links(units, member.unit + 1, lines)
        )

    def close(by_question: bool, by_level: int = 0) -> None:
        """End what is being read: by a question, or by a heading of `by_level` (0: the
        end of the document)."""
        nonlocal reading
        shown = [unit for unit in reading.content if unit.kind not in ("hr", "noise")]
        if (
            reading.state == "question"
            and not by_question
            and kind == "list"
            and shown
            and all(unit.kind == "paragraph" for unit in shown)
            and _holds_answer(reading, lines)
            and not _announces(reading, lines)
        ):
            # After the last item of a list that answers in its items: about them all.
            result.skipped.append((shown[0].start + 1, "skipped the text after the last question"))
            reading.content = []
        if reading.state == "question":
            result.questions.append(
                Found(
                    reading.line,
                    reading.text,
                    reading.own,
                    tuple(reading.content),
                    reading.tags,
                    kind == "list" or reading.in_list,
                    reading.row,
                )
            )
        elif reading.state == "themes":
            result.themes.extend(reading.content)
        elif reading.state == "preamble" and shown:
            result.skipped.append(
                (shown[0].start + 1, "skipped the text before the first question")
            )
        elif reading.state == "after" and shown and not (by_question and ruled):
            message = "skipped the text after the rule that ends an answer"
            result.skipped.append((shown[0].start + 1, message))
        elif reading.state == "unanswered" and shown:
            message = "skipped the text after a list of questions without answers"
            result.skipped.append((shown[0].start + 1, message))
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

    def open_question(member: Member, own: tuple[int, int] | None) -> None:
        nonlocal reading
        # Between a rule and the question after it: what the question shows (its code).
        carried = reading.content if reading.state == "after" and ruled else []
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
        reading.source = lines[member.line] if member.line < len(lines) else ""
        reading.content = list(carried)

    def deeper_question(unit: Unit) -> bool:
        """A heading below the questions' level that is a question all the same: one that
        ends in a question mark (a follow-up), or reads as one where no question is open
        or is numbered like one ("### P1: Explica…")."""
        return asks_outright(unit.text) or (
            reads_as_question(card_front(unit.text))
            and (reading.state != "question" or is_numbered(unit.text))
        )

    for index, unit in enumerate(units):
        if unit.kind == "remark":
            result.skipped.append((unit.start + 1, "skipped a chat assistant's remark"))
            continue
        deeper = kind == "headings" and unit.kind == "heading" and unit.level > level
        if deeper and not result.title and _first_shown(units, index) and not _asks(unit):
            result.title = unit.text  # the document's name, set smaller than its questions
            continue
        if kind == "headings" and _next_in_sequence(unit, reading, lines):
            open_question(Member(index, unit.start, unit.text), None)  # a heading mistyped
            continue
        if deeper and deeper_question(unit):
            open_question(Member(index, unit.start, unit.text), None)
            continue
        if unit.kind == "heading" and not (kind == "headings" and unit.level > level):
            here = by_unit.get(index)
            heading: Member | None = here[0] if here else None
            if "theme" in unit.text.lower():
                close(by_question=False, by_level=unit.level)
                reading = _Reading("themes", unit.start + 1, unit.level, unit.text)
            elif (
                unit.level == 1
                and not result.title
                and not result.questions
                and reading.state == "preamble"
                and not reads_as_question(card_front(unit.text))
                and _names_document(unit.text, slug)
            ):
                result.title = unit.text
            elif (heading is not None and opens(heading)) or (
                heading is None
                and kind != ""
                and not only_kind
                and (asks_outright(unit.text) or reads_as_question(card_front(unit.text)))
                and answered(Member(index, unit.start, unit.text), units, lines)
            ):
                _drop_deeper(categories, unit.level)
                open_question(heading or Member(index, unit.start, unit.text), None)
                reading.level = unit.level
            elif reading.state == "question" and 0 < reading.level < unit.level:
                reading.content.append(unit)  # a part of an answer a shallower heading asked
            elif (
                unit.level == 1
                and not result.title
                and not result.questions
                and (reading.state == "preamble")
                and _names_document(unit.text, slug)
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
            first = opening[0].line
            if first > unit.start and is_lone_label(lines[first - 1]):
                first -= 1  # "Question:" alone, the question on the next line
            if kind == "labels" and first > unit.start and reading.state == "question":
                # The paragraph's lines above its first label end the answer before it.
                reading.content.append(replace(unit, end=first))
            for number, member in enumerate(opening):
                later = opening[number + 1].line if number + 1 < len(opening) else None
                end = _end_of(unit, member) if kind == "list" or later is None else later
                own = (member.answer_from, end) if member.answer_from is not None else None
                open_question(member, own)
            if unit.kind == "details":  # the answer is inside the question's own block
                reading.content.append(unit)
            elif kind == "list" and not answered(opening[-1], units, lines):
                close(by_question=True)  # what follows is no answer of the list's last item
                reading = _Reading("unanswered")
            continue
        if (
            unit.kind == "hr"
            and reading.state == "question"
            and (_holds_answer(reading, lines) or (ruled and reading.content))
        ):
            close(by_question=True)  # a rule under an answer given in full ends it
            reading = _Reading("after")
            continue
        labelled = _labelled_items(unit, lines) if kind != "list" else []
        if labelled:  # "61. Question?" items, each with its "Answer:" line: questions too
            for item in labelled:
                open_question(Member(index, item.start, item.text), (item.start + 1, item.end))
                reading.in_list = True
            continue
        if reading.state == "question" and _unanswered_list(units, index, reading.content, lines):
            close(by_question=True)  # questions of their own, not the answer's end
            result.skipped.append((unit.start + 1, "skipped a list of questions without answers"))
            reading = _Reading("unanswered")
            continue
        reading.content.append(unit)
    close(by_question=False)
    result.kind, result.level = kind, level
    result.counts = counts(units, lines)
    return result


def _sections(units: Sequence[Unit], every: Sequence[Member], level: int) -> dict[int, int]:
    """The section each member stands in: the index of the nearest heading above it
    shallower than `level` (-1: none), by the member's id."""
    sections: dict[int, int] = {}
    current = -1
    by_unit: dict[int, list[Member]] = {}
    for member in every:
        by_unit.setdefault(member.unit, []).append(member)
    for index, unit in enumerate(units):
        if unit.kind == "heading" and unit.level < level:
            current = index
        for member in by_unit.get(index, []):
            sections[id(member)] = current
    return sections


def _reads_as_sentence(text: str) -> bool:
    """Tell whether `text` is long enough to ask something: a name of one or two words
    ("Resources", "Conclusion") names a section. (In Chinese or Japanese one word asks:
    "死锁".)"""
    if _FRAGMENT.match(text):
        return False
    return len(text.split()) >= 3 or not text.isascii()


def _only_links(units: Sequence[Unit], start: int, lines: Sequence[str]) -> bool:
    """Tell whether the blocks from `units[start]` up to the next heading are only links:
    a list of further reading under a section's name, not an answer."""
    shown = []
    for unit in (units[index] for index in range(start, len(units))):
        if unit.kind == "heading":
            break
        if unit.kind not in ("hr", "noise"):
            shown.append(unit)
    filled = [line for unit in shown for line in lines[unit.start : unit.end] if line.strip()]
    return bool(filled) and all(_LINK_LINE.match(line) for line in filled)


def _names_document(heading: str, slug: Callable[[str], str]) -> bool:
    """Tell whether a level-1 heading can be the document's title: not a table of
    contents, not a numbered section ("# 1. About")."""
    return slug(heading) not in _CONTENTS and not heading.lstrip()[:1].isdigit()


def _list_sort(units: Sequence[Unit], asking: Sequence[Member], lines: Sequence[str]) -> str:
    """The sort of list (ordered_list, bullet_list) at least three in four of the asking
    and answered items stand in, or ""."""
    sorts = Counter(units[member.unit].kind for member in asking if answered(member, units, lines))
    if not sorts:
        return ""
    sort, number = sorts.most_common(1)[0]
    return sort if number >= 0.75 * sum(sorts.values()) else ""


def _labelled_items(unit: Unit, lines: Sequence[str]) -> list[Item]:
    """The items of the list `unit` when each asks and its next line is labelled as the
    answer ("61. What is…?" / "Answer: …"): a guide whose questions changed shape."""
    if unit.kind not in ("ordered_list", "bullet_list") or len(unit.items) < 2:
        return []
    labelled = [
        item
        for item in unit.items
        if item.end > item.start + 1
        and reads_as_question(card_front(item.text))
        and is_answer_label(lines[item.start + 1])
    ]
    return labelled if len(labelled) == len(unit.items) else []


def _asks(unit: Unit) -> bool:
    return is_numbered(unit.text) or reads_as_question(card_front(unit.text))


def _ruled(units: Sequence[Unit], every: Sequence[Member]) -> bool:
    """Tell whether a rule stands between most two questions next to each other
    (`every`)."""
    starts = sorted({member.unit for member in every})
    pairs = list(pairwise(starts))
    ruled = sum(any(unit.kind == "hr" for unit in units[a + 1 : b]) for a, b in pairs)
    return bool(pairs) and ruled >= 0.5 * len(pairs)


def _first_shown(units: Sequence[Unit], index: int) -> bool:
    """Tell whether `units[index]` is the first block a reader sees."""
    return all(unit.kind in ("noise", "hr") for unit in units[:index])


def _next_in_sequence(unit: Unit, reading: _Reading, lines: Sequence[str]) -> bool:
    """Tell whether the paragraph `unit` is a question numbered next after the open one
    ("# 5.How…?", then "6.Can you…?" whose "#" was forgotten): one line that asks."""
    if unit.kind != "paragraph" or unit.end - unit.start != 1 or reading.state != "question":
        return False
    number = _NUMBER.match(lines[unit.start])
    before = _NUMBER.match(reading.source)
    return (
        number is not None
        and before is not None
        and int(number[1]) == int(before[1]) + 1
        and asks_outright(unit.text)
    )


def _announces(reading: _Reading, lines: Sequence[str]) -> bool:
    """Tell whether the answer in the question's own block ends with a colon: what
    follows it ("For example:" and the code) is still the answer."""
    if reading.own is None:
        return False
    start, end = reading.own
    filled = [line for line in lines[start:end] if line.strip()]
    return bool(filled) and filled[-1].rstrip().endswith((":", "："))


def _holds_answer(reading: _Reading, lines: Sequence[str]) -> bool:
    """Tell whether the question being read has its whole answer in its own block: a
    list item's lines under it, a `<details>` block."""
    if reading.own is not None:
        start, end = reading.own
        return reading.row is None and any(line.strip() for line in lines[start:end])
    return any(unit.kind == "details" for unit in reading.content)


def _unanswered_list(
    units: Sequence[Unit], index: int, content: Sequence[Unit], lines: Sequence[str]
) -> bool:
    """Tell whether the list `units[index]`, after the start of an answer (`content`), is
    a list of questions with no answers: most items ask, few hold more than a line, no
    line ending in ':' announces it as part of the answer, and no more of the answer
    follows it (prose after it means the list was part of the answer)."""
    unit = units[index]
    shown = [block for block in content if block.kind not in ("hr", "noise")]
    if unit.kind not in ("bullet_list", "ordered_list") or not shown:
        return False
    following = (units[number] for number in range(index + 1, len(units)))
    later = next((block for block in following if block.kind not in _UNSEEN), None)
    if later is not None and later.kind in ("paragraph", "fence", "code_block", "table"):
        return False
    if lines[shown[-1].end - 1].rstrip().endswith((":", "：")):
        return False
    asking = sum(asks_outright(item.text) or commands(item.text) for item in unit.items)
    filled = sum(1 for line in lines[unit.start : unit.end] if line.strip())
    if len(unit.items) == 1:  # one question, on one line, asked outright
        return filled == 1 and asks_outright(unit.items[0].text)
    return asking >= 2 / 3 * len(unit.items) and filled <= 2 * len(unit.items)


def _end_of(unit: Unit, member: Member) -> int:
    for item in unit.items:
        if item.start == member.line:
            return item.end
    return unit.end


def _drop_deeper(categories: list[tuple[int, int, str]], level: int) -> None:
    while categories and categories[-1][0] >= level:
        categories.pop()
