"""Model → Anki package (.apkg): fixed note types and deck ids, GUIDs from ids, never content."""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import re
import sqlite3
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass

from exporter.files import zip_bytes
from exporter.images import Media
from exporter.markdown import RenderedMarkdown, with_image_names
from exporter.model import Deck
from exporter.state import BuildPlan, NoteContent, NoteKind, digest


def _skip_asyncio_import() -> None:
    """Let genanki use the standard library's cached_property.

    genanki imports the `cached_property` package, which imports asyncio for
    features genanki never uses: 30 ms, a tenth of a whole build of a small deck.
    """
    if "cached_property" not in sys.modules:
        shim = types.ModuleType("cached_property")
        shim.cached_property = functools.cached_property  # type: ignore[attr-defined]
        sys.modules["cached_property"] = shim


_skip_asyncio_import()

import genanki  # noqa: E402

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


def note_contents(
    deck: Deck, rendered: Mapping[str, RenderedMarkdown], media: Mapping[str, Media]
) -> list[NoteContent]:
    """The fields and tags of every note of `deck`, in data order: questions, then themes.

    Images refer to the media names in `media` (by the targets written in the data).
    """
    names = {target: item.name for target, item in media.items()}

    def html_of(text: str) -> str:
        return with_image_names(rendered[text].html, names)

    notes = []
    fields: tuple[str, ...]
    for question in deck.questions:
        key_points = "".join(f"<li>{html_of(point)}</li>" for point in question.key_points)
        fields = (
            html.escape(question.question, quote=False),
            html_of(question.answer),
            f"<ul>{key_points}</ul>" if key_points else "",
        )
        guid = genanki.guid_for(deck.id, question.id)
        tags = (*question.tags, deck.id)
        notes.append(NoteContent(guid, "question", question.id, _defused(fields), tags))
    for theme in deck.themes:
        fields = _defused((html.escape(theme.title, quote=False), html_of(theme.summary)))
        guid = genanki.guid_for(deck.id, theme.id)
        notes.append(NoteContent(guid, "theme", theme.id, fields, (deck.id,)))
    return notes


def _defused(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Fields whose text Anki will show, not act on.

    Anki reads `[sound:…]` as a file to play and `[latex]…[/latex]`, `[$]…[/$]`
    as LaTeX to run; an escaped bracket looks the same and does neither.
    """
    return tuple(_ANKI_COMMAND.sub("&#91;", value) for value in fields)


def make_apkg(
    deck: Deck,
    rendered: Mapping[str, RenderedMarkdown],
    plan: BuildPlan,
    media: Mapping[str, Media],
) -> bytes:
    """Return the .apkg of `deck` holding the notes of `plan`, each with its own mod time,
    and the image files of `media`."""
    names = {target: item.name for target, item in media.items()}
    description = (
        with_image_names(rendered[deck.description].html, names) if deck.description else ""
    )
    decks: dict[NoteKind, genanki.Deck] = {
        "question": genanki.Deck(stable_id("deck", deck.id), deck.title, description=description),
        "theme": genanki.Deck(stable_id("deck", deck.id, "themes"), themes_deck_name(deck)),
    }
    models = {kind: note_type.to_genanki() for kind, note_type in NOTE_TYPES.items()}
    for position, stamped in enumerate(plan.notes, start=1):
        content = stamped.content
        note = genanki.Note(
            model=models[content.kind],
            fields=list(content.fields),
            guid=content.guid,
            tags=list(content.tags),
            due=position,  # new cards come up in the order of the data file
        )
        decks[content.kind].add_note(note)

    # An in-memory database: genanki's own write_to_file leaves a temp file behind.
    connection = sqlite3.connect(":memory:")
    try:
        ids = itertools.count(plan.created * 1000)  # stable ids: same data, same bytes
        package = genanki.Package([deck for deck in decks.values() if deck.notes])
        package.write_to_db(connection.cursor(), plan.created, ids)
        _set_mod_times(connection, plan)
        connection.commit()
        database = connection.serialize()
    finally:
        connection.close()
    files = sorted({item.name: item.data for item in media.values()}.items())
    index = {str(number): name for number, (name, _) in enumerate(files)}
    entries = [("collection.anki2", database), ("media", json.dumps(index).encode())]
    entries += [(str(number), data) for number, (_, data) in enumerate(files)]
    return zip_bytes(entries)


def _set_mod_times(connection: sqlite3.Connection, plan: BuildPlan) -> None:
    """Give each note, its cards and each note type the time its content last changed."""
    # By row id: the package's notes table has no index on guid, and a lookup by
    # guid per note would make large decks quadratic.
    note_ids = dict(connection.execute("SELECT guid, id FROM notes"))
    connection.executemany(
        "UPDATE notes SET mod = ? WHERE id = ?",
        [(note.mod, note_ids[note.content.guid]) for note in plan.notes],
    )
    connection.execute("UPDATE cards SET mod = (SELECT mod FROM notes WHERE notes.id = cards.nid)")
    (models_json,) = connection.execute("SELECT models FROM col").fetchone()
    models = json.loads(models_json)
    for type_id, mod in plan.note_type_mods.items():
        if type_id in models:
            models[type_id]["mod"] = mod
    connection.execute("UPDATE col SET models = ?", (json.dumps(models),))
