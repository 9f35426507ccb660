"""`exporter push` against the real Anki backend: a collection in a temporary folder,
profiles in a fake Anki2 folder written as Anki writes it."""

from __future__ import annotations

import pickle
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from anki.collection import Collection
from click.testing import CliRunner, Result
from support import (
    FIXTURES,
    answer_every_card,
    held_open,
    opened_collection,
    write_big_deck,
    write_data,
)

from exporter.anki import notes
from exporter.anki.collection import anki_base
from exporter.cli import main

DECK_ID = "anthropic-culture-fit"
EDITED = "I’m inspired by Anthropic’s mission"
REMOVED_ID = "misuse-escalation"
PICTURE = FIXTURES / "word" / "picture.png"


@pytest.fixture
def collection_path(tmp_path: Path) -> Path:
    path = tmp_path / "anki" / "collection.anki2"
    path.parent.mkdir()
    Collection(str(path)).close()
    return path


def _push(runner: CliRunner, data: Path, *options: str) -> Result:
    out = data.parent / "out"
    return runner.invoke(main, ["push", str(data), "--out", str(out), *options])


def _review_every_card(path: Path) -> int:
    with opened_collection(path) as col:
        answer_every_card(col)
        return int(col.db.scalar("select count() from revlog"))


def _cards(path: Path) -> dict[int, tuple[int, int, int]]:
    with opened_collection(path) as col:
        return {
            row[0]: tuple(row[1:]) for row in col.db.all("select id, nid, ivl, reps from cards")
        }


def _edit(data: Path, old: str, new: str) -> None:
    text = data.read_text("utf-8")
    assert old in text
    data.write_text(text.replace(old, new), "utf-8")


def _remove_question(data: Path, question_id: str) -> None:
    text = data.read_text("utf-8")
    start = text.index(f"  - id: {question_id}\n")
    end = text.index("\n  - id: ", start + 1)
    end = min(end, text.index("\nthemes:", start))
    data.write_text(text[:start] + text[end + 1 :], "utf-8")


def _summary(result: Result) -> str:
    return next(
        line
        for line in result.stdout.splitlines()
        if " → " in line and ": " in line and "apkg" not in line
    )


def test_push_edit_remove_confirm_and_nothing_left_to_do(
    runner: CliRunner, data: Path, collection_path: Path
) -> None:
    target = str(collection_path)
    first = _push(runner, data, "--collection", target)
    assert first.exit_code == 0, first.output
    assert _summary(first) == f"{DECK_ID} → {target}: 0 updated, 0 unchanged, 12 new, 0 deleted"
    assert (data.parent / "out" / f"{DECK_ID}.apkg").exists()  # built as `exporter build` does
    with opened_collection(collection_path) as col:
        assert col.note_count() == 12
        names = {col.decks.name(col.get_card(cid).did) for cid in col.find_cards("")}
        assert names == {"Culture Fit Q&A for Anthropic", "Culture Fit Q&A for Anthropic::Themes"}
    assert _review_every_card(collection_path) == 12
    reviewed = _cards(collection_path)

    _edit(data, EDITED, "I am inspired by Anthropic’s mission")
    edited = _push(runner, data, "--collection", target)
    assert edited.exit_code == 0, edited.output
    assert _summary(edited) == f"{DECK_ID} → {target}: 1 updated, 11 unchanged, 0 new, 0 deleted"
    assert _cards(collection_path) == reviewed  # every card, its interval and its reviews
    with opened_collection(collection_path) as col:
        assert col.find_notes('"Answer:*I am inspired by*"')

    _remove_question(data, REMOVED_ID)
    waiting = _push(runner, data, "--collection", target)  # not a terminal: nothing is asked
    assert waiting.exit_code == 0, waiting.output
    assert _summary(waiting) == (
        f"{DECK_ID} → {target}: 0 updated, 11 unchanged, 0 new, 0 deleted,"
        " 1 waiting to be deleted (--yes deletes them)"
    )
    assert waiting.stderr == (
        "1 note of questions removed from the data in Anki:\n"
        "  If you encountered evidence that a model you were working on could be misused in"
        " a harmful way, how would you handle it? (1 reviews)\n"
    )
    with opened_collection(collection_path) as col:
        assert col.note_count() == 12

    deleted = _push(runner, data, "--collection", target, "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert _summary(deleted) == f"{DECK_ID} → {target}: 0 updated, 11 unchanged, 0 new, 1 deleted"
    with opened_collection(collection_path) as col:
        assert col.note_count() == 11
        assert int(col.db.scalar("select count() from revlog")) == 12  # Anki keeps the log

    again = _push(runner, data, "--collection", target)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        f"{DECK_ID}: 11 unchanged → {data.parent}/out/{DECK_ID}.apkg,"
        f" {data.parent}/out/{DECK_ID}.docx, {data.parent}/out/{DECK_ID}-practice.docx,"
        f" {data.parent}/out/{DECK_ID}-cards.docx",
        f"{DECK_ID} → {target}: 0 updated, 11 unchanged, 0 new, 0 deleted",
    ]


def test_an_edit_made_in_anki_survives_a_push(
    runner: CliRunner, data: Path, collection_path: Path
) -> None:
    assert _push(runner, data, "--collection", str(collection_path)).exit_code == 0
    with opened_collection(collection_path) as col:
        [note_id] = col.find_notes(f'"Answer:*{EDITED}*"')
        note = col.get_note(note_id)
        note["Answer"] = "My own words, written on the phone."
        col.update_note(note)
    _edit(data, "Testing, evaluation", "Testing and evaluation")  # another note changes
    result = _push(runner, data, "--collection", str(collection_path))
    assert result.exit_code == 0, result.output
    assert "1 updated, 11 unchanged" in _summary(result)
    with opened_collection(collection_path) as col:
        assert col.get_note(note_id)["Answer"] == "My own words, written on the phone."


def test_a_dry_run_writes_nothing(runner: CliRunner, data: Path, collection_path: Path) -> None:
    assert _push(runner, data, "--collection", str(collection_path)).exit_code == 0
    _edit(data, EDITED, "I am inspired by Anthropic’s mission")
    before = {path: path.read_bytes() for path in [*data.parent.rglob("*")] if path.is_file()}
    times = {path: path.stat().st_mtime_ns for path in before}
    result = _push(runner, data, "--collection", str(collection_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{DECK_ID} → {collection_path} (dry run, nothing written):"
        " 1 updated, 11 unchanged, 0 new, 0 deleted\n"
    )
    after = {path: path.read_bytes() for path in [*data.parent.rglob("*")] if path.is_file()}
    assert after == before
    assert {path: path.stat().st_mtime_ns for path in after} == times


def test_a_collection_open_in_anki_is_left_alone(
    runner: CliRunner, data: Path, collection_path: Path
) -> None:
    package = data.parent / "out" / f"{DECK_ID}.apkg"
    with held_open(collection_path):  # as Anki desktop holds it while it runs
        for options, named in (([], str(package)), (["--dry-run"], "the .apkg")):
            result = _push(runner, data, "--collection", str(collection_path), *options)
            assert result.exit_code == 1
            assert result.stderr == (
                f"{collection_path} is open in Anki: close Anki and run again,"
                f" or import {named} with File → Import\n"
            )
    with opened_collection(collection_path) as col:
        assert col.note_count() == 0
    assert not (data.parent / "out").exists()


def test_the_schema_is_kept_and_a_note_type_change_is_told(
    runner: CliRunner, data: Path, collection_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def schema() -> int:
        with opened_collection(collection_path) as col:
            return int(col.db.scalar("select scm from col"))

    assert _push(runner, data, "--collection", str(collection_path)).exit_code == 0
    first = schema()
    _edit(data, EDITED, "I am inspired by Anthropic’s mission")
    result = _push(runner, data, "--collection", str(collection_path))
    assert schema() == first
    assert "sync" not in result.stderr

    # A later version of the exporter whose cards have other templates.
    question = notes.NOTE_TYPES["question"]
    changed = replace(question, back=question.back + '\n<div class="source">exporter</div>')
    monkeypatch.setitem(notes.NOTE_TYPES, "question", changed)  # type: ignore[index]
    result = _push(runner, data, "--collection", str(collection_path))
    assert result.exit_code == 0, result.output
    with opened_collection(collection_path) as col:
        model = col.models.get(question.id)  # type: ignore[arg-type]
        assert model is not None
        assert model["tmpls"][0]["afmt"] == changed.back
    # Anki updates templates in place without a schema change (measured): a full sync
    # is announced exactly when the schema did change.
    assert ("full one" in result.stderr) == (schema() != first)


# Profiles


def _anki_base(folder: Path, profiles: list[str], last: str | None) -> Path:
    """An Anki2 folder as Anki writes it: prefs21.db with pickled settings, a folder
    with a collection per profile."""
    folder.mkdir()
    with closing(sqlite3.connect(folder / "prefs21.db")) as database:
        database.execute("create table profiles (name text primary key collate nocase, data blob)")
        settings: dict[str, object] = {"ver": 0, "firstRun": False, "defaultLang": "en"}
        if last is not None:
            settings["last_loaded_profile_name"] = last
        rows = [("_global", pickle.dumps(settings))]
        rows += [(name, pickle.dumps({"syncKey": None, "numBackups": 50})) for name in profiles]
        database.executemany("insert into profiles values (?, ?)", rows)
        database.commit()
    for name in profiles:
        (folder / name).mkdir()
        Collection(str(folder / name / "collection.anki2")).close()
    return folder


def _notes_in(path: Path) -> int:
    with opened_collection(path) as col:
        return int(col.note_count())


@pytest.mark.parametrize(
    ("profiles", "last", "chosen"),
    [(["User 1"], None, "User 1"), (["Alice", "Bob"], "Bob", "Bob")],
)
def test_the_only_or_the_last_used_profile(
    runner: CliRunner,
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    profiles: list[str],
    last: str | None,
    chosen: str,
) -> None:
    base = _anki_base(tmp_path / "Anki2", profiles, last)
    monkeypatch.setenv("ANKI_BASE", str(base))
    result = _push(runner, data)
    assert result.exit_code == 0, result.output
    assert _summary(result).startswith(f"{DECK_ID} → Anki profile '{chosen}': ")
    assert {name: _notes_in(base / name / "collection.anki2") for name in profiles} == {
        name: 12 if name == chosen else 0 for name in profiles
    }


def test_a_profile_by_name_and_several_without_a_choice(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _anki_base(tmp_path / "Anki2", ["Alice", "Bob"], None)
    monkeypatch.setenv("ANKI_BASE", str(base))
    several = _push(runner, data)
    assert several.exit_code == 1
    assert several.stderr == (
        f"{base}: several Anki profiles, 'Alice', 'Bob'; choose one with --profile\n"
    )
    unknown = _push(runner, data, "--profile", "Carol")
    assert unknown.exit_code == 1
    assert unknown.stderr == f"{base}: no Anki profile 'Carol'; there is 'Alice', 'Bob'\n"
    named = _push(runner, data, "--profile", "alice")  # as Anki, whatever the case
    assert named.exit_code == 0, named.output
    assert _notes_in(base / "Alice" / "collection.anki2") == 12
    assert _notes_in(base / "Bob" / "collection.anki2") == 0


def test_a_settings_pickle_that_names_a_class_is_not_run(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _anki_base(tmp_path / "Anki2", ["Alice", "Bob"], None)
    hostile = b"cos\nsystem\n(S'touch " + str(tmp_path / "ran").encode() + b"'\ntR."
    with closing(sqlite3.connect(base / "prefs21.db")) as database:
        database.execute("update profiles set data = ? where name = '_global'", (hostile,))
        database.commit()
    monkeypatch.setenv("ANKI_BASE", str(base))
    result = _push(runner, data)
    assert result.exit_code == 1
    assert "several Anki profiles" in result.stderr
    assert not (tmp_path / "ran").exists()


def test_no_profiles_and_no_collection_are_one_line_errors(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANKI_BASE", str(tmp_path / "nothing"))
    result = _push(runner, data)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path / 'nothing'}: no Anki profiles here; open Anki once, or name a"
        " collection.anki2 with --collection\n"
    )
    missing = _push(runner, data, "--collection", str(tmp_path / "none.anki2"))
    assert missing.exit_code == 1
    assert missing.stderr == f"{tmp_path / 'none.anki2'}: no such Anki collection\n"


@pytest.mark.parametrize("command", ["push", "pull"])
def test_without_ankis_backend_one_line_says_how_to_install_it(
    runner: CliRunner,
    data: Path,
    collection_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.setitem(sys.modules, "anki.collection", None)  # as if not installed
    result = runner.invoke(main, [command, str(data), "--collection", str(collection_path)])
    assert result.exit_code == 1
    assert (
        result.stderr == f"exporter {command} needs Anki's backend: pip install 'exporter[anki]'\n"
    )


def test_profile_and_collection_together_are_a_usage_error(
    runner: CliRunner, data: Path, collection_path: Path
) -> None:
    result = _push(runner, data, "--collection", str(collection_path), "--profile", "User 1")
    assert result.exit_code == 2
    assert "give --profile or --collection, not both" in result.stderr


def test_pictures_reach_the_collections_media_folder(
    runner: CliRunner, tmp_path: Path, collection_path: Path
) -> None:
    data = tmp_path / "constructs"
    shutil.copytree(FIXTURES / "word", data)
    result = _push(runner, data / "constructs.yaml", "--collection", str(collection_path))
    assert result.exit_code == 0, result.output
    with opened_collection(collection_path) as col:
        media = Path(col.media.dir())
        [field] = [col.get_note(nid)["Answer"] for nid in col.find_notes("picture")]
    pictures = [path for path in media.iterdir() if path.read_bytes() == PICTURE.read_bytes()]
    assert [picture.name for picture in pictures] == re.findall(r'src="([^"]+)"', field)


def test_a_data_mistake_changes_nothing_in_the_collection(
    runner: CliRunner, data: Path, collection_path: Path
) -> None:
    assert _push(runner, data, "--collection", str(collection_path)).exit_code == 0
    before = collection_path.read_bytes()
    _edit(data, "  - id: culture\n", "  - id: Culture Fit\n")
    result = _push(runner, data, "--collection", str(collection_path))
    assert result.exit_code == 1
    assert f"{data}:" in result.stderr
    assert collection_path.read_bytes() == before


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3])
def test_a_push_killed_while_importing_leaves_all_or_nothing(
    tmp_path: Path, collection_path: Path, delay: float
) -> None:
    data = write_big_deck(tmp_path / "big", "Answer {n}, " + "word " * 50)
    out = tmp_path / "out"
    push = [sys.executable, "-m", "exporter", "push", str(data), "--collection"]
    process = subprocess.Popen([*push, str(collection_path), "--out", str(out), "--no-practice"])
    while not (out / "big.apkg").exists() and process.poll() is None:  # built: importing
        time.sleep(0.002)
    time.sleep(delay)
    process.kill()
    process.wait()
    with opened_collection(collection_path) as col:
        assert col.note_count() in (0, 1500)
        assert col.db.scalar("pragma integrity_check") == "ok"


def test_the_anki2_folder_is_the_platforms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANKI_BASE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where Anki looks on Linux
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = {
        "linux": tmp_path / "data" / "Anki2",
        "darwin": tmp_path / "Library" / "Application Support" / "Anki2",
    }
    if sys.platform not in expected:
        pytest.skip(f"the test knows Anki's folder on Linux and macOS, not on {sys.platform}")
    assert anki_base() == expected[sys.platform]
    monkeypatch.setenv("ANKI_BASE", str(tmp_path / "portable"))
    assert anki_base() == tmp_path / "portable"


@pytest.mark.parametrize("options", [[], ["--dry-run"]])
def test_a_file_that_is_not_a_collection_is_named(
    runner: CliRunner, data: Path, tmp_path: Path, options: list[str]
) -> None:
    other = tmp_path / "notes.anki2"
    other.write_text("my notes\n", "utf-8")
    result = _push(runner, data, "--collection", str(other), *options)
    assert result.exit_code == 1
    assert result.stderr == f"{other}: not an Anki collection (file is not a database)\n"
    assert other.read_text("utf-8") == "my notes\n"


def test_a_removed_note_already_deleted_in_anki_is_not_brought_back(
    runner: CliRunner, data: Path, collection_path: Path
) -> None:
    assert _push(runner, data, "--collection", str(collection_path)).exit_code == 0
    _remove_question(data, REMOVED_ID)
    build = runner.invoke(main, ["build", str(data), "--out", str(data.parent / "out")])
    assert build.exit_code == 0, build.output
    with opened_collection(collection_path) as col:  # the user deletes it by hand, the old way
        col.remove_notes(col.find_notes("misused"))
    builds = []
    for _ in range(2):
        result = _push(runner, data, "--collection", str(collection_path))
        assert result.exit_code == 0, result.output
        assert _summary(result).endswith(": 0 updated, 11 unchanged, 0 new, 0 deleted")
        assert result.stderr == ""
        builds.append(result.stdout.split(" → ")[0])
    # The first push brought it back with the package and took it out again, and the
    # state forgot it: the second one no longer carries it.
    assert builds == [f"{DECK_ID}: 11 unchanged, 1 removed", f"{DECK_ID}: 11 unchanged"]
    with opened_collection(collection_path) as col:
        assert col.note_count() == 11
        assert not col.find_notes("misused")


def test_a_push_still_warns_of_a_question_moved_to_another_deck(
    runner: CliRunner, tmp_path: Path, collection_path: Path
) -> None:
    folder = tmp_path / "decks"
    one = "deck:\n  id: one\n  title: One\nquestions:\n"
    question = "  - id: moving\n    question: Where?\n    answer: Here.\n"
    stay = "  - id: staying\n    question: Stay?\n    answer: Yes.\n"
    write_data(folder, one + question + stay, "one.yaml")
    write_data(folder, "deck:\n  id: two\n  title: Two\nquestions:\n" + stay, "two.yaml")
    assert _push(runner, folder, "--collection", str(collection_path)).exit_code == 0
    write_data(folder, one + stay, "one.yaml")
    write_data(folder, "deck:\n  id: two\n  title: Two\nquestions:\n" + stay + question, "two.yaml")
    result = _push(runner, folder, "--collection", str(collection_path))
    assert result.exit_code == 0, result.output
    assert "two: warning: question 'moving' moved here from deck 'one'" in result.stderr
    assert "delete it in Anki" not in result.stderr  # push deletes it itself, once agreed
