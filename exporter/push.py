"""`exporter push`: build, then import each deck into the user's Anki collection as
File → Import would, and delete the notes of removed questions once confirmed."""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exporter.anki.collection import Target, copy_for_reading, opened
from exporter.anki.state import removal_advice
from exporter.build import BuildOptions, DeckReport, build, check_decks

if TYPE_CHECKING:
    from anki.collection import Collection
    from anki.dbproxy import DBProxy

_CONTEXT = re.compile(r'<div class="context">.*', re.DOTALL)


@dataclass(frozen=True)
class RemovedNote:
    """A note in the collection whose question or theme is gone from the data.

    `text` is its question (or theme) as the user knows it; `reviews` counts the
    answers given to its cards: the study a deletion takes away with them."""

    note_id: int
    text: str
    reviews: int


@dataclass(frozen=True)
class PushReport:
    """What Anki did with one deck, from its importer's log."""

    deck_id: str
    target: str
    new: int
    updated: int
    unchanged: int
    removed: tuple[RemovedNote, ...]
    deleted: bool

    def summary(self, dry_run: bool = False) -> str:
        """One line: `<deck-id> → <target>: 1 updated, 11 unchanged, 0 new, 1 deleted`."""
        counts = f"{self.updated} updated, {self.unchanged} unchanged, {self.new} new"
        if self.deleted or not self.removed:
            gone = f"{len(self.removed) if self.deleted else 0} deleted"
        else:
            gone = f"0 deleted, {len(self.removed)} waiting to be deleted (--yes deletes them)"
        if dry_run:
            return f"{self.deck_id} → {self.target} (dry run, nothing written): {counts}, {gone}"
        return f"{self.deck_id} → {self.target}: {counts}, {gone}"


Confirm = Callable[[Sequence[RemovedNote]], bool]


@dataclass(frozen=True)
class Pushed:
    """A push's builds, what Anki did per deck, and whether the next sync is a full one."""

    builds: list[DeckReport]
    decks: list[PushReport]
    full_sync: bool


def push(
    paths: Iterable[Path],
    out_dir: Path,
    options: BuildOptions,
    target: Target,
    confirm: Confirm,
    tell: Callable[[str], None],
) -> Pushed:
    """Build as `exporter build` does, import every deck into `target`, and delete the
    notes of removed questions if `confirm` agrees; then the state forgets them."""
    paths = list(paths)

    def packages() -> list[Path]:
        return [out_dir / f"{deck.id}.apkg" for deck in check_decks(paths)]

    with opened(target, packages) as collection:
        schema = _schema(collection)
        builds = build(paths, out_dir, options, tell=tell)
        imported = [_import(collection, report) for report in builds]
        waiting = [note for each in imported for note in each.waiting]
        delete = bool(waiting) and confirm(waiting)
        if delete or (not waiting and any(each.returned for each in imported)):
            # Forget first: a build that fails here leaves the notes in Anki, tagged as
            # removed, rather than deleted while the state would bring them back.
            build(paths, out_dir, replace(options, forget_removed=True), tell=tell)
        if delete:
            from anki.notes import NoteId

            collection.remove_notes([NoteId(note.note_id) for note in waiting])
        full_sync = _schema(collection) != schema
    decks = [
        PushReport(report.deck_id, target.name, *each.counts, tuple(each.waiting), delete)
        for report, each in zip(builds, imported, strict=True)
    ]
    return Pushed(builds, decks, full_sync)


def push_warnings(report: DeckReport) -> list[str]:
    """The build's warnings, but its advice to delete removed notes by hand: push
    deletes them itself."""
    advice = {removal_advice(content) for content in report.plan.newly_removed}
    return [warning for warning in report.warnings if warning not in advice]


def dry_run(
    paths: Iterable[Path], options: BuildOptions, target: Target, tell: Callable[[str], None]
) -> Pushed:
    """What `push` would do, found on copies: the build goes to a scratch folder and
    keeps no state, and the import goes into a copy of the collection."""
    with tempfile.TemporaryDirectory(prefix="exporter-push-") as scratch:
        folder = Path(scratch)
        (folder / "collection").mkdir()
        copy = copy_for_reading(target, folder / "collection")
        no_state = replace(options, keep_state=False)
        pushed = push(paths, folder / "out", no_state, copy, _no, tell)
        return replace(pushed, builds=[])


def _no(notes: Sequence[RemovedNote]) -> bool:
    return False


def _schema(collection: Collection) -> int:
    return int(_database(collection).scalar("select scm from col"))


def _database(collection: Collection) -> DBProxy:
    if collection.db is None:
        raise ValueError("the collection is closed")
    return collection.db


@dataclass(frozen=True)
class _Imported:
    """What one import did: its counts, removed notes apart; the removed notes that
    wait to be deleted; whether removed notes the user had deleted came back."""

    counts: tuple[int, int, int]  # new, updated, unchanged
    waiting: list[RemovedNote]
    returned: bool


def _import(collection: Collection, report: DeckReport) -> _Imported:
    """Import the deck's package with the options Anki desktop's dialog defaults to."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.notes import NoteId

    options = ImportAnkiPackageOptions()
    options.CopyFrom(collection._backend.get_import_anki_package_presets())
    request = ImportAnkiPackageRequest(package_path=str(report.apkg), options=options)
    guids = [note.content.guid for note in report.plan.notes if note.status == "removed"]
    there = {note.note_id for note in _removed_notes(collection, guids)}
    log = collection.import_anki_package(request).log
    collection.models._clear_cache()
    removed = _removed_notes(collection, guids)
    # A removed note the user had already deleted comes back with the import: take it
    # out again at once, it holds nothing of theirs.
    returned = [note for note in removed if note.note_id not in there]
    collection.remove_notes([NoteId(note.note_id) for note in returned])
    ids = {note.note_id for note in removed}

    def count(notes: Iterable[Any]) -> int:
        return sum(1 for note in notes if note.id.nid not in ids)

    waiting = [note for note in removed if note.note_id in there]
    counts = (count(log.new), count(log.updated), count(log.duplicate))
    return _Imported(counts, waiting, bool(returned))


def _removed_notes(collection: Collection, guids: Sequence[str]) -> list[RemovedNote]:
    if not guids:
        return []
    marks = ", ".join("?" * len(guids))
    database = _database(collection)
    rows = database.all(f"select id, flds from notes where guid in ({marks})", *guids)
    notes = []
    for note_id, fields in rows:
        question = _CONTEXT.sub("", str(fields).split("\x1f", 1)[0])
        reviews = database.scalar(
            "select count() from revlog where cid in (select id from cards where nid = ?)",
            note_id,
        )
        notes.append(RemovedNote(int(note_id), html.unescape(question), int(reviews)))
    return notes
