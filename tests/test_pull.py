"""`exporter pull` against the real Anki backend: the deck pushed into a collection,
edited there as Anki's editor saves notes, and pulled back into the data file."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from anki.import_export_pb2 import ExportLimit
from click.testing import CliRunner, Result
from docx import Document
from support import FIXTURES, held_open, opened_collection, write_big_deck

from exporter.anki.notes import QUESTION_TYPE
from exporter.cli import CONFLICTS_EXIT, main
from exporter.load import load_deck

DECK_ID = "anthropic-culture-fit"
DECK_NAME = "Culture Fit Q&A for Anthropic"
PHRASE = "reliable, interpretable, and steerable"
PICTURE = FIXTURES / "word" / "picture.png"


@pytest.fixture
def pushed(runner: CliRunner, data: Path, tmp_path: Path) -> Path:
    """A collection holding the shipped deck, pushed there by `exporter push`."""
    path = tmp_path / "anki" / "collection.anki2"
    path.parent.mkdir()
    Collection(str(path)).close()
    result = runner.invoke(
        main, ["push", str(data), "--out", str(tmp_path / "out"), "--collection", str(path)]
    )
    assert result.exit_code == 0, result.output
    return path


def _edit_in_anki(
    path: Path, question: str, field: str, change: str | None = None, **replace: str
) -> int:
    """Edit the note whose question starts with `question` as Anki's editor saves it;
    return its new mod time."""
    with opened_collection(path) as col:
        [note_id] = col.find_notes(f'"Question:{question}*"')
        note = col.get_note(note_id)
        text = note[field] if change is None else change
        for old, new in replace.items():
            assert old in text
            text = text.replace(old, new)
        note[field] = text
        col.update_note(note)
        return int(col.get_note(note_id).mod)


def _pull(runner: CliRunner, data: Path, *options: str) -> Result:
    return runner.invoke(main, ["pull", str(data), *options])


def _changed_lines(before: str, after: str) -> list[int]:
    """The numbers (1-based) of the lines of `before` that `after` replaces or removes."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return [
        line + 1
        for tag, start, end, _, _ in matcher.get_opcodes()
        if tag != "equal"
        for line in range(start, max(end, start + 1))
    ]


def test_an_answer_edited_in_anki_comes_back_into_the_data_and_nothing_churns(
    runner: CliRunner, data: Path, pushed: Path, tmp_path: Path
) -> None:
    before = data.read_text("utf-8")
    anki_mod = _edit_in_anki(
        pushed,
        "Why do you want",
        "Answer",
        **{
            PHRASE: f"<b>{PHRASE}</b>",
            "</p>": "</p><ul><li>Safety is a science</li><li>And a culture</li></ul>",
        },
    )
    result = _pull(runner, data, "--collection", str(pushed))
    assert result.exit_code == 0, result.output
    answer_line = load_deck(data).questions[0].lines["answer"]
    assert (
        result.stdout.splitlines()[0]
        == f"{data}:{answer_line}: question 'why-anthropic': answer pulled from Anki"
    )
    after = data.read_text("utf-8")
    deck = load_deck(data)
    assert deck.questions[0].answer.endswith(
        "beneficial to society.\n\n- Safety is a science\n- And a culture"
    )
    assert f"**{PHRASE}**" in deck.questions[0].answer
    # Only the answer's lines changed: comments, blank lines and other questions are as they were.
    start = answer_line
    end = start + 1 + deck.questions[0].answer.count("\n")
    assert set(_changed_lines(before, after)) <= set(range(start, end + 1))

    built = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert built.stdout.startswith(f"{DECK_ID}: 12 unchanged →")
    handout = Document(str(tmp_path / "out" / f"{DECK_ID}.docx"))
    texts = [paragraph.text for paragraph in handout.paragraphs]
    assert "Safety is a science" in texts
    assert any(run.bold and run.text == PHRASE for p in handout.paragraphs for run in p.runs)

    again = runner.invoke(
        main, ["push", str(data), "--out", str(tmp_path / "out"), "--collection", str(pushed)]
    )
    assert again.exit_code == 0, again.output
    assert f"{DECK_ID} → {pushed}: 0 updated, 12 unchanged, 0 new, 0 deleted" in again.stdout
    with opened_collection(pushed) as col:
        [note_id] = col.find_notes('"Question:Why do you want*"')
        assert col.get_note(note_id).mod == anki_mod  # Anki's own note, untouched

    nothing = _pull(runner, data, "--collection", str(pushed))
    assert nothing.exit_code == 0, nothing.output
    assert nothing.stdout.strip() == f"{DECK_ID} ← {pushed}: 0 pulled, 0 in conflict"
    assert data.read_text("utf-8") == after


def test_a_question_and_its_context_edited_in_anki_come_back(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    question = "    question: Why do you want to work at Anthropic?\n"
    text = data.read_text("utf-8")
    text = text.replace(question, question + "    context: |\n      Asked *first*.\n")
    data.write_text(text, "utf-8")
    collection = tmp_path / "collection.anki2"
    Collection(str(collection)).close()
    out = ["--out", str(tmp_path / "out"), "--collection", str(collection)]
    assert runner.invoke(main, ["push", str(data), *out]).exit_code == 0
    _edit_in_anki(
        collection,
        "Why do you want",
        "Question",
        **{"work at": "join", "Asked <em>first</em>.": "Asked <em>first</em>, always."},
    )
    result = _pull(runner, data, "--collection", str(collection))
    assert result.exit_code == 0, result.output
    question = load_deck(data).questions[0]
    assert (question.question, question.context) == (
        "Why do you want to join Anthropic?",
        "Asked *first*, always.",
    )
    assert result.stdout.splitlines()[0].endswith(
        "question 'why-anthropic': question, context pulled from Anki"
    )
    assert runner.invoke(main, ["push", str(data), *out]).stdout.count("0 updated") == 1


def test_a_field_changed_on_both_sides_is_a_conflict_and_prefer_settles_it(
    runner: CliRunner, data: Path, pushed: Path
) -> None:
    _edit_in_anki(pushed, "What about Anthropic", "Answer", **{"low-ego": "humble"})
    text = data.read_text("utf-8").replace("low-ego, high-trust", "low-ego and high-trust")
    data.write_text(text, "utf-8")
    line = load_deck(data).questions[2].lines["answer"]

    for options in ([], ["--dry-run"]):
        result = _pull(runner, data, "--collection", str(pushed), *options)
        assert result.exit_code == CONFLICTS_EXIT, result.output
        assert (
            f"{data}:{line}: question 'culture': answer changed in Anki and in the data; kept"
            " the data (Anki's text: I appreciate the emphasis on a humble, high-trust culture"
        ) in result.stderr
        assert data.read_text("utf-8") == text

    kept = _pull(runner, data, "--collection", str(pushed), "--prefer", "data")
    assert kept.exit_code == 0, kept.output
    assert "kept the data" in kept.stderr
    assert data.read_text("utf-8") == text

    taken = _pull(runner, data, "--collection", str(pushed), "--prefer", "anki")
    assert taken.exit_code == 0, taken.output
    assert "a humble, high-trust culture" in load_deck(data).questions[2].answer


def test_without_a_build_state_a_difference_is_a_conflict(
    runner: CliRunner, data: Path, pushed: Path
) -> None:
    _edit_in_anki(pushed, "What about Anthropic", "Answer", **{"low-ego": "humble"})
    (data.parent / "anthropic-culture-fit.state.json").unlink()
    shutil.rmtree(os.environ["XDG_CACHE_HOME"])
    text = data.read_text("utf-8")
    result = _pull(runner, data, "--collection", str(pushed))
    assert result.exit_code == CONFLICTS_EXIT, result.output
    assert (
        "question 'culture': answer differs in Anki, and no build state tells which side"
        " changed it; kept the data (Anki's text: I appreciate the emphasis on a humble,"
    ) in result.stderr
    assert data.read_text("utf-8") == text
    taken = _pull(runner, data, "--collection", str(pushed), "--prefer", "anki")
    assert taken.exit_code == 0, taken.output
    assert "a humble, high-trust culture" in load_deck(data).questions[2].answer


def test_a_data_edit_that_anki_has_not_received_is_never_undone(
    runner: CliRunner, data: Path, pushed: Path, tmp_path: Path
) -> None:
    text = data.read_text("utf-8").replace("low-ego, high-trust", "low-ego and high-trust")
    data.write_text(text, "utf-8")
    unbuilt = _pull(runner, data, "--collection", str(pushed))
    assert unbuilt.exit_code == 0, unbuilt.output
    assert data.read_text("utf-8") == text

    built = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    stale = _pull(runner, data, "--collection", str(pushed))
    assert stale.exit_code == 0, stale.output
    assert "question 'culture': answer in Anki is older than the data's build of" in stale.stderr
    assert data.read_text("utf-8") == text


@pytest.mark.parametrize(
    ("scheduling", "legacy"),
    [(True, False), (False, False), (False, True)],
    ids=["with-scheduling", "without", "legacy"],
)
def test_pull_from_a_package_exported_by_anki(
    runner: CliRunner, data: Path, pushed: Path, tmp_path: Path, scheduling: bool, legacy: bool
) -> None:
    _edit_in_anki(pushed, "Why do you want", "Answer", **{PHRASE: f"<i>{PHRASE}</i>"})
    package = tmp_path / "exported.apkg"
    with opened_collection(pushed) as col:
        options = ExportAnkiPackageOptions(
            with_scheduling=scheduling, with_media=True, legacy=legacy
        )
        deck_id = col.decks.id_for_name(DECK_NAME)
        col.export_anki_package(
            out_path=str(package), options=options, limit=ExportLimit(deck_id=deck_id)
        )
    result = _pull(runner, data, "--from", str(package))
    assert result.exit_code == 0, result.output
    assert f"*{PHRASE}*" in load_deck(data).questions[0].answer


def test_pasted_web_html_becomes_clean_markdown_with_a_warning(
    runner: CliRunner, data: Path, pushed: Path
) -> None:
    pasted = (
        '<div style="font-family: Arial; font-size: 14px">I want to <span style="color:'
        ' rgb(220, 38, 38);">build</span>&nbsp;safe&nbsp;systems.</div><div><b>Above all</b>,'
        " reliable ones.</div><br>"
    )
    _edit_in_anki(pushed, "Why do you want", "Answer", change=pasted)
    result = _pull(runner, data, "--collection", str(pushed))
    assert result.exit_code == 0, result.output
    answer = load_deck(data).questions[0].answer
    assert "<" not in answer
    assert "&nbsp;" not in answer
    assert "I want to build safe systems." in answer
    assert "**Above all**, reliable ones." in answer
    line = load_deck(data).questions[0].lines["answer"]
    assert (
        f"{data}:{line}: warning: question 'why-anthropic': Anki's answer has colours"
        in result.stderr
    )
    assert "font sizes" in result.stderr


def test_tags_and_a_picture_added_in_anki_come_back(
    runner: CliRunner, data: Path, pushed: Path, tmp_path: Path
) -> None:
    with opened_collection(pushed) as col:
        [note_id] = col.find_notes('"Question:What about Anthropic*"')
        note = col.get_note(note_id)
        name = col.media.add_file(str(PICTURE))
        note["Answer"] += f'<div><img src="{name}"></div>'
        note.tags = [*note.tags, "teamwork", "marked", "leech"]
        note.remove_tag("culture")
        col.update_note(note)
    result = _pull(runner, data, "--collection", str(pushed))
    assert result.exit_code == 0, result.output
    question = load_deck(data).questions[2]
    assert question.tags == ("teamwork",)
    assert question.answer.endswith(f"![]({name})")
    assert (data.parent / name).read_bytes() == PICTURE.read_bytes()
    checked = runner.invoke(main, ["check", str(data)])
    assert checked.exit_code == 0, checked.output
    built = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert built.stdout.startswith(f"{DECK_ID}: 12 unchanged →")
    pulled = data.read_bytes()
    again = _pull(runner, data, "--collection", str(pushed))
    assert again.exit_code == 0, again.output
    assert again.stdout == f"{DECK_ID} ← {pushed}: 0 pulled, 0 in conflict\n"
    assert data.read_bytes() == pulled


def test_notes_added_in_anki_are_listed_then_appended(
    runner: CliRunner, data: Path, pushed: Path
) -> None:
    with opened_collection(pushed) as col:
        basic = col.models.by_name("Basic")
        assert basic is not None
        note = col.new_note(basic)
        note["Front"] = "What would you do in your <b>first</b> week?"
        note["Back"] = "Listen, read the RSP, ship one small fix."
        note.tags = ["onboarding"]
        col.add_note(note, col.decks.id_for_name(DECK_NAME))
        ours = col.new_note(col.models.get(QUESTION_TYPE.id))  # type: ignore[arg-type]
        ours["Question"] = "Which paper of ours did you read last?"
        ours["Answer"] = "<p>Toy Models of Superposition.</p>"
        col.add_note(ours, col.decks.id_for_name(DECK_NAME))
    before = data.read_text("utf-8")
    listed = _pull(runner, data, "--collection", str(pushed), "--dry-run")
    assert listed.exit_code == 0, listed.output
    assert (
        f"{data}: added in Anki: question 'first-week': What would you do in your first week?"
        in listed.stdout
    )
    assert "2 added in Anki waiting (--add-new appends them)" in listed.stdout
    assert data.read_text("utf-8") == before

    appended = _pull(runner, data, "--collection", str(pushed), "--add-new")
    assert appended.exit_code == 0, appended.output
    deck = load_deck(data)
    assert [question.id for question in deck.questions[-2:]] == [
        "first-week",
        "paper-ours-did-read",
    ]
    assert deck.questions[-2].answer == "Listen, read the RSP, ship one small fix."
    assert deck.questions[-2].tags == ("onboarding",)
    assert data.read_text("utf-8").startswith(before.split("themes:")[0].rstrip("\n"))


def test_a_dry_run_shows_the_diff_and_writes_nothing(
    runner: CliRunner, data: Path, pushed: Path
) -> None:
    _edit_in_anki(pushed, "Why do you want", "Answer", **{"inspired": "moved"})
    files = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in data.parent.iterdir()}
    result = _pull(runner, data, "--collection", str(pushed), "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"--- {data}\n+++ {data} (pulled)\n" in result.stdout
    assert "\n+      I’m moved by Anthropic’s mission" in result.stdout
    assert (
        result.stdout.splitlines()[-1]
        == f"{DECK_ID} ← {pushed} (dry run, nothing written): 1 pulled, 0 in conflict"
    )
    assert {
        path: (path.read_bytes(), path.stat().st_mtime_ns) for path in data.parent.iterdir()
    } == files


def test_a_collection_open_in_anki_is_not_read(runner: CliRunner, data: Path, pushed: Path) -> None:
    with held_open(pushed):
        result = _pull(runner, data, "--collection", str(pushed))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{pushed} is open in Anki: close Anki and run again, or export the deck in Anki"
        " (File → Export, Anki Deck Package) and pull --from that .apkg\n"
    )


def test_a_file_that_is_no_package_is_refused(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    for name, content in (("notes.apkg", b"not a zip"), ("empty.apkg", b"PK\x05\x06" + bytes(18))):
        package = tmp_path / name
        package.write_bytes(content)
        result = _pull(runner, data, "--from", str(package))
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"{package}: not an Anki package (")
        assert len(result.stderr.splitlines()) == 1


def test_the_data_file_keeps_its_permissions(runner: CliRunner, data: Path, pushed: Path) -> None:
    os.chmod(data, 0o600)
    _edit_in_anki(pushed, "Why do you want", "Answer", **{"inspired": "moved"})
    result = _pull(runner, data, "--collection", str(pushed))
    assert result.exit_code == 0, result.output
    assert data.stat().st_mode & 0o777 == 0o600


def test_a_whole_collection_package_is_read_too(
    runner: CliRunner, data: Path, pushed: Path, tmp_path: Path
) -> None:
    _edit_in_anki(pushed, "Why do you want", "Answer", **{"inspired": "moved"})
    package = tmp_path / "collection.colpkg"
    collection = Collection(str(pushed))
    collection.export_collection_package(str(package), include_media=True, legacy=False)
    result = _pull(runner, data, "--from", str(package))
    assert result.exit_code == 0, result.output
    assert "I’m moved by Anthropic’s mission" in load_deck(data).questions[0].answer


def test_hostile_fields_are_pulled_as_text_with_a_warning(
    runner: CliRunner, data: Path, pushed: Path, tmp_path: Path
) -> None:
    deep = "<div>" * 5000 + "Deep <b>down</b>" + "</div>" * 5000
    _edit_in_anki(pushed, "Why do you want", "Answer", change=f"<p>Start</p>{deep}")
    _edit_in_anki(pushed, "What about Anthropic", "Key Points", change=f"<ul><li>{deep}</li></ul>")
    with opened_collection(pushed) as col:
        [note_id] = col.find_notes('"Theme:Engineering rigor"')
        note = col.get_note(note_id)
        note["Summary"] = "Bell\x07 and NUL\x00 in a summary."  # Anki takes them out itself
        col.update_note(note)
    result = _pull(runner, data, "--collection", str(pushed))
    assert result.exit_code == 0, result.output
    deck = load_deck(data)
    assert deck.questions[0].answer == "Start\n\nDeep\n\ndown"
    assert deck.questions[2].key_points == ("Deep\n\ndown",)
    assert deck.themes[1].summary == "Bell and NUL in a summary."
    assert "question 'why-anthropic': Anki's answer has deep nesting" in result.stderr
    built = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.02])
def test_a_pull_killed_while_writing_leaves_the_old_file_or_the_new(
    tmp_path: Path, delay: float
) -> None:
    data = write_big_deck(tmp_path / "big", "Answer {n}.")
    collection = tmp_path / "collection.anki2"
    Collection(str(collection)).close()
    exporter = [sys.executable, "-m", "exporter"]
    subprocess.run(
        [
            *exporter,
            "push",
            str(data),
            "--collection",
            str(collection),
            "--out",
            str(tmp_path / "out"),
            "--no-practice",
        ],
        check=True,
        capture_output=True,
    )
    with opened_collection(collection) as col:
        for note_id in col.find_notes("")[:500]:
            note = col.get_note(note_id)
            note["Answer"] += "<p>Edited on the phone.</p>"
            col.update_note(note)
    before = {path.name: path.read_bytes() for path in data.parent.iterdir()}
    pull = [*exporter, "pull", str(data), "--collection", str(collection)]
    subprocess.run(pull, check=True, capture_output=True)
    after = {path.name: path.read_bytes() for path in data.parent.iterdir()}
    assert after != before
    for path in data.parent.iterdir():
        path.write_bytes(before[path.name])
    shutil.rmtree(os.environ["XDG_CACHE_HOME"])  # this machine's memory of the first pull

    process = subprocess.Popen(pull, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and not list(data.parent.glob(".*.tmp")):  # writing
        time.sleep(0.0005)
    time.sleep(delay)
    process.kill()
    process.wait()
    for name in ("deck.yaml", "deck.state.json"):
        assert (data.parent / name).read_bytes() in (before[name], after[name])
    again = subprocess.run(pull, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert (data.parent / "deck.yaml").read_bytes() == after["deck.yaml"]
    assert not list(data.parent.glob(".*.tmp"))


def test_the_picture_of_a_note_only_listed_is_not_copied(
    runner: CliRunner, data: Path, pushed: Path
) -> None:
    with opened_collection(pushed) as col:
        name = col.media.add_file(str(PICTURE))
        basic = col.models.by_name("Basic")
        assert basic is not None
        note = col.new_note(basic)
        note["Front"] = "Which diagram explains the RSP?"
        note["Back"] = f'This one: <img src="{name}">'
        deck_id = col.decks.id_for_name(DECK_NAME)
        assert deck_id is not None
        col.add_note(note, deck_id)
    _edit_in_anki(pushed, "Why do you want", "Answer", **{"inspired": "moved"})
    listed = _pull(runner, data, "--collection", str(pushed))
    assert listed.exit_code == 0, listed.output
    assert "1 added in Anki waiting" in listed.stdout
    assert not (data.parent / name).exists()
    appended = _pull(runner, data, "--collection", str(pushed), "--add-new")
    assert appended.exit_code == 0, appended.output
    assert load_deck(data).questions[-1].answer == f"This one: ![]({name})"
    assert (data.parent / name).read_bytes() == PICTURE.read_bytes()
