"""Data files → model, collecting every mistake with its file and line before anything is built."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from exporter.errors import DataError, Problem
from exporter.model import Deck, Question, Theme

DATA_SUFFIXES = (".yaml", ".yml")
MAX_ID_LENGTH = 64

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    _NULL: "nothing",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# Characters XML (so Word) cannot store, and lone surrogates no encoder accepts.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")

_TOP_KEYS = ("deck", "questions", "themes")
_DECK_KEYS = ("id", "title", "subtitle", "description", "author")
_QUESTION_KEYS = ("id", "question", "answer", "tags", "key_points")
_THEME_KEYS = ("id", "title", "summary")


def is_valid_id(value: str) -> bool:
    """Tell whether `value` can be a deck, question or theme id."""
    return len(value) <= MAX_ID_LENGTH and _SLUG.match(value) is not None


def find_data_files(paths: Iterable[Path]) -> list[Path]:
    """List the data files named by `paths`: files as given, folders by their *.yaml files."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                child
                for child in path.iterdir()
                if child.suffix in DATA_SUFFIXES and child.is_file()
            )
            if not found:
                problems.append(Problem(path, None, "no data files (*.yaml) in this folder"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(path, None, "no such file or folder"))
    if problems:
        raise DataError(problems)
    return list(dict.fromkeys(files))


def load_decks(paths: Iterable[Path]) -> tuple[Deck, ...]:
    """Read and validate every deck named by `paths`; raise DataError listing all problems."""
    problems: list[Problem] = []
    decks: list[Deck] = []
    first_use: dict[str, tuple[Path, int]] = {}
    for path in find_data_files(paths):
        result = _DeckReader(path, problems).read()
        if result is None:
            continue
        deck, id_line = result
        if deck.id in first_use:
            other, other_line = first_use[deck.id]
            problems.append(
                Problem(
                    path, id_line, f"deck id '{deck.id}' is already used in {other}:{other_line}"
                )
            )
            continue
        first_use[deck.id] = (path, id_line)
        decks.append(deck)
    if problems:
        raise DataError(problems)
    return tuple(decks)


def load_deck(path: Path) -> Deck:
    """Read and validate the single deck in `path`."""
    return load_decks([path])[0]


class _DeckReader:
    """Reads one data file; records problems instead of stopping at the first."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def read(self) -> tuple[Deck, int] | None:
        """Return the deck and the line of its id, or None when the file has problems."""
        problems_before = len(self.problems)
        root = self._compose()
        if root is None:
            return None
        if not isinstance(root, MappingNode):
            self._problem(root, f"the file must be a mapping of keys to values, not {_kind(root)}")
            return None
        top = self._mapping(root, _TOP_KEYS, "the file")
        deck_node = self._required(top, "deck", root, "the file")
        seen_ids: dict[str, int] = {}
        questions = tuple(
            self._question(node, number, seen_ids)
            for number, node in self._sequence(top, "questions", root, "the file", required=True)
        )
        themes = tuple(
            self._theme(node, number, seen_ids)
            for number, node in self._sequence(top, "themes", root, "the file", required=False)
        )
        deck = self._deck(deck_node, questions, themes) if deck_node else None
        if deck is None or len(self.problems) > problems_before:
            self.problems[problems_before:] = sorted(
                self.problems[problems_before:], key=lambda problem: problem.line or 0
            )
            return None
        return deck

    def _deck(
        self, node: Node, questions: tuple[Question, ...], themes: tuple[Theme, ...]
    ) -> tuple[Deck, int]:
        fields = self._mapping(node, _DECK_KEYS, "deck")
        deck = Deck(
            id=self._id(fields, node, "deck", None),
            title=self._text(fields, "title", node, "deck"),
            subtitle=self._text(fields, "subtitle", node, "deck", required=False),
            description=self._markdown(fields, "description", node, "deck", required=False),
            author=self._text(fields, "author", node, "deck", required=False),
            questions=questions,
            themes=themes,
            source=self.path,
            lines=_lines(fields),
        )
        return deck, _line(fields.get("id", node))

    def _question(self, node: Node, number: int, seen_ids: dict[str, int]) -> Question:
        fields = self._mapping(node, _QUESTION_KEYS, f"question {number}")
        what = f"question {number}"
        return Question(
            id=self._id(fields, node, what, seen_ids),
            question=self._text(fields, "question", node, what),
            answer=self._markdown(fields, "answer", node, what),
            tags=self._tags(fields),
            key_points=tuple(self._markdown_list(fields, "key_points")),
            lines=_lines(fields),
        )

    def _theme(self, node: Node, number: int, seen_ids: dict[str, int]) -> Theme:
        fields = self._mapping(node, _THEME_KEYS, f"theme {number}")
        what = f"theme {number}"
        return Theme(
            id=self._id(fields, node, what, seen_ids),
            title=self._text(fields, "title", node, what),
            summary=self._markdown(fields, "summary", node, what),
            lines=_lines(fields),
        )

    # Reading YAML -----------------------------------------------------------------

    def _compose(self) -> Node | None:
        try:
            data = self.path.read_bytes()
        except OSError as error:
            self._problem(None, f"cannot read the file: {error.strerror}")
            return None
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            byte = data[error.start]
            self._problem(line, f"not valid UTF-8 (byte 0x{byte:02X}); save the file as UTF-8")
            return None
        try:
            root: Node | None = yaml.compose(text, Loader=_LOADER)
        except yaml.MarkedYAMLError as error:
            self._problem(*_describe_syntax_error(error, text))
            return None
        except yaml.reader.ReaderError as error:
            line = text.count("\n", 0, error.position) + 1
            code = error.character if isinstance(error.character, int) else ord(error.character)
            self._problem(line, f"character U+{code:04X} is not allowed in a YAML file; remove it")
            return None
        except yaml.YAMLError as error:
            self._problem(None, f"YAML error: {error}")
            return None
        except RecursionError:  # the pure-Python loader on absurdly deep nesting
            self._problem(None, "the file nests too deeply to be a data file")
            return None
        if root is None:
            self._problem(1, "the file is empty; a data file needs 'deck' and 'questions'")
        return root

    def _mapping(self, node: Node, allowed: Sequence[str], what: str) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self._problem(node, f"{what} must be a mapping of keys to values, not {_kind(node)}")
            return {}
        fields: dict[str, Node] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else _kind(key_node)
            if key in first_lines:
                self._problem(key_node, f"duplicate key '{key}' (first at line {first_lines[key]})")
                continue
            first_lines[key] = _line(key_node)
            if key in allowed:
                fields[key] = value_node
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "expected " + ", ".join(allowed)
            self._problem(key_node, f"unknown key '{key}' in {what} ({hint})")
        return fields

    def _required(self, fields: dict[str, Node], key: str, parent: Node, what: str) -> Node | None:
        node = fields.get(key)
        if node is None:
            self._problem(parent, f"{what} has no '{key}'")
        elif isinstance(node, ScalarNode) and node.tag == _NULL:
            self._problem(node, f"'{key}' is empty")
            return None
        return node

    def _sequence(
        self, fields: dict[str, Node], key: str, parent: Node, what: str, required: bool
    ) -> list[tuple[int, Node]]:
        node = self._required(fields, key, parent, what) if required else fields.get(key)
        if node is None or (not required and isinstance(node, ScalarNode) and node.tag == _NULL):
            return []
        if not isinstance(node, SequenceNode):
            self._problem(node, f"'{key}' must be a list, not {_kind(node)}")
            return []
        if required and not node.value:
            self._problem(node, f"'{key}' is empty; add at least one")
        return list(enumerate(node.value, start=1))

    def _string(self, node: Node, key: str) -> str | None:
        """The text of a scalar, or None (with a problem) when it is not text."""
        if isinstance(node, ScalarNode) and node.tag == _STR:
            value = str(node.value)
            bad = _UNSTORABLE.search(value)
            if bad is None:
                # Anki stores text in NFC; normalising here keeps every output equal.
                return unicodedata.normalize("NFC", value)
            code = ord(bad.group())
            self._problem(node, f"'{key}' contains character U+{code:04X}, which cannot be stored")
            return None
        hint = ""
        if isinstance(node, ScalarNode) and node.tag in _TAG_NAMES:
            hint = f'; put it in quotes ("{node.value}") if you mean the text'
        self._problem(node, f"'{key}' must be text, not {_kind(node)}{hint}")
        return None

    def _text(
        self,
        fields: dict[str, Node],
        key: str,
        parent: Node,
        what: str,
        required: bool = True,
        markdown: bool = False,
    ) -> str:
        node = self._required(fields, key, parent, what) if required else fields.get(key)
        if node is None or (not required and isinstance(node, ScalarNode) and node.tag == _NULL):
            return ""
        value = self._string(node, key)
        if value is None:
            return ""
        value = _strip_markdown(value) if markdown else value.strip()
        if required and not value:
            self._problem(node, f"'{key}' is empty")
        return value

    def _markdown(
        self, fields: dict[str, Node], key: str, parent: Node, what: str, required: bool = True
    ) -> str:
        return self._text(fields, key, parent, what, required, markdown=True)

    def _id(
        self, fields: dict[str, Node], parent: Node, what: str, seen: dict[str, int] | None
    ) -> str:
        value = self._text(fields, "id", parent, what)
        if not value:
            return ""
        node = fields["id"]
        if len(value) > MAX_ID_LENGTH:
            self._problem(node, f"id is {len(value)} characters long; at most {MAX_ID_LENGTH}")
        elif not _SLUG.match(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "my-id"
            self._problem(
                node,
                f"id '{value}' is not a slug: use lowercase letters, digits and hyphens,"
                f" like '{suggestion}'",
            )
        elif seen is not None:
            if value in seen:
                self._problem(node, f"duplicate id '{value}' (first used at line {seen[value]})")
            else:
                seen[value] = _line(node)
        return value

    def _items(self, fields: dict[str, Node], key: str) -> list[tuple[Node, str]]:
        node = fields.get(key)
        if node is None or (isinstance(node, ScalarNode) and node.tag == _NULL):
            return []
        if not isinstance(node, SequenceNode):
            self._problem(node, f"'{key}' must be a list, not {_kind(node)}")
            return []
        items = []
        for item in node.value:
            value = self._string(item, key)
            if value is not None:
                items.append((item, value))
        return items

    def _tags(self, fields: dict[str, Node]) -> tuple[str, ...]:
        tags: list[str] = []
        for node, value in self._items(fields, "tags"):
            tag = value.strip()
            if not tag:
                self._problem(node, "a tag is empty")
            elif any(character.isspace() for character in tag):
                self._problem(node, f"tag '{tag}' contains a space; Anki tags cannot")
            elif tag not in tags:
                tags.append(tag)
        return tuple(tags)

    def _markdown_list(self, fields: dict[str, Node], key: str) -> list[str]:
        texts = []
        for node, value in self._items(fields, key):
            text = _strip_markdown(value)
            if text:
                texts.append(text)
            else:
                self._problem(node, f"an item of '{key}' is empty")
        return texts

    def _problem(self, where: Node | int | None, message: str) -> None:
        line = _line(where) if isinstance(where, Node) else where
        self.problems.append(Problem(self.path, line, message))


def _lines(fields: dict[str, Node]) -> dict[str, int]:
    return {key: _line(node) for key, node in fields.items()}


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _STR:
        return "text"
    name = _TAG_NAMES.get(node.tag, f"a value tagged {node.tag}")
    return name if node.tag == _NULL else f"{name} ({node.value})"


def _strip_markdown(text: str) -> str:
    # Leading spaces on the first line are Markdown syntax (a code block), so keep them.
    return _LEADING_BLANK_LINES.sub("", text).rstrip()


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
