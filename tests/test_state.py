"""The build state planner: when each note last changed, and what a build tells the user."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from exporter.anki.notes import NoteContent
from exporter.anki.state import (
    REMOVED_TAG,
    BuildPlan,
    BuildState,
    StampedNote,
    plan_build,
    read_state,
    state_to_json,
)
from exporter.errors import ExporterError

NOTE = NoteContent("guid-q", "question", "q", ("Q", "A", ""), ("deck",))
EDITED = NoteContent("guid-q", "question", "q", ("Q", "B", ""), ("deck",))
THEME = NoteContent("guid-t", "theme", "t", ("T", "S"), ("deck",))
TYPES = {"1": "digest-1", "2": "digest-2"}


def _plan(
    notes: Sequence[NoteContent],
    previous: BuildState | None,
    now: int,
    title: str = "Title",
    metadata: object = ("Title",),
    note_type_digests: dict[str, str] = TYPES,
    forget_removed: bool = False,
) -> BuildPlan:
    return plan_build(
        title=title,
        metadata=metadata,
        notes=notes,
        note_type_digests=note_type_digests,
        previous=previous,
        now=now,
        forget_removed=forget_removed,
    )


def _mods(plan: BuildPlan) -> list[tuple[str, int, str]]:
    return [(note.content.item_id, note.mod, note.status) for note in plan.notes]


def test_first_build_stamps_everything_now() -> None:
    plan = _plan([NOTE, THEME], previous=None, now=1000)
    assert _mods(plan) == [("q", 1000, "new"), ("t", 1000, "new")]
    assert plan.created == plan.modified == 1000
    assert plan.note_type_mods == {"1": 1000, "2": 1000}
    assert plan.warnings == ()


def test_changed_note_is_always_strictly_newer() -> None:
    previous = BuildState("Title", created=100, notes=(StampedNote(NOTE, 500, "new"),))
    # The clock went backwards (another machine, SOURCE_DATE_EPOCH): still newer.
    assert _mods(_plan([EDITED], previous, now=300)) == [("q", 501, "updated")]
    assert _mods(_plan([EDITED], previous, now=900)) == [("q", 900, "updated")]
    unchanged = _plan([NOTE], previous, now=900)
    assert _mods(unchanged) == [("q", 500, "unchanged")]
    assert unchanged.created == 100


def test_only_the_edited_note_gets_a_new_time() -> None:
    first = _plan([NOTE, THEME], previous=None, now=1000)
    second = _plan([EDITED, THEME], previous=first.state, now=2000)
    assert _mods(second) == [("q", 2000, "updated"), ("t", 1000, "unchanged")]
    assert second.note_type_mods == {"1": 1000, "2": 1000}
    assert second.modified == 2000


def test_removed_note_stays_tagged_once_and_warns_once() -> None:
    first = _plan([NOTE, THEME], previous=None, now=1000)
    second = _plan([NOTE], previous=first.state, now=2000)
    removed = second.notes[1]
    assert (removed.content.item_id, removed.status, removed.mod) == ("t", "removed", 2000)
    assert removed.content.tags == ("deck", REMOVED_TAG)
    assert second.warnings == (
        f"theme 't' is gone from the data: its note stays in the package tagged {REMOVED_TAG};"
        f" delete it in Anki (search tag:{REMOVED_TAG})",
    )
    third = _plan([NOTE], previous=second.state, now=3000)
    assert _mods(third) == [("q", 1000, "unchanged"), ("t", 2000, "removed")]
    assert third.warnings == ()
    forgotten = _plan([NOTE], previous=second.state, now=3000, forget_removed=True)
    assert _mods(forgotten) == [("q", 1000, "unchanged")]


def test_changed_note_type_and_metadata_get_new_times() -> None:
    first = _plan([NOTE], previous=None, now=1000)
    restyled = _plan(
        [NOTE], first.state, now=2000, note_type_digests={"1": "other", "2": "digest-2"}
    )
    assert restyled.note_type_mods == {"1": 2000, "2": 1000}
    assert _mods(restyled) == [("q", 1000, "unchanged")]
    described = _plan([NOTE], first.state, now=3000, metadata=("Title", "a description"))
    assert described.modified == 3000
    assert _mods(described) == [("q", 1000, "unchanged")]


def test_new_title_warns_with_both_titles() -> None:
    first = _plan([NOTE], previous=None, now=1000)
    renamed = _plan([NOTE], first.state, now=2000, title="New")
    assert renamed.warnings == (
        "deck title changed from 'Title' to 'New': Anki matches decks by name, so cards"
        " already imported stay in 'Title' (rename that deck in Anki before importing to"
        " keep them together)",
    )


def test_state_reads_back_as_written(tmp_path: Path) -> None:
    plan = _plan([NOTE, THEME], previous=None, now=1000)
    path = tmp_path / "deck.state.json"
    path.write_bytes(state_to_json(plan.state))
    read = read_state(path)
    assert read is not None
    assert state_to_json(read) == path.read_bytes()
    assert _plan([NOTE, THEME], read, now=5000).notes == tuple(
        StampedNote(note.content, note.mod, "unchanged") for note in plan.notes
    )
    assert read_state(tmp_path / "missing.state.json") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "cannot read the build state"),
        ('{"format": 99}', "the build state is not in a known format"),
    ],
)
def test_unreadable_state_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "deck.state.json"
    path.write_text(text)
    with pytest.raises(ExporterError, match=message):
        read_state(path)
