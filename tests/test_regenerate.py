"""The edit → build → re-import loop, against the real Anki backend with default options."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from anki.collection import Collection
from click.testing import CliRunner
from support import REPO, SHIPPED_DECK, Imported, answer_every_card, copy_shipped, import_apkg

from exporter.anki import notes as anki_notes
from exporter.anki.notes import QUESTION_TYPE
from exporter.cli import main

V1_TIME = 1_700_000_000
V2_TIME = V1_TIME + 600
DECK_ID = "anthropic-culture-fit"
EDITED_ANSWER_START = "I appreciate the emphasis on a low-ego, high-trust culture"


class Workspace:
    """A copy of the shipped data, its output folder and one Anki collection."""

    def __init__(self, root: Path, runner: CliRunner) -> None:
        self.runner = runner
        self.root = root
        self.data = root / "data" / "anthropic-culture-fit.yaml"
        self.data.parent.mkdir()
        shutil.copy(SHIPPED_DECK, self.data)
        self.out = root / "out"
        self.state = self.data.with_name(f"{DECK_ID}.state.json")
        self.collection: Collection | None = None

    def build(self, clock: int | None, out: Path | None = None) -> tuple[str, str]:
        """Build into `out` (default: the workspace's) as if the clock said `clock`
        (None: the real clock)."""
        with pytest.MonkeyPatch.context() as patch:
            if clock is not None:
                patch.setattr(time, "time", lambda: float(clock))
            result = self.runner.invoke(
                main, ["build", str(self.data.parent), "--out", str(out or self.out)]
            )
        assert result.exit_code == 0, result.output
        return result.stdout, result.stderr

    def edit(self, old: str, new: str) -> None:
        text = self.data.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        self.data.write_text(text.replace(old, new), encoding="utf-8")

    def import_deck(self, out: Path | None = None) -> Imported:
        if self.collection is not None:
            self.collection.close()
        package = (out or self.out) / f"{DECK_ID}.apkg"
        imported = import_apkg(package, self.root / "collection.anki2")
        self.collection = imported.collection
        return imported

    def outputs(self) -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sorted(self.out.iterdir())}


@pytest.fixture
def workspace(tmp_path: Path, runner: CliRunner) -> Iterator[Workspace]:
    space = Workspace(tmp_path, runner)
    yield space
    if space.collection is not None:
        space.collection.close()


def _history(col: Collection) -> dict[int, tuple[int, int, int, int, int]]:
    rows = col.db.all("select id, nid, type, ivl, reps, due from cards")
    return {row[0]: tuple(row[1:]) for row in rows}


def _log_counts(imported: Imported) -> dict[str, int]:
    log = imported.log
    names = ("new", "updated", "duplicate", "conflicting", "first_field_match", "missing_notetype")
    return {name: len(getattr(log, name)) for name in names}


def _note(col: Collection, question: str) -> object:
    return col.get_note(col.find_notes(f'"Question:{question}"')[0])


def test_edited_answer_updates_one_note_and_keeps_all_review_history(
    workspace: Workspace,
) -> None:
    workspace.build(V1_TIME)
    workspace.import_deck()
    col = workspace.collection
    assert col is not None
    answer_every_card(col)
    history = _history(col)
    reviews = col.db.scalar("select count() from revlog")
    assert reviews == 12
    assert all(reps == 1 for *_, reps, _ in history.values())

    workspace.edit(EDITED_ANSWER_START, "I value the emphasis on a low-ego, high-trust culture")
    stdout, _ = workspace.build(V2_TIME)
    assert stdout == (
        f"{DECK_ID}: 1 updated, 11 unchanged → {workspace.out}/{DECK_ID}.apkg,"
        f" {workspace.out}/{DECK_ID}.docx, {workspace.out}/{DECK_ID}-practice.docx,"
        f" {workspace.out}/{DECK_ID}-cards.docx\n"
    )
    imported = workspace.import_deck()
    col = imported.collection
    counts = _log_counts(imported)
    assert (counts["updated"], counts["new"], counts["conflicting"]) == (1, 0, 0)
    assert col.note_count() == 12
    note = _note(col, "What about Anthropic’s culture resonates with you?")
    assert note.fields[1].startswith("<p>I value the emphasis")  # type: ignore[attr-defined]
    assert _history(col) == history
    assert col.db.scalar("select count() from revlog") == reviews


def test_reworded_question_updates_the_same_note(workspace: Workspace) -> None:
    workspace.build(V1_TIME)
    col = workspace.import_deck().collection
    note_id = col.find_notes('"Question:Why do you want to work at Anthropic?"')[0]
    workspace.edit(
        "question: Why do you want to work at Anthropic?",
        "question: What draws you to Anthropic?",
    )
    workspace.build(V2_TIME)
    imported = workspace.import_deck()
    counts = _log_counts(imported)
    assert (counts["updated"], counts["new"], counts["conflicting"]) == (1, 0, 0)
    col = imported.collection
    assert col.find_notes('"Question:What draws you to Anthropic?"') == [note_id]
    assert col.note_count() == 12


def test_changed_css_updates_the_note_type_and_no_note(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.build(V1_TIME)
    workspace.import_deck()
    restyled = replace(QUESTION_TYPE, css=QUESTION_TYPE.css + "\n.prompt { color: inherit; }\n")
    monkeypatch.setitem(anki_notes.NOTE_TYPES, "question", restyled)  # type: ignore[arg-type]
    stdout, _ = workspace.build(V2_TIME)
    assert f"{DECK_ID}: 12 unchanged" in stdout
    imported = workspace.import_deck()
    counts = _log_counts(imported)
    assert (counts["updated"], counts["new"], counts["conflicting"]) == (0, 0, 0)
    model = imported.collection.models.get(QUESTION_TYPE.id)
    assert model is not None
    assert model["css"].endswith(".prompt { color: inherit; }\n")
    assert model["mod"] == V2_TIME


def test_unchanged_rebuild_is_byte_identical_and_imports_as_no_change(
    workspace: Workspace,
) -> None:
    workspace.build(None)
    first = workspace.outputs()
    before = workspace.import_deck().collection.db.all("select id, mod, flds from notes")
    workspace.build(None)
    workspace.build(V2_TIME * 2)  # a much later clock changes nothing either
    assert workspace.outputs() == first
    imported = workspace.import_deck()
    counts = _log_counts(imported)
    assert (counts["updated"], counts["new"], counts["conflicting"]) == (0, 0, 0)
    assert imported.collection.db.all("select id, mod, flds from notes") == before


def test_removed_question_is_tagged_for_deletion(workspace: Workspace) -> None:
    workspace.build(V1_TIME)
    workspace.import_deck()
    text = workspace.data.read_text(encoding="utf-8")
    start = text.index("  - id: culture\n")
    end = text.index("  - id: safety-day-to-day\n")
    workspace.data.write_text(text[:start] + text[end:], encoding="utf-8")

    stdout, stderr = workspace.build(V2_TIME)
    assert stdout.startswith(f"{DECK_ID}: 11 unchanged, 1 removed → ")
    assert stderr == (
        f"{DECK_ID}: warning: question 'culture' is gone from the data: its note stays in the"
        " package tagged exporter::removed; delete it in Anki (search tag:exporter::removed)\n"
    )
    imported = workspace.import_deck()
    counts = _log_counts(imported)
    assert (counts["updated"], counts["new"]) == (1, 0)
    col = imported.collection
    [removed] = col.find_notes("tag:exporter::removed")
    assert col.get_note(removed).fields[0] == "What about Anthropic’s culture resonates with you?"

    handout = docx.Document(str(workspace.out / f"{DECK_ID}.docx"))
    assert "culture resonates" not in "\n".join(p.text for p in handout.paragraphs)

    apkg = (workspace.out / f"{DECK_ID}.apkg").read_bytes()
    stdout, stderr = workspace.build(V2_TIME + 600)
    assert (stdout.split(" → ")[0], stderr) == (f"{DECK_ID}: 11 unchanged, 1 removed", "")
    assert (workspace.out / f"{DECK_ID}.apkg").read_bytes() == apkg

    # Deleted in Anki, then forgotten: the next import does not bring it back.
    col.remove_notes([removed])
    result = workspace.runner.invoke(
        main, ["build", str(workspace.data), "--out", str(workspace.out), "--forget-removed"]
    )
    assert result.stdout.startswith(f"{DECK_ID}: 11 unchanged → ")
    imported = workspace.import_deck()
    assert imported.collection.note_count() == 11
    assert imported.collection.find_notes("tag:exporter::removed") == []


def test_edit_made_inside_anki_survives_a_reimport(workspace: Workspace) -> None:
    workspace.build(V1_TIME)
    col = workspace.import_deck().collection
    note = _note(col, "Why do you want to work at Anthropic?")
    note.fields[1] = "<p>My own words.</p>"  # type: ignore[attr-defined]
    col.update_note(note)  # type: ignore[arg-type]

    workspace.edit(EDITED_ANSWER_START, "I value the emphasis on a low-ego, high-trust culture")
    workspace.build(V2_TIME)
    imported = workspace.import_deck()
    assert _log_counts(imported)["updated"] == 1
    mine = _note(imported.collection, "Why do you want to work at Anthropic?")
    assert mine.fields[1] == "<p>My own words.</p>"  # type: ignore[attr-defined]


def test_renamed_deck_warns_with_both_titles(workspace: Workspace) -> None:
    workspace.build(V1_TIME)
    workspace.edit("title: Culture Fit Q&A for Anthropic", "title: Anthropic Interview Prep")
    _, stderr = workspace.build(V2_TIME)
    assert stderr == (
        f"{DECK_ID}: warning: deck title changed from 'Culture Fit Q&A for Anthropic' to"
        " 'Anthropic Interview Prep': Anki matches decks by name, so cards already imported"
        " stay in 'Culture Fit Q&A for Anthropic' (rename that deck in Anki before importing"
        " to keep them together)\n"
    )


def test_build_leaves_no_temporary_files(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    out = tmp_path / "out"
    data = copy_shipped(tmp_path / "data")
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-m", "exporter", "build", str(data), "--out", str(out)],
            env=env,
            check=True,
            capture_output=True,
            cwd=REPO,
        )
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == [
        f"{DECK_ID}-cards.docx",
        f"{DECK_ID}-practice.docx",
        f"{DECK_ID}.apkg",
        f"{DECK_ID}.docx",
    ]
    assert sorted(p.name for p in data.parent.iterdir()) == [
        f"{DECK_ID}.state.json",
        f"{DECK_ID}.yaml",
    ]


CULTURE = "What about Anthropic’s culture resonates with you?"
WHY = "Why do you want to work at Anthropic?"
NIX_EPOCH = "315532800"  # what nix-shell, nix develop and devbox export: 1980


def _answer(imported: Imported, question: str) -> str:
    return str(_note(imported.collection, question).fields[1])  # type: ignore[attr-defined]


def test_a_pinned_source_date_epoch_never_holds_back_an_edit(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NIX_EPOCH)
    workspace.build(None)
    col = workspace.import_deck().collection
    note = _note(col, CULTURE)
    note.fields[0] = "What about Anthropic’s culture speaks to you?"  # type: ignore[attr-defined]
    col.update_note(note)  # type: ignore[arg-type]
    # Later, the answer of the same question is edited in the data.
    workspace.edit(EDITED_ANSWER_START, "I value the emphasis on a low-ego, high-trust culture")
    workspace.build(int(time.time()) + 5)
    imported = workspace.import_deck()
    assert _log_counts(imported)["updated"] == 1
    assert _answer(imported, CULTURE).startswith("<p>I value the emphasis")


def test_without_its_state_a_build_refreshes_every_note_whatever_the_epoch(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, own_cache: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NIX_EPOCH)
    workspace.build(None)
    workspace.import_deck()
    workspace.state.unlink()  # never committed, say: this machine still remembers
    workspace.edit(EDITED_ANSWER_START, "I value the emphasis on a low-ego, high-trust culture")
    stdout, _ = workspace.build(int(time.time()) + 5)
    assert stdout.startswith(f"{DECK_ID}: 1 updated, 11 unchanged → ")
    workspace.state.unlink()
    shutil.rmtree(own_cache)  # and a fresh machine: nothing remembers
    workspace.edit("I value the emphasis", "I do value the emphasis")
    stdout, _ = workspace.build(int(time.time()) + 10)
    assert stdout.startswith(f"{DECK_ID}: 12 new → ")
    imported = workspace.import_deck()
    assert _log_counts(imported)["updated"] == 12
    assert _answer(imported, CULTURE).startswith("<p>I do value the emphasis")


def test_a_state_checked_out_from_history_never_holds_back_a_revert(
    workspace: Workspace,
) -> None:
    now = int(time.time())
    workspace.build(now)
    committed = workspace.data.read_bytes(), workspace.state.read_bytes()
    original = _answer(workspace.import_deck(), CULTURE)
    workspace.edit(EDITED_ANSWER_START, "I value the emphasis on a low-ego, high-trust culture")
    workspace.build(now + 10)
    workspace.import_deck()
    workspace.data.write_bytes(committed[0])  # git checkout HEAD -- data
    workspace.state.write_bytes(committed[1])
    stdout, _ = workspace.build(now + 20)
    assert stdout.startswith(f"{DECK_ID}: 1 updated, 11 unchanged → ")
    imported = workspace.import_deck()
    assert _log_counts(imported)["updated"] == 1
    assert _answer(imported, CULTURE) == original


def test_a_renamed_data_file_keeps_its_history(workspace: Workspace) -> None:
    now = int(time.time())
    workspace.build(now)
    workspace.import_deck()
    renamed = workspace.data.with_name("interview.yaml")
    workspace.data.rename(renamed)
    workspace.data = renamed
    stdout, _ = workspace.build(now + 10)
    assert stdout.startswith(f"{DECK_ID}: 12 unchanged → ")
    assert _log_counts(workspace.import_deck())["updated"] == 0


def test_a_build_into_another_folder_and_back_loses_nothing(workspace: Workspace) -> None:
    now = int(time.time())
    workspace.build(now)
    original = _answer(workspace.import_deck(), CULTURE)
    workspace.edit(EDITED_ANSWER_START, "I value the emphasis on a low-ego, high-trust culture")
    prep = workspace.root / "prep"
    workspace.build(now + 10, out=prep)
    assert _answer(workspace.import_deck(prep), CULTURE).startswith("<p>I value the emphasis")
    workspace.edit("I value the emphasis on a low-ego, high-trust culture", EDITED_ANSWER_START)
    stdout, _ = workspace.build(now + 20)
    assert stdout.startswith(f"{DECK_ID}: 1 updated, 11 unchanged → ")
    imported = workspace.import_deck()
    assert _log_counts(imported)["updated"] == 1
    assert _answer(imported, CULTURE) == original


def test_a_question_moved_into_the_themes_with_its_id_is_refused(workspace: Workspace) -> None:
    workspace.build(None)
    text = workspace.data.read_text(encoding="utf-8")
    start = text.index("  - id: why-anthropic")
    end = text.index("  - id: ", start + 1)
    theme = "  - id: why-anthropic\n    title: Why Anthropic\n    summary: The mission.\n"
    workspace.data.write_text(text[:start] + text[end:] + theme, encoding="utf-8")
    line = (text[:start] + text[end:] + theme).count("\n", 0, -len(theme)) + 1
    before = workspace.outputs(), workspace.state.read_bytes()
    result = workspace.runner.invoke(
        main, ["build", str(workspace.data), "--out", str(workspace.out)]
    )
    assert (result.exit_code, result.stderr) == (
        1,
        f"{workspace.data}:{line}: theme 'why-anthropic' was a question in earlier builds,"
        " and Anki cannot turn a question's note into a theme's: give it a new id (the old"
        " note then stays in Anki, tagged exporter::removed)\n",
    )
    assert (workspace.outputs(), workspace.state.read_bytes()) == before


def _deck_file(folder: Path, deck_id: str, questions: dict[str, str]) -> Path:
    text = f"deck:\n  id: {deck_id}\n  title: {deck_id.title()}\nquestions:\n" + "".join(
        f"  - id: {item}\n    question: {item.title()}?\n    answer: {answer}\n"
        for item, answer in questions.items()
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _built(runner: CliRunner, data: Path, out: Path, *options: str) -> str:
    result = runner.invoke(main, ["build", str(data), "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return result.stdout.split(" → ")[0]


def test_two_projects_with_one_deck_id_leave_each_other_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = _deck_file(tmp_path / "a" / "data", "interview", {"google": "Search."})
    second = _deck_file(tmp_path / "b" / "data", "interview", {"meta": "Social."})
    assert _built(runner, first, tmp_path / "a" / "out") == "interview: 1 new"
    imported = import_apkg(tmp_path / "a" / "out" / "interview.apkg", tmp_path / "c.anki2")
    imported.collection.close()
    assert _built(runner, second, tmp_path / "b" / "out") == "interview: 1 new"
    assert "google" not in (second.parent / "deck.state.json").read_text()
    imported = import_apkg(tmp_path / "b" / "out" / "interview.apkg", tmp_path / "c.anki2")
    try:
        assert imported.collection.find_notes("tag:exporter::removed") == []
    finally:
        imported.collection.close()


def test_outputs_in_the_data_folder_never_take_another_decks_state(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    (data / "foo.yaml").parent.mkdir()
    (data / "foo.yaml").write_text(MINIMAL_DECK_WITH_ID.format(deck_id="bar"), encoding="utf-8")
    (data / "bar.yaml").write_text(MINIMAL_DECK_WITH_ID.format(deck_id="baz"), encoding="utf-8")
    _built(runner, data / "bar.yaml", tmp_path / "out")
    theirs = (data / "bar.state.json").read_bytes()
    assert _built(runner, data / "foo.yaml", data) == "bar: 1 new"
    assert (data / "bar.state.json").read_bytes() == theirs


def test_a_deck_id_changed_and_changed_back_keeps_edits_made_in_anki(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = _deck_file(tmp_path / "data", "alpha", {"first": "One.", "second": "Two."})
    out = tmp_path / "out"
    _built(runner, data, out)
    imported = import_apkg(out / "alpha.apkg", tmp_path / "c.anki2")
    col = imported.collection
    note = col.get_note(col.find_notes('"Question:First?"')[0])
    note.fields[1] = "<p>My own words.</p>"
    col.update_note(note)
    col.close()
    data.write_text(data.read_text().replace("id: alpha", "id: beta"), encoding="utf-8")
    _built(runner, data, out)
    data.write_text(data.read_text().replace("id: beta", "id: alpha"), encoding="utf-8")
    assert _built(runner, data, out) == "alpha: 2 unchanged"
    imported = import_apkg(out / "alpha.apkg", tmp_path / "c.anki2")
    try:
        assert _log_counts(imported)["updated"] == 0
        assert _log_counts(imported)["new"] == 0
        kept = imported.collection.get_note(imported.collection.find_notes('"Question:First?"')[0])
        assert kept.fields[1] == "<p>My own words.</p>"
    finally:
        imported.collection.close()


def test_a_forgotten_note_never_comes_back_from_an_older_state(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = _deck_file(tmp_path / "data", "deck", {"kept": "Here.", "gone": "Soon gone."})
    state = data.with_name("deck.state.json")
    out = tmp_path / "out"
    _built(runner, data, out)
    _deck_file(tmp_path / "data", "deck", {"kept": "Here."})
    _built(runner, data, out)  # "gone" is tagged exporter::removed
    committed = state.read_bytes()
    imported = import_apkg(out / "deck.apkg", tmp_path / "c.anki2")
    col = imported.collection
    col.remove_notes(list(col.find_notes("tag:exporter::removed")))
    col.close()
    assert _built(runner, data, out, "--forget-removed") == "deck: 1 unchanged"
    state.write_bytes(committed)  # git checkout of the state from before
    assert _built(runner, data, out) == "deck: 1 unchanged"
    imported = import_apkg(out / "deck.apkg", tmp_path / "c.anki2")
    try:
        assert _log_counts(imported)["new"] == 0
        assert imported.collection.note_count() == 1
    finally:
        imported.collection.close()


MINIMAL_DECK_WITH_ID = (
    "deck:\n  id: {deck_id}\n  title: Demo\nquestions:\n"
    "  - id: first\n    question: What is first?\n    answer: The first answer.\n"
)


def test_a_new_project_sharing_one_note_takes_only_that_note(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = _deck_file(tmp_path / "a", "prep", {"intro": "Me.", "google": "Search."})
    second = _deck_file(tmp_path / "b", "prep", {"intro": "Me.", "anthropic": "Safety."})
    _built(runner, first, tmp_path / "a-out")
    result = runner.invoke(main, ["build", str(second), "--out", str(tmp_path / "b-out")])
    assert result.exit_code == 0, result.output
    assert result.stdout.split(" → ")[0] == "prep: 1 new, 1 unchanged"
    assert result.stderr == ""  # nothing of the other project announced as removed
    assert "google" not in (second.parent / "deck.state.json").read_text()


def test_a_teammates_edit_reaches_this_machines_anki_even_over_an_older_anki_edit(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = _deck_file(tmp_path / "mine", "team", {"a": "A0.", "b": "B0."})
    out = tmp_path / "out"
    now = int(time.time())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: float(now - 100))
        _built(runner, data, out)
    imported = import_apkg(out / "team.apkg", tmp_path / "c.anki2")
    col = imported.collection
    note = col.get_note(col.find_notes('"Question:B?"')[0])
    note.fields[1] = "<p>My own words.</p>"
    col.update_note(note)  # edited here before the teammate's change arrives
    col.close()
    # The teammate's machine: another cache, their edit of b, built later; I pull both.
    theirs = _deck_file(tmp_path / "theirs", "team", {"a": "A0.", "b": "B1 from the team."})
    shutil.copy(data.with_name("deck.state.json"), theirs.with_name("deck.state.json"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "their-cache"))
        _built(runner, theirs, tmp_path / "their-out")
    shutil.copy(theirs, data)
    shutil.copy(theirs.with_name("deck.state.json"), data.with_name("deck.state.json"))
    assert _built(runner, data, out) == "team: 1 updated, 1 unchanged"
    imported = import_apkg(out / "team.apkg", tmp_path / "c.anki2")
    try:
        col = imported.collection
        note = col.get_note(col.find_notes('"Question:B?"')[0])
        assert note.fields[1] == "<p>B1 from the team.</p>"
    finally:
        imported.collection.close()


def test_a_damaged_cached_copy_is_passed_over(
    runner: CliRunner, tmp_path: Path, own_cache: Path
) -> None:
    data = _deck_file(tmp_path / "data", "deck", {"a": "One."})
    _built(runner, data, tmp_path / "out")
    (own_cache / "exporter" / "states" / "deck.state.json").write_text("{ damaged")
    assert _built(runner, data, tmp_path / "out") == "deck: 1 unchanged"


def test_a_state_whose_data_file_is_gone_is_announced(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _deck_file(folder, "deck", {"a": "One."})
    (folder / "deck.yaml").rename(folder / "old.yaml")
    _built(runner, folder / "old.yaml", tmp_path / "out")
    (folder / "old.yaml").rename(folder / "deck.yaml")
    result = runner.invoke(main, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"{folder.resolve()}/old.state.json: its data file is gone; the notes it built stay in"
        " Anki, untagged (a question moved to another deck is a new card there). Delete the"
        " state once you have dealt with them in Anki"
    )


def test_a_data_file_of_any_name_or_spelling_keeps_its_state_unannounced(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    _deck_file(folder, "deck", {"a": "One."}).rename(folder / "notes.txt")
    _deck_file(folder, "other", {"b": "Two."}).rename(folder / "other.Yaml")
    out = tmp_path / "out"
    for paths in ([folder / "notes.txt"], [folder / "other.Yaml"], [folder / "notes.txt"]):
        result = runner.invoke(main, ["build", *map(str, paths), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
    assert sorted(path.name for path in folder.glob("*.state.json")) == [
        "notes.state.json",
        "other.state.json",
    ]
