"""YAML nodes → values, recording a Problem (file:line) for every mistake."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from exporter.errors import Problem
from exporter.files import read_regular_file

# The loader that reads data files; whatever writes them checks its output with it too.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    _NULL: "nothing",
}
# Characters XML (so Word) cannot store, lone surrogates no encoder accepts, and the
# controls Anki drops and Word shows as line breaks (CR, DEL, C1).
UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class YamlFile:
    """One YAML file read strictly: each mistake is added to `problems`, and reading
    goes on so that a single run reports them all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def root(self, allowed: Sequence[str]) -> Fields | None:
        """The top-level mapping of the file, with keys among `allowed`; None (with a
        problem) when the file cannot be read, is not UTF-8 or YAML, is empty or is not
        a mapping."""
        node = self._compose()
        if node is None:
            return None
        if not isinstance(node, MappingNode):
            self.problem(node, f"the file must be a mapping of keys to values, not {_kind(node)}")
            return None
        return self.mapping(node, allowed, "the file")

    def mapping(self, node: Node, allowed: Sequence[str], what: str) -> Fields:
        """The fields of the mapping `node`, which the messages call `what`: a problem for
        each duplicate key and each key not in `allowed`; no fields when it is no mapping."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys to values, not {_kind(node)}")
            return Fields(self, node, what, {})
        fields: dict[str, Node] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else _kind(key_node)
            if key in first_lines:
                self.problem(key_node, f"duplicate key '{key}' (first at line {first_lines[key]})")
                continue
            first_lines[key] = line_of(key_node)
            if key in allowed:
                fields[key] = value_node
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "expected " + ", ".join(allowed)
            self.problem(key_node, f"unknown key '{key}' in {what} ({hint})")
        return Fields(self, node, what, fields)

    def problem(self, where: Node | int | None, message: str) -> None:
        """Record `message` at the line of `where` (a node or a 1-based line; None: no line)."""
        line = line_of(where) if isinstance(where, Node) else where
        self.problems.append(Problem(self.path, line, message))

    def sorted_problems(self) -> list[Problem]:
        """The problems in the order of their lines (the file's own ones first)."""
        return sorted(self.problems, key=lambda problem: problem.line or 0)

    def _compose(self) -> Node | None:
        try:
            data = read_regular_file(self.path)
        except OSError as error:
            self.problem(None, f"cannot read the file: {error.strerror}")
            return None
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            byte = data[error.start]
            self.problem(line, f"not valid UTF-8 (byte 0x{byte:02X}); save the file as UTF-8")
            return None
        try:
            root: Node | None = yaml.compose(text, Loader=LOADER)
        except yaml.MarkedYAMLError as error:
            self.problem(*_describe_syntax_error(error, text))
            return None
        except yaml.reader.ReaderError as error:
            line = text.count("\n", 0, error.position) + 1
            code = error.character if isinstance(error.character, int) else ord(error.character)
            self.problem(line, f"character U+{code:04X} is not allowed in a YAML file; remove it")
            return None
        except yaml.YAMLError as error:
            self.problem(None, f"YAML error: {error}")
            return None
        except RecursionError:  # the pure-Python loader on absurdly deep nesting
            self.problem(None, "the file nests too deeply to be a data file")
            return None
        if root is None:
            self.problem(1, "the file is empty; a data file needs 'deck' and 'questions'")
        elif not self._without_aliases(root):
            return None
        return root

    def _without_aliases(self, root: Node) -> bool:
        """Tell whether every node of the tree appears once; a problem for each that an
        alias repeats. Aliases would let a small file expand into gigabytes."""
        seen: set[int] = set()
        repeated: set[int] = set()
        pending = [root]
        while pending:
            node = pending.pop()
            if id(node) in seen:
                if id(node) not in repeated:
                    repeated.add(id(node))
                    self.problem(
                        node,
                        "this value is repeated elsewhere through a YAML alias (*); a data"
                        " file cannot use aliases: write the text out where it belongs",
                    )
                continue
            seen.add(id(node))
            if isinstance(node, MappingNode):
                pending += [child for pair in node.value for child in pair]
            elif isinstance(node, SequenceNode):
                pending += node.value
        return not repeated


class Fields:
    """The values of one mapping, read on demand; a missing, empty or mistyped value is
    recorded as a problem of its file at its line (or the mapping's, when it is missing)."""

    def __init__(self, file: YamlFile, node: Node, what: str, values: dict[str, Node]) -> None:
        self.file = file
        self.node = node
        self.what = what
        self._values = values

    def required(self, key: str) -> Node | None:
        """The node of `key`; None, with a problem, when it is missing or empty (null)."""
        node = self._values.get(key)
        if node is None:
            self.file.problem(self.node, f"{self.what} has no '{key}'")
        elif _is_null(node):
            self.file.problem(node, f"'{key}' is empty")
            return None
        return node

    def optional(self, key: str) -> Node | None:
        """The node of `key`; None when it is missing or empty (null)."""
        node = self._values.get(key)
        return None if node is None or _is_null(node) else node

    def text(self, key: str, required: bool = True, clean: Callable[[str], str] = str.strip) -> str:
        """The text of `key`, NFC and passed through `clean`; "" when it is missing or
        not text, with a problem when it is `required` (or not text, or empty once clean)."""
        node = self.required(key) if required else self.optional(key)
        if node is None:
            return ""
        value = _string(self.file, node, key)
        if value is None:
            return ""
        value = clean(value)
        if required and not value:
            self.file.problem(node, f"'{key}' is empty")
        return value

    def sequence(self, key: str, required: bool = False) -> list[Node]:
        """The items of the list `key`; none, with a problem when it is not a list, or
        when it is `required` and missing or empty."""
        node = self.required(key) if required else self.optional(key)
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.file.problem(node, f"'{key}' must be a list, not {_kind(node)}")
            return []
        if required and not node.value:
            self.file.problem(node, f"'{key}' is empty; add at least one")
        return list(node.value)

    def strings(self, key: str) -> list[tuple[int, str]]:
        """The line and NFC text of each item of the optional list `key`; an item that is
        not text is left out, with a problem."""
        items = []
        for item in self.sequence(key):
            value = _string(self.file, item, key)
            if value is not None:
                items.append((line_of(item), value))
        return items

    def line(self, key: str) -> int:
        """The line of the value of `key`, or of the mapping when `key` is missing."""
        return line_of(self._values.get(key, self.node))

    def lines(self) -> dict[str, int]:
        """The line of the value of every key present."""
        return {key: line_of(node) for key, node in self._values.items()}

    def problem(self, line: int, message: str) -> None:
        """Record `message` at `line` of the file."""
        self.file.problem(line, message)


def line_of(node: Node) -> int:
    """The 1-based line where `node` starts."""
    return int(node.start_mark.line) + 1


def _string(file: YamlFile, node: Node, key: str) -> str | None:
    """The text of the scalar `node`, in NFC; None (with a problem) when it is not
    text or holds a character that cannot be stored."""
    if isinstance(node, ScalarNode) and node.tag == _STR:
        value = str(node.value)
        bad = UNSTORABLE.search(value)
        if bad is None:
            # Anki stores text in NFC; normalising here keeps every output equal.
            return unicodedata.normalize("NFC", value)
        code = ord(bad.group())
        file.problem(node, f"'{key}' contains character U+{code:04X}, which cannot be stored")
        return None
    hint = ""
    if isinstance(node, ScalarNode) and node.tag in _TAG_NAMES:
        hint = f'; put it in quotes ("{node.value}") if you mean the text'
    file.problem(node, f"'{key}' must be text, not {_kind(node)}{hint}")
    return None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _STR:
        return "text"
    name = _TAG_NAMES.get(node.tag, f"a value tagged {node.tag}")
    return name if node.tag == _NULL else f"{name} ({node.value})"


def _describe_syntax_error(error: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return None, f"YAML syntax error: {error.problem or error}"
    lines = text.splitlines()
    if mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
        return mark.line + 1, "YAML syntax error: a tab cannot indent YAML; use spaces"
    message = f"YAML syntax error: {error.problem}"
    if error.context and error.context_mark and error.context_mark.line != mark.line:
        message += f" ({error.context} from line {error.context_mark.line + 1})"
    return mark.line + 1, message
