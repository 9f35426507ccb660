"""Notes → Anki package (.apkg): each note with the time its content last changed."""

from __future__ import annotations

import itertools
import json
import sqlite3

import genanki

from exporter.anki.notes import NOTE_TYPES, NoteKind, stable_id, themes_deck_name
from exporter.anki.state import BuildPlan
from exporter.outputs import zip_bytes
from exporter.rendered import RenderedDeck


def make_apkg(rendered: RenderedDeck, plan: BuildPlan) -> bytes:
    """Return the .apkg of the deck holding the notes of `plan`, each with its own mod time,
    and the deck's pictures."""
    deck = rendered.deck
    description = rendered.html(deck.description) if deck.description else ""
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
        package = genanki.Package([part for part in decks.values() if part.notes])
        package.write_to_db(connection.cursor(), plan.created, ids)
        _set_mod_times(connection, plan)
        connection.commit()
        database = connection.serialize()
    finally:
        connection.close()
    files = sorted({item.name: item.data for item in rendered.media.values()}.items())
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
