"""Deck → canonical, commented YAML text: the data file that `load` reads back as the deck."""

from __future__ import annotations

import json
import re

import yaml

from exporter.model import Deck, Question, Theme
from exporter.strict_yaml import LOADER

HEADER = """\
# {title}: interview questions with model answers.
# This file is the one source of the Anki deck and the printable Word handouts.
#
# To edit: change any question, answer or theme below and save the file.
#   - Keep each `id` as it is. The id is what lets Anki update a card in place,
#     with its review history, instead of adding a new one. A new question needs
#     a new id of its own: lowercase letters, digits and hyphens.
#   - `answer`, `key_points` and theme `summary` are Markdown: *italic*, **bold**,
#     `code`, lists, [links](https://example.com). Write multi-line text
#     after `|` and indent it. An optional `context`, also Markdown, is shown
#     with the question on the front of the card: the code or the options it
#     asks about.
#   - `tags` become Anki tags (no spaces); `key_points` is an optional list of
#     short points shown under the answer.
#
# To regenerate: run `exporter build`, then import out/{deck_id}.apkg
# into Anki and print out/{deck_id}.docx. `exporter check` only
# validates this file.
"""
# A one-line text longer than this reads better as a block of its own.
BLOCK_FROM_LENGTH = 70
# The characters YAML reads as line breaks (\x85, \u2028, \u2029) or does not allow
# unescaped, but for the C0 controls, which JSON escapes already.
_YAML_SPECIAL = "\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
_NOT_RAW_IN_QUOTES = re.compile(f"[{_YAML_SPECIAL}]")
_NOT_IN_COMMENT = re.compile(f"[\x00-\x08\x0a-\x1f{_YAML_SPECIAL}]")


def dump(deck: Deck) -> str:
    """The data file of `deck`: the comment header, then the deck, its questions and its
    themes, empty optional fields left out. `load` reads it back as `deck` when `deck` is
    as load gives it (text stripped and in NFC, ids unique slugs)."""
    title, deck_id = (_NOT_IN_COMMENT.sub(" ", text) for text in (deck.title, deck.id))
    out = [HEADER.format(title=title, deck_id=deck_id), "deck:"]
    out.append(field_line("id", deck.id, 2))
    out.append(field_line("title", deck.title, 2))
    if deck.subtitle:
        out.append(field_line("subtitle", deck.subtitle, 2))
    if deck.description:
        # One line stays one line, however long: only several lines make a block.
        out.append(field_line("description", deck.description, 2, block="\n" in deck.description))
    if deck.author:
        out.append(field_line("author", deck.author, 2))
    out += ["", "questions:"]
    for question in deck.questions:
        out += [*question_lines(question), ""]
    if deck.themes:
        out.append("themes:")
        for theme in deck.themes:
            out += [*theme_lines(theme), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def question_lines(question: Question) -> list[str]:
    lines = [
        _item("id", question.id),
        field_line("question", question.question, 4),
    ]
    if question.context:
        lines.append(field_line("context", question.context, 4, block=True))
    if question.tags:
        lines.append(tags_line(question.tags, 4))
    lines.append(field_line("answer", question.answer, 4, block=True))
    if question.key_points:
        lines.append("    key_points:")
        lines += [entry_line(point, 6) for point in question.key_points]
    return lines


def theme_lines(theme: Theme) -> list[str]:
    return [
        _item("id", theme.id),
        field_line("title", theme.title, 4),
        field_line("summary", theme.summary, 4, block=is_long(theme.summary)),
    ]


def _item(key: str, value: str) -> str:
    """The first line of an item of a top-level list: `  - key: value`."""
    return "  - " + field_line(key, value, 4).lstrip()


def field_line(key: str, value: str, indent: int, block: bool = False) -> str:
    """`key: value` indented by `indent`; `value` in a literal block when `block` and a
    block reads back as `value`, else on one line."""
    prefix = " " * indent + f"{key}: "
    if block:
        literal = _literal(value, prefix, {key: value + "\n"})
        if literal is not None:
            return prefix + literal
    return prefix + _scalar(value, prefix, {key: value})


def entry_line(value: str, indent: int) -> str:
    """`- value`, an item of a list of texts, indented by `indent`."""
    prefix = " " * indent + "- "
    if is_long(value):
        literal = _literal(value, prefix, [value + "\n"])
        if literal is not None:
            return prefix + literal
    return prefix + _scalar(value, prefix, [value])


def tags_line(tags: tuple[str, ...], indent: int) -> str:
    """`tags: [a, b]`, each tag plain where it can be."""
    prefix = " " * indent + "tags: "
    plain = ", ".join(tag if reads_as(f"[{tag}]", [tag]) else quoted(tag) for tag in tags)
    if reads_as(f"{prefix}[{plain}]\n", {"tags": list(tags)}):
        return f"{prefix}[{plain}]"
    return prefix + "[" + ", ".join(quoted(tag) for tag in tags) + "]"


def is_long(value: str) -> bool:
    return "\n" in value or len(value) > BLOCK_FROM_LENGTH


def _scalar(value: str, prefix: str, expected: object) -> str:
    """`value` on one line after `prefix`: plain when it reads back as `expected` so, else
    double-quoted."""
    if "\n" not in value and reads_as(f"{prefix}{value}\n", expected):
        return value
    return quoted(value)


def _literal(value: str, prefix: str, expected: object) -> str | None:
    """`value` as a literal block (`|`) after `prefix`, its lines indented two more
    spaces; None when such a block would not read back as `expected` (as when its first
    line starts with a blank, which YAML would take for the block's indentation)."""
    pad = " " * (len(prefix) - len(prefix.lstrip()) + 2)
    block = "|\n" + "\n".join(pad + line if line else "" for line in value.split("\n"))
    return block if reads_as(f"{prefix}{block}\n", expected) else None


def quoted(value: str) -> str:
    """`value` as a one-line double-quoted scalar: a JSON string, which YAML reads
    alike (same quotes, same escapes), with the characters YAML would not take raw
    escaped too. Unlike PyYAML's emitter, this keeps emoji and other characters beyond
    U+FFFF readable, as the importer always wrote them."""
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_RAW_IN_QUOTES.sub(lambda match: f"\\u{ord(match.group()):04X}", text)


def reads_as(text: str, expected: object) -> bool:
    """Tell whether the YAML `text` reads as `expected` with PyYAML's pure-Python loader
    and with the loader of data files (libyaml's, when installed): a data file must read
    the same on every machine, and the two differ on some tabs and line breaks."""
    for loader in dict.fromkeys((yaml.SafeLoader, LOADER)):
        try:
            read: object = yaml.load(text, Loader=loader)
        except yaml.YAMLError:
            return False
        if read != expected:
            return False
    return True
