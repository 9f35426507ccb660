"""Edits of a hand-edited data file: only the text of the changed values is rewritten,
every other byte (comments, order, quoting, blank lines, line endings) stays as it was."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from exporter.dump import (
    entry_line,
    field_line,
    is_long,
    question_lines,
    quoted,
    reads_as,
    tags_line,
    theme_lines,
)
from exporter.errors import ExporterError
from exporter.load import strip_markdown
from exporter.model import Question, Theme
from exporter.strict_yaml import LOADER

Section = Literal["questions", "themes"]
Value = str | tuple[str, ...]


@dataclass(frozen=True)
class FieldEdit:
    """A new value for one key of one question or theme."""

    section: Section
    item_id: str
    key: str  # questions: question, context, answer, tags, key_points; themes: title, summary
    value: Value  # text keys: str; tags and key_points: tuple; "" or () removes an optional key


# Each section's keys in the order dump writes them: a missing key goes after the one before.
_KEYS: dict[str, tuple[str, ...]] = {
    "questions": ("id", "question", "context", "tags", "answer", "key_points"),
    "themes": ("id", "title", "summary"),
}
_OPTIONAL = frozenset({"context", "tags", "key_points"})
_LISTS = frozenset({"tags", "key_points"})
# The texts load keeps inner whitespace of (Markdown); it strips the others.
_MARKDOWN = frozenset({"answer", "context", "summary", "description", "key_points"})
# Where dump writes a text as a literal block.
_BLOCK_KEYS = frozenset({"context", "answer"})
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")
_NULL = "tag:yaml.org,2002:null"


def edit_data(
    text: str, edits: Sequence[FieldEdit], appended: Sequence[Question | Theme] = ()
) -> str:
    """`text` (a data file's content) with each edit made and `appended` items added at
    the end of their section, every other byte as it was."""
    cleaned = [_cleaned_edit(edit) for edit in edits]
    targets = [(edit.section, edit.item_id, edit.key) for edit in cleaned]
    if len(set(targets)) < len(targets):
        raise ExporterError("two edits change the same key of the same item")
    # The loaders' marks do not agree on whether a byte order mark counts: edit without it.
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    for only_quoted in (False, True):
        editor = _Editor(text.removeprefix(bom), only_quoted)
        result = bom + editor.edited(cleaned, appended)
        if _reads_back(editor.root, result, cleaned, appended):
            return result
    raise ExporterError("the edits cannot be written so that the data file reads back as them")


def _cleaned_edit(edit: FieldEdit) -> FieldEdit:
    """`edit` with its value as load would read it; an error when it cannot be made."""
    keys = _KEYS.get(edit.section, ())
    what = f"{edit.section[:-1]} '{edit.item_id}'"
    if edit.key not in keys or edit.key == "id":
        raise ExporterError(f"cannot edit '{edit.key}' of {what}: not a key of {edit.section}")
    if edit.key in _LISTS:
        if isinstance(edit.value, str):
            raise ExporterError(f"the new '{edit.key}' of {what} must be a list of texts")
        value: Value = tuple(_cleaned(edit.key, item) for item in edit.value)
        if "" in value:
            raise ExporterError(f"the new '{edit.key}' of {what} has an empty item")
    elif isinstance(edit.value, str):
        value = _cleaned(edit.key, edit.value)
    else:
        raise ExporterError(f"the new '{edit.key}' of {what} must be a text")
    if not value and edit.key not in _OPTIONAL:
        raise ExporterError(f"the new '{edit.key}' of {what} is empty; it cannot be removed")
    return FieldEdit(edit.section, edit.item_id, edit.key, value)


def _cleaned(key: str, value: str) -> str:
    """`value` of `key` as load reads it: NFC, Markdown without blank lines around it,
    other texts stripped."""
    value = unicodedata.normalize("NFC", value)
    return strip_markdown(value) if key in _MARKDOWN else value.strip()


@dataclass(frozen=True)
class _Change:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


class _Editor:
    """The changes to one file's text, collected then made at once."""

    def __init__(self, text: str, only_quoted: bool) -> None:
        self.text = text
        # Only quoted one-line texts: the fallback when a kept style does not read back.
        self.only_quoted = only_quoted
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.changes: list[_Change] = []
        self.root = _root(text)
        self.items: dict[str, dict[str, MappingNode]] = {}  # by section, by id

    def edited(self, edits: Sequence[FieldEdit], appended: Sequence[Question | Theme]) -> str:
        """The text with `edits` made and `appended` added."""
        # Keys in dump's order, so that two keys added after the same one keep that order.
        for edit in sorted(edits, key=lambda edit: _KEYS[edit.section].index(edit.key)):
            self.edit(edit)
        for section in ("questions", "themes"):
            items = [item for item in appended if _section_of(item) == section]
            if items:
                self.append(section, items)
        return self.result()

    def result(self) -> str:
        out: list[str] = []
        position = 0
        # Stable: insertions at one place stay in the order they were made.
        for change in sorted(self.changes, key=lambda change: (change.start, change.end)):
            if change.start < position:
                raise ExporterError("two edits of the data file overlap")
            out += [self.text[position : change.start], change.text]
            position = change.end
        out.append(self.text[position:])
        return "".join(out)

    def change(self, start: int, end: int, text: str) -> None:
        self.changes.append(_Change(start, end, text.replace("\n", self.newline)))

    # Items and their keys

    def edit(self, edit: FieldEdit) -> None:
        item = self.item(edit.section, edit.item_id)
        pairs = _pairs(item)
        where = f"'{edit.key}' of {edit.section[:-1]} '{edit.item_id}'"
        if edit.key not in pairs:
            if edit.value:
                self.insert_key(item, edit.section, edit.key, edit.value)
            return
        key_node, node = pairs[edit.key]
        if _current(edit.key, node) == edit.value:
            return
        flow = bool(item.flow_style)
        if not edit.value:
            self.remove_key(item, edit.key)
        elif isinstance(edit.value, tuple):
            self.edit_list(node, edit.key, edit.value, key_node.start_mark.column, flow, where)
        else:
            self.edit_text(node, edit.value, key_node.start_mark.column, flow, where)

    def section(self, name: str) -> Node | None:
        pair = _pairs(self.root).get(name)
        return None if pair is None else pair[1]

    def item(self, section: str, item_id: str) -> MappingNode:
        item = self.find_item(section, item_id)
        if item is None:
            raise ExporterError(f"the data file has no {section[:-1]} with the id '{item_id}'")
        return item

    def find_item(self, section: str, item_id: str) -> MappingNode | None:
        if section not in self.items:
            node = self.section(section)
            found: dict[str, MappingNode] = {}
            for item in node.value if isinstance(node, SequenceNode) else []:
                id_node = _pairs(item).get("id", (None, None))[1]
                if isinstance(item, MappingNode) and isinstance(id_node, ScalarNode):
                    found.setdefault(id_node.value.strip(), item)
            self.items[section] = found
        return self.items[section].get(item_id)

    def insert_key(self, item: MappingNode, section: str, key: str, value: Value) -> None:
        """Add `key` after the value of the key before it in dump's order."""
        pairs = _pairs(item)
        keys = _KEYS[section]
        before = next(k for k in reversed(keys[: keys.index(key)]) if k in pairs)
        key_node, node = pairs[before]
        if item.flow_style:
            end = node.end_mark.index
            if isinstance(value, tuple):
                written = _flow(value, self.only_quoted)
            else:
                written = self.one_line(value, None, flow=True)
            self.change(end, end, f", {key}: {written}")
            return
        position = self.after(node)
        self.replace_lines(position, position, self.field(key, value, key_node.start_mark.column))

    def remove_key(self, item: MappingNode, key: str) -> None:
        """Take `key` and its value out; the lines around them (comments too) stay."""
        keys = [key_node for key_node, _ in item.value]
        index = next(n for n, key_node in enumerate(keys) if key_node.value == key)
        key_node, node = item.value[index]
        start = key_node.start_mark.index
        line_start = self.line_start(start)
        if item.flow_style and index > 0:
            self.change(item.value[index - 1][1].end_mark.index, node.end_mark.index, "")
        elif not item.flow_style and not self.text[line_start:start].strip():
            self.replace_lines(line_start, self.after(node), "")
        elif index + 1 < len(keys):  # the first key, after `- ` or `{`
            self.change(start, keys[index + 1].start_mark.index, "")
        else:
            raise ExporterError(f"cannot remove '{key}', the only key of its item")

    def field(self, key: str, value: Value, indent: int) -> str:
        """The lines of a new `key: value` in a block mapping indented by `indent`."""
        pad = " " * indent
        if key == "key_points" and isinstance(value, tuple):
            return f"{pad}key_points:\n" + "".join(self.entry(point, indent + 2) for point in value)
        if isinstance(value, tuple):
            if self.only_quoted:
                return f"{pad}tags: {_flow(value, only_quoted=True)}\n"
            return tags_line(value, indent) + "\n"
        if self.only_quoted:
            return f"{pad}{key}: {quoted(value)}\n"
        block = key in _BLOCK_KEYS or (key == "summary" and is_long(value))
        return field_line(key, value, indent, block=block) + "\n"

    def entry(self, value: str, indent: int) -> str:
        """A new item of a block list, `- value`, with its line break."""
        if self.only_quoted:
            return " " * indent + "- " + quoted(value) + "\n"
        return entry_line(value, indent) + "\n"

    # Values

    def edit_text(self, node: Node, value: str, parent: int, flow: bool, where: str) -> None:
        """Replace the text `node` with `value`, in its style where that can hold it;
        `parent` is the column of its key or `-`."""
        if not isinstance(node, ScalarNode):
            raise ExporterError(f"{where} is not a text in the data file")
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            header = _BLOCK_HEADER.match(self.text, start)
            assert header is not None
            header_end = self.eol(start)
            lines_end = self.lines_end(header_end, end)
            lines = (header_end, lines_end)
            block = None if self.only_quoted else self.block(value, header.group(), parent, lines)
            if block is None:
                self.change(start, header.end(), quoted(value))
                self.change(header_end, lines_end, "")
            else:
                self.change(start, header.end(), block[0])
                self.change(header_end, lines_end, block[1])
            return
        lead = self.space_after_colon(node)
        block = None
        if "\n" in value and not flow and not self.only_quoted:
            block = self.block(value, "|", parent, None)
        if block is None:
            self.change(start, end, lead + self.one_line(value, node.style or None, flow))
        else:
            self.change(start, end, lead + block[0])
            line_end = self.eol(end)
            self.change(line_end, line_end, block[1])

    def block(
        self, value: str, header: str, parent: int, lines: tuple[int, int] | None
    ) -> tuple[str, str] | None:
        """The header and the lines (each after a line break) of `value` as a literal block,
        at the indentation of the block whose `lines` span that part of the text (None: a
        new block, two spaces in from `parent`); None when such a block cannot hold `value`."""
        indent = parent + 2
        if lines is not None:
            indent = self.indentation(*lines) or indent
        indicators = "".join(mark for mark in header if mark in "+-")
        if value.startswith(" "):  # YAML would read the space as the block's indentation
            if not 0 < indent - parent < 10:
                return None
            indicators += str(indent - parent)
        # As dump checks its blocks: some characters (a tab first, YAML's other line
        # breaks) do not read back from a block, or not alike with both loaders.
        local = f"k: |{indicators.strip('+-')}\n" + _indented(value, indent - parent) + "\n"
        if not reads_as(local, {"k": value + "\n"}):
            return None
        return "|" + indicators, "\n" + _indented(value, indent)

    def one_line(self, value: str, style: str | None, flow: bool) -> str:
        """`value` on one line: in the quotes of `style` (plain: none) when it reads back
        so, else double-quoted."""
        candidate = None
        if style is None:
            candidate = value
        elif style == "'":
            candidate = "'" + value.replace("'", "''") + "'"
        context = "{{k: {}}}" if flow else "k: {}\n"
        if (
            candidate is not None
            and not self.only_quoted
            and "\n" not in value
            and reads_as(context.format(candidate), {"k": value})
        ):
            return candidate
        return quoted(value)

    def edit_list(
        self, node: Node, key: str, values: tuple[str, ...], parent: int, flow: bool, where: str
    ) -> None:
        """Replace the list `node` with `values`: items that stay keep their text, an item
        replaced by one is edited like a text, the others are written anew."""
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            written = self.space_after_colon(node) + _flow(values, self.only_quoted)
            self.change(node.start_mark.index, node.end_mark.index, written)
            return
        if not isinstance(node, SequenceNode) or not all(
            isinstance(item, ScalarNode) for item in node.value
        ):
            raise ExporterError(f"{where} is not a list of texts in the data file")
        items: list[ScalarNode] = node.value
        old = [_cleaned(key, item.value) for item in items]
        opcodes = difflib.SequenceMatcher(None, old, values, autojunk=False).get_opcodes()
        changed = [opcode for opcode in opcodes if opcode[0] != "equal"]
        in_flow = flow or bool(node.flow_style)
        if all(tag == "replace" and i2 - i1 == j2 - j1 for tag, i1, i2, j1, j2 in changed):
            for _, i1, i2, j1, _ in changed:
                for offset, item in enumerate(items[i1:i2]):
                    dash = parent if in_flow else self.dash(item)
                    self.edit_text(item, values[j1 + offset], dash, in_flow, where)
            return
        if in_flow:
            parts = []
            for tag, i1, i2, j1, j2 in opcodes:
                if tag == "equal":
                    parts += [
                        self.text[item.start_mark.index : item.end_mark.index]
                        for item in items[i1:i2]
                    ]
                else:
                    parts += [_flow_item(value, self.only_quoted) for value in values[j1:j2]]
            self.change(node.start_mark.index, node.end_mark.index, "[" + ", ".join(parts) + "]")
            return
        indent = self.dash(items[0])
        for _, i1, i2, j1, j2 in changed:
            new = "".join(self.entry(value, indent) for value in values[j1:j2])
            if i1 < len(items):
                start = self.line_start(self.dash_index(items[i1]))
            else:
                start = self.after(items[-1])
            end = self.after(items[i2 - 1]) if i2 > i1 else start
            self.replace_lines(start, end, new)

    # Appending

    def append(self, section: str, items: Sequence[Question | Theme]) -> None:
        """Add `items` after the last item of `section` (a new section at the end)."""
        taken = [item.id for item in items if self.find_item(section, item.id) is not None]
        if taken:
            raise ExporterError(f"cannot add {section[:-1]} '{taken[0]}': its id is taken")
        node = self.section(section)
        dash, keys = self.item_indentation(
            node if isinstance(node, SequenceNode) else self.section("questions")
        )
        texts = [_reindented(_lines_of(item), dash, keys) for item in items]
        if node is None:
            end = len(self.text)
            blank = "" if self.text.endswith(("\n\n", "\n\r\n")) else "\n"
            self.replace_lines(end, end, blank + f"{section}:\n" + "\n".join(texts))
        elif isinstance(node, ScalarNode) and node.tag == _NULL:
            position = self.after(node)
            self.replace_lines(position, position, "\n".join(texts))
        elif isinstance(node, SequenceNode) and not node.flow_style and node.value:
            blank = "\n" if self.blank_between(node) else ""
            position = self.after(node.value[-1])
            self.replace_lines(position, position, "".join(blank + text for text in texts))
        else:
            raise ExporterError(f"cannot add to '{section}': it is not a list of '- ' items")

    def item_indentation(self, section: Node | None) -> tuple[int, int]:
        """The columns of the `-` and of the keys of the first item of `section`."""
        if not isinstance(section, SequenceNode) or section.flow_style or not section.value:
            return 2, 4
        first = section.value[0]
        dash = self.dash(first)
        if isinstance(first, MappingNode) and not first.flow_style and first.value:
            return dash, max(first.value[0][0].start_mark.column, dash + 2)
        return dash, dash + 2

    def blank_between(self, section: SequenceNode) -> bool:
        """Tell whether the last two items have a blank line between them (one item: dump's
        layout, which has)."""
        if len(section.value) < 2:
            return True
        gap = self.text[
            self.after(section.value[-2]) : self.line_start(self.dash_index(section.value[-1]))
        ]
        return any(not line.strip() for line in gap.split("\n")[:-1])

    # Positions in the text

    def eol(self, index: int) -> int:
        """Where the line holding `index` ends: its line break, or the end of the text."""
        found = self.text.find("\n", index)
        if found < 0:
            return len(self.text)
        return found - 1 if self.text[found - 1 : found] == "\r" and found - 1 >= index else found

    def space_after_colon(self, node: Node) -> str:
        """A space to write before `node`: an empty value starts right after its colon."""
        index = node.start_mark.index
        return " " if self.text[index - 1 : index] == ":" else ""

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def after(self, node: Node) -> int:
        """Where the line after `node`'s last line starts (the end of the text, when the
        text ends on that line)."""
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            end = self.lines_end(self.eol(node.start_mark.index), node.end_mark.index)
        elif isinstance(node, SequenceNode) and not node.flow_style and node.value:
            return self.after(node.value[-1])
        elif isinstance(node, MappingNode) and not node.flow_style and node.value:
            return self.after(node.value[-1][1])
        else:
            end = self.eol(node.end_mark.index)
        return end if end == len(self.text) else self.text.index("\n", end) + 1

    def replace_lines(self, start: int, end: int, lines: str) -> None:
        """Replace text[start:end], whole lines, with `lines`, each with its line break."""
        if end == len(self.text) and not self.text.endswith("\n"):
            # The text ends without a line break, and so it still does.
            lines = lines.removesuffix("\n")
            if start == end:  # at the end of the last line
                lines = "\n" + lines
        self.change(start, end, lines)

    def lines_end(self, header_end: int, end: int) -> int:
        """Where the last line of a block scalar's text ends (before its line break), the
        block running from the line break of its header, `header_end`, to `end`."""
        body = self.text[header_end:end].rstrip()
        if not body.strip():
            return header_end
        return self.eol(header_end + len(body))

    def indentation(self, start: int, end: int) -> int:
        """The least indentation of the lines with text in text[start:end]."""
        lines = [line for line in self.text[start:end].split("\n") if line.strip()]
        return min((len(line) - len(line.lstrip(" ")) for line in lines), default=0)

    def dash_index(self, item: Node) -> int:
        """Where the `-` of the block list item `item` is."""
        index = item.start_mark.index - 1
        while index >= 0 and self.text[index] in " \t\r\n":
            index -= 1
        if index < 0 or self.text[index] != "-":
            raise ExporterError(f"line {item.start_mark.line + 1}: expected a '- ' list item")
        return index

    def dash(self, item: Node) -> int:
        index = self.dash_index(item)
        return index - self.line_start(index)


def _root(text: str) -> MappingNode:
    try:
        # Both loaders' marks count characters, as Python indexes text.
        root = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as error:
        raise ExporterError(
            f"the data file is not valid YAML: {' '.join(str(error).split())}"
        ) from None
    if not isinstance(root, MappingNode):
        raise ExporterError("the data file is not a mapping of keys to values")
    return root


def _pairs(mapping: Node) -> dict[str, tuple[Node, Node]]:
    """The key and value nodes of `mapping` by key (the first of duplicates)."""
    pairs: dict[str, tuple[Node, Node]] = {}
    if isinstance(mapping, MappingNode):
        for key_node, node in mapping.value:
            if isinstance(key_node, ScalarNode):
                pairs.setdefault(str(key_node.value), (key_node, node))
    return pairs


def _current(key: str, node: Node) -> Value | None:
    """The value of `node` as load reads it ("" or () when null); None when not text."""
    if isinstance(node, ScalarNode) and node.tag == _NULL:
        return () if key in _LISTS else ""
    if isinstance(node, ScalarNode) and key not in _LISTS:
        return _cleaned(key, node.value)
    if isinstance(node, SequenceNode) and key in _LISTS:
        items = [item.value for item in node.value if isinstance(item, ScalarNode)]
        return tuple(_cleaned(key, item) for item in items)
    return None


def _indented(value: str, indent: int) -> str:
    return "\n".join(" " * indent + line if line else "" for line in value.split("\n"))


def _flow_item(value: str, only_quoted: bool) -> str:
    if not only_quoted and reads_as(f"[{value}]", [value]):
        return value
    return quoted(value)


def _flow(values: tuple[str, ...], only_quoted: bool = False) -> str:
    return "[" + ", ".join(_flow_item(value, only_quoted) for value in values) + "]"


def _section_of(item: Question | Theme) -> Section:
    return "questions" if isinstance(item, Question) else "themes"


def _lines_of(item: Question | Theme) -> list[str]:
    """Dump's lines of `item`, one a line (dump's fields hold their blocks' lines)."""
    fields = question_lines(item) if isinstance(item, Question) else theme_lines(item)
    return "\n".join(fields).split("\n")


def _reindented(lines: list[str], dash: int, keys: int) -> str:
    """Dump's lines of an item (`  - ` then keys at column 4) with the `-` at column `dash`
    and the keys at column `keys`, each line with its line break."""
    first = " " * dash + "- " + " " * (keys - dash - 2) + lines[0][4:]
    return "".join(
        line + "\n"
        for line in [first, *(" " * keys + line[4:] if line else "" for line in lines[1:])]
    )


# Checking the result


def _reads_back(
    before: MappingNode,
    result: str,
    edits: Sequence[FieldEdit],
    appended: Sequence[Question | Theme],
) -> bool:
    """Tell whether `result` reads as the file read as `before` with the edits made: the
    items edited or appended as their new values, every other node as it was.

    The loader of data files reads both; every value written was checked with both
    loaders as it was written (they differ on a few characters), as dump does. Only the
    items changed are made into values: for the rest, equal nodes read alike.
    """
    try:
        after = yaml.compose(result.removeprefix("\ufeff"), Loader=LOADER)
    except yaml.YAMLError:
        return False
    if not isinstance(after, MappingNode):
        return False
    changes: dict[tuple[str, str], list[FieldEdit]] = {}
    for edit in edits:
        changes.setdefault((edit.section, edit.item_id), []).append(edit)
    added = {(_section_of(item), item.id) for item in appended}
    expected = _outline(before, set(changes))
    for key, items in expected:
        if not isinstance(items, list):
            continue
        for position, item in enumerate(items):
            if isinstance(item, tuple) and item[0] == "read":
                items[position] = ("read", _edited(item[1], changes[(key, item[2])]), item[2])
    for item in appended:
        section = _section_of(item)
        entry = ("read", _item_reading(_as_data(item)), item.id)
        found = [items for key, items in expected if key == section and isinstance(items, list)]
        if found:
            found[-1].append(entry)
        else:
            expected.append((section, [entry]))
    return _outline(after, set(changes) | added) == expected


def _outline(root: MappingNode, changed: set[tuple[str, str]]) -> list[tuple[str, object]]:
    """The file as comparable values: each section a list of its items, the items in
    `changed` (by section and id) as values read as load reads them, all else as nodes."""
    outline: list[tuple[str, object]] = []
    for key_node, node in root.value:
        key = str(key_node.value)
        if key in _KEYS and isinstance(node, SequenceNode):
            outline.append((key, [_item_outline(key, item, changed) for item in node.value]))
        elif key in _KEYS and isinstance(node, ScalarNode) and node.tag == _NULL:
            outline.append((key, []))
        else:
            outline.append((key, _plain(node)))
    return outline


def _item_outline(section: str, node: Node, changed: set[tuple[str, str]]) -> object:
    id_node = _pairs(node).get("id", (None, None))[1]
    item_id = id_node.value.strip() if isinstance(id_node, ScalarNode) else None
    if item_id is not None and (section, item_id) in changed:
        value = yaml.constructor.SafeConstructor().construct_document(node)
        return ("read", _item_reading(value), item_id)
    return _plain(node)


def _plain(node: Node) -> object:
    """`node` as nested tuples of tags and texts: equal for nodes that read alike."""
    if isinstance(node, ScalarNode):
        return (node.tag, node.value)
    if isinstance(node, SequenceNode):
        return (node.tag, *(_plain(item) for item in node.value))
    if isinstance(node, MappingNode):
        return (node.tag, *((_plain(key), _plain(value)) for key, value in node.value))
    return node


def _item_reading(item: object) -> object:
    if not isinstance(item, dict):
        return item
    reading = {key: _value_reading(str(key), value) for key, value in item.items()}
    return {key: value for key, value in reading.items() if value not in ("", (), None)}


def _value_reading(key: str, value: object) -> object:
    if isinstance(value, str):
        return _cleaned(key, value)
    if isinstance(value, list):
        return tuple(_value_reading(key, item) for item in value)
    return value


def _edited(reading: object, edits: Sequence[FieldEdit]) -> object:
    """An item's `reading` with `edits` made."""
    if not isinstance(reading, dict):
        return reading
    reading = dict(reading)
    for edit in edits:
        if edit.value:
            reading[edit.key] = edit.value
        else:
            reading.pop(edit.key, None)
    return reading


def _as_data(item: Question | Theme) -> dict[str, object]:
    if isinstance(item, Theme):
        return {"id": item.id, "title": item.title, "summary": item.summary}
    return {
        "id": item.id,
        "question": item.question,
        "context": item.context,
        "tags": list(item.tags),
        "answer": item.answer,
        "key_points": list(item.key_points),
    }
