"""Anki note types and the contents of every note: fixed ids, GUIDs from ids, never content."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import genanki

from exporter.model import Deck
from exporter.rendered import RenderedDeck

NoteKind = Literal["question", "theme"]


@dataclass(frozen=True)
class NoteContent:
    """What Anki stores of one note: its fields and tags, under a GUID."""

    guid: str
    kind: NoteKind
    item_id: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]


def digest(value: object) -> str:
    """A stable hash of a JSON-serialisable value."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  text-align: left;
  max-width: 42em;
  margin: 0 auto;
  padding: 0 0.75em;
}
.prompt { font-size: 1.15em; font-weight: 600; }
.context { font-size: 0.87em; font-weight: normal; margin-top: 0.75em; }
.context p { margin: 0 0 0.75em; }
.kind, .key-points .label {
  font-size: 0.7em;
  letter-spacing: 0.06em;
  text-transform: uppercase;
  opacity: 0.65;
}
hr#answer { border: 0; border-top: 1px solid currentColor; opacity: 0.25; margin: 1em 0; }
.answer p, .key-points li p { margin: 0 0 0.75em; }
.key-points { margin-top: 1.25em; }
.key-points ul { margin: 0.25em 0 0; padding-left: 1.25em; }
a { color: inherit; }
code, pre {
  font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.88em;
  background: rgba(127, 127, 127, 0.15);
  border-radius: 4px;
}
code { padding: 0.1em 0.3em; }
pre { padding: 0.6em 0.8em; white-space: pre-wrap; }
pre code { padding: 0; background: none; }
blockquote {
  margin: 0 0 0.75em;
  padding-left: 0.8em;
  border-left: 3px solid rgba(127, 127, 127, 0.5);
}
table { border-collapse: collapse; margin: 0 0 0.75em; }
th, td { border: 1px solid rgba(127, 127, 127, 0.4); padding: 0.3em 0.6em; vertical-align: top; }
@media (max-width: 480px) { .card { font-size: 18px; padding: 0 0.25em; } }
"""


@dataclass(frozen=True)
class NoteType:
    """An Anki note type with one card template.

    Anki matches note types by `id` and by field names: once users have imported
    a deck, `fields` must never change without a new `id`.
    """

    id: int
    name: str
    fields: tuple[str, ...]
    template_name: str
    front: str
    back: str
    css: str = CSS

    def digest(self) -> str:
        """A hash of everything Anki stores of this note type."""
        return digest([self.name, self.fields, self.template_name, self.front, self.back, self.css])

    def to_genanki(self) -> genanki.Model:
        """A fresh genanki model (genanki fills in the dictionaries it is given)."""
        return genanki.Model(
            self.id,
            self.name,
            fields=[{"name": name} for name in self.fields],
            templates=[{"name": self.template_name, "qfmt": self.front, "afmt": self.back}],
            css=self.css,
        )


QUESTION_TYPE = NoteType(
    id=1_771_304_126,
    name="exporter: Interview Question",
    fields=("Question", "Answer", "Key Points"),
    template_name="Question → Answer",
    front='<div class="prompt">{{Question}}</div>',
    back=(
        "{{FrontSide}}\n"
        '<hr id="answer">\n'
        '<div class="answer">{{Answer}}</div>\n'
        "{{#Key Points}}"
        '<div class="key-points"><div class="label">Key points</div>{{Key Points}}</div>'
        "{{/Key Points}}"
    ),
)

THEME_TYPE = NoteType(
    id=1_455_270_853,
    name="exporter: Theme",
    fields=("Theme", "Summary"),
    template_name="Theme → Summary",
    front='<div class="kind">Theme</div><div class="prompt">{{Theme}}</div>',
    back='{{FrontSide}}\n<hr id="answer">\n<div class="answer">{{Summary}}</div>',
)

_ANKI_COMMAND = re.compile(r"\[(?=sound:|latex\]|\$\$?\]|anki:)", re.IGNORECASE)

NOTE_TYPES: Mapping[NoteKind, NoteType] = {"question": QUESTION_TYPE, "theme": THEME_TYPE}


def stable_id(*parts: str) -> int:
    """Return a fixed id in Anki's usual range (2**30 to 2**31) derived from `parts`."""
    hashed = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(hashed[:8], "big") % (1 << 30)


def themes_deck_name(deck: Deck) -> str:
    """Name of the Anki subdeck that holds the deck's themes."""
    return f"{deck.title}::Themes"


def note_type_digests() -> dict[str, str]:
    """The hash of each note type, keyed by its id as text."""
    return {str(note_type.id): note_type.digest() for note_type in NOTE_TYPES.values()}


def note_contents(rendered: RenderedDeck) -> list[NoteContent]:
    """The fields and tags of every note of the deck, in data order: questions, then themes."""
    deck = rendered.deck
    notes = []
    fields: tuple[str, ...]
    for question in deck.questions:
        key_points = "".join(f"<li>{rendered.html(point)}</li>" for point in question.key_points)
        context = rendered.html(question.context) if question.context else ""
        fields = (
            html.escape(question.question, quote=False)
            + (f'<div class="context">{context}</div>' if context else ""),
            rendered.html(question.answer),
            f"<ul>{key_points}</ul>" if key_points else "",
        )
        guid = genanki.guid_for(deck.id, question.id)
        tags = (*question.tags, deck.id)
        notes.append(NoteContent(guid, "question", question.id, _defused(fields), tags))
    for theme in deck.themes:
        fields = _defused((html.escape(theme.title, quote=False), rendered.html(theme.summary)))
        guid = genanki.guid_for(deck.id, theme.id)
        notes.append(NoteContent(guid, "theme", theme.id, fields, (deck.id,)))
    return notes


def _defused(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Fields whose text Anki will show, not act on.

    Anki reads `[sound:…]` as a file to play and `[latex]…[/latex]`, `[$]…[/$]`
    as LaTeX to run; an escaped bracket looks the same and does neither.
    """
    return tuple(_ANKI_COMMAND.sub("&#91;", value) for value in fields)
