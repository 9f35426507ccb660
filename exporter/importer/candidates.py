"""The blocks of a document that may open a question, by kind, and the kind that best
explains the document: the one whose members most often ask and are answered."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice, pairwise

from exporter.importer.blocks import Item, Unit, line_text
from exporter.importer.questions import (
    ANSWER_LABEL,
    ANSWER_TERMS,
    ANSWER_WORDS,
    QUESTION_WORDS,
    asks_outright,
    card_front,
    commands,
    fills_blank,
    is_bare_label,
    is_labelled,
    is_numbered,
    names_part,
    reads_as_question,
    undecorated,
)
from exporter.importer.tables import Row, cell, columns_of, row_of

# In order of preference when two kinds explain a document equally well.
KINDS = ("details", "table", "labels", "pairs", "headings", "list", "bold", "quotes", "lines")
# "Question? → answer" on one line, as quiz sheets and flashcard notes ("Q::A") write it.
_PAIR = re.compile(
    r"^\s*+(?:(?:[-*+]|\d++[.)])\s++)?+(?P<question>[^`\n]+?)\s*+(?P<mark>→|->|=>|⇒|::)\s*+"
    r"(?P<answer>\S.*)$"
)
# "* **Wo finde ich mehr?** Beispiele findest Du…": a bold question, its answer after it.
_BOLD_PAIR = re.compile(
    r"^\s*+(?:(?:[-*+]|\d++[.)])\s++)?+(?P<open>\*\*|__)(?P<question>[^*_\n]+?[?？])"
    r"(?P<mark>(?P=open))\s++(?P<answer>\S.*)$"
)
_LABEL = re.compile(
    r"^\s*+(?:(?:[-*+]|\d++[.)])\s++)?+"  # a list item's marker, "5. **Q:** …"
    rf"(?:(?:\*\*|__)?+\s*+(?P<word>Q|{QUESTION_WORDS})\s*+\d*+\s*+(?:\*\*|__)?+\s*+[:：.)]"
    r"|(?:\*\*|__)\d++[.)]?+(?:\*\*|__)"
    r"|(?P<open>\*\*|__)\d++[.)](?=[^*_\n]++(?P=open)))\s*+(?:\*\*|__)?+\s*+(?P<text>\S.*)$",
    re.IGNORECASE,
)
UNSEEN = ("noise", "hr", "remark")  # blocks a reader does not read as text
_FEW = 3  # as few questions as a document about something else holds
_FEW_ASK, _ALL_ASK = 0.6, 0.9  # shares of a level's headings that ask
_TOPICS = 5  # as few topics as make a document of notes
_PROSE = 60  # characters under a topic that explain it
TOPIC_LINE = 60  # characters, at most, of a numbered topic's line
_TOPICS_COUNTED = 5  # numbered topics, at least, that make a text file's notes
_NUMBERED_STATEMENT = 80  # characters of a numbered sentence that explains, not asks
_LINE_QUESTION = 200  # characters, at most, of a question on a line of its own
_LONE_LABEL = re.compile(
    rf"^\s*+(?:\*\*|__)?+\s*+(?:Q|{QUESTION_WORDS})\s*+\d*+\s*+(?:\*\*|__)?+\s*+[:：]"
    r"\s*+(?:\*\*|__)?+\s*+$",
    re.IGNORECASE,
)
# The summary of a <details> that only hides the answer to the question above it.
_ANSWER_SUMMARY = re.compile(
    rf"^(?:show\s++|see\s++|ver\s++)?+(?:the\s++|la\s++)?+(?:(?:{ANSWER_WORDS}|solution"
    r"|soluci[oó]n|solução|lösung"
    r"|(?:click\s++(?:here\s++)?to\s++)?(?:expand|show|reveal|open|view|see|toggle))\b"
    r"|解答|解析|答案|回答|정답|답변|답안|해설|展开|展開|点击|點擊|查看|펼치기|보기|토글)",
    re.IGNORECASE,
)
# "第 1 题的答案", "The final answer": a summary that ends by naming the answer it hides.
_NAMES_ANSWER = re.compile(rf"(?:{ANSWER_TERMS})$", re.IGNORECASE)
_BOLD_LINE = re.compile(r"^\s*+(?:\*\*|__)(?P<text>[^*_\n]++)(?:\*\*|__)\s*+$")
_QUESTION_NUMBER = re.compile(r"^(?:Q|#)?+(\d{1,4}+)(?:[、．）：]|[.):](?!\d)|\s)")
_NOT_QUESTION_LABEL = re.compile(
    r"^(?:answer|key\s++points?|a|note|tips?|example)(?:\*\*|__)?+\s*+[:.]", re.IGNORECASE
)


@dataclass(frozen=True)
class Member:
    """A block (or a line of one) that may open a question."""

    unit: int  # its index among the units
    line: int  # 0-based
    text: str
    answer_from: int | None = None
    details: bool = False
    row: Row | None = None  # a table's row
    item_end: int | None = None  # a list item's last line (exclusive)
    last_item: bool = False  # the last item of its list: the blocks after it may answer
    topic: bool = False  # a topic of a text file's notes: a question whatever its words


def _paired_lines(unit: Unit, lines: Sequence[str]) -> list[int]:
    """The lines of a paragraph written as a question a line, its answer on the lines
    below it, without a blank line between (a text file's FAQ): at least two questions,
    each followed by a line that does not ask or is set in under it."""
    asking = [
        number
        for number in range(unit.start, unit.end)
        if len(lines[number]) < _LINE_QUESTION and asks_outright(line_text(lines[number]))
    ]
    paired = [
        number
        for number in asking
        if number + 1 < unit.end
        and (
            not reads_as_question(line_text(lines[number + 1]))
            or _indent(lines[number + 1]) > _indent(lines[number])  # set in under it
        )
    ]
    # A list of questions, a few of them followed by one that does not ask, is no FAQ.
    return paired if len(paired) >= 2 and len(paired) >= 0.75 * len(asking) else []


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _numbered_after(text: str, before: str) -> bool:
    """Tell whether `text` is numbered next after `before` ("17)" after "16)")."""
    number, previous = _QUESTION_NUMBER.match(text), _QUESTION_NUMBER.match(before)
    return number is not None and previous is not None and int(number[1]) == int(previous[1]) + 1


def members(kind: str, units: Sequence[Unit], lines: Sequence[str], level: int = 0) -> list[Member]:
    """The blocks of `units` that are of `kind` (headings: of `level`)."""
    found: list[Member] = []
    topics = _counted_topics(units, lines) | _ruled_topics(units) if kind == "lines" else set()
    for index, unit in enumerate(units):
        if kind == "headings" and unit.kind == "heading" and unit.level == level:
            found.append(Member(index, unit.start, unit.text))
        elif kind == "bold" and unit.kind == "paragraph" and unit.bold:
            # "**Key points:**" announces a part; "**✅ 1) Tell me about yourself:**" asks
            if not unit.text.rstrip().endswith(":") or is_numbered(undecorated(unit.text)):
                found.append(Member(index, unit.start, unit.text))
        elif kind == "bold" and unit.kind == "paragraph" and _BOLD_LINE.match(lines[unit.start]):
            # "**Q8- What's the difference…?**" with its answer on the lines below it
            bold_line = _BOLD_LINE.match(lines[unit.start])
            if bold_line and asks_outright(bold_line["text"]):
                found.append(Member(index, unit.start, bold_line["text"], unit.start + 1))
        elif kind == "quotes" and unit.kind == "blockquote" and 0 < len(unit.text) < 300:
            found.append(Member(index, unit.start, unit.text))
        elif kind == "pairs" and unit.kind in ("paragraph", "ordered_list", "bullet_list"):
            for number in range(unit.start, unit.end):
                pair = _PAIR.match(lines[number]) or _BOLD_PAIR.match(lines[number])
                if pair and _asks_before_answer(pair):
                    read = Row(card_front(pair["question"]), pair["answer"].strip())
                    found.append(Member(index, number, pair["question"], None, True, read))
        elif kind == "details" and unit.kind == "details" and not is_toggle(unit.text):
            line = next(
                (n for n in range(unit.start, unit.end) if "<summary" in lines[n].lower()),
                unit.start,
            )
            found.append(Member(index, line, unit.text, details=True))
        elif (
            kind == "lines" and unit.kind == "paragraph" and (paired := _paired_lines(unit, lines))
        ):
            found += [
                Member(index, number, line_text(lines[number]), number + 1) for number in paired
            ]
        elif kind == "lines" and unit.kind == "paragraph" and not unit.bold:
            first = line_text(lines[unit.start])
            # A short line that opens like a question and ends like one, its "?" forgotten.
            untidy = (
                len(first) < 150
                and not first.endswith((".", "。", ":", "：", ";", ","))
                and reads_as_question(card_front(first))
            )
            asks = asks_outright(first) or commands(first) or fills_blank(first)
            # "17) State the elements of the box model.", after "16) What is…?"
            # (a long sentence numbered so, "3.Verifying - means… standards.", explains)
            numbered_next = (
                bool(found)
                and _numbered_after(first, found[-1].text)
                and not (first.endswith((".", "。")) and len(first) > _NUMBERED_STATEMENT)
            )
            if index in topics:
                found.append(Member(index, unit.start, first, unit.start + 1, topic=True))
            elif len(first) < 300 and (asks or untidy or numbered_next):
                found.append(Member(index, unit.start, first, unit.start + 1))
        elif kind == "labels" and unit.kind in ("paragraph", "ordered_list", "bullet_list"):
            for number in range(unit.start, unit.end):
                match = _LABEL.match(lines[number])
                if match and not _NOT_QUESTION_LABEL.match(match["text"]):
                    text = match["text"]
                    if match["open"]:  # "**1) FizzBuzz.** Print…": the bold ends in the text
                        text = text.replace(match["open"], "", 1)
                    found.append(Member(index, number, text, number + 1))
                elif _LONE_LABEL.match(lines[number]) and number + 1 < unit.end:
                    # "Question:" alone on its line: the question is the next line.
                    asked = lines[number + 1].strip()
                    found.append(Member(index, number + 1, asked, number + 2))
        elif kind == "table" and unit.kind == "table" and unit.rows:
            columns = columns_of(unit.rows[0], unit.rows[1:])
            for number, row in enumerate(unit.rows[1:], start=2):
                if columns and cell(row, columns.question):
                    read = row_of(row, unit.rows[0], columns)
                    line = unit.start + number  # one line a row, after the delimiter row
                    found.append(Member(index, line, read.question, None, True, read))
        elif kind == "list" and unit.kind in ("ordered_list", "bullet_list"):
            found += [
                Member(
                    index, item.start, item.text, item.start + 1, item_end=item.end, last_item=last
                )
                for item, last in zip(unit.items, _last_flags(unit.items, lines), strict=True)
            ]
    return found


def _counted_topics(units: Sequence[Unit], lines: Sequence[str]) -> set[int]:
    """The paragraphs of a text file's notes that open with a short line numbered 1, 2,
    3… to the end ("1.原型", "2.闭包"), lists inside their answers skipped: at least
    five, each a topic to explain."""
    numbered = [
        (index, int(match[1]))
        for index, unit in enumerate(units)
        if unit.kind == "paragraph"
        and unit.end > unit.start + 1  # the topic's line, then what explains it
        and (match := _QUESTION_NUMBER.match(line_text(lines[unit.start])))
        and len(line_text(lines[unit.start])) <= TOPIC_LINE
    ]
    chain: list[int] = []
    for index, number in numbered:
        if number == len(chain) + 1:
            chain.append(index)
    return set(chain) if len(chain) >= _TOPICS_COUNTED else set()


def _ruled_topics(units: Sequence[Unit]) -> set[int]:
    """The paragraphs of notes set apart by rules that open each part with a short line
    of its own ("BFC", then what explains it, then a rule): at least three, in three
    parts of four."""
    parts: list[list[int]] = [[]]
    for index, unit in enumerate(units):
        if unit.kind == "hr":
            parts.append([])
        elif unit.kind not in UNSEEN:
            parts[-1].append(index)
    filled = [part for part in parts if part]
    named = {
        part[0]
        for part in filled
        if len(part) >= 2
        and units[part[0]].kind == "paragraph"
        and units[part[0]].end - units[part[0]].start == 1
        and len(units[part[0]].text) <= TOPIC_LINE
        and not units[part[0]].text.endswith((".", "。", ":", "："))
    }
    return named if len(named) >= _FEW and len(named) >= 0.75 * len(filled) else set()


def _asks_before_answer(pair: re.Match[str]) -> bool:
    """Tell whether the part of a line before its arrow is a question (any text before
    "::", the flashcard notes' own mark)."""
    question = pair["question"]
    return pair["mark"] == "::" or reads_as_question(card_front(question)) or commands(question)


def _numbered_apart(headings: Sequence[Member]) -> bool:
    """Tell whether the headings that ask are numbered ("## Q1. …?") and the others not
    ("## 사용 방법"): notes around the questions, not topics beside them."""
    asking = [member for member in headings if reads_as_question(card_front(member.text))]
    numbered = [member for member in headings if is_numbered(member.text)]
    return (
        len(asking) >= _FEW
        and all(is_numbered(member.text) for member in asking)
        and len(numbered) < len(headings)
    )


def _one_sequence(found: Sequence[Member], units: Sequence[Unit], lines: Sequence[str]) -> bool:
    """Tell whether the numbers of these labelled lines ("**3)** …") run on from one to
    the next, starting again only in a new section (after a heading that names it)."""
    numbered = [
        (member.unit, int(number))
        for member in found
        if (digits := re.findall(r"\d+", lines[member.line][:12]))
        for number in digits[:1]
    ]
    steps = 0
    for (unit, number), (later, following) in pairwise(numbered):
        if following == number + 1:
            steps += 1
        elif following <= number and not any(
            units[index].kind == "heading" and not reads_as_question(card_front(units[index].text))
            for index in range(unit + 1, later + 1)
        ):
            return False  # counted again under a question: the points of its answer
    return len(numbered) >= 2 and steps >= 0.75 * (len(numbered) - 1)


def _names_question(line: str) -> bool:
    """Tell whether `line` opens with a label that names a question ("Q:", "Вопрос 3:"),
    not with a bold number."""
    label = _LABEL.match(line)
    return label is None or label["word"] is not None


def answered(member: Member, units: Sequence[Unit], lines: Sequence[str]) -> bool:
    """Tell whether something that can be an answer follows `member` among `units` (a
    `<details>` block holds its own)."""
    if member.details:
        return member.row is None or bool(member.row.answer)
    if member.item_end is not None:  # a list item: answered inside it, or by what follows
        inside = any(line.strip() for line in lines[member.line + 1 : member.item_end])
        if inside or not member.last_item:
            return inside
    elif member.answer_from is not None and any(
        line.strip()
        for line in lines[member.answer_from : min(member.answer_from + 2, units[member.unit].end)]
    ):
        return True  # the answer starts in the question's own block
    # The two blocks a reader sees next; read one by one, so that every member costs little.
    following = (units[index] for index in range(member.unit + 1, len(units)))
    shown = list(islice((unit for unit in following if unit.kind not in UNSEEN), 2))
    for position, unit in enumerate(shown):
        if unit.kind == "details":  # a toggle or a part of the answer; not another question
            return is_toggle(unit.text) or not reads_as_question(unit.text)
        if unit.kind in ("paragraph", "html"):  # a run of other questions is no answer
            return not all(
                other.kind in ("paragraph", "html") and asks_outright(other.text)
                for other in shown[position : position + 2]
            )
        if unit.kind in ("bullet_list", "ordered_list"):
            if not all(asks_outright(item.text) for item in unit.items):
                return True
            # Sub-questions, answered together by the prose after them.
            after = shown[position + 1 :]
            return bool(after) and after[0].kind == "paragraph" and not asks_outright(after[0].text)
        return unit.kind != "heading" or not reads_as_question(card_front(unit.text))
    return False


def numbers_question(text: str) -> bool:
    """Tell whether `text` is numbered like a question ("3. Closures"), not like a part
    of an answer announcing what follows ("1. Structure:")."""
    return is_numbered(text) and not card_front(text).endswith((":", "："))


def labelled_question(unit: Unit, units: Sequence[Unit], index: int, lines: Sequence[str]) -> str:
    """The question of a paragraph labelled as one ("**Q: Should I…?**") whose answer is
    labelled next ("A: If you…"), or ""."""
    if unit.kind != "paragraph":
        return ""
    match = _LABEL.match(lines[unit.start])
    if match is None or match["open"] or not asks_outright(match["text"]):
        return ""
    if unit.end > unit.start + 1:
        return match["text"] if is_answer_label(lines[unit.start + 1]) else ""
    following = (units[n] for n in range(index + 1, len(units)))
    after = next((other for other in following if other.kind not in UNSEEN), None)
    return match["text"] if after and is_answer_label(lines[after.start]) else ""


def opens_with_question_label(line: str) -> bool:
    """Tell whether `line` opens with a question's label ("Q:", "**Question 3:**")."""
    match = _LABEL.match(line)
    return match is not None and not match["open"]


def is_answer_label(line: str) -> bool:
    """Tell whether `line` opens with an answer's label: "Answer:", "**A:**", "Ответ:"."""
    return ANSWER_LABEL.match(line) is not None


def is_toggle(summary: str) -> bool:
    """Tell whether a `<details>` summary only says what it hides: "Answer", "Show", "展开",
    "✅ RESPOSTA CERTA"."""
    summary = re.sub(r"^[^\w¿]++", "", summary)  # a mark before the words: "✅", "👉"
    return bool(_ANSWER_SUMMARY.match(summary) or _NAMES_ANSWER.search(summary.rstrip(" \t:：.!")))


def is_lone_label(line: str) -> bool:
    """Tell whether `line` is a "Question:" label with the question on the next line."""
    return _LONE_LABEL.match(line) is not None


def _last_flags(items: Sequence[Item], lines: Sequence[str]) -> list[bool]:
    """Which item may be answered by the blocks after its list: the last, unless other
    items are bare questions too (the text after a list of them is about them all)."""
    bare = [not any(line.strip() for line in lines[item.start + 1 : item.end]) for item in items]
    alone = len(items) == 1 or not all(bare)
    return [alone and number == len(items) - 1 for number in range(len(items))]


def choose(
    units: Sequence[Unit], lines: Sequence[str], steer: str | None = None
) -> tuple[str, int, bool]:
    """The kind (and, for headings, the level) that best explains the document, and
    whether its headings are topics rather than questions; `steer` names the kind to
    take whatever the scores."""
    candidates: list[tuple[str, int]] = []
    for kind in KINDS:
        if steer and kind != steer:
            continue
        levels = sorted(
            {unit.level for unit in units if unit.kind == "heading" and unit.level}, reverse=True
        )
        for level in levels if kind == "headings" else [0]:
            candidates.append((kind, level))
    best: tuple[int, int, str, int] | None = None
    asking_share: dict[int, tuple[int, float]] = {}  # by heading level: questions, share
    worded: dict[tuple[str, int], int] = {}  # questions that ask in words, not by a number
    for order, (kind, level) in enumerate(candidates):
        found = members(kind, units, lines, level)
        # Bold numbers that run 1, 2, 3… through the document number its questions;
        # numbers that start again at 1 count the points of each answer.
        through = kind == "labels" and _one_sequence(found, units, lines)
        score = 0
        for member in found:
            text = card_front(member.text)
            asks = (
                (member.details and member.row is not None and bool(text))  # a question cell
                # "Q:": a question whatever its words; "**3)**" where it asks (a bold
                # number also counts the points of an answer)
                or (
                    kind == "labels"
                    and bool(text)
                    and (through or _names_question(lines[member.line]))
                )
                or reads_as_question(text)
                or member.topic
                or (kind == "headings" and (numbers_question(member.text) or is_bare_label(text)))
            )
            if asks and answered(member, units, lines):
                score += 1
                worded[kind, level] = worded.get((kind, level), 0) + (
                    _names_question(lines[member.line])
                    if kind == "labels"
                    else reads_as_question(text)
                )
        if kind == "headings" and score:
            asking_share[level] = (score, score / len(found))
        if score and (best is None or score > best[0]):
            best = (score, -order, kind, level)
    labelled = worded.get(("labels", 0), 0)
    headed = [  # "### Q1: …" at every heading of a level: its label says it is a question
        level
        for level, (score, _) in sorted(asking_share.items())
        if score >= _FEW
        and all(is_labelled(member.text) for member in members("headings", units, lines, level))
    ]
    if best is not None and best[2] == "labels" and labelled < best[0] and headed:
        best = (asking_share[headed[0]][0], 0, "headings", headed[0])
    if (
        best is not None
        and best[2] == "headings"
        and worded.get(("headings", best[3]), 0) < labelled >= _FEW
    ):
        # "## 1. Basics" over "**Q: Tell me about yourself.**": numbered sections over
        # labelled questions
        best = (labelled, 0, "labels", 0)
    if best is not None and best[2] == "headings" and asking_share[best[3]][1] < _FEW_ASK:
        # Sub-headings where few ask ("Example:", "Why is it O(1)?:") are parts of the
        # answers to a shallower level where all ask.
        shallower = [
            level
            for level, (score, share) in sorted(asking_share.items())
            if level < best[3] and score >= _FEW and share >= _ALL_ASK
        ]
        if shallower:
            best = (asking_share[shallower[0]][0], 0, "headings", shallower[0])
    if steer in (None, "headings"):
        topics, level = _topic_level(units, lines)
        parts = (  # "#### Example" under each "### 1. …?": parts of the answers, no topics
            best is not None
            and best[2] == "headings"
            and best[3] < level
            and asking_share[best[3]][1] >= _ALL_ASK
            and _names_repeat(units, level)
        )
        few = best is None or best[0] <= _FEW
        # "Question:" on every one says so outright
        labels = best is not None and best[2] == "labels" and labelled >= best[0]
        if few and topics and topics >= 3 * (best[0] if best else 0) and not (parts or labels):
            return "headings", level, True  # notes under topics, none asks: each a card
        if best is None and (short := _answered_level(units, lines)):
            return "headings", short, True  # a short page of topics, nothing else in it
        if (
            best is not None
            and best[2:] == ("headings", level)
            and 2 * topics >= 3 * best[0]
            and not any(
                reads_as_question(card_front(unit.text)) for unit in units if 0 < unit.level < level
            )
            and not _numbered_apart(members("headings", units, lines, level))
        ):
            # Questions and topics side by side at one level, every one explained
            # ("### Heap и Stack", "### Чем различаются JRE…?"), none above: each a card.
            return "headings", level, True
    if best is None:
        return "", 0, False
    return best[2], best[3], False


def explained(units: Sequence[Unit], index: int, lines: Sequence[str]) -> bool:
    """Tell whether the heading `units[index]` has prose under it, before the next heading
    of its level or above: a topic explained, not an overview's one-line card."""
    level = units[index].level
    written = 0
    for unit in (units[number] for number in range(index + 1, len(units))):
        if unit.kind == "heading" and unit.level <= level:
            break
        if unit.kind not in UNSEEN:
            written += sum(len(line.strip()) for line in lines[unit.start : unit.end])
        if written >= _PROSE:
            return True
    return False


def _names_repeat(units: Sequence[Unit], level: int) -> bool:
    """Tell whether a name recurs among the headings of `level` ("Example", "Key points"
    under every question): the parts every answer has, not topics of their own."""
    names = Counter(
        unit.text.strip().lower()
        for unit in units
        if unit.kind == "heading" and unit.level == level
    )
    return any(count > 1 for count in names.values())


def _answered_level(units: Sequence[Unit], lines: Sequence[str]) -> int:
    """The heading level of a page of a few topics ("## "Error opening file"", then how
    to fix it): the level with the most headings, at least two, every one answered by
    prose (a list under a heading may list questions nobody answers); 0 for none."""
    found = 0, 0
    for level in sorted({unit.level for unit in units if unit.kind == "heading" and unit.level}):
        headings = members("headings", units, lines, level)
        if len(headings) >= 2 and all(_prose_under(member, units, lines) for member in headings):
            found = max(found, (len(headings), -level))
    return -found[1]


def _prose_under(member: Member, units: Sequence[Unit], lines: Sequence[str]) -> bool:
    """Tell whether `member` is answered, the first block under it a paragraph, and it
    names no part of the document ("Installation", "Licence")."""
    under = next((unit for unit in units[member.unit + 1 :] if unit.kind not in UNSEEN), None)
    prose = under is not None and under.kind == "paragraph"
    return prose and not names_part(member.text) and answered(member, units, lines)


def _topic_level(units: Sequence[Unit], lines: Sequence[str]) -> tuple[int, int]:
    """How many topics a document has and at which heading level: the level with the most
    headings explained by what follows them (at least five, three in four of the level's);
    (0, 0) for none."""
    found = 0, 0
    levels = sorted({unit.level for unit in units if unit.kind == "heading" and unit.level})
    for level in levels:
        headings = members("headings", units, lines, level)
        topics = sum(
            answered(member, units, lines) and explained(units, member.unit, lines)
            for member in headings
        )
        if topics >= _TOPICS and topics >= 0.75 * len(headings) and topics > found[0]:
            found = topics, level
    return found


def counts(units: Sequence[Unit], lines: Sequence[str]) -> dict[str, int]:
    """How many blocks of each kind that can hold questions the document has."""
    levels = sorted({unit.level for unit in units if unit.kind == "heading" and unit.level})
    counts = {
        f"level-{level} headings": sum(
            1 for unit in units if unit.kind == "heading" and unit.level == level
        )
        for level in levels
    }
    counts["<details> blocks"] = len(members("details", units, lines))
    counts["table rows"] = len(members("table", units, lines))
    counts["'Q:' labels"] = len(members("labels", units, lines))
    counts["'question → answer' lines"] = len(members("pairs", units, lines))
    counts["list items"] = len(members("list", units, lines))
    counts["bold paragraphs"] = len(members("bold", units, lines))
    counts["block quotes"] = len(members("quotes", units, lines))
    counts["paragraphs that ask or open a topic"] = len(members("lines", units, lines))
    return counts
