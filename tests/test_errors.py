"""Hostile and broken input: a one-line message naming file and line, exit 1, nothing lost."""

from __future__ import annotations

import errno
import html
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support import MINIMAL_DECK, import_apkg, write_data

from exporter import outputs as outputs_module
from exporter.cli import main
from exporter.load import load_deck


def _replace(old: str, new: str) -> str:
    assert old in MINIMAL_DECK
    return MINIMAL_DECK.replace(old, new)


ALIAS = (
    "this value is repeated elsewhere through a YAML alias (*); a data file cannot use"
    " aliases: write the text out where it belongs"
)

BAD_FILES = [
    ("", ["1: the file is empty; a data file needs 'deck' and 'questions'"]),
    (
        _replace("The *first* answer.", "&a The *first* answer.")
        + "  - id: second\n    question: Again?\n    answer: *a\n",
        [f"7: {ALIAS}"],
    ),
    (  # a "billion laughs": a few lines that expand without bound
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        [f"1: {ALIAS}", f"2: {ALIAS}", f"3: {ALIAS}"],
    ),
    (
        _replace("The *first* answer.", '"Carriage\\rreturn"'),
        ["7: 'answer' contains character U+000D, which cannot be stored"],
    ),
    (
        _replace("What is first?", '"Del\\x7f"'),
        ["6: 'question' contains character U+007F, which cannot be stored"],
    ),
    (
        _replace("What is first?", '"Next\\x85line"'),
        ["6: 'question' contains character U+0085, which cannot be stored"],
    ),
    (_replace("title: Demo Deck", 'title: "Two\\nlines"'), ["3: the deck title must be one line"]),
    (
        _replace(
            "    answer: The *first* answer.\n", "    answer: A.\n    tags: [exporter::removed]\n"
        ),
        ["8: tag 'exporter::removed' is reserved: the exporter marks notes with exporter::…"],
    ),
    (
        _replace("title: Demo Deck", "title: '::Demo'"),
        [
            "3: the deck title '::Demo' has an empty part between '::' marks; in Anki, '::'"
            " puts a deck inside another (Parent::Child), and an empty name becomes 'blank'"
        ],
    ),
    ("- a\n- b\n", ["1: the file must be a mapping of keys to values, not a list"]),
    (
        _replace("    answer: The *first* answer.\n", ""),
        ["5: question 1 has no 'answer'"],
    ),
    (_replace("The *first* answer.", '""'), ["7: 'answer' is empty"]),
    (_replace("The *first* answer.", ""), ["7: 'answer' is empty"]),
    (
        _replace("The *first* answer.", "no"),
        [
            "7: 'answer' must be text, not a yes/no value (no); put it in quotes (\"no\")"
            " if you mean the text"
        ],
    ),
    (
        _replace("What is first?", "2024-01-01"),
        [
            "6: 'question' must be text, not a date (2024-01-01); put it in quotes"
            ' ("2024-01-01") if you mean the text'
        ],
    ),
    (_replace("What is first?", "[a, b]"), ["6: 'question' must be text, not a list"]),
    (
        _replace("title: Demo Deck", "title: 42"),
        [
            "3: 'title' must be text, not a number (42); put it in quotes (\"42\") if you mean"
            " the text"
        ],
    ),
    (
        _replace("    answer:", "    anwser: x\n    answer:"),
        ["7: unknown key 'anwser' in question 1 (did you mean 'answer'?)"],
    ),
    (
        _replace("deck:", "colour: blue\ndeck:"),
        ["1: unknown key 'colour' in the file (expected deck, questions, themes)"],
    ),
    (
        _replace("    answer: The *first* answer.", "    answer: One.\n    answer: Two."),
        ["8: duplicate key 'answer' (first at line 7)"],
    ),
    (
        MINIMAL_DECK + "  - id: first\n    question: Again?\n    answer: Again.\n",
        ["8: duplicate id 'first' (first used at line 5)"],
    ),
    (
        MINIMAL_DECK + "themes:\n  - id: first\n    title: T\n    summary: S\n",
        ["9: duplicate id 'first' (first used at line 5)"],
    ),
    (
        _replace("id: first", "id: First Question"),
        [
            "5: id 'First Question' is not a slug: use lowercase letters, digits and hyphens,"
            " like 'first-question'"
        ],
    ),
    (_replace("id: demo", "id: " + "a" * 65), ["2: id is 65 characters long; at most 64"]),
    (_replace("  id: demo\n", ""), ["2: deck has no 'id'"]),
    (
        _replace("questions:\n", "questions: []\nother:\n"),
        [
            "4: 'questions' is empty; add at least one",
            "5: unknown key 'other' in the file (expected deck, questions, themes)",
        ],
    ),
    ("deck:\n  id: demo\n  title: Demo\n", ["1: the file has no 'questions'"]),
    (
        _replace("questions:\n", "questions:\n  oops: 1\nx:\n"),
        [
            "5: 'questions' must be a list, not a mapping",
            "6: unknown key 'x' in the file (expected deck, questions, themes)",
        ],
    ),
    (
        MINIMAL_DECK + "    tags: [fine, not fine]\n",
        ["8: tag 'not fine' contains a space; Anki tags cannot"],
    ),
    (MINIMAL_DECK + "    tags: solo\n", ["8: 'tags' must be a list, not text"]),
    (
        MINIMAL_DECK + "    key_points: [ok, 3]\n",
        [
            "8: 'key_points' must be text, not a number (3); put it in quotes (\"3\") if you"
            " mean the text"
        ],
    ),
    (
        _replace("The *first* answer.", '"bell \\a here"'),
        ["7: 'answer' contains character U+0007, which cannot be stored"],
    ),
    (
        _replace("The *first* answer.", '"half \\ud800 surrogate"'),
        ["7: YAML syntax error: found invalid Unicode character escape code"],
    ),
    (
        "deck: [unclosed\n",
        [
            "2: YAML syntax error: did not find expected ',' or ']'"
            " (while parsing a flow sequence from line 1)"
        ],
    ),
    ("deck:\n\tid: demo\n", ["2: YAML syntax error: a tab cannot indent YAML; use spaces"]),
    (
        'deck:\n  id: "demo\n  title: x\n',
        [
            "4: YAML syntax error: found unexpected end of stream"
            " (while scanning a quoted scalar from line 2)"
        ],
    ),
    ("deck: x\u0001\n", ["1: character U+0001 is not allowed in a YAML file; remove it"]),
    (
        _replace("id: first", "id: ''") + "themes: {}\n",
        ["5: 'id' is empty", "8: 'themes' must be a list, not a mapping"],
    ),
    (
        _replace("The *first* answer.", "See ![diagram](../../etc/passwd)."),
        ["7: image '../../etc/passwd' in 'answer' is outside the data folder"],
    ),
    (
        _replace("The *first* answer.", "See ![diagram](/etc/passwd)."),
        ["7: image '/etc/passwd' in 'answer' is outside the data folder"],
    ),
    (
        MINIMAL_DECK + "themes:\n  - id: t\n    title: T\n    summary: '![x](%2e%2e/secret.png)'\n",
        ["11: image '%2e%2e/secret.png' in 'summary' is outside the data folder"],
    ),
    (
        "deck:\n  id: demo\n  title: Demo\n  description: [a]\nquestions: x\n",
        [
            "4: 'description' must be text, not a list",
            "5: 'questions' must be a list, not text",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_data_file_gives_exact_messages_exit_1_and_writes_nothing(
    runner: CliRunner, in_tmp: Path, text: str, expected: list[str]
) -> None:
    write_data(in_tmp / "data", text)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"data/deck.yaml:{message}" for message in expected]
    assert result.stdout == ""
    assert not (in_tmp / "out").exists()
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback


@pytest.mark.parametrize(
    ("setup", "arguments", "expected"),
    [
        (lambda root: None, ["build", "missing.yaml"], "missing.yaml: no such file or folder"),
        (
            lambda root: (root / "empty").mkdir(),
            ["check", "empty"],
            "empty: no data files (*.yaml) in this folder",
        ),
        (
            lambda root: (root / "d.yaml").write_bytes(b"deck:\n  title: Caf\xe9\n"),
            ["check", "d.yaml"],
            "d.yaml:2: not valid UTF-8 (byte 0xE9); save the file as UTF-8",
        ),
        (
            lambda root: (
                write_data(root, MINIMAL_DECK, "a.yaml"),
                write_data(root, MINIMAL_DECK, "b.yaml"),
            ),
            ["check", "."],
            "b.yaml:2: deck id 'demo' is already used in a.yaml:2",
        ),
        (
            lambda root: (write_data(root, MINIMAL_DECK), (root / "out").write_text("")),
            ["build", "deck.yaml"],
            "out: exists and is not a folder; choose another --out",
        ),
    ],
    ids=["missing-path", "empty-folder", "not-utf8", "same-deck-id", "out-is-a-file"],
)
def test_bad_paths_give_exact_messages(
    runner: CliRunner, in_tmp: Path, setup: object, arguments: list[str], expected: str
) -> None:
    setup(in_tmp)  # type: ignore[operator]
    result = runner.invoke(main, arguments)
    assert (result.exit_code, result.stderr) == (1, expected + "\n")


def test_anki_commands_typed_in_the_data_are_shown_not_run(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = write_data(
        tmp_path,
        _replace(
            "The *first* answer.",
            "'Play [sound:alarm.mp3] or [latex]\\\\immediate\\\\write18{{rm x}}[/latex] [$]x[/$]'",
        ),
    )
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    imported = import_apkg(tmp_path / "out" / "demo.apkg", tmp_path / "c.anki2")
    col = imported.collection
    card = col.get_card(col.find_cards("")[0])
    answer_field = card.note().fields[1]
    assert "[sound:" not in answer_field
    assert "[latex]" not in answer_field
    assert "[$]" not in answer_field
    assert html.unescape(answer_field).count("[sound:alarm.mp3]") == 1
    assert card.answer_av_tags() == []
    col.close()


def _build(runner: CliRunner, root: Path) -> Result:
    return runner.invoke(main, ["build", str(root / "data"), "--out", str(root / "out")])


def _outputs(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((root / "out").iterdir())}


@pytest.fixture
def built_once(runner: CliRunner, tmp_path: Path) -> Path:
    """A data folder built once; its deck then edited, so the next build changes every output."""
    write_data(tmp_path / "data", MINIMAL_DECK)
    assert _build(runner, tmp_path).exit_code == 0
    write_data(tmp_path / "data", _replace("Demo Deck", "Demo Deck, edited"))
    return tmp_path


def test_full_disk_writes_nothing_and_leaves_no_temporary_file(
    runner: CliRunner, built_once: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _outputs(built_once)
    calls = []

    def full_disk(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs_module.os, "fsync", full_disk)
    result = _build(runner, built_once)
    assert result.exit_code == 1
    out = built_once / "out"
    assert result.stderr == (
        f"{out}/demo-practice.docx: cannot write: No space left on device; nothing was written\n"
    )
    assert _outputs(built_once) == before


@pytest.mark.parametrize("stage", ["staging", "replacing"])
def test_interrupted_build_keeps_whole_files_and_no_temporary_ones(
    runner: CliRunner, built_once: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    before = _outputs(built_once)
    calls = []
    target, name = (
        (outputs_module.os, "fsync") if stage == "staging" else (outputs_module.os, "replace")
    )
    original = getattr(target, name)

    def interrupted(*args: object) -> object:
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(target, name, interrupted)
    result = _build(runner, built_once)  # Click turns Ctrl-C into "Aborted!" and exit code 1
    assert result.exit_code == 1
    assert result.stderr.strip() == "Aborted!"
    after = _outputs(built_once)
    assert sorted(after) == sorted(before)  # no temporary files
    if stage == "staging":
        assert after == before
    for name_, data in after.items():
        if name_.endswith((".apkg", ".docx")):
            assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_output_that_cannot_be_replaced_is_reported_and_the_others_written(
    runner: CliRunner,
    built_once: Path,
) -> None:
    out = built_once / "out"
    (out / "demo.docx").unlink()
    (out / "demo.docx").mkdir()  # stands for a file another program holds open
    before = _outputs_without(out, "demo.docx")
    result = _build(runner, built_once)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{out}/demo.docx: cannot replace it: Is a directory; is it open in another program?"
        " The other outputs were written.\n"
    )
    after = _outputs_without(out, "demo.docx")
    assert all(after[name] != before[name] for name in after)  # apkg, practice, state: new
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_state_is_kept_when_the_apkg_cannot_be_replaced(
    runner: CliRunner, built_once: Path
) -> None:
    out = built_once / "out"
    state = (built_once / "data" / "deck.state.json").read_bytes()
    (out / "demo.apkg").unlink()
    (out / "demo.apkg").mkdir()
    assert _build(runner, built_once).exit_code == 1
    assert (built_once / "data" / "deck.state.json").read_bytes() == state


def _outputs_without(out: Path, skipped: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != skipped}


# Any character but controls, which the corpus above covers; one field at a time
# may still get wholly arbitrary text.
CHARACTERS = st.characters(exclude_categories=("Cc", "Cs"))
TEXT = st.text(CHARACTERS, max_size=30)
REQUIRED_TEXT = st.text(CHARACTERS, min_size=1, max_size=30)
TAG = st.text(st.characters(exclude_categories=("Z", "Cc", "Cs")), min_size=1, max_size=10)
FIELD_NAMES = (
    *("title", "subtitle", "description", "question", "answer", "tags", "key_points", "summary"),
)
FIELDS = {
    "title": REQUIRED_TEXT,
    "subtitle": TEXT,
    "description": TEXT,
    "question": REQUIRED_TEXT,
    "answer": REQUIRED_TEXT,
    "key_point": REQUIRED_TEXT,
    "tag": TAG,
    "theme_title": REQUIRED_TEXT,
    "summary": REQUIRED_TEXT,
}


# The runner keeps no state between examples: sharing it is safe.
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    fields=st.fixed_dictionaries(FIELDS),
    wild=st.none() | st.tuples(st.sampled_from(list(FIELDS)), st.text(max_size=10)),
)
def test_any_text_builds_and_reads_back_or_is_reported(
    runner: CliRunner, fields: dict[str, str], wild: tuple[str, str] | None
) -> None:
    if wild is not None:
        fields = {**fields, wild[0]: wild[1]}
    data = {
        "deck": {
            "id": "demo",
            "title": fields["title"],
            "subtitle": fields["subtitle"],
            "description": fields["description"],
        },
        "questions": [
            {
                "id": "q",
                "question": fields["question"],
                "answer": fields["answer"],
                "tags": [fields["tag"]],
                "key_points": [fields["key_point"]],
            }
        ],
        "themes": [{"id": "t", "title": fields["theme_title"], "summary": fields["summary"]}],
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = write_data(root, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        result = runner.invoke(
            main, ["build", str(path), "--out", str(root / "out"), "--no-practice"]
        )
        event(f"exit code {result.exit_code}")
        event(
            re.sub(r"^.*?:\d+: |'[^']*' |U\+\w+", "", result.stderr.splitlines()[0])
            if result.exit_code
            else "ok"
        )
        if result.exit_code == 1:
            for line in result.stderr.splitlines():
                assert line.startswith(f"{path}:"), line
                quoted = set(re.findall(r"'(\w+)'", line))
                assert quoted & set(FIELD_NAMES) or re.search(r"\btag\b", line), line
            return
        assert result.exit_code == 0, result.output
        deck = load_deck(path)
        imported = import_apkg(root / "out" / "demo.apkg", root / "c.anki2")
        try:
            log = imported.log
            assert (len(log.new), len(log.conflicting)) == (2, 0)
            notes = {note[0]: note for note in imported.notes().values()}
            unescaped = {html.unescape(first) for first in notes}
            assert unescaped == {deck.questions[0].question, deck.themes[0].title}
        finally:
            imported.collection.close()
        handout = docx.Document(str(root / "out" / "demo.docx"))
        texts = [paragraph.text for paragraph in handout.paragraphs]
        assert deck.title in texts
        assert f"1. {deck.questions[0].question}" in texts


# Ctrl-C that reaches a callback of Python's import locks, while a module loads, can only
# be reported by Python itself (a traceback under "Exception ignored in"): a killed build
# showed one.
_INTERRUPTED_IN_A_CALLBACK = """
import sys, time, weakref
from exporter.__main__ import install_hooks
install_hooks()
class Thing: pass
thing = Thing()
def callback(_):
    raise KeyboardInterrupt
ref = weakref.ref(thing, callback)
try:
    del thing
    time.sleep(5)
    print("went on")
except KeyboardInterrupt:
    sys.stderr.write("Aborted!\\n")
    sys.exit(1)
"""


def test_ctrl_c_inside_a_python_callback_aborts_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_IN_A_CALLBACK],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "Aborted!\n")
