"""The build: load every deck, render its Markdown once, write its deck, handouts and state."""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from exporter.anki.notes import note_contents, note_type_digests
from exporter.anki.package import make_apkg
from exporter.anki.preview import make_preview
from exporter.anki.state import MAX_SECONDS, REMOVED_TAG, BuildPlan, NoteStatus, plan_build
from exporter.anki.state_files import (
    STATE_SUFFIX,
    StateFiles,
    decks_locked,
    state_beside,
    state_files,
    state_to_json,
)
from exporter.errors import DataError, ExporterError, Problem
from exporter.load import load_decks
from exporter.model import Deck
from exporter.outputs import DeckOutputs, check_out_dir, write_atomically, write_outputs
from exporter.pdf import WordDocument, docx_to_pdf, find_soffice, pdf_destinations
from exporter.rendered import RenderedDeck, render_deck
from exporter.word.cards import DEFAULT_CARDS, CardOptions, cards_docx
from exporter.word.handout import handout_docx, practice_docx

STATUSES: tuple[NoteStatus, ...] = ("new", "updated", "unchanged", "removed")


@dataclass(frozen=True)
class BuildOptions:
    """How to build: the handouts' page size, whether to write the practice handout,
    whether to drop the notes of removed questions, whether to keep the decks' states
    (a dry run writes its outputs elsewhere and keeps nothing), how to lay out the cue
    cards (None: none), and whether to write a PDF of every document."""

    page_size: str = "letter"
    practice: bool = True
    forget_removed: bool = False
    keep_state: bool = True
    cards: CardOptions | None = DEFAULT_CARDS
    pdf: bool = False

    @property
    def steps(self) -> int:
        """The steps of work a build does for each question: rendering, the Anki deck,
        the handout, and the practice handout and the cue cards when asked for."""
        return 3 + self.practice + (self.cards is not None)


@dataclass(frozen=True)
class DeckReport:
    """What one deck's build wrote and what changed since the previous build."""

    deck_id: str
    plan: BuildPlan
    apkg: Path
    handouts: tuple[Path, ...]
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()  # warnings about a place in the data file

    def summary(self) -> str:
        """One line: `<deck-id>: 1 updated, 11 unchanged → <apkg>, <handouts>`."""
        counts = [(self.plan.count(status), status) for status in STATUSES]
        changes = ", ".join(f"{count} {status}" for count, status in counts if count)
        paths = ", ".join(str(path) for path in (self.apkg, *self.handouts))
        return f"{self.deck_id}: {changes} → {paths}"


# Told (step, done, total) as a build goes. Work is counted in questions, once per
# step (BuildOptions.steps).
Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    pass


def _silent(message: str) -> None:
    pass


def build(
    paths: Iterable[Path],
    out_dir: Path,
    options: BuildOptions = BuildOptions(),
    progress: Progress = _no_progress,
    tell: Callable[[str], None] = _silent,
) -> list[DeckReport]:
    """Build `<deck-id>.apkg`, `.docx` and `-practice.docx` in `out_dir`, and keep each
    deck's state beside its data file; `tell` hears why the build waits.

    Everything is rendered in memory before the first file is written, so a data
    error leaves every file as it was.
    """
    if options.pdf:
        find_soffice()  # before any work: --pdf cannot be done without LibreOffice
    with gc_paused():  # the only cycles made are python-docx's, collected where made
        try:
            decks = load_decks(paths)
            advance = _counter(progress, total=options.steps * _size(decks))
            rendered = render_decks(decks, advance)
            # What is loaded lives until the end: spare it the collections of python-docx's cycles.
            gc.freeze()
            check_out_dir(out_dir)
            _check_output_names(decks, out_dir, options)
            created = creation_time()

            def waiting(deck_id: str) -> None:
                tell(f"{deck_id}: waiting for another build of this deck to finish")

            with decks_locked([deck.id for deck in decks], waiting):
                now = clock()  # once the lock is held: waiting must not age the times
                for warning in _orphaned_states(decks):
                    tell(warning)
                files = [state_files(source_of(deck), deck.id, out_dir) for deck in decks]
                planned = _plans(rendered, files, now, created, options)
                moves = _moves(decks, planned)
                built = [
                    _write_deck(item, plan, where.beside, out_dir, options, advance, moves)
                    for item, plan, where in zip(rendered, planned, files, strict=True)
                ]
                if options.pdf:
                    built = _with_pdfs(rendered, planned, built, options)
                write_outputs(out_dir, [outputs for _, outputs in built])
                if options.keep_state:
                    _keep_cached_states(files, planned)
            return [report for report, _ in built]
        finally:
            gc.unfreeze()


def check_decks(paths: Iterable[Path]) -> tuple[Deck, ...]:
    """Validate every deck named by `paths` as a build would, writing nothing: the data,
    its pictures, the names of the outputs and the deck's state."""
    with gc_paused():
        decks = load_decks(paths)
        rendered = render_decks(decks, lambda step, deck: None)
    _check_output_names(decks, Path("out"), BuildOptions())
    now, created = clock(), creation_time()
    files = [state_files(source_of(deck), deck.id) for deck in decks]
    _plans(rendered, files, now, created, BuildOptions())
    return decks


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


def _plans(
    rendered: Sequence[RenderedDeck],
    files: Sequence[StateFiles],
    now: int,
    created: int,
    options: BuildOptions,
) -> list[BuildPlan]:
    """What each deck's build changes since its state; refuse a note that changed kind."""
    plans = [
        _plan(item, where, now, created, options)
        for item, where in zip(rendered, files, strict=True)
    ]
    _refuse_kind_changes([item.deck for item in rendered], plans)
    return plans


def _plan(
    rendered: RenderedDeck, files: StateFiles, now: int, created: int, options: BuildOptions
) -> BuildPlan:
    deck = rendered.deck
    notes = note_contents(rendered)
    previous = files.read_previous(deck.id, deck.title, (note.guid for note in notes))
    return plan_build(
        deck_id=deck.id,
        title=deck.title,
        metadata=[deck.title, deck.subtitle, deck.description, deck.author],
        notes=notes,
        note_type_digests=note_type_digests(),
        previous=previous,
        now=now,
        created=created,
        forget_removed=options.forget_removed,
    )


def _write_deck(
    rendered: RenderedDeck,
    plan: BuildPlan,
    state_path: Path,
    out_dir: Path,
    options: BuildOptions,
    advance: Callable[[str, Deck], None],
    moves: Mapping[str, Sequence[str]],
) -> tuple[DeckReport, DeckOutputs]:
    deck = rendered.deck
    apkg = (out_dir / f"{deck.id}.apkg", make_apkg(rendered, plan))
    advance("Anki deck", deck)
    documents = []
    for step, name, write in _documents(deck, options):
        document = write(rendered, plan.created, plan.modified, options.page_size)
        documents.append((out_dir / name, document))
        advance(step, deck)
    problems: tuple[Problem, ...] = ()
    if options.cards is not None:
        cards = cards_docx(rendered, plan.created, plan.modified, options.page_size, options.cards)
        documents.append((out_dir / _cards_name(deck), cards.data))
        problems = cards.problems
        advance("Cue cards", deck)
    state = (state_path, state_to_json(plan.state)) if options.keep_state else None
    warnings = (*plan.warnings, *moves.get(deck.id, ()))
    paths = tuple(path for path, _ in documents)
    report = DeckReport(deck.id, plan, apkg[0], paths, warnings, problems)
    return report, DeckOutputs(tuple(documents), apkg, state)


DocumentWriter = Callable[[RenderedDeck, int, int, str], bytes]


def _documents(deck: Deck, options: BuildOptions) -> list[tuple[str, str, DocumentWriter]]:
    """The handouts to write: (progress step, file name, writer)."""
    documents: list[tuple[str, str, DocumentWriter]] = [
        ("Handout", f"{deck.id}.docx", handout_docx)
    ]
    if options.practice:
        documents.append(("Practice handout", f"{deck.id}-practice.docx", practice_docx))
    return documents


def _cards_name(deck: Deck) -> str:
    """The file name of `deck`'s cue cards."""
    return f"{deck.id}-cards.docx"


def _document_names(deck: Deck, options: BuildOptions) -> list[str]:
    """The file names of every document `deck`'s build writes, PDFs included."""
    names = [name for _, name, _ in _documents(deck, options)]
    if options.cards is not None:
        names.append(_cards_name(deck))
    if options.pdf:
        names += [str(PurePath(name).with_suffix(".pdf")) for name in names]
    return names


def _with_pdfs(
    rendered: Sequence[RenderedDeck],
    plans: Sequence[BuildPlan],
    built: Sequence[tuple[DeckReport, DeckOutputs]],
    options: BuildOptions,
) -> list[tuple[DeckReport, DeckOutputs]]:
    """Add a PDF of every document, dated as the document is.

    Cue cards cut short point to a page of the handout: the handout's PDF is made
    first, and those cards are made again with its page numbers.
    """
    cut = [bool(report.problems) for report, _ in built]
    first = [
        (path, data, plan.modified)
        for item, plan, (_, outputs), is_cut in zip(rendered, plans, built, cut, strict=True)
        for path, data in outputs.documents
        if not (is_cut and path.name == _cards_name(item.deck))
    ]
    pdfs = _converted(first)
    cards: list[tuple[Path, bytes, int]] = []
    for item, plan, (report, _), is_cut in zip(rendered, plans, built, cut, strict=True):
        if is_cut and options.cards is not None:
            handout = report.apkg.with_name(f"{item.deck.id}.pdf")
            pages = pdf_destinations(pdfs[handout])
            made = cards_docx(
                item, plan.created, plan.modified, options.page_size, options.cards, pages
            )
            cards.append((report.apkg.with_name(_cards_name(item.deck)), made.data, plan.modified))
    pdfs.update(_converted(cards))
    new_cards = {path: data for path, data, _ in cards}
    with_pdfs = []
    for report, outputs in built:
        documents = [(path, new_cards.get(path, data)) for path, data in outputs.documents]
        documents += [(_pdf_path(path), pdfs[_pdf_path(path)]) for path, _ in documents]
        with_pdfs.append(
            (
                replace(report, handouts=tuple(path for path, _ in documents)),
                replace(outputs, documents=tuple(documents)),
            )
        )
    return with_pdfs


def _converted(documents: Sequence[tuple[Path, bytes, int]]) -> dict[Path, bytes]:
    """The PDF of each (path, .docx, modification time), by the PDF's path."""
    pdfs = docx_to_pdf([WordDocument(path.name, data, time) for path, data, time in documents])
    return {_pdf_path(path): pdf for (path, _, _), pdf in zip(documents, pdfs, strict=True)}


def _pdf_path(document: Path) -> Path:
    return document.with_suffix(".pdf")


def _check_output_names(decks: Sequence[Deck], out_dir: Path, options: BuildOptions) -> None:
    """Refuse two decks that would write the same file (decks `x` and `x-practice`, or
    `x.yaml` and `x.yml` in one folder), before anything is written."""
    writers: dict[Path, tuple[Deck, Path]] = {}
    problems = []
    for deck in decks:
        names = [out_dir / name for name in _document_names(deck, options)]
        state = state_beside(source_of(deck))
        for path in [out_dir / f"{deck.id}.apkg", *names, state]:
            first = writers.setdefault(path.resolve(), (deck, path))[0]
            if first is not deck:
                problems.append(
                    Problem(
                        source_of(deck),
                        deck.lines.get("id"),
                        f"deck '{deck.id}' would write {path}, which deck '{first.id}'"
                        f" ({first.source}) writes too; give one of them another id or file name",
                    )
                )
    if problems:
        raise DataError(problems)


def _refuse_kind_changes(decks: Sequence[Deck], plans: Sequence[BuildPlan]) -> None:
    """Refuse a question that became a theme (or back) under the same id: Anki would
    keep the old note and report the new one as conflicting."""
    problems = []
    for deck, plan in zip(decks, plans, strict=True):
        items = {question.id: question.lines for question in deck.questions}
        items.update({theme.id: theme.lines for theme in deck.themes})
        for change in plan.kind_changes:
            problems.append(
                Problem(
                    source_of(deck),
                    items[change.item_id].get("id"),
                    f"{change.now} '{change.item_id}' was a {change.was} in earlier builds, and"
                    f" Anki cannot turn a {change.was}'s note into a {change.now}'s: give it a"
                    f" new id (the old note then stays in Anki, tagged {REMOVED_TAG})",
                )
            )
    if problems:
        raise DataError(problems)


def _moves(decks: Sequence[Deck], plans: Sequence[BuildPlan]) -> dict[str, list[str]]:
    """Warnings, by deck id, for items that left one deck for another in this build: the
    GUID comes from the deck id, so Anki sees a new card, without the old one's history."""
    left = {
        (content.kind, content.item_id): deck.id
        for deck, plan in zip(decks, plans, strict=True)
        for content in plan.newly_removed
    }
    moves: dict[str, list[str]] = {}
    for deck, plan in zip(decks, plans, strict=True):
        for note in plan.notes:
            origin = left.get((note.content.kind, note.content.item_id))
            if note.status == "new" and origin not in (None, deck.id):
                moves.setdefault(deck.id, []).append(
                    f"{note.content.kind} '{note.content.item_id}' moved here from deck"
                    f" '{origin}': Anki adds it as a new card, without the review history of"
                    f" the old one (which stays in '{origin}', tagged {REMOVED_TAG})"
                )
    return moves


def _orphaned_states(decks: Sequence[Deck]) -> list[str]:
    """A warning for each state in the decks' folders whose data file is gone: its
    questions were deleted, or moved into another deck, where Anki sees new cards. Any
    file of the state's name is its data file: one named on the command line may have
    any suffix."""
    warnings = []
    for folder in sorted({state_beside(source_of(deck)).parent for deck in decks}):
        names = {path.stem for path in folder.iterdir() if not path.name.endswith(STATE_SUFFIX)}
        for state in sorted(folder.glob(f"*{STATE_SUFFIX}")):
            if state.name.removesuffix(STATE_SUFFIX) not in names:
                warnings.append(
                    f"{state}: its data file is gone; the notes it built stay in Anki,"
                    " untagged (a question moved to another deck is a new card there)."
                    " Delete the state once you have dealt with them in Anki"
                )
    return warnings


def _keep_cached_states(files: Sequence[StateFiles], plans: Sequence[BuildPlan]) -> None:
    """Write each deck's state into the user's cache too, once it is beside its data;
    remove the copies earlier versions kept in the output folder, now carried over. The
    cached copy is a second memory: a build goes on without it."""
    for where, plan in zip(files, plans, strict=True):
        if where.cached is not None:
            with contextlib.suppress(OSError):
                write_atomically(where.cached, state_to_json(plan.state))
        if where.legacy is not None:
            where.legacy.unlink(missing_ok=True)


def source_of(deck: Deck) -> Path:
    """The data file `deck` was read from."""
    if deck.source is None:
        raise ValueError(f"deck '{deck.id}' was not read from a file")
    return deck.source


def clock() -> int:
    """The time of the build, in seconds: always the clock, so that a changed note is
    never older than an edit made in Anki."""
    return int(time.time())


def creation_time() -> int:
    """The time a deck's first build records as its creation: `SOURCE_DATE_EPOCH` when
    set (reproducible builds), else the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return int(time.time())
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if not 1 <= seconds <= MAX_SECONDS:
        raise ExporterError(f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}")
    return seconds


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
