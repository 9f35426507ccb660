"""Split a document into questions by the kind of block chosen for them.

Headings above the questions become categories (tags), headings below them stay
inside the answers; what stands between is warned of as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from exporter.importer.blocks import Unit
from exporter.importer.candidates import (
    TOPIC_LINE,
    UNSEEN,
    Member,
    answered,
    is_lone_label,
    is_toggle,
    labelled_question,
    members,
    numbers_question,
)
from exporter.importer.layout import (
    CONTENTS,
    asks_or_numbered,
    first_shown,
    labelled_items,
    names_document,
    names_topic,
    only_links_follow,
    question_list_sort,
    question_under,
    reads_as_sentence,
    rules_between,
    sections_of,
    unanswered_list,
)
from exporter.importer.questions import (
    asks_outright,
    card_front,
    commands,
    continues_question,
    is_answer_heading,
    is_bare_label,
    is_labelled,
    is_numbered,
    names_part,
    reads_as_question,
)
from exporter.importer.tables import Row

# Section names that say nothing about the questions under them: no tag.
GENERIC_CATEGORIES = (
    frozenset(
        "questions interview-questions interview faq q-a qa questions-answers"
        " frequently-asked-questions preguntas perguntas"
        " preguntas-frecuentes вопросы 问题 常见问题 面试题 面试问题 質問 よく聞かれる質問"
        " 질문 자주-묻는-질문 면접-질문".split()
    )
    | CONTENTS
)


_QUOTED_HEADING = re.compile(r"^ {0,3}>[ \t]*+(?P<marks>#{1,6}+)[ \t]++(?P<text>.+)$")
_LABEL_LEVEL = 7  # a section named by a line in capitals: below every heading
_LABEL_LENGTH = 40  # characters, at most, of such a line
_PART_LEVEL = 4  # a heading this deep, under a question of another kind, is in its answer
_FOOTER_LINE = 100  # characters, at most, of a footer's line
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
    chat: bool = False  # a user's turn of a chat, its answer the assistant's reply


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
    topics: bool = False  # headings taken as topics, none of them asking


@dataclass
class _Reading:
    """The question, section or themes being read, and the blocks gathered under it."""

    # or "question", "section", "themes", "unanswered", "after" (a rule), "after table"
    state: str = "preamble"
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
    topics: bool = False,
) -> Segmentation:
    """Split the document into questions of `kind` (headings: of `level`; `topics`: each
    heading answered a card, whatever its words); `slug` turns a category's name into a
    tag. Headings that ask outright are questions too, unless `only_kind` (the user named
    the kind)."""
    result = Segmentation(kind, level)
    every = members(kind, units, lines, level) if kind else []
    by_unit: dict[int, list[Member]] = {}
    for member in every:
        by_unit.setdefault(member.unit, []).append(member)
    asking = [m for m in every if reads_as_question(card_front(m.text)) or is_numbered(m.text)]
    # Where most siblings ask, an imperative ("Explain…") asks too.
    mostly_questions = bool(every) and len(asking) >= 0.5 * len(every)
    # Where the questions are numbered, an unnumbered heading that does not ask is a note.
    numbered = bool(asking) and sum(is_numbered(m.text) for m in asking) >= 0.75 * len(asking)
    # Lists of one item, each followed by its answer: the document's own Q&A layout.
    alone = {
        id(member)
        for member in every
        if kind == "list" and len(units[member.unit].items) == 1 and answered(member, units, lines)
    }
    lists = {member.unit for member in every}
    laid_out = bool(lists) and len(alone) >= 0.75 * len(lists)
    # Numbered headings in a section where none asks are tips or steps, not questions.
    section_of = sections_of(units, every, level if kind == "headings" else 99)
    asking_sections = {
        section_of[id(member)] for member in every if reads_as_question(card_front(member.text))
    }
    # Questions set apart by rules: a rule ends every answer, the last one's too.
    ruled = rules_between(units, every)
    categories: list[tuple[int, int, str]] = []  # (heading level, line, name), outermost first
    reading = _Reading()

    # Questions numbered, answers bulleted (or the other way round): a list of the
    # other sort is part of an answer.
    list_sort = question_list_sort(units, asking, lines) if kind == "list" else ""

    def opens(member: Member) -> bool:
        text = card_front(member.text)
        if member.details and numbered and not only_kind and not is_numbered(member.text):
            return asks_outright(text)  # "Cómo contribuir" after "1. ¿Qué es…?"
        if member.details or member.topic or kind == "labels":  # a summary, a "Q:" label…
            return bool(text)  # asks, however it is worded
        if kind == "headings" and is_bare_label(text):  # "## 第 1 题": the question under it
            return question_under(units, member.unit) is not None
        if names_part(text):
            return False  # "前言：…", "Conclusion": the document's own part
        if topics:
            return answered(member, units, lines) and not only_links_follow(
                units, member.unit + 1, lines
            )
        if list_sort and units[member.unit].kind != list_sort:
            return False
        if reads_as_question(text) or (laid_out and id(member) in alone):
            return True
        if kind == "headings" and is_labelled(member.text):
            return answered(member, units, lines)  # "## Question 11: Debugging", anywhere
        if asking_sections and section_of[id(member)] not in asking_sections:
            return False  # tips numbered in a section of their own, beside the questions
        if kind != "bold" and numbers_question(member.text):
            return True
        return (
            mostly_questions
            and not (numbered and not is_numbered(member.text))
            and (reads_as_sentence(text) or names_topic(text))
            and answered(member, units, lines)
            and not only_links_follow(units, member.unit + 1, lines)
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
        elif reading.state == "preamble" and not result.title and _names_notes(shown):
            result.title = shown[0].text  # the notes' name on their first line
        elif reading.state == "preamble" and shown:
            result.skipped.append(
                (shown[0].start + 1, "skipped the text before the first question")
            )
        elif reading.state == "after" and shown and not (by_question and ruled):
            message = "skipped the text after the rule that ends an answer"
            result.skipped.append((shown[0].start + 1, message))
        elif reading.state == "after table" and shown:
            message = "skipped the text after a table of questions and answers"
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
        label = _section_label(reading, lines)
        if label is not None:  # "PAGOS" between two answers: the questions below are its own
            reading.content.remove(label)
            while categories and categories[-1][0] == _LABEL_LEVEL:
                categories.pop()
            categories.append((_LABEL_LEVEL, label.start + 1, label.text))
        close(by_question=True)
        for line, name in [(line, name) for _, line, name in categories]:
            if (line, name) not in result.categories:
                result.categories.append((line, name))
        tags = tuple(
            dict.fromkeys(
                slug(name)
                for _, _, name in categories
                # "## ⬛ 1": a number over the question, no name to tag it with
                if slug(name) not in GENERIC_CATEGORIES and not slug(name).isdigit()
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

    # A table of questions and answers among questions of another kind: its rows too.
    table_rows: dict[int, list[Member]] = {}
    if kind not in ("table", ""):
        for row in members("table", units, lines):
            table_rows.setdefault(row.unit, []).append(row)
    hidden_until = -1  # the blocks between a bare "第 1 题" and its question: read already
    footer = _footer(units, lines)
    for index, unit in enumerate(units):
        if index == footer and reading.state == "question":
            close(by_question=True)
            shown = next(other for other in units[index + 1 :] if other.kind not in UNSEEN)
            result.skipped.append((shown.start + 1, "skipped the footer under the last rule"))
            break
        if index <= hidden_until:
            continue
        if unit.kind == "remark":
            result.skipped.append((unit.start + 1, "skipped a chat assistant's remark"))
            continue
        deeper = kind == "headings" and unit.kind == "heading" and unit.level > level
        if deeper and not result.title and first_shown(units, index) and not asks_or_numbered(unit):
            result.title = unit.text  # the document's name, set smaller than its questions
            continue
        if kind in ("headings", "list") and _next_in_sequence(unit, reading, lines, kind):
            if unit.kind == "paragraph":  # a heading mistyped
                open_question(Member(index, unit.start, unit.text), None)
            else:  # "12. How…?" as a list item, its answer indented under it
                item = unit.items[0]
                open_question(Member(index, item.start, item.text), (item.start + 1, item.end))
                reading.in_list = True
            continue
        if deeper and deeper_question(unit):
            open_question(Member(index, unit.start, unit.text), None)
            continue
        if unit.kind == "heading" and reading.state == "question" and is_answer_heading(unit.text):
            reading.content.append(unit)  # "# Answer", at the question's level or above
            continue
        if (
            kind not in ("headings", "")
            and unit.kind == "heading"
            and reading.state == "question"
            and unit.level >= (categories[-1][0] + 2 if categories else _PART_LEVEL)
            and not reads_as_question(card_front(unit.text))
            and not _holds_answer(reading, lines)  # a fold's answer ends with the fold
        ):
            # "##### KNN" under "**Q2 How is KNN different…?**" in a "## 1. Algorithms"
            # section: a part of the answer, far below the sections
            reading.content.append(unit)
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
                and names_document(unit.text, slug)
            ):
                result.title = unit.text
            elif heading is not None and (asked := _asked_under(units, index)) and opens(heading):
                # "## Question 1: Real-time" names what the bold question under it asks
                _drop_deeper(categories, unit.level, keep_labels=True)
                open_question(Member(asked, units[asked].start, units[asked].text), None)
                reading.level, hidden_until = unit.level, asked
            elif heading is not None and is_bare_label(card_front(heading.text)) and opens(heading):
                _drop_deeper(categories, unit.level, keep_labels=True)
                asked = question_under(units, index)
                assert asked is not None  # opens() found it
                open_question(Member(asked, units[asked].start, units[asked].text), None)
                reading.level, hidden_until = unit.level, asked
            elif (heading is not None and opens(heading)) or (
                heading is None
                and kind != ""
                and not only_kind
                and (
                    asks_outright(unit.text)
                    or (
                        kind not in ("details", "lines", "labels")
                        and reads_as_question(card_front(unit.text))
                    )
                )
                and answered(Member(index, unit.start, unit.text), units, lines)
            ):
                _drop_deeper(categories, unit.level, keep_labels=True)
                open_question(heading or Member(index, unit.start, unit.text), None)
                reading.level = unit.level
            elif reading.state == "question" and 0 < reading.level < unit.level:
                reading.content.append(unit)  # a part of an answer a shallower heading asked
            elif (
                unit.level == 1
                and not result.title
                and not result.questions
                and (reading.state == "preamble")
                and names_document(unit.text, slug)
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
        if index in table_rows and not only_kind:
            said = [unit for unit in reading.content if unit.kind not in UNSEEN]
            if reading.state == "question" and reading.level and not said:
                # "## Common interview questions" over the table: the rows' category
                _drop_deeper(categories, reading.level)
                categories.append((reading.level, reading.line, reading.text))
                reading = _Reading()
            for row in table_rows[index]:
                open_question(row, None)
            close(by_question=True)  # what follows a table of answers answers none of them
            reading = _Reading("after table")
            continue
        opening = [member for member in by_unit.get(index, []) if opens(member)]
        if kind != "headings" and opening:
            if kind == "list":  # the list's other items: neither questions nor answers
                lines_opened = {member.line for member in opening}
                result.skipped += [
                    (item.start + 1, f"skipped the list item '{item.text}': it asks nothing")
                    for item in unit.items
                    if item.start not in lines_opened
                ]
            first = opening[0].line
            if first > unit.start and is_lone_label(lines[first - 1]):
                first -= 1  # "Question:" alone, the question on the next line
            if kind in ("labels", "lines") and first > unit.start:
                # The paragraph's lines above its first question end the answer before it
                # (or are the text before the first question).
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
            elif unit.kind == "table":
                close(by_question=True)  # a row holds its whole answer
                reading = _Reading("after table")
            continue
        if (
            unit.kind == "hr"
            and reading.state == "question"
            and (
                _holds_answer(reading, lines)
                or (ruled and reading.content and not _inside_answer(units, index, by_unit))
            )
        ):
            close(by_question=True)  # a rule under an answer given in full ends it
            reading = _Reading("after")
            continue
        quoted = _QUOTED_HEADING.match(lines[unit.start]) if unit.kind == "blockquote" else None
        if quoted and reading.state == "question" and _holds_answer(reading, lines):
            # "> ### Sample questions" after an answer given in full: a section of its own
            close(by_question=False)
            reading = _Reading("section", unit.start + 1, len(quoted["marks"]), quoted["text"])
            continue
        if (
            unit.kind == "details"
            and kind != "details"
            and asks_outright(unit.text)
            and not is_toggle(unit.text)
        ):
            # A folded question of its own ("<summary>How do you…?</summary>"), not an
            # answer's part: whatever kind holds the others.
            asked = next(
                (n for n in range(unit.start, unit.end) if "<summary" in lines[n].lower()),
                unit.start,
            )
            open_question(Member(index, asked, unit.text, details=True), None)
            reading.content.append(unit)
            continue
        label = labelled_question(unit, units, index, lines) if kind != "labels" else ""
        if label:  # "**Q: Should I…?**" then "A: …", among questions of another kind
            open_question(Member(index, unit.start, label), (unit.start + 1, unit.end))
            continue
        if (
            kind == "labels"
            and unit.kind == "paragraph"
            and unit.end - unit.start == 1
            and is_lone_label(lines[unit.start])
        ):  # "Q7:" and nothing after it
            close(by_question=True)
            result.skipped.append((unit.start + 1, "skipped a question's label with no question"))
            reading = _Reading("unanswered")
            continue
        labelled = labelled_items(unit, lines) if kind != "list" else []
        if labelled:  # "61. Question?" items, each with its "Answer:" line: questions too
            for item in labelled:
                open_question(Member(index, item.start, item.text), (item.start + 1, item.end))
                reading.in_list = True
            continue
        if reading.state == "question" and unanswered_list(units, index, reading.content, lines):
            close(by_question=True)  # questions of their own, not the answer's end
            result.skipped.append((unit.start + 1, "skipped a list of questions without answers"))
            reading = _Reading("unanswered")
            continue
        reading.content.append(unit)
    close(by_question=False)
    result.kind, result.level, result.topics = kind, level, topics
    return result


def _section_label(reading: _Reading, lines: Sequence[str]) -> Unit | None:
    """The last block of the answer being read when it names the section of questions
    that follows, as a page sets it between two answers: a short line in capitals."""
    shown = [unit for unit in reading.content if unit.kind not in UNSEEN]
    if reading.state != "question" or len(shown) < 2:
        return None
    last = shown[-1]
    text = last.text.strip(" *_")
    # In capitals ("PAGOS"), or set in by itself in a text file ("   Security and Privacy")
    set_apart = text.isupper() or (lines[last.start][:1].isspace() and _title_case(text))
    named = (
        last.kind == "paragraph"
        and last.end - last.start == 1
        and 0 < len(text) <= _LABEL_LENGTH
        and set_apart
        and not text.endswith((".", ":", "!", "?"))
    )
    return last if named else None


def _title_case(text: str) -> bool:
    """Tell whether the words of `text` start with capitals, short joining words aside
    ("Security and Privacy")."""
    words = text.split()
    return bool(words) and all(word[:1].isupper() or len(word) <= 3 for word in words)


def one_question(units: Sequence[Unit], lines: Sequence[str]) -> Segmentation | None:
    """A document that is one question: its only top heading asks, first of all it
    shows, and the headings under it name the parts of the answer ("## Why this is
    asked", "## Example answer") without asking or numbering; None for any other."""
    shown = [index for index, unit in enumerate(units) if unit.kind not in UNSEEN]
    headings = [unit for unit in units if unit.kind == "heading"]
    if len(shown) < 2 or units[shown[0]].kind != "heading":
        return None
    title = units[shown[0]]
    parts = [unit for unit in headings if unit is not title]
    if (
        title.level != 1
        or not asks_outright(card_front(title.text))
        or any(
            unit.level <= 1 or asks_outright(unit.text) or is_numbered(unit.text) for unit in parts
        )
        or sum(reads_as_question(card_front(unit.text)) for unit in parts) > 1
        or any(units[index].kind == "details" for index in shown)
        or members("table", units, lines)  # a table of questions and answers
    ):
        return None
    found = Segmentation("headings", 1)
    found.questions.append(Found(title.start + 1, title.text, None, tuple(units[shown[1] :])))
    return found


def _asked_under(units: Sequence[Unit], index: int) -> int | None:
    """The index of the bold line right under the labelled heading `units[index]` that
    asks what the heading only names ("## Question 1: Real-time", then "**"Explain…"**");
    None when there is none."""
    if not is_labelled(units[index].text) or reads_as_question(card_front(units[index].text)):
        return None
    following = next(
        (number for number in range(index + 1, len(units)) if units[number].kind not in UNSEEN),
        None,
    )
    if following is None:
        return None
    unit = units[following]
    one_line = unit.kind == "paragraph" and unit.bold and unit.end - unit.start == 1
    asks = asks_outright(card_front(unit.text)) or commands(card_front(unit.text))
    return following if one_line and asks else None


def _inside_answer(units: Sequence[Unit], index: int, questions: Mapping[int, object]) -> bool:
    """Tell whether the rule `units[index]` parts an answer rather than ending it: more
    of the answer follows it (no heading, no question), and another rule stands between
    that and the next question (what comes right before a question is its own: its code)."""
    following = next(
        (number for number in range(index + 1, len(units)) if units[number].kind not in UNSEEN),
        None,
    )
    if following is None or following in questions or units[following].kind == "heading":
        return False
    next_question = min((number for number in questions if number > following), default=None)
    if next_question is None:
        return False
    return any(unit.kind == "hr" for unit in units[following:next_question])


def _names_notes(shown: Sequence[Unit]) -> bool:
    """Tell whether the text before the first question is a name alone: the document's
    first line, short, set apart, and no sentence ("Front-end interview notes")."""
    return (
        len(shown) == 1
        and shown[0].kind == "paragraph"
        and shown[0].end - shown[0].start == 1
        and 0 < len(shown[0].text) <= TOPIC_LINE
        and not shown[0].text.endswith((".", "。", ":", "：", "!", "！", "?", "？"))
    )


def _footer(units: Sequence[Unit], lines: Sequence[str]) -> int:
    """The index of the rule that sets a footer apart at the document's end: a few short
    lines of one paragraph each ("*Made with ♥ by…*"); -1 for none."""
    for index in range(len(units) - 1, -1, -1):
        if units[index].kind == "hr":
            after = [unit for unit in units[index + 1 :] if unit.kind not in UNSEEN]
            short = all(
                unit.kind == "paragraph"
                and unit.end - unit.start == 1
                and len(lines[unit.start]) <= _FOOTER_LINE
                and not asks_outright(unit.text)
                for unit in after
            )
            return index if after and len(after) <= 3 and short else -1
    return -1


def _next_in_sequence(unit: Unit, reading: _Reading, lines: Sequence[str], kind: str) -> bool:
    """Tell whether `unit` is a question numbered next after the open one ("# 5.How…?",
    then "6.Can you…?" whose "#" was forgotten): a paragraph of one line that asks, or a
    list of one item whose first line asks; among list items, a short topic too ("5.
    Критерии…", then "6.принципы тестирования", no list for want of a space)."""
    if reading.state != "question":
        return False
    if unit.kind == "paragraph" and unit.end - unit.start == 1:
        asked = unit.text
    elif unit.kind == "ordered_list" and len(unit.items) == 1:
        asked = unit.items[0].text
    else:
        return False
    number = _NUMBER.match(lines[unit.start])
    before = _NUMBER.match(reading.source)
    return (
        number is not None
        and before is not None
        and int(number[1]) == int(before[1]) + 1
        and (asks_outright(asked) or (kind == "list" and len(asked) <= TOPIC_LINE))
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
        held = "\n".join(line.strip() for line in lines[start:end]).strip()
        # "…for Dev &" / "Testing?": the question's own words, wrapped, hold no answer
        return reading.row is None and bool(held) and not continues_question(reading.text, held)
    return any(unit.kind == "details" for unit in reading.content)


def _end_of(unit: Unit, member: Member) -> int:
    for item in unit.items:
        if item.start == member.line:
            return item.end
    return unit.end


def _drop_deeper(
    categories: list[tuple[int, int, str]], level: int, keep_labels: bool = False
) -> None:
    """End the categories at `level` and below; a question opened under a section's
    label in capitals (`keep_labels`) stays in it."""
    labels = [entry for entry in categories if entry[0] == _LABEL_LEVEL] if keep_labels else []
    while categories and categories[-1][0] >= level:
        categories.pop()
    categories.extend(labels)
