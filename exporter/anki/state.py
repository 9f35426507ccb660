"""The build state kept beside the outputs: when each note last changed.

Anki updates an imported note only when the package's note is newer than its
own, so every note carries the time its content last changed: unchanged notes
keep their time (and so edits made inside Anki survive), changed notes get a
strictly newer one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from exporter.anki.notes import NoteContent, NoteKind, digest
from exporter.errors import ExporterError

STATE_FORMAT = 1
REMOVED_TAG = "exporter::removed"

NoteStatus = Literal["new", "updated", "unchanged", "removed"]


@dataclass(frozen=True)
class StampedNote:
    """A note to write, with the time its content last changed and how it changed."""

    content: NoteContent
    mod: int
    status: NoteStatus


@dataclass(frozen=True)
class BuildState:
    """What one build wrote, read back by the next build of the same deck."""

    title: str
    created: int
    notes: tuple[StampedNote, ...] = ()
    note_types: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # id → digest, mod
    metadata: tuple[str, int] = ("", 0)  # digest of title, subtitle, description; its mod


@dataclass(frozen=True)
class BuildPlan:
    """The notes and times of this build, the state to keep, and what to tell the user."""

    notes: tuple[StampedNote, ...]
    note_type_mods: Mapping[str, int]
    created: int
    modified: int
    state: BuildState
    warnings: tuple[str, ...]

    def count(self, status: NoteStatus) -> int:
        """Number of notes with `status`."""
        return sum(1 for note in self.notes if note.status == status)


def plan_build(
    title: str,
    metadata: object,
    notes: Sequence[NoteContent],
    note_type_digests: Mapping[str, str],
    previous: BuildState | None,
    now: int,
    forget_removed: bool = False,
) -> BuildPlan:
    """Stamp `notes` against the `previous` build; `metadata` is the deck's own text.

    Notes of the previous build that are gone from `notes` stay, tagged
    REMOVED_TAG, unless `forget_removed` drops them.
    """
    previous = previous or BuildState(title=title, created=now)

    def stamp(old_mod: int | None, changed: bool) -> int:
        if old_mod is None:
            return now
        return max(now, old_mod + 1) if changed else old_mod

    old_notes = {note.content.guid: note for note in previous.notes}
    stamped: list[StampedNote] = []
    for content in notes:
        old = old_notes.pop(content.guid, None)
        if old is None:
            stamped.append(StampedNote(content, now, "new"))
        else:
            changed = old.content != content
            status: NoteStatus = "updated" if changed else "unchanged"
            stamped.append(StampedNote(content, stamp(old.mod, changed), status))

    warnings: list[str] = []
    for old in [] if forget_removed else old_notes.values():
        content = old.content
        if REMOVED_TAG not in content.tags:
            content = replace(content, tags=(*content.tags, REMOVED_TAG))
            warnings.append(
                f"{content.kind} '{content.item_id}' is gone from the data: its note stays"
                f" in the package tagged {REMOVED_TAG}; delete it in Anki"
                f" (search tag:{REMOVED_TAG})"
            )
        stamped.append(StampedNote(content, stamp(old.mod, content != old.content), "removed"))

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
        title, previous.created, tuple(stamped), note_types, (metadata_digest, metadata_mod)
    )
    return BuildPlan(
        notes=tuple(stamped),
        note_type_mods={type_id: mod for type_id, (_, mod) in note_types.items()},
        created=previous.created,
        modified=max([metadata_mod, *mods]),
        state=state,
        warnings=tuple(warnings),
    )


def state_to_json(state: BuildState) -> bytes:
    """Serialise `state` deterministically (the same state gives the same bytes)."""
    document = {
        "format": STATE_FORMAT,
        "title": state.title,
        "created": state.created,
        "metadata": {"digest": state.metadata[0], "mod": state.metadata[1]},
        "note_types": {
            type_id: {"digest": type_digest, "mod": mod}
            for type_id, (type_digest, mod) in sorted(state.note_types.items())
        },
        "notes": [
            {
                "guid": note.content.guid,
                "kind": note.content.kind,
                "id": note.content.item_id,
                "mod": note.mod,
                "fields": list(note.content.fields),
                "tags": list(note.content.tags),
            }
            for note in state.notes
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def read_state(path: Path) -> BuildState | None:
    """Read the state of the previous build, or None when there is none."""
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise ExporterError(
            f"{path}: cannot read the build state ({error}); delete it to start afresh"
        ) from None
    try:
        return _state_from_json(document)
    except (KeyError, TypeError, ValueError) as error:
        raise ExporterError(
            f"{path}: the build state is not in a known format ({error!r});"
            " delete it to start afresh"
        ) from None


def _kind(value: object) -> NoteKind:
    if value == "question":
        return "question"
    if value == "theme":
        return "theme"
    raise ValueError(f"note kind {value!r}")


def _state_from_json(document: Any) -> BuildState:
    if document["format"] != STATE_FORMAT:
        raise ValueError(f"format {document['format']}")
    notes = tuple(
        StampedNote(
            NoteContent(
                guid=str(note["guid"]),
                kind=_kind(note["kind"]),
                item_id=str(note["id"]),
                fields=tuple(str(value) for value in note["fields"]),
                tags=tuple(str(tag) for tag in note["tags"]),
            ),
            int(note["mod"]),
            "unchanged",
        )
        for note in document["notes"]
    )
    return BuildState(
        title=str(document["title"]),
        created=int(document["created"]),
        notes=notes,
        note_types={
            str(type_id): (str(entry["digest"]), int(entry["mod"]))
            for type_id, entry in document["note_types"].items()
        },
        metadata=(str(document["metadata"]["digest"]), int(document["metadata"]["mod"])),
    )
