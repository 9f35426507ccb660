"""What a block's place in a document says: the section it stands in, whether rules set
the questions apart, whether a list asks questions of its own or answers one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise

from exporter.importer.blocks import Item, Unit
from exporter.importer.candidates import UNSEEN, Member, answered, is_answer_label
from exporter.importer.questions import (
    DOCUMENT_PARTS,
    asks_outright,
    card_front,
    commands,
    is_numbered,
    is_sub_label,
    reads_as_question,
)

# The names of a table of contents: never a document's title.
CONTENTS = frozenset(
    "contents table-contents table-of-contents toc 목차 目录 目錄 目次 índice indice"
    " índice-de-contenidos содержание оглавление inhalt inhaltsverzeichnis sommaire"
    " table-des-matières".split()
)
# A sentence's tail, set apart by mistake: "是展示强调内容", "and the rest".
_FRAGMENT = re.compile(r"^(?:[是而和与或但的]|(?:and|or|but|which|is|are)\b)")
# A line of further reading, or of a to-do list: never an answer.
# A quiz's metadata lines under a question's number: "类型： 单选题 标签： GitHub".
_METADATA = re.compile(r"^(?:[^\s:：]{1,12}\s*+[:：]\s*+\S[^:：]{0,40}?\s*+){1,4}$")
_LINK_LINE = re.compile(
    r"^\s*+(?:(?:[-*+]|\d++[.)])\s++)?+(?:\[(?:[^\[\]]|\[[^\[\]]*+\])*+\]\([^)]*+\)|<?https?://\S++"
    r"|\[[ xX]\]\s.*+)[\s.,;]*+$"
)


def sections_of(units: Sequence[Unit], every: Sequence[Member], level: int) -> dict[int, int]:
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


def reads_as_sentence(text: str) -> bool:
    """Tell whether `text` is long enough to ask something: a name of one or two words
    ("Resources", "Conclusion") names a section. (In Chinese or Japanese one word asks:
    "死锁".)"""
    if _FRAGMENT.match(text):
        return False
    return len(text.split()) >= 3 or not text.isascii()


def names_topic(text: str) -> bool:
    """Tell whether a short heading ("Strengths", "Heap и Stack") can name a topic to
    speak about, not a part of the document ("Useful links", "Conclusion")."""
    words = re.findall(r"\w+", text.lower())
    fragment = _FRAGMENT.match(text) or "://" in text
    return bool(words) and not fragment and not set(words) <= DOCUMENT_PARTS


def only_links_follow(units: Sequence[Unit], start: int, lines: Sequence[str]) -> bool:
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


def names_document(heading: str, slug: Callable[[str], str]) -> bool:
    """Tell whether a level-1 heading can be the document's title: not a table of
    contents, not a numbered section ("# 1. About")."""
    return slug(heading) not in CONTENTS and not is_numbered(heading)


def question_list_sort(
    units: Sequence[Unit], asking: Sequence[Member], lines: Sequence[str]
) -> str:
    """The sort of list (ordered_list, bullet_list) at least three in four of the asking
    and answered items stand in, or ""."""
    sorts = Counter(units[member.unit].kind for member in asking if answered(member, units, lines))
    if not sorts:
        return ""
    sort, number = sorts.most_common(1)[0]
    return sort if number >= 0.75 * sum(sorts.values()) else ""


def labelled_items(unit: Unit, lines: Sequence[str]) -> list[Item]:
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


def asks_or_numbered(unit: Unit) -> bool:
    return is_numbered(unit.text) or reads_as_question(card_front(unit.text))


def rules_between(units: Sequence[Unit], every: Sequence[Member]) -> bool:
    """Tell whether a rule stands between most two questions next to each other
    (`every`)."""
    starts = sorted({member.unit for member in every})
    pairs = list(pairwise(starts))
    ruled = sum(any(unit.kind == "hr" for unit in units[a + 1 : b]) for a, b in pairs)
    return bool(pairs) and ruled >= 0.5 * len(pairs)


def first_shown(units: Sequence[Unit], index: int) -> bool:
    """Tell whether `units[index]` is the first block a reader sees."""
    return all(unit.kind in ("noise", "hr") for unit in units[:index])


def unanswered_list(
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
    later = next((block for block in following if block.kind not in UNSEEN), None)
    if later is not None and later.kind in ("paragraph", "fence", "code_block", "table"):
        return False
    if lines[shown[-1].end - 1].rstrip().endswith((":", "：")):
        return False
    asking = sum(asks_outright(item.text) or commands(item.text) for item in unit.items)
    filled = sum(1 for line in lines[unit.start : unit.end] if line.strip())
    if len(unit.items) == 1:  # one question, on one line, asked outright
        return filled == 1 and asks_outright(unit.items[0].text)
    return asking >= 2 / 3 * len(unit.items) and filled <= 2 * len(unit.items)


def question_under(units: Sequence[Unit], index: int) -> int | None:
    """The index of the paragraph that holds the question a bare label ("## 第 1 题")
    at `units[index]` numbers: the first one under it, past a "题目" sub-heading and
    "**类型：** 单选题" lines; None when the label's section has none."""
    level = units[index].level
    for number in range(index + 1, len(units)):
        unit = units[number]
        if unit.kind == "heading" and (unit.level <= level or not is_sub_label(unit.text)):
            return None
        if unit.kind == "paragraph" and not _METADATA.match(unit.text):
            return number
        if unit.kind not in (*UNSEEN, "heading", "paragraph"):
            return None
    return None
