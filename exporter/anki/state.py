"""The deck's build state: what every build of the deck has emitted, and when each note changed.

Anki updates an imported note only when the package's note is newer than its
own, so every note carries the time its content last changed: unchanged notes
keep their time (and so edits made inside Anki survive), changed and new notes
get a time newer than anything the deck has emitted before, and not older than
the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from exporter.anki.notes import NoteContent, NoteKind, digest
from exporter.errors import ExporterError

REMOVED_TAG = "exporter::removed"
# The last second Word can date a document (9999-12-31); later times are not times.
MAX_SECONDS = 253_402_300_799
# How far ahead of the clock a state's times may be before the build warns: 5 minutes.
CLOCK_SLACK = 300

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
    forgotten: Mapping[str, int] = field(default_factory=dict)  # guid → when it was dropped
    # The newest time any copy of any state under this deck id holds: not kept, re-read.
    floor: int = field(default=0, compare=False)
    legacy: bool = field(default=False, compare=False)  # read from an earlier version's file

    def latest(self) -> int:
        """The newest time the deck has emitted: a changed note must be newer still."""
        mods = [note.mod for note in self.notes]
        mods += [mod for _, mod in self.note_types.values()]
        return max([self.metadata[1], self.floor, *mods, *self.forgotten.values()])


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


def removal_advice(content: NoteContent) -> str:
    """The warning for a note gone from the data since the last build."""
    return (
        f"{content.kind} '{content.item_id}' is gone from the data: its note stays"
        f" in the package tagged {REMOVED_TAG}; delete it in Anki"
        f" (search tag:{REMOVED_TAG})"
    )


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
    newest = max(now, previous.latest() + 1)

    def fresh() -> int:
        """The time of a change: newer than all the deck emitted, not older than the clock."""
        if newest > MAX_SECONDS:
            raise ExporterError(
                f"deck '{deck_id}': a change would need a time after 9999-12-31, the last"
                " one a document can hold (the clock or the deck's state is past it): check"
                " the clock, or delete the state to start afresh"
            )
        return newest

    def stamp(old_mod: int | None, changed: bool) -> int:
        return fresh() if old_mod is None or changed else old_mod

    old_notes = {note.content.guid: note for note in previous.notes}
    stamped: list[StampedNote] = []
    kind_changes: list[KindChange] = []
    for content in notes:
        old = old_notes.pop(content.guid, None)
        if old is None:
            stamped.append(StampedNote(content, fresh(), "new"))
            continue
        if old.content.kind != content.kind:
            kind_changes.append(KindChange(content.item_id, old.content.kind, content.kind))
            continue
        changed = old.content != content
        status: NoteStatus = "updated" if changed else "unchanged"
        stamped.append(StampedNote(content, stamp(old.mod, changed), status))

    warnings: list[str] = []
    newly_removed: list[NoteContent] = []
    present = {content.guid for content in notes}
    forgotten = {guid: mod for guid, mod in previous.forgotten.items() if guid not in present}
    for old in old_notes.values():
        content = old.content
        if REMOVED_TAG in content.tags:
            if forget_removed:
                # Remembered as dropped, so that an older copy of the state that still
                # holds the note never brings it back.
                forgotten[content.guid] = fresh()
                warnings.append(
                    f"forgot {content.kind} '{content.item_id}' (tagged {REMOVED_TAG} since"
                    f" {datetime.fromtimestamp(old.mod, UTC):%Y-%m-%d %H:%M} UTC); delete its note"
                    " in Anki if the package that tagged it was never imported"
                )
            else:
                stamped.append(StampedNote(content, old.mod, "removed"))
            continue
        content = replace(content, tags=(*content.tags, REMOVED_TAG))
        newly_removed.append(content)
        warnings.append(removal_advice(content))
        stamped.append(StampedNote(content, fresh(), "removed"))

    if previous.deck_id != deck_id:
        warnings.append(
            f"deck id changed from '{previous.deck_id}' to '{deck_id}': Anki knows every card"
            " by the deck id, so importing adds every note again as a new card, without its"
            " review history; change the id back to keep them"
        )
    if previous.latest() > now + CLOCK_SLACK:
        warnings.append(
            f"the deck's state holds times ahead of this computer's clock (up to"
            f" {datetime.fromtimestamp(previous.latest(), UTC):%Y-%m-%d %H:%M} UTC): check the"
            " clock; until it catches up, an edit made in Anki may be replaced on import"
        )
    if previous.title != title and previous.title.lower() == title.lower():
        warnings.append(
            f"deck title changed from '{previous.title}' to '{title}' in case only: Anki"
            " matches deck names ignoring case, so the deck keeps its old spelling there;"
            " rename it in Anki if you want the new one"
        )
    elif previous.title != title:
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
        forgotten,
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
