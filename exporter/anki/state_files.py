"""Where a deck's build state is kept, read back and locked.

Two copies: one beside the data file, committed with it, so that a fresh clone
knows what earlier builds emitted; one in the user's cache folder, by deck id, the
identity Anki knows the notes by, so that renaming the data file, reaching it by
another path or checking out an older state never makes a build forget what this
machine already emitted. A build reads the newer of the two and writes both.
"""

from __future__ import annotations

import errno
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import msgspec

from exporter.anki.notes import NoteContent, NoteKind
from exporter.anki.state import MAX_SECONDS, BuildState, StampedNote
from exporter.errors import ExporterError
from exporter.files import read_regular_file

STATE_SUFFIX = ".state.json"
# Seconds a build waits for another build of the same deck; the largest decks take 30.
LOCK_WAIT = 300.0

# Format 1 lived in the output folder and had no deck id; it is read once, to carry
# its times over, and not written again. Times start at 1: Anki has no note id 0.
Seconds = Annotated[int, msgspec.Meta(ge=1, le=MAX_SECONDS)]


class _Stamp(msgspec.Struct, forbid_unknown_fields=True):
    digest: str
    mod: Seconds


class _Note(msgspec.Struct, forbid_unknown_fields=True):
    guid: str
    kind: NoteKind
    id: str
    mod: Seconds
    fields: list[str]
    tags: list[str]


class _StateFile(
    msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, tag_field="format", tag=2
):
    deck_id: str
    title: str
    created: Seconds
    metadata: _Stamp
    note_types: dict[str, _Stamp]
    notes: list[_Note]
    forgotten: dict[str, Seconds] = {}


class _OutputFolderState(msgspec.Struct, forbid_unknown_fields=True, tag_field="format", tag=1):
    title: str
    created: Seconds
    metadata: _Stamp
    note_types: dict[str, _Stamp]
    notes: list[_Note]


@dataclass(frozen=True)
class StateFiles:
    """The copies of one deck's state: `beside` its data file, `cached` in the user's
    cache folder (None when there is no writable one), and the `legacy` one an earlier
    version kept in the output folder."""

    beside: Path
    cached: Path | None
    legacy: Path | None = None

    def read_previous(self, deck_id: str, title: str, guids: Iterable[str]) -> BuildState | None:
        """What the deck `deck_id` (titled `title`, whose notes now have `guids`) has
        emitted.

        The cached copy is what this machine gave its Anki: for every note it knows,
        its version stands, so that a note that differs from it reaches this Anki and
        one that does not keeps the time this Anki holds. The copy beside the data (or
        an earlier version's) brings the rest: the deck's history, teammates' builds.
        A note only the cache knows is carried only when the data has it (another
        project may share the deck id); a copy of another deck id gives only its
        times and a warning; a cached copy that cannot be read is passed over.
        """
        beside = read_state(self.beside, deck_id)
        try:
            cached = read_state(self.cached, deck_id) if self.cached else None
        except ExporterError:
            cached = None  # a second memory: the build goes on without it
        legacy = read_state(self.legacy, deck_id) if self.legacy else None
        copies = [state for state in (beside, cached, legacy) if state is not None]
        floor = max((state.latest() for state in copies), default=0)
        base = beside if beside is not None else legacy
        if base is not None and base.deck_id != deck_id:
            if cached is None:
                # Another deck's history: warn of the change, carry none of its notes.
                return replace(base, notes=(), forgotten={}, floor=floor)
            base = None  # the id came back: this machine remembers the deck
        if base is None:
            if cached is None:
                return None
            base = BuildState(deck_id, title, cached.created)
        merged = _merged(base, cached, set(guids)) if cached is not None else base
        return replace(merged, floor=floor)


def _merged(base: BuildState, cached: BuildState, current: set[str]) -> BuildState:
    """`base` with this machine's own memory (`cached`) of the notes it gave Anki."""
    forgotten = {**base.forgotten}
    for guid, mod in cached.forgotten.items():
        forgotten[guid] = max(mod, forgotten.get(guid, 0))
    for guid in current:
        forgotten.pop(guid, None)  # back in the data: not forgotten any more
    own = {note.content.guid: note for note in cached.notes}
    notes: dict[str, StampedNote] = {}
    for note in base.notes:
        chosen = own.get(note.content.guid, note)
        if note.content.guid not in notes or notes[note.content.guid].mod < chosen.mod:
            notes[note.content.guid] = chosen
    for guid, note in own.items():
        if guid in current and guid not in notes:
            notes[guid] = note
    kept = [note for guid, note in notes.items() if forgotten.get(guid, 0) <= note.mod]
    note_types = {**base.note_types, **cached.note_types}
    metadata = cached.metadata if cached.metadata[1] else base.metadata
    return replace(
        base, notes=tuple(kept), note_types=note_types, metadata=metadata, forgotten=forgotten
    )


def state_beside(data_file: Path) -> Path:
    """Where the state of the deck read from `data_file` is kept beside it."""
    real = data_file.resolve()
    return real.with_name(real.stem + STATE_SUFFIX)


def state_files(data_file: Path, deck_id: str, out_dir: Path | None = None) -> StateFiles:
    """Where the state of the deck `deck_id`, read from `data_file`, is kept."""
    beside = state_beside(data_file)
    folder = _cache_folder("states")
    cached = folder / (deck_id + STATE_SUFFIX) if folder else None
    legacy = out_dir / (deck_id + STATE_SUFFIX) if out_dir else None
    if legacy is not None and not _earlier_versions(legacy, deck_id):
        legacy = None  # outputs built beside the data: that is some deck's current state
    return StateFiles(beside, cached, legacy)


def _earlier_versions(path: Path, deck_id: str) -> bool:
    """Tell whether `path` is a state an earlier version kept in the output folder."""
    try:
        state = read_state(path, deck_id)
    except ExporterError:
        return False  # not ours to read, nor to remove
    return state is not None and state.legacy


def state_to_json(state: BuildState) -> bytes:
    """Serialise `state` deterministically (the same state gives the same bytes)."""
    document = _StateFile(
        deck_id=state.deck_id,
        title=state.title,
        created=state.created,
        metadata=_Stamp(*state.metadata),
        note_types={key: _Stamp(*value) for key, value in sorted(state.note_types.items())},
        notes=[
            _Note(
                guid=note.content.guid,
                kind=note.content.kind,
                id=note.content.item_id,
                mod=note.mod,
                fields=list(note.content.fields),
                tags=list(note.content.tags),
            )
            for note in state.notes
        ],
        forgotten=dict(sorted(state.forgotten.items())),
    )
    return msgspec.json.format(msgspec.json.encode(document), indent=1) + b"\n"


def read_state(path: Path, deck_id: str) -> BuildState | None:
    """Read the deck's state from `path`, or None when there is none; a state of the
    older format (which has no deck id) is taken as the state of `deck_id`."""
    try:
        data = read_regular_file(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise ExporterError(
                f"{path}: the data file's name is too long to keep its state beside it;"
                " give it a shorter name"
            ) from None
        raise _unreadable(path, error.strerror or str(error)) from None
    try:
        document = msgspec.json.decode(data, type=_StateFile | _OutputFolderState)
    except (msgspec.DecodeError, RecursionError) as error:
        raise _unreadable(path, str(error) or "nested too deeply") from None
    newest: dict[str, _Note] = {}
    for note in document.notes:  # a note listed twice (a hand merge): its newest entry
        if note.guid not in newest or newest[note.guid].mod < note.mod:
            newest[note.guid] = note
    notes = tuple(
        StampedNote(
            NoteContent(note.guid, note.kind, note.id, tuple(note.fields), tuple(note.tags)),
            note.mod,
            "unchanged",
        )
        for note in newest.values()
    )
    return BuildState(
        deck_id=document.deck_id if isinstance(document, _StateFile) else deck_id,
        title=document.title,
        created=document.created,
        notes=notes,
        note_types={key: (value.digest, value.mod) for key, value in document.note_types.items()},
        metadata=(document.metadata.digest, document.metadata.mod),
        forgotten=document.forgotten if isinstance(document, _StateFile) else {},
        legacy=isinstance(document, _OutputFolderState),
    )


def _unreadable(path: Path, reason: str) -> ExporterError:
    return ExporterError(
        f"{path}: cannot read the build state ({reason}); delete it to start afresh"
        " (the next import then refreshes every note)"
    )


@contextmanager
def decks_locked(
    deck_ids: Iterable[str], on_wait: Callable[[str], None], wait: float = LOCK_WAIT
) -> Iterator[None]:
    """Hold the lock of every deck in `deck_ids`, taken in one order so that two builds
    never wait for each other. Another build holding one makes this call `on_wait` with
    its deck id, then wait up to `wait` seconds."""
    import filelock

    folder = _cache_folder("locks") or Path(tempfile.gettempdir()) / "exporter-locks"
    with ExitStack() as held:
        for deck_id in sorted(set(deck_ids)):
            lock = filelock.FileLock(folder / f"{deck_id}.lock")
            try:
                folder.mkdir(exist_ok=True)
                try:
                    held.enter_context(lock.acquire(timeout=0))
                except filelock.Timeout:
                    on_wait(deck_id)
                    held.enter_context(lock.acquire(timeout=wait))
            except filelock.Timeout:
                raise ExporterError(
                    f"deck '{deck_id}': another exporter build of it has run for {wait:.0f} s;"
                    " try again when it has finished"
                ) from None
            except OSError as error:
                raise ExporterError(
                    f"{folder}: cannot create the lock that keeps two builds of a deck apart:"
                    f" {error.strerror}"
                ) from None
        yield


def _cache_folder(name: str) -> Path | None:
    """The folder `name` in the user's cache folder, made when missing; None when it
    cannot be (a read-only home)."""
    import platformdirs

    folder = platformdirs.user_cache_path("exporter") / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder
