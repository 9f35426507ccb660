"""The build: load every deck, render its Markdown once, write its deck, handout and state."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from exporter.anki import make_apkg, note_contents, note_type_digests
from exporter.errors import DataError, ExporterError, Problem
from exporter.files import stage
from exporter.images import Media, collect_media
from exporter.load import gc_paused, load_decks
from exporter.markdown import RenderedMarkdown, render_texts
from exporter.model import Deck
from exporter.preview import make_preview
from exporter.state import BuildPlan, NoteStatus, plan_build, read_state, state_to_json
from exporter.word import make_docx

STATUSES: tuple[NoteStatus, ...] = ("new", "updated", "unchanged", "removed")


@dataclass(frozen=True)
class DeckReport:
    """What one deck's build wrote and what changed since the previous build."""

    deck_id: str
    plan: BuildPlan
    apkg: Path
    handouts: tuple[Path, ...]

    def summary(self) -> str:
        """One line: `<deck-id>: 1 updated, 11 unchanged → <apkg>, <handouts>`."""
        counts = [(self.plan.count(status), status) for status in STATUSES]
        changes = ", ".join(f"{count} {status}" for count, status in counts if count)
        paths = ", ".join(str(path) for path in (self.apkg, *self.handouts))
        return f"{self.deck_id}: {changes} → {paths}"


def build_time() -> int:
    """Return `SOURCE_DATE_EPOCH` when set (reproducible builds), else the clock, in seconds."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return int(time.time())
    try:
        return int(value)
    except ValueError:
        raise ExporterError(f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}") from None


@dataclass(frozen=True)
class BuildOptions:
    """How to build: the handouts' page size, whether to write the practice handout,
    and whether to drop the notes of removed questions."""

    page_size: str = "letter"
    practice: bool = True
    forget_removed: bool = False


# Told (step, done, total) as a build goes. Work is counted in questions, once per
# step: rendering, the Anki deck, the handout and the practice handout.
Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    pass


def build(
    paths: Iterable[Path],
    out_dir: Path,
    options: BuildOptions = BuildOptions(),
    progress: Progress = _no_progress,
) -> list[DeckReport]:
    """Build `<deck-id>.apkg`, `.docx`, `-practice.docx` and `.state.json` in `out_dir`.

    Everything is rendered in memory before the first file is written, so a data
    error leaves `out_dir` as it was. The state is written last: it describes
    outputs that exist.
    """
    with gc_paused():  # the only cycles made are python-docx's, collected where made
        try:
            return _build(paths, out_dir, options, progress)
        finally:
            gc.unfreeze()


@dataclass(frozen=True)
class _Prepared:
    """A deck with its Markdown rendered and its images read."""

    deck: Deck
    rendered: Mapping[str, RenderedMarkdown]
    media: Mapping[str, Media]


def _prepare(decks: Iterable[Deck], advance: Callable[[str, Deck], None]) -> list[_Prepared]:
    """Render and read the images of every deck; raise DataError with every problem of
    every deck."""
    prepared: list[_Prepared] = []
    problems: list[Problem] = []
    for deck in decks:
        rendered = render_texts(deck.markdown_texts())
        media, deck_problems = collect_media(deck, rendered)
        problems += deck_problems
        prepared.append(_Prepared(deck, rendered, media))
        advance("Rendering", deck)
    if problems:
        raise DataError(problems)
    return prepared


def _build(
    paths: Iterable[Path], out_dir: Path, options: BuildOptions, progress: Progress
) -> list[DeckReport]:
    loaded = load_decks(paths)
    steps = 4 if options.practice else 3
    total = steps * sum(len(deck.questions) for deck in loaded)
    done = 0

    def advance(step: str, deck: Deck) -> None:
        nonlocal done
        done += len(deck.questions)
        progress(step, done, total)

    decks = _prepare(loaded, advance)
    # What is loaded lives until the end: spare it the collections of python-docx's cycles.
    gc.freeze()
    _check_out_dir(out_dir)
    now = build_time()
    reports: list[DeckReport] = []
    outputs: list[list[tuple[Path, bytes]]] = []
    for item in decks:
        report, files = _build_deck(item, out_dir, now, options, advance)
        reports.append(report)
        outputs.append(files)
    _write(out_dir, outputs)
    return reports


def write_previews(paths: Iterable[Path], out_dir: Path) -> list[Path]:
    """Write `<deck-id>.html` in `out_dir` for every deck: its cards as Anki shows them."""
    with gc_paused():
        decks = _prepare(load_decks(paths), lambda step, deck: None)
    _check_out_dir(out_dir)
    outputs = []
    for item in decks:
        notes = note_contents(item.deck, item.rendered, item.media)
        page = make_preview(item.deck, notes, item.media).encode()
        outputs.append([(out_dir / f"{item.deck.id}.html", page)])
    _write(out_dir, outputs)
    return [files[0][0] for files in outputs]


def _build_deck(
    item: _Prepared,
    out_dir: Path,
    now: int,
    options: BuildOptions,
    advance: Callable[[str, Deck], None],
) -> tuple[DeckReport, list[tuple[Path, bytes]]]:
    deck, rendered, media = item.deck, item.rendered, item.media
    state_path = out_dir / f"{deck.id}.state.json"
    plan = plan_build(
        title=deck.title,
        metadata=[deck.title, deck.subtitle, deck.description, deck.author],
        notes=note_contents(deck, rendered, media),
        note_type_digests=note_type_digests(),
        previous=read_state(state_path),
        now=now,
        forget_removed=options.forget_removed,
    )
    apkg = out_dir / f"{deck.id}.apkg"
    files = [(apkg, make_apkg(deck, rendered, plan, media))]
    advance("Anki deck", deck)
    practice_modes = (False, True) if options.practice else (False,)
    for practice in practice_modes:
        name = f"{deck.id}-practice.docx" if practice else f"{deck.id}.docx"
        handout = make_docx(
            deck, rendered, plan.created, plan.modified, options.page_size, practice, media
        )
        files.append((out_dir / name, handout))
        advance("Practice handout" if practice else "Handout", deck)
    files.append((state_path, state_to_json(plan.state)))
    report = DeckReport(deck.id, plan, apkg, tuple(path for path, _ in files[1:-1]))
    return report, files


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExporterError(f"{out_dir}: exists and is not a folder; choose another --out")


def _write(out_dir: Path, outputs: list[list[tuple[Path, bytes]]]) -> None:
    """Write every deck's files: its .apkg first, its state last.

    All files are staged (written in full beside their targets) before the first
    one replaces anything, so a full disk or an interruption leaves every
    previous output as it was. A file that cannot be replaced (open in another
    program) is reported; the others are still replaced, except the state of a
    deck whose .apkg was not, which must keep describing the .apkg in place.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExporterError(
            f"{out_dir}: cannot create the output folder: {error.strerror}"
        ) from None
    staged: list[tuple[Path, list[tuple[Path, Path]]]] = []  # (.apkg, [(staged, target)])
    try:
        for deck_outputs in outputs:
            deck_staged: list[tuple[Path, Path]] = []
            staged.append((deck_outputs[0][0], deck_staged))
            for path, data in deck_outputs:
                if path.is_file() and path.read_bytes() == data:
                    continue  # leave an identical file untouched, modification time included
                try:
                    deck_staged.append((stage(path, data), path))
                except OSError as error:
                    raise ExporterError(
                        f"{path}: cannot write: {error.strerror}; nothing was written"
                    ) from None
        failures = [failure for apkg, files in staged for failure in _replace(files, apkg)]
    finally:
        for _, files in staged:
            for temp, _ in files:
                temp.unlink(missing_ok=True)
    if failures:
        raise ExporterError("\n".join(failures))


def _replace(files: list[tuple[Path, Path]], apkg: Path) -> list[str]:
    """Swap staged files in; return a message for each that could not be."""
    failures: list[str] = []
    apkg_failed = False
    for temp, path in files:
        if path.name.endswith(".state.json") and apkg_failed:
            continue
        try:
            os.replace(temp, path)
        except OSError as error:
            apkg_failed = apkg_failed or path == apkg
            failures.append(
                f"{path}: cannot replace it: {error.strerror}; is it open in another program?"
                " The other outputs were written."
            )
    return failures
