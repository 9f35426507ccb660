"""The build: load every deck, render its Markdown once, write its deck, handouts and state."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from exporter.anki.notes import note_contents, note_type_digests
from exporter.anki.package import make_apkg
from exporter.anki.preview import make_preview
from exporter.anki.state import BuildPlan, NoteStatus, plan_build, read_state, state_to_json
from exporter.errors import DataError, ExporterError, Problem
from exporter.load import load_decks
from exporter.model import Deck
from exporter.outputs import DeckOutputs, check_out_dir, write_outputs
from exporter.rendered import RenderedDeck, render_deck
from exporter.word.handout import handout_docx, practice_docx

STATUSES: tuple[NoteStatus, ...] = ("new", "updated", "unchanged", "removed")


@dataclass(frozen=True)
class BuildOptions:
    """How to build: the handouts' page size, whether to write the practice handout,
    and whether to drop the notes of removed questions."""

    page_size: str = "letter"
    practice: bool = True
    forget_removed: bool = False


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
    error leaves `out_dir` as it was.
    """
    with gc_paused():  # the only cycles made are python-docx's, collected where made
        try:
            decks = load_decks(paths)
            advance = _counter(progress, total=(4 if options.practice else 3) * _size(decks))
            rendered = render_decks(decks, advance)
            # What is loaded lives until the end: spare it the collections of python-docx's cycles.
            gc.freeze()
            check_out_dir(out_dir)
            now = build_time()
            built = [_build_deck(item, out_dir, now, options, advance) for item in rendered]
            write_outputs(out_dir, [outputs for _, outputs in built])
            return [report for report, _ in built]
        finally:
            gc.unfreeze()


def check_decks(paths: Iterable[Path]) -> tuple[Deck, ...]:
    """Read and validate every deck named by `paths`, writing nothing."""
    with gc_paused():
        return load_decks(paths)


def write_previews(paths: Iterable[Path], out_dir: Path) -> list[Path]:
    """Write `<deck-id>.html` in `out_dir` for every deck: its cards as Anki shows them."""
    with gc_paused():
        decks = render_decks(load_decks(paths), lambda step, deck: None)
    check_out_dir(out_dir)
    pages = [
        (out_dir / f"{item.deck.id}.html", make_preview(item, note_contents(item)).encode())
        for item in decks
    ]
    write_outputs(out_dir, [DeckOutputs(documents=(page,)) for page in pages])
    return [path for path, _ in pages]


def render_decks(decks: Iterable[Deck], advance: Callable[[str, Deck], None]) -> list[RenderedDeck]:
    """Render and read the pictures of every deck; raise DataError with every problem of
    every deck."""
    rendered: list[RenderedDeck] = []
    problems: list[Problem] = []
    for deck in decks:
        item, deck_problems = render_deck(deck)
        rendered.append(item)
        problems += deck_problems
        advance("Rendering", deck)
    if problems:
        raise DataError(problems)
    return rendered


def _build_deck(
    rendered: RenderedDeck,
    out_dir: Path,
    now: int,
    options: BuildOptions,
    advance: Callable[[str, Deck], None],
) -> tuple[DeckReport, DeckOutputs]:
    deck = rendered.deck
    state_path = out_dir / f"{deck.id}.state.json"
    plan = plan_build(
        title=deck.title,
        metadata=[deck.title, deck.subtitle, deck.description, deck.author],
        notes=note_contents(rendered),
        note_type_digests=note_type_digests(),
        previous=read_state(state_path),
        now=now,
        forget_removed=options.forget_removed,
    )
    apkg = (out_dir / f"{deck.id}.apkg", make_apkg(rendered, plan))
    advance("Anki deck", deck)
    writers = [("Handout", f"{deck.id}.docx", handout_docx)]
    if options.practice:
        writers.append(("Practice handout", f"{deck.id}-practice.docx", practice_docx))
    documents = []
    for step, name, write in writers:
        document = write(rendered, plan.created, plan.modified, options.page_size)
        documents.append((out_dir / name, document))
        advance(step, deck)
    outputs = DeckOutputs(tuple(documents), apkg, (state_path, state_to_json(plan.state)))
    report = DeckReport(deck.id, plan, apkg[0], tuple(path for path, _ in documents))
    return report, outputs


def build_time() -> int:
    """Return `SOURCE_DATE_EPOCH` when set (reproducible builds), else the clock, in seconds."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return int(time.time())
    try:
        return int(value)
    except ValueError:
        raise ExporterError(f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}") from None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while making many objects without cycles.

    A data file becomes hundreds of thousands of small objects; the collector would
    rescan them all, again and again, for nothing: large decks took 2.5 times as long.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _size(decks: Iterable[Deck]) -> int:
    return sum(len(deck.questions) for deck in decks)


def _counter(progress: Progress, total: int) -> Callable[[str, Deck], None]:
    """A step counter that tells `progress` how many questions' work is done."""
    done = 0

    def advance(step: str, deck: Deck) -> None:
        nonlocal done
        done += len(deck.questions)
        progress(step, done, total)

    return advance
