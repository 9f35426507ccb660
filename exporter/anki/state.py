"""The deck's build state: what every build of the deck has emitted, and when each note changed.

Anki updates an imported note only when the package's note is newer than its
own, so every note carries the time its content last changed: unchanged notes
keep their time (and so edits made inside Anki survive), changed and new notes
get a time newer than anything the deck has emitted before, and not older than
the clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from exporter.anki.notes import NoteContent, NoteKind, digest
from exporter.errors import ExporterError

REMOVED_TAG = "exporter::removed"
# The last second Word can date a document (9999-12-31); later times are not times.
MAX_SECONDS = 253_402_300_799
# Seconds a build waits for another build of the same deck; the largest decks take 30.
LOCK_WAIT = 300.0

NoteStatus = Literal["new", "updated", "unchanged", "removed"]


@dataclass(frozen=True)
class StampedNote:
    """A note to write, with the time its content last changed and how it changed."""

    content: NoteContent
    mod: int
    status: NoteStatus


@dataclass(frozen=True)
class BuildState:
    """What the builds of one deck have emitted, read back by the next build."""

    deck_id: str
    title: str
    created: int
    notes: tuple[StampedNote, ...] = ()
    note_types: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # id → digest, mod
    metadata: tuple[str, int] = ("", 0)  # digest of title, subtitle, description; its mod

    def latest(self) -> int:
        """The newest time the deck has emitted: a changed note must be newer still."""
        mods = [note.mod for note in self.notes]
        mods += [mod for _, mod in self.note_types.values()]
        return max([self.metadata[1], *mods])


@dataclass(frozen=True)
class KindChange:
    """An item whose note was emitted as one kind and is now the other: Anki cannot
    change a note's type, so the build must refuse it."""

    item_id: str
    was: NoteKind
    now: NoteKind


@dataclass(frozen=True)
class BuildPlan:
    """The notes and times of this build, the state to keep, and what to tell the user."""

    notes: tuple[StampedNote, ...]
    note_type_mods: Mapping[str, int]
    created: int
    modified: int
    state: BuildState
    warnings: tuple[str, ...]
    kind_changes: tuple[KindChange, ...] = ()
    newly_removed: tuple[NoteContent, ...] = ()  # gone from the data since the last build

    def count(self, status: NoteStatus) -> int:
        """Number of notes with `status`."""
        return sum(1 for note in self.notes if note.status == status)


def plan_build(
    *,
    deck_id: str,
    title: str,
    metadata: object,
    notes: Sequence[NoteContent],
    note_type_digests: Mapping[str, str],
    previous: BuildState | None,
    now: int,
    created: int | None = None,
    forget_removed: bool = False,
) -> BuildPlan:
    """Stamp `notes` against the `previous` state of the deck; `metadata` is the deck's own
    text, `now` the clock, `created` the time of a first build (default `now`).

    Notes of the previous state that are gone from `notes` stay, tagged REMOVED_TAG;
    `forget_removed` drops those already tagged (so already announced) instead.
    """
    previous = previous or BuildState(deck_id, title, created if created is not None else now)
    # Whatever the clock says, anything changed is newer than all the deck ever emitted.
    fresh = min(max(now, previous.latest() + 1), MAX_SECONDS)

    def stamp(old_mod: int | None, changed: bool) -> int:
        return fresh if old_mod is None or changed else old_mod

    old_notes = {note.content.guid: note for note in previous.notes}
    stamped: list[StampedNote] = []
    kind_changes: list[KindChange] = []
    for content in notes:
        old = old_notes.pop(content.guid, None)
        if old is None:
            stamped.append(StampedNote(content, fresh, "new"))
            continue
        if old.content.kind != content.kind:
            kind_changes.append(KindChange(content.item_id, old.content.kind, content.kind))
            continue
        changed = old.content != content
        status: NoteStatus = "updated" if changed else "unchanged"
        stamped.append(StampedNote(content, stamp(old.mod, changed), status))

    warnings: list[str] = []
    newly_removed: list[NoteContent] = []
    for old in old_notes.values():
        content = old.content
        if REMOVED_TAG in content.tags:
            if not forget_removed:
                stamped.append(StampedNote(content, old.mod, "removed"))
            continue
        content = replace(content, tags=(*content.tags, REMOVED_TAG))
        newly_removed.append(content)
        warnings.append(
            f"{content.kind} '{content.item_id}' is gone from the data: its note stays"
            f" in the package tagged {REMOVED_TAG}; delete it in Anki"
            f" (search tag:{REMOVED_TAG})"
        )
        stamped.append(StampedNote(content, fresh, "removed"))

    if previous.deck_id != deck_id:
        warnings.append(
            f"deck id changed from '{previous.deck_id}' to '{deck_id}': Anki knows every card"
            " by the deck id, so importing adds every note again as a new card, without its"
            " review history; change the id back to keep them"
        )
    if previous.title != title:
        warnings.append(
            f"deck title changed from '{previous.title}' to '{title}': Anki matches decks by"
            f" name, so cards already imported stay in '{previous.title}' (rename that deck in"
            " Anki before importing to keep them together)"
        )

    note_types: dict[str, tuple[str, int]] = {}
    for type_id, type_digest in note_type_digests.items():
        old_type = previous.note_types.get(type_id)
        old_mod = old_type[1] if old_type else None
        changed = old_type is not None and old_type[0] != type_digest
        note_types[type_id] = (type_digest, stamp(old_mod, changed))

    metadata_digest = digest(metadata)
    old_digest, old_mod = previous.metadata
    metadata_mod = stamp(old_mod or None, old_digest != metadata_digest)

    mods = [note.mod for note in stamped] + [mod for _, mod in note_types.values()]
    state = BuildState(
        deck_id,
        title,
        previous.created,
        tuple(stamped),
        note_types,
        (metadata_digest, metadata_mod),
    )
    return BuildPlan(
        notes=tuple(stamped),
        note_type_mods={type_id: mod for type_id, (_, mod) in note_types.items()},
        created=previous.created,
        modified=max([metadata_mod, *mods]),
        state=state,
        warnings=tuple(warnings),
        kind_changes=tuple(kind_changes),
        newly_removed=tuple(newly_removed),
    )


# The state file. Format 1 lived in the output folder and had no deck id; it is read
# once, to carry its times over, and not written again.
Seconds = Annotated[int, msgspec.Meta(ge=0, le=MAX_SECONDS)]


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


class _StateFile(msgspec.Struct, forbid_unknown_fields=True, tag_field="format", tag=2):
    deck_id: str
    title: str
    created: Seconds
    metadata: _Stamp
    note_types: dict[str, _Stamp]
    notes: list[_Note]


class _OutputFolderState(msgspec.Struct, forbid_unknown_fields=True, tag_field="format", tag=1):
    title: str
    created: Seconds
    metadata: _Stamp
    note_types: dict[str, _Stamp]
    notes: list[_Note]


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
    )
    return msgspec.json.format(msgspec.json.encode(document), indent=1) + b"\n"


def read_state(path: Path, deck_id: str) -> BuildState | None:
    """Read the deck's state from `path`, or None when there is none; a state of the
    older format (which has no deck id) is taken as the state of `deck_id`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _unreadable(path, error.strerror or str(error)) from None
    try:
        document = msgspec.json.decode(data, type=_StateFile | _OutputFolderState)
    except (msgspec.DecodeError, RecursionError) as error:
        raise _unreadable(path, str(error) or "nested too deeply") from None
    notes = tuple(
        StampedNote(
            NoteContent(note.guid, note.kind, note.id, tuple(note.fields), tuple(note.tags)),
            note.mod,
            "unchanged",
        )
        for note in document.notes
    )
    return BuildState(
        deck_id=document.deck_id if isinstance(document, _StateFile) else deck_id,
        title=document.title,
        created=document.created,
        notes=notes,
        note_types={key: (value.digest, value.mod) for key, value in document.note_types.items()},
        metadata=(document.metadata.digest, document.metadata.mod),
    )


def _unreadable(path: Path, reason: str) -> ExporterError:
    return ExporterError(
        f"{path}: cannot read the build state ({reason}); delete it to start afresh"
        " (the next import then refreshes every note)"
    )


def state_path(data_file: Path) -> Path:
    """Where the state of the deck in `data_file` lives: beside it, under the same name."""
    return data_file.with_name(f"{data_file.stem}.state.json")


@contextmanager
def states_locked(
    paths: Iterable[Path], on_wait: Callable[[Path], None], wait: float = LOCK_WAIT
) -> Iterator[None]:
    """Hold the lock of every state in `paths`, taken in one order so that two builds
    never wait for each other. Another build holding one makes this call `on_wait` with
    the state's path, then wait up to `wait` seconds."""
    import filelock
    import platformdirs

    folder = platformdirs.user_cache_path("exporter") / "locks"
    with ExitStack() as held:
        for path in sorted({path.resolve() for path in paths}):
            name = hashlib.sha256(str(path).encode()).hexdigest()[:32]
            try:
                folder.mkdir(parents=True, exist_ok=True)
                lock = filelock.FileLock(folder / f"{name}.lock")
                try:
                    held.enter_context(lock.acquire(timeout=0))
                except filelock.Timeout:
                    on_wait(path)
                    held.enter_context(lock.acquire(timeout=wait))
            except filelock.Timeout:
                raise ExporterError(
                    f"{path}: another exporter build of this deck has held it for {wait:.0f} s;"
                    " try again when it has finished"
                ) from None
            except OSError as error:
                raise ExporterError(
                    f"{folder}: cannot create the lock that keeps two builds of a deck apart:"
                    f" {error.strerror}"
                ) from None
        yield
