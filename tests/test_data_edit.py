"""Writing edits back into a hand-edited data file: only the changed values' text changes."""

from __future__ import annotations

import difflib
import functools
import re
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, SHIPPED_DECK
from yaml.nodes import Node

from exporter.data_edit import FieldEdit, edit_data
from exporter.dump import dump
from exporter.errors import ExporterError
from exporter.importer import import_document
from exporter.load import load_deck
from exporter.model import Deck, Question, Theme

HAND = """\
# Interview questions.
deck:
  id: demo
  title: Demo

questions:
  # The first one.
  - id: first
    question: What is first?  # asked first
    tags: [a, b]
    answer: |
      The *first* answer.

      Its second paragraph.

    key_points:
      - one
      - two
      - three
  # Between the questions.

  - id: second
    "question": 'Second?'
    answer: foo  # note
# The end.
"""


def edit(text: str, *edits: tuple[str, str, str | tuple[str, ...]]) -> str:
    """`text` with questions' keys set: (id, key, value) each."""
    return edit_data(text, [FieldEdit("questions", *change) for change in edits])


def test_a_plain_value_stays_plain_and_its_comment_stays() -> None:
    assert edit(HAND, ("second", "answer", "bar")) == HAND.replace("foo  # note", "bar  # note")


def test_a_quoted_key_and_single_quotes_are_kept() -> None:
    result = edit(HAND, ("second", "question", "It's second?"))
    assert result == HAND.replace("'Second?'", "'It''s second?'")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        ("- a", '"- a"'),
        ("yes", '"yes"'),
        ("null", '"null"'),
        ("[x", '"[x"'),
        ("it's #1", '"it\'s #1"'),
        ("it's a#b:c", "it's a#b:c"),
        ("emoji \U0001f600", "emoji \U0001f600"),
        ("a\ttab", '"a\\ttab"'),
    ],
)
def test_a_value_that_cannot_be_plain_is_double_quoted(value: str, written: str) -> None:
    assert edit(HAND, ("second", "answer", value)) == HAND.replace("foo", written)


def test_a_block_stays_a_block_and_keeps_the_blank_line_after_it() -> None:
    result = edit(HAND, ("first", "answer", "One line."))
    old = "      The *first* answer.\n\n      Its second paragraph.\n"
    assert result == HAND.replace(old, "      One line.\n")


def test_a_new_multi_line_value_becomes_a_literal_block_under_its_comment() -> None:
    result = edit(HAND, ("second", "answer", "Line one.\n\nLine two."))
    assert result == HAND.replace(
        "foo  # note\n", "|  # note\n      Line one.\n\n      Line two.\n"
    )


def test_a_block_starting_with_a_space_gets_an_indentation_indicator() -> None:
    result = edit(HAND, ("second", "answer", "    code\nafter"))
    assert result == HAND.replace("foo  # note\n", "|2  # note\n          code\n      after\n")
    result = edit(HAND, ("first", "answer", "  code"))
    assert "    answer: |2\n        code\n\n    key_points:" in result


@pytest.mark.parametrize(
    ("header", "reads"),
    [("|-", "a\n\n  b"), ("|+", "x\n"), (">", "folded\ntext"), ("|2", "  indented")],
)
def test_block_headers_keep_their_chomping(header: str, reads: str) -> None:
    text = (
        "deck: {id: d, title: T}\nquestions:\n- id: q\n  question: Q\n"
        f"  answer: {header}\n    old\n\n\n  # comment\n- id: r\n  question: R\n  answer: A\n"
    )
    result = edit(text, ("q", "answer", "new\nlines"))
    chomping = header.strip("|>2")
    assert result == text.replace(f"{header}\n    old\n", f"|{chomping}\n    new\n    lines\n")


def test_a_block_keeps_its_own_indentation() -> None:
    text = "deck: {id: d, title: T}\nquestions:\n- id: q\n  question: Q\n  answer: |\n"
    result = edit(text + "        text\n            code\n", ("q", "answer", "new\n    code"))
    assert result == text + "        new\n            code\n"


def test_a_line_break_yaml_reads_otherwise_is_kept_in_quotes() -> None:
    result = edit(HAND, ("first", "answer", "a\u2028b\nc"), ("second", "answer", "d\ne"))
    assert '    answer: "a\\u2028b\\nc"\n\n    key_points:' in result
    assert "    answer: |  # note\n      d\n      e\n" in result


def test_a_changed_key_point_changes_only_its_lines() -> None:
    result = edit(HAND, ("first", "key_points", ("one", "TWO", "three")))
    assert result == HAND.replace("- two", "- TWO")


def test_key_points_added_and_dropped_keep_the_others() -> None:
    result = edit(HAND, ("first", "key_points", ("zero", "one", "three", "four")))
    assert result == HAND.replace(
        "      - one\n      - two\n      - three\n",
        "      - zero\n      - one\n      - three\n      - four\n",
    )


def test_flow_tags_stay_flow() -> None:
    result = edit(HAND, ("first", "tags", ("a", "yes", "c")))
    assert result == HAND.replace("[a, b]", '[a, "yes", c]')


def test_optional_keys_are_removed_with_their_lines_only() -> None:
    result = edit(HAND, ("first", "tags", ()), ("first", "key_points", ()))
    assert result == HAND.replace("    tags: [a, b]\n", "").replace(
        "    key_points:\n      - one\n      - two\n      - three\n", ""
    )


def test_missing_keys_are_added_in_dumps_order() -> None:
    result = edit(
        HAND,
        ("second", "key_points", ("a point",)),
        ("second", "tags", ("t",)),
        ("second", "context", "Some code."),
    )
    assert result == HAND.replace(
        "    \"question\": 'Second?'\n    answer: foo  # note\n",
        "    \"question\": 'Second?'\n    context: |\n      Some code.\n    tags: [t]\n"
        "    answer: foo  # note\n    key_points:\n      - a point\n",
    )


def test_flow_mappings_get_quoted_values() -> None:
    text = "deck: {id: d, title: T}\nquestions:\n- {id: q, question: Q, context: c, answer: A}\n"
    result = edit(
        text, ("q", "answer", "two\nlines"), ("q", "context", ""), ("q", "tags", ("x", "y"))
    )
    assert result == text.replace("context: c, answer: A", 'tags: [x, y], answer: "two\\nlines"')


def test_items_at_column_zero_crlf_and_bom_are_kept() -> None:
    text = "\ufeffdeck:\r\n  id: d\r\n  title: T\r\nquestions:\r\n- id: q\r\n  question: Q\r\n"
    text += "  answer: |\r\n    A\r\n"
    result = edit_data(
        text,
        [
            FieldEdit("questions", "q", "answer", "B\n\nC"),
            FieldEdit("questions", "q", "tags", ("t",)),
        ],
        [Question("new", "New?", "Yes.\nReally."), Theme("theme", "Theme", "A summary.")],
    )
    assert result == text.replace("    A\r\n", "    B\r\n\r\n    C\r\n").replace(
        "  question: Q\r\n", "  question: Q\r\n  tags: [t]\r\n"
    ) + (
        "\r\n- id: new\r\n  question: New?\r\n  answer: |\r\n    Yes.\r\n    Really.\r\n"
        "\r\nthemes:\r\n- id: theme\r\n  title: Theme\r\n  summary: A summary.\r\n"
    )


def test_appended_items_follow_the_last_item_of_their_section() -> None:
    shipped = SHIPPED_DECK.read_text(encoding="utf-8")
    theme = Theme("new-theme", "New: theme", "Its summary.")
    result = edit_data(shipped, [], [theme])
    assert (
        result
        == shipped + '\n  - id: new-theme\n    title: "New: theme"\n    summary: Its summary.\n'
    )
    question = Question("new", "New?", "Yes.", ("a",), ("p",), "ctx")
    result = edit_data(HAND, [], [question])
    assert result == HAND.replace(
        "# The end.\n",
        "\n  - id: new\n    question: New?\n    context: |\n      ctx\n    tags: [a]\n"
        "    answer: |\n      Yes.\n    key_points:\n      - p\n# The end.\n",
    )


def test_empty_values_are_filled_after_their_colon() -> None:
    text = (
        "deck: {id: d, title: T}\nquestions:\n    - id: q\n      question: Q\n"
        "      tags:  # none yet\n      context:\n      answer: A\nthemes:\n"
    )
    result = edit_data(
        text,
        [
            FieldEdit("questions", "q", "tags", ("a",)),
            FieldEdit("questions", "q", "context", "x\ny"),
        ],
        [Theme("t", "T", "S")],
    )
    assert result == text.replace("tags:  #", "tags: [a]  #").replace(
        "context:\n", "context: |\n        x\n        y\n"
    ) + ("    - id: t\n      title: T\n      summary: S\n")


def test_an_unchanged_value_leaves_the_file_as_it_is() -> None:
    assert edit(HAND, ("first", "answer", "The *first* answer.\n\nIts second paragraph.")) == HAND


@pytest.mark.parametrize(
    ("text", "change", "message"),
    [
        (HAND, ("missing", "answer", "x"), "no question with the id 'missing'"),
        (HAND, ("first", "answer", ""), "cannot be removed"),
        (HAND, ("first", "colour", "x"), "not a key of questions"),
        (HAND, ("first", "tags", "a"), "must be a list"),
        ("- a\n", ("first", "answer", "x"), "not a mapping"),
        ("a: [\n", ("first", "answer", "x"), "not valid YAML"),
    ],
)
def test_edits_that_cannot_be_made_are_refused(
    text: str, change: tuple[str, str, str], message: str
) -> None:
    with pytest.raises(ExporterError, match=re.escape(message)):
        edit(text, change)


# The property test: random edits of real data files.

DOCUMENTS = sorted(
    path
    for path in [*(FIXTURES / "shapes").iterdir(), *FIXTURES.glob("*.md")]
    if path.name != "expected.yaml"
)
UNSTORABLE = "".join(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]))
CHARACTER = st.characters(
    exclude_categories=("Cs",), exclude_characters=UNSTORABLE + "\ufffe\uffff"
)
TRICKY = st.sampled_from(
    [
        *("yes", "null", "~", "42", "'", '"', ": ", ":", " #", "#", "- ", "-", "? ", "|", ">"),
        *("[", "]", "{", "}", ",", "&a", "*a", "!x", "%", "@", "`", "---", "\\", "\\n"),
        *(" ", "  ", "\t", "\n", "\n\n", "\u2028", "\xa0", "e\u0301", "\U0001f600", "\ufeff"),
    ]
)
RAW_TEXT = st.lists(st.one_of(TRICKY, st.text(CHARACTER, max_size=6)), max_size=5).map("".join)
VISIBLE = st.characters(exclude_categories=("Z", "C"))
SOME_TEXT = st.tuples(RAW_TEXT, VISIBLE, RAW_TEXT).map("".join)
MARKDOWN_LINE = st.one_of(
    SOME_TEXT,
    st.tuples(
        st.sampled_from(["    ", "  ", "- ", "> ", "# ", "1. ", "```", "| a | b |", ""]), RAW_TEXT
    ).map("".join),
)
LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def _markdown(text: str) -> str:
    """A Markdown field as load gives it (load keeps what this keeps)."""
    return LEADING_BLANK_LINES.sub("", unicodedata.normalize("NFC", text)).rstrip()


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


REQUIRED_MARKDOWN = (
    st.one_of(SOME_TEXT, st.lists(MARKDOWN_LINE, min_size=2, max_size=5).map("\n".join))
    .map(_markdown)
    .filter(bool)
)
REQUIRED_TEXT = SOME_TEXT.map(_plain).filter(bool)
TAG = st.one_of(
    st.sampled_from(["yes", "null", "[x", "a:b", "#x", "x#", "-a", "'q'", "\U0001f600", "2024"]),
    st.tuples(st.text(CHARACTER, max_size=8), VISIBLE).map("".join),
).map(lambda tag: "".join(c for c in unicodedata.normalize("NFC", tag) if not c.isspace()))
VALUES: dict[str, st.SearchStrategy[str | tuple[str, ...]]] = {
    "question": REQUIRED_TEXT,
    "title": REQUIRED_TEXT,
    "answer": REQUIRED_MARKDOWN,
    "summary": REQUIRED_MARKDOWN,
    "context": st.one_of(st.just(""), REQUIRED_MARKDOWN),
    "tags": st.lists(
        TAG.filter(lambda tag: bool(tag) and not tag.lower().startswith("exporter::")),
        unique=True,
        max_size=3,
    ).map(tuple),
    "key_points": st.lists(REQUIRED_MARKDOWN, max_size=3).map(tuple),
}
KEYS = {
    "questions": ("question", "context", "tags", "answer", "key_points"),
    "themes": ("title", "summary"),
}


@functools.cache
def data_files() -> dict[str, str]:
    """The shipped file, a hand-written fixture and the importer's file of each document."""
    files = {
        path.name: path.read_text(encoding="utf-8")
        for path in (SHIPPED_DECK, FIXTURES / "word" / "constructs.yaml")
    }
    with tempfile.TemporaryDirectory() as folder:
        for document in DOCUMENTS:
            output = Path(folder) / f"{document.name}.yaml"
            try:
                import_document(document, output)
            except ExporterError:
                continue
            files[output.name] = output.read_text(encoding="utf-8")
    return files


@functools.cache
def original_deck(name: str) -> Deck:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.yaml"
        path.write_text(data_files()[name], encoding="utf-8")
        return replace(load_deck(path), source=None)


def test_the_property_test_reads_imported_files_too() -> None:
    names = data_files()
    assert len(names) > 100
    assert all(dump(original_deck(name)) == names[name] for name in list(names)[2:])


@st.composite
def edits_of(draw: st.DrawFn, deck: Deck) -> list[FieldEdit]:
    """Up to three edits of different keys of `deck`'s questions and themes."""
    items = [("questions", item.id) for item in deck.questions]
    items += [("themes", item.id) for item in deck.themes]
    targets = draw(
        st.lists(
            st.sampled_from(items).flatmap(
                lambda item: st.tuples(st.just(item), st.sampled_from(KEYS[item[0]]))
            ),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    return [
        FieldEdit(section, item_id, key, draw(VALUES[key]))  # type: ignore[arg-type]
        for (section, item_id), key in targets
    ]


def _with_edits(deck: Deck, edits: list[FieldEdit], added: list[Question]) -> Deck:
    questions = {question.id: question for question in deck.questions}
    themes = {theme.id: theme for theme in deck.themes}
    for change in edits:
        items: dict[str, Question] | dict[str, Theme] = (
            questions if change.section == "questions" else themes
        )
        items[change.item_id] = replace(items[change.item_id], **{change.key: change.value})  # type: ignore[assignment]
    return replace(deck, questions=(*questions.values(), *added), themes=tuple(themes.values()))


def _node_lines(text: str, node: Node) -> tuple[int, int]:
    """The first and last line (0-based) of `node`'s text."""
    last = text[: node.end_mark.index].rstrip().count("\n")
    return node.start_mark.line, max(last, node.start_mark.line)


def _edited_ranges(
    text: str, edits: list[FieldEdit], added: list[Question]
) -> list[tuple[int, int]]:
    """The lines of `text` each edit may change: from its key to the end of its value (a
    missing key: the line after the key before it, a new question: after the last one)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    sections = {key.value: value for key, value in root.value}
    ranges = []
    for change in edits:
        item = next(
            node
            for node in sections[change.section].value
            if any(k.value == "id" and v.value == change.item_id for k, v in node.value)
        )
        pairs = {key.value: (key, value) for key, value in item.value}
        if change.key in pairs:
            key, value = pairs[change.key]
            ranges.append((key.start_mark.line, _node_lines(text, value)[1]))
            continue
        order = ("id", *KEYS[change.section])
        before = next(k for k in reversed(order[: order.index(change.key)]) if k in pairs)
        after = _node_lines(text, pairs[before][1])[1] + 1
        ranges.append((after, after - 1))
    if added:
        last = sections["questions"].value[-1]
        after = _node_lines(text, last.value[-1][1])[1] + 1
        ranges.append((after, after))  # the new item's blank line may come before or after it
    return ranges


def assert_changed_only(before: str, after: str, ranges: list[tuple[int, int]]) -> None:
    """Every line of `after` but those inside `ranges` (of `before`) is as it was, in place."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "insert":
            assert any(first <= i1 <= last + 1 for first, last in ranges), (i1, ranges)
        elif tag != "equal":
            for line in range(i1, i2):
                assert any(first <= line <= last for first, last in ranges), (line, ranges)


ADDED = st.lists(
    st.builds(Question, st.just("added-question"), REQUIRED_TEXT, REQUIRED_MARKDOWN), max_size=1
)


def _variant(text: str, variant: str) -> str:
    """`text` as a user might have saved it: as is, with CRLF and a BOM, or its items at
    column 0 (`- id:` under `questions:`)."""
    if variant == "crlf":
        return "\ufeff" + text.replace("\n", "\r\n")
    if variant == "column 0":
        head, questions, items = text.partition("\nquestions:\n")
        return head + questions + re.sub("(?m)^  ", "", items)
    return text


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_edits_of_real_files_change_only_their_values(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(data_files())), label="file")
    variant = data.draw(st.sampled_from(["as is", "crlf", "column 0"]), label="variant")
    text, deck = _variant(data_files()[name], variant), original_deck(name)
    edits = data.draw(edits_of(deck), label="edits")
    added = data.draw(ADDED, label="appended")
    result = edit_data(text, edits, added)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edited.yaml"
        path.write_text(result, encoding="utf-8", newline="")
        assert replace(load_deck(path), source=None) == _with_edits(deck, edits, added)
    assert_changed_only(text, result, _edited_ranges(text, edits, added))
    if variant == "crlf":
        assert result.startswith("\ufeff")
        assert result.count("\n") == result.count("\r\n")


def test_a_result_that_reads_otherwise_is_caught() -> None:
    from exporter.data_edit import _reads_back, _root

    original = (
        "deck:\n  id: d\n  title: T\nquestions:\n  - id: a\n    question: Q\n    answer: A\n"
        "  - id: b\n    question: R\n    answer: B\n"
    )
    edit = [FieldEdit("questions", "a", "answer", "New")]
    written = original.replace("answer: A", "answer: New")
    assert _reads_back(_root(original), written, edit, [])
    swallowed = original.replace("answer: A\n", "answer: |\n      New\n    ")
    broken = {
        "a block swallows the next item": swallowed.replace("  - id: b", "      - id: b"),
        "another item changed": written.replace("answer: B", "answer: C"),
        "the deck changed": written.replace("title: T", "title: U"),
        "an appended item is missing": written,
    }
    for why, result in broken.items():
        appended = [Question("c", "S", "C")] if "appended" in why else []
        assert not _reads_back(_root(original), result, edit, appended), why
