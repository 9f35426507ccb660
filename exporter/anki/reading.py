"""The notes as Anki holds them (Anki's own `Note`s), read from a copy of the user's
collection or from an .apkg exported by any Anki app; the original is never opened for
writing."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Collection as Many
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exporter.anki.collection import INSTALL_HINT, Target, copy_for_reading
from exporter.errors import ExporterError

if TYPE_CHECKING:
    from anki.collection import Collection
    from anki.dbproxy import DBProxy
    from anki.notes import Note

# What to do instead of pulling from a collection that Anki holds open.
EXPORT_INSTEAD = (
    "export the deck in Anki (File → Export, Anki Deck Package) and pull --from that .apkg"
)
_CHUNK = 500  # GUIDs per query: SQLite takes a limited number of parameters


@dataclass(frozen=True)
class AnkiSource:
    """Where to read the notes: a collection (`target`) or an exported `package`."""

    name: str
    target: Target | None = None
    package: Path | None = None


class AnkiNotes:
    """The notes of an open copy, and the folder of the pictures they show."""

    def __init__(self, name: str, collection: Collection, media: Path) -> None:
        self.name = name
        self._collection = collection
        self.media = media

    def by_guid(self, guids: Many[str]) -> dict[str, Note]:
        """The notes with any of `guids`, by GUID."""
        wanted = sorted(guids)
        notes: dict[str, Note] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            ids = self._database().list(f"select id from notes where guid in ({marks})", *chunk)
            for note in self._notes(ids):
                notes[note.guid] = note
        return notes

    def in_deck(self, name: str) -> list[Note]:
        """The notes with a card in the deck `name` or a deck inside it, oldest first."""
        from anki.collection import SearchNode

        search = self._collection.build_search_string(SearchNode(deck=name))
        return self._notes(sorted(self._collection.find_notes(search)))

    def _notes(self, ids: Sequence[int]) -> list[Note]:
        from anki.notes import NoteId

        return [self._collection.get_note(NoteId(note_id)) for note_id in ids]

    def _database(self) -> DBProxy:
        if self._collection.db is None:
            raise ValueError("the collection is closed")
        return self._collection.db


@contextmanager
def anki_notes(source: AnkiSource) -> Iterator[AnkiNotes]:
    """The notes of `source`, read from a copy made for this run and removed after it."""
    try:
        from anki.collection import Collection
    except ImportError:
        raise ExporterError(INSTALL_HINT.format(command="pull")) from None
    with tempfile.TemporaryDirectory(prefix="exporter-pull-") as scratch:
        folder = Path(scratch)
        if source.target is not None:
            copy = copy_for_reading(source.target, folder, EXPORT_INSTEAD)
            collection = Collection(str(copy.path))
            media = _media_folder(source.target.path)
        elif source.package is not None:
            collection = Collection(str(folder / "collection.anki2"))
            media = Path(collection.media.dir())
        else:
            raise ValueError("an Anki source names a collection or a package")
        try:
            if source.package is not None:
                _import(collection, source.package)
            yield AnkiNotes(source.name, collection, media)
        finally:
            collection.close()


def _media_folder(collection: Path) -> Path:
    """The folder Anki keeps a collection's pictures in: `collection.media` beside it."""
    return collection.with_name(collection.stem + ".media")


def _import(collection: Collection, package: Path) -> None:
    """Import `package` into the empty `collection`, as Anki desktop would."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.errors import AnkiException

    if not package.is_file():
        raise ExporterError(f"{package}: no such file")
    try:
        with zipfile.ZipFile(package) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ExporterError(f"{package}: not an Anki package ({error})") from None
    if not names:
        raise ExporterError(f"{package}: not an Anki package (an empty archive)")
    options = ImportAnkiPackageOptions()
    options.CopyFrom(collection._backend.get_import_anki_package_presets())
    request = ImportAnkiPackageRequest(package_path=str(package), options=options)
    try:
        collection.import_anki_package(request)
    except AnkiException as error:
        raise ExporterError(f"{package}: not an Anki package ({error})") from None
