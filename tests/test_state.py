"""The build state planner: when each note last changed, and what a build tells the user."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.anki.notes import NoteContent, NoteKind
from exporter.anki.state import (
    MAX_SECONDS,
    REMOVED_TAG,
    BuildPlan,
    BuildState,
    StampedNote,
    plan_build,
)
from exporter.anki.state_files import read_state, state_to_json
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
        deck_id="deck",
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
    previous = BuildState("deck", "Title", created=100, notes=(StampedNote(NOTE, 500, "new"),))
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


def test_forgetting_removed_notes_spares_those_removed_in_the_same_build() -> None:
    # Dropped untagged, the note would stay in Anki unmarked forever.
    first = _plan([NOTE, THEME], previous=None, now=1000)
    second = _plan([NOTE], previous=first.state, now=2000, forget_removed=True)
    assert _mods(second) == [("q", 1000, "unchanged"), ("t", 2000, "removed")]
    assert len(second.warnings) == 1


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
    read = read_state(path, "deck")
    assert read is not None
    assert state_to_json(read) == path.read_bytes()
    assert _plan([NOTE, THEME], read, now=5000).notes == tuple(
        StampedNote(note.content, note.mod, "unchanged") for note in plan.notes
    )
    assert read_state(tmp_path / "missing.state.json", "deck") is None


GOOD_STATE = state_to_json(_plan([NOTE], previous=None, now=1000).state).decode()


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "",
        '{"format": 99}',
        GOOD_STATE.replace('"mod": 1000', '"mod": 1000000000000', 1),  # milliseconds
        GOOD_STATE.replace('"mod": 1000', '"mod": 1e400', 1),
        GOOD_STATE.replace('"mod": 1000', '"mod": -1', 1),
        GOOD_STATE.replace('"mod": 1000', '"mod": true', 1),
        GOOD_STATE.replace('"created": 1000', '"created": 100000000000000000', 1),
        GOOD_STATE.replace('"note_types": {', '"note_types": [{', 1).replace(
            '\n },\n "notes"', '\n }],\n "notes"', 1
        ),
        GOOD_STATE.replace('"kind": "question"', '"kind": "cloze"', 1),
        "[" * 100_000 + "]" * 100_000,
        '{"format": 2, ' + '"a": {' * 10_000 + "}" * 10_001,
    ],
    ids=[
        "truncated",
        "empty",
        "format-99",
        "milliseconds",
        "1e400",
        "negative",
        "bool",
        "created-1e17",
        "note-types-list",
        "unknown-kind",
        "nested-lists",
        "nested-objects",
    ],
)
def test_unreadable_state_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deck.state.json"
    path.write_text(text)
    with pytest.raises(ExporterError) as raised:
        read_state(path, "deck")
    message = str(raised.value)
    assert message.startswith(f"{path}: cannot read the build state (")
    assert message.endswith(
        "); delete it to start afresh (the next import then refreshes every note)"
    )
    assert "\n" not in message


# A build: each item present with its kind and text, and the clock, which may jump
# back (another machine, a pinned SOURCE_DATE_EPOCH in older versions, a fixed clock).
BUILDS = st.lists(
    st.tuples(
        st.dictionaries(
            st.sampled_from("abcd"),
            st.tuples(st.sampled_from(["question", "theme"]), st.sampled_from("xyz")),
        ),
        st.integers(min_value=0, max_value=3000),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300)
@given(builds=BUILDS)
def test_state_invariants_hold_over_any_sequence_of_builds(
    builds: list[tuple[dict[str, tuple[NoteKind, str]], int]],
) -> None:
    state: BuildState | None = None
    emitted: dict[str, NoteContent] = {}  # the last content emitted for each guid
    kinds: dict[str, NoteKind] = {}  # the kind a guid was first emitted as
    for items, now in builds:
        notes = [
            NoteContent(f"guid-{item}", kind, item, (text,), ("deck",))
            for item, (kind, text) in sorted(items.items())
        ]
        plan = _plan(notes, previous=state, now=now)
        # (c) a guid never changes its note type silently: the build is told.
        changed_kind = {note.guid for note in notes if kinds.get(note.guid, note.kind) != note.kind}
        assert {f"guid-{change.item_id}" for change in plan.kind_changes} == changed_kind
        if changed_kind:
            continue  # the build refuses: nothing is emitted, the state stays
        latest = state.latest() if state else 0
        old_mods = {note.content.guid: note.mod for note in state.notes} if state else {}
        for note in plan.notes:
            guid = note.content.guid
            if emitted.get(guid) != note.content:
                # (a) differs from what was last emitted: newer than all the deck emitted,
                # and never older than the clock.
                assert note.mod > latest
                assert note.mod >= now
            else:
                # (b) unchanged: keeps its time.
                assert note.mod == old_mods[guid]
            emitted[guid] = note.content
            kinds.setdefault(guid, note.content.kind)
        state = plan.state


def test_no_time_left_after_the_last_one_word_can_hold_is_an_error() -> None:
    last = _plan([NOTE], previous=None, now=MAX_SECONDS).state
    assert _mods(_plan([NOTE], last, now=1000)) == [("q", MAX_SECONDS, "unchanged")]
    with pytest.raises(ExporterError, match="would need a time after 9999-12-31"):
        _plan([EDITED], last, now=1000)


def test_a_state_ahead_of_the_clock_is_announced() -> None:
    future = _plan([NOTE], previous=None, now=10_000_000)
    plan = _plan([NOTE], future.state, now=1_000)
    assert plan.warnings == (
        "the deck's state holds times ahead of this computer's clock (up to 1970-04-26 17:46"
        " UTC): check the clock; until it catches up, an edit made in Anki may be replaced on"
        " import",
    )


def test_a_title_changed_in_case_only_says_what_anki_does() -> None:
    first = _plan([NOTE], previous=None, now=1000)
    plan = _plan([NOTE], first.state, now=2000, title="TITLE")
    assert plan.warnings == (
        "deck title changed from 'Title' to 'TITLE' in case only: Anki matches deck names"
        " ignoring case, so the deck keeps its old spelling there; rename it in Anki if you"
        " want the new one",
    )
