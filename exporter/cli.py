"""The `exporter` command line: checks options, runs a step, turns errors into messages.

Only click is imported up front: `exporter --help` must not pay for the libraries
that build decks and handouts.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, TypeVar

import click

from exporter import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from click._termui_impl import ProgressBar

    from exporter.build import BuildOptions
    from exporter.pull import DeckPull, Prefer
    from exporter.push import Pushed, RemovedNote

DEFAULT_DATA = "data"
# About two seconds of work: smaller builds finish before a bar would be read.
PROGRESS_FROM_QUESTIONS = 4000
PATHS = click.argument("paths", nargs=-1, type=click.Path())


def _also_write(
    name: str, description: str
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """An on-by-default option `--NAME/--no-NAME` for one more document."""
    return click.option(f"--{name}/--no-{name}", default=True, show_default=True, help=description)


def _choice(
    name: str, choices: list[str], description: str
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """An option `--NAME` taking one of `choices`, the first by default."""
    kind = click.Choice(choices, case_sensitive=False)
    return click.option(name, type=kind, default=choices[0], show_default=True, help=description)


PRACTICE = _also_write(
    "practice", "Also write <deck-id>-practice.docx: the questions with ruled space to answer."
)
PAGE_SIZE = _choice("--page-size", ["letter", "a4"], "Paper size of the handouts and cards.")
CARDS = _also_write(
    "cards", "Also write <deck-id>-cards.docx: cue cards to print double-sided and cut."
)
CARDS_PER_PAGE = _choice(
    "--cards-per-page", ["4", "6", "8"], "Cue cards on each page: 4 are index-card size."
)
DUPLEX = _choice(
    "--duplex",
    ["long-edge", "short-edge"],
    "How your printer turns the paper for the cue cards' backs.",
)
PDF = click.option(
    "--pdf",
    is_flag=True,
    help="Also write every document as PDF, with LibreOffice (it must be installed).",
)


def _document_options(function: Callable[..., None]) -> Callable[..., None]:
    """The options of the documents a build writes, shared by build and push: the
    command is given them as one `options` (BuildOptions)."""

    @functools.wraps(function)
    def command(
        *args: object,
        page_size: str,
        practice: bool,
        cards: bool,
        cards_per_page: str,
        duplex: str,
        pdf: bool,
        **kwargs: object,
    ) -> None:
        from exporter.build import BuildOptions
        from exporter.word.cards import CardOptions

        sides: Literal["long-edge", "short-edge"] = (
            "short-edge" if duplex.lower() == "short-edge" else "long-edge"
        )
        card_options = CardOptions(int(cards_per_page), sides) if cards else None
        options = BuildOptions(page_size.lower(), practice, cards=card_options, pdf=pdf)
        function(*args, options=options, **kwargs)

    for option in reversed((PAGE_SIZE, PRACTICE, CARDS, CARDS_PER_PAGE, DUPLEX, PDF)):
        command = option(command)
    return command


PROFILE = click.option(
    "--profile", help="The Anki profile to use (default: the only one, or the last used)."
)
COLLECTION = click.option(
    "--collection",
    "collection_path",
    type=click.Path(dir_okay=False),
    help="A collection.anki2 to use instead of a profile's.",
)


def _out_option(description: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(
        "--out", "out_dir", type=click.Path(), default="out", show_default=True, help=description
    )


Result = TypeVar("Result")


@click.group(name="exporter", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="exporter")
def main() -> None:
    """Turn hand-edited interview questions and answers into an Anki deck and a Word handout.

    Edit data/*.yaml, run `exporter build` and import out/<deck-id>.apkg into
    Anki, or run `exporter push` to do both with Anki closed (edited cards update
    in place), and print out/<deck-id>.docx and the cue cards, out/<deck-id>-cards.docx
    (--pdf: as PDFs too). Edited a card in Anki? `exporter pull` writes the edit back
    into data/*.yaml.

    \b
    Example:
      exporter build
      exporter push
      exporter pull
    """


@main.command()
@PATHS
@_out_option("Folder to write the deck and handouts to.")
@_document_options
@click.option(
    "--forget-removed",
    is_flag=True,
    help="Stop carrying notes of removed questions (after deleting them in Anki).",
)
@click.option(
    "--watch", is_flag=True, help="Keep running, and build again whenever a data file is saved."
)
def build(
    paths: tuple[str, ...],
    out_dir: str,
    options: BuildOptions,
    forget_removed: bool,
    watch: bool,
) -> None:
    """Write an Anki deck (.apkg), Word handouts and cue cards (.docx) for every deck in PATHS.

    PATHS are data files or folders of them (default: data/). Nothing is
    written when any data file has a mistake; each is reported as file:line.
    Prints per deck what changed since the deck was last built, as its state
    (<name>.state.json beside the data file; commit it) remembers: re-importing
    the deck updates only the edited notes in Anki.

    \b
    Example:
      exporter build
      exporter build data/anthropic-culture-fit.yaml --out ~/Desktop/prep --page-size a4
      exporter build --pdf --cards-per-page 6
      exporter build --watch
    """
    from dataclasses import replace
    from pathlib import Path

    data = [Path(path) for path in paths or (DEFAULT_DATA,)]
    options = replace(options, forget_removed=forget_removed)
    if not watch:
        _build_and_report(data, Path(out_dir), options, exit_on_error=True)
        return
    _build_and_report(data, Path(out_dir), options, exit_on_error=False)
    _watch(data, lambda: _build_and_report(data, Path(out_dir), options, exit_on_error=False))


def _build_and_report(
    data: Sequence[Path], out_dir: Path, options: BuildOptions, exit_on_error: bool
) -> None:
    from exporter.build import build as build_outputs

    progress = _ProgressBar(options.steps)
    try:
        reports = _reporting_errors(
            lambda: build_outputs(data, out_dir, options, progress, _tell), exit_on_error
        )
    finally:
        progress.close()
    for report in reports or ():
        for warning in report.warnings:
            click.echo(f"{report.deck_id}: warning: {warning}", err=True)
        for problem in report.problems:  # what the cue cards left out: said as where it is
            click.echo(problem.located(), err=True)
        click.echo(report.summary())


def _tell(message: str) -> None:
    click.echo(message, err=True)


def _watch(data: Sequence[Path], rebuild: Callable[[], None]) -> None:
    """Run `rebuild` each time a data file under `data` is saved, until Ctrl-C."""
    from pathlib import Path

    from watchfiles import watch

    from exporter.load import DATA_SUFFIXES

    # Editors often save by replacing the file: watch the folders that hold the files.
    folders = {path if path.is_dir() else path.parent for path in data}
    data_folders = {path.resolve() for path in data if path.is_dir()}
    data_files = {path.resolve() for path in data if not path.is_dir()}

    def is_data(_: object, changed: str) -> bool:
        path = Path(changed).resolve()
        return path in data_files or (path.suffix in DATA_SUFFIXES and path.parent in data_folders)

    click.echo(f"watching {', '.join(sorted(map(str, folders)))} (Ctrl-C to stop)", err=True)
    changes = watch(*folders, watch_filter=is_data, debounce=200, step=50, raise_interrupt=False)
    try:
        for _ in changes:
            rebuild()
    except KeyboardInterrupt:  # during a rebuild: its outputs are whole, old or new
        click.echo("stopped watching", err=True)


class _ProgressBar:
    """Build progress on stderr, for builds large enough to wait for, on a terminal."""

    def __init__(self, steps: int) -> None:
        self._steps = steps  # of work for each question
        self._bar: ProgressBar[int] | None = None
        self._shown = 0

    def __call__(self, step: str, done: int, total: int) -> None:
        if self._bar is None:
            if total < PROGRESS_FROM_QUESTIONS * self._steps or not sys.stderr.isatty():
                return
            self._bar = click.progressbar(length=total, label="Building", file=sys.stderr)
        self._bar.label = step
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()


@main.command()
@PATHS
@_out_option("Folder to write the deck and handouts to.")
@_document_options
@PROFILE
@COLLECTION
@click.option("--dry-run", is_flag=True, help="Say what Anki would do; write nothing.")
@click.option("--yes", is_flag=True, help="Delete the notes of removed questions without asking.")
def push(
    paths: tuple[str, ...],
    out_dir: str,
    options: BuildOptions,
    profile: str | None,
    collection_path: str | None,
    dry_run: bool,
    yes: bool,
) -> None:
    """Build, then import every deck in PATHS into your Anki collection.

    Does what `exporter build` and File → Import in Anki do, with Anki's own
    importer: edited notes update in place, review history stays, notes edited
    in Anki and unchanged here keep your edits. Notes of questions removed from
    the data are listed and deleted once you agree (--yes: without asking).
    Close Anki first: Anki lets one program at a time write a collection.

    \b
    Example:
      exporter push
      exporter push --profile "User 1" --dry-run
    """
    from pathlib import Path

    from exporter.anki.collection import find_collection
    from exporter.push import dry_run as push_dry_run
    from exporter.push import push as push_decks
    from exporter.push import push_warnings

    data = [Path(path) for path in paths or (DEFAULT_DATA,)]

    if profile is not None and collection_path is not None:
        raise click.UsageError("give --profile or --collection, not both")

    def confirm(notes: Sequence[RemovedNote]) -> bool:
        count = f"{len(notes)} note{'s' if len(notes) != 1 else ''}"
        click.echo(f"{count} of questions removed from the data in Anki:", err=True)
        for note in notes:
            click.echo(f"  {note.text} ({note.reviews} reviews)", err=True)
        if yes:
            return True
        if not sys.stdin.isatty():
            return False
        return click.confirm("Delete them from the collection?", default=False, err=True)

    def run() -> Pushed:
        collection = Path(collection_path) if collection_path else None
        target = find_collection(profile, collection)
        if dry_run:
            return push_dry_run(data, options, target, _tell)
        return push_decks(data, Path(out_dir), options, target, confirm, _tell)

    pushed = _reporting_errors(run)
    if pushed is None:
        return
    for report in pushed.builds:
        for warning in push_warnings(report):
            click.echo(f"{report.deck_id}: warning: {warning}", err=True)
        for problem in report.problems:  # what the cue cards left out: said as where it is
            click.echo(problem.located(), err=True)
        click.echo(report.summary())
    for deck in pushed.decks:
        click.echo(deck.summary(dry_run))
    if pushed.full_sync:
        click.echo(
            "warning: a note type changed: Anki's next sync with AnkiWeb will be a full one,"
            " in one direction",
            err=True,
        )


# The exit code of a pull that left conflicts in the data's favour: not an error (the
# rest was pulled), and not a clean run either.
CONFLICTS_EXIT = 3


@main.command()
@PATHS
@PROFILE
@COLLECTION
@click.option(
    "--from",
    "package_path",
    type=click.Path(dir_okay=False),
    help="An .apkg exported from Anki (desktop, AnkiDroid, AnkiMobile) to read instead.",
)
@click.option(
    "--prefer",
    type=click.Choice(["anki", "data"], case_sensitive=False),
    help="Settle fields changed on both sides: take Anki's text, or keep the data's.",
)
@click.option(
    "--add-new", is_flag=True, help="Append notes added to the deck in Anki as questions."
)
@click.option(
    "--dry-run", is_flag=True, help="Show the change to the data as a diff; write nothing."
)
def pull(
    paths: tuple[str, ...],
    profile: str | None,
    collection_path: str | None,
    package_path: str | None,
    prefer: str | None,
    add_new: bool,
    dry_run: bool,
) -> None:
    """Bring edits made in Anki back into the data files in PATHS.

    Each field is compared with what the last build emitted: a field changed only
    in Anki is written into the data, as Markdown; one changed only in the data
    stays for the next build to carry. A field changed on both sides is a
    conflict: the data is kept and Anki's text is shown, unless --prefer decides.
    Comments and layout of the data file stay as they are. Exit code 0 when all
    is pulled, 1 on an error (nothing written), 3 when conflicts kept the data.

    \b
    Example:
      exporter pull --dry-run
      exporter pull --from ~/Downloads/deck.apkg --prefer anki
    """
    from pathlib import Path

    from exporter.anki.collection import find_collection
    from exporter.anki.reading import AnkiSource
    from exporter.pull import pull as pull_decks

    data = [Path(path) for path in paths or (DEFAULT_DATA,)]
    if sum(option is not None for option in (profile, collection_path, package_path)) > 1:
        raise click.UsageError("give one of --profile, --collection and --from")

    def run() -> list[DeckPull]:
        if package_path is not None:
            source = AnkiSource(package_path, package=Path(package_path))
        else:
            collection = Path(collection_path) if collection_path else None
            target = find_collection(profile, collection)
            source = AnkiSource(target.name, target=target)
        chosen: Prefer | None = None
        if prefer is not None:
            chosen = "anki" if prefer.lower() == "anki" else "data"
        return pull_decks(data, source, chosen, add_new, dry_run, _tell)

    pulls = _reporting_errors(run)
    if pulls is None:
        return
    for each in pulls:
        for line in each.pulled:
            click.echo(line)
        for problem in (*each.notices, *each.conflicts):
            click.echo(str(problem), err=True)
        for line in each.added:
            click.echo(f"{each.path}: added in Anki: {line}")
        if dry_run:
            click.echo(each.diff(), nl=False)
        click.echo(each.summary(dry_run))
    if any(each.conflicts for each in pulls):
        raise click.exceptions.Exit(CONFLICTS_EXIT)


@main.command()
@PATHS
def check(paths: tuple[str, ...]) -> None:
    """Validate the data files in PATHS without writing anything.

    PATHS are data files or folders of them (default: data/). Every mistake is
    reported as file:line: message; the exit code is 1 when there is any.

    \b
    Example:
      exporter check
      exporter check data/anthropic-culture-fit.yaml
    """
    from pathlib import Path

    from exporter.build import check_decks

    decks = _reporting_errors(lambda: check_decks(Path(path) for path in paths or (DEFAULT_DATA,)))
    for deck in decks or ():
        click.echo(
            f"{deck.source}: deck '{deck.id}' is valid:"
            f" {len(deck.questions)} questions, {len(deck.themes)} themes"
        )


@main.command()
@PATHS
@_out_option("Folder to write the preview pages to.")
@click.option("--open", "open_page", is_flag=True, help="Open each page in the default browser.")
def preview(paths: tuple[str, ...], out_dir: str, open_page: bool) -> None:
    """Write out/<deck-id>.html: every card's front and back, as Anki will show them.

    The page uses the deck's real templates and CSS, shows the cards in data
    order with their deck, tags and pictures, and switches between light and
    night mode. Nothing in Anki is touched.

    \b
    Example:
      exporter preview --open
    """
    from pathlib import Path

    from exporter.build import write_previews

    pages = _reporting_errors(
        lambda: write_previews([Path(path) for path in paths or (DEFAULT_DATA,)], Path(out_dir))
    )
    for page in pages or ():
        click.echo(f"wrote {page}")
        if open_page:
            click.launch(str(page))


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Data file to write.  [default: data/<deck-id>.yaml]",
)
@click.option("--deck-id", help="Id of the new deck.  [default: from the document's title]")
@click.option(
    "--questions",
    "steer",
    # exporter.importer.STEERS, named here so that other commands start without it
    type=click.Choice(
        [
            "details",
            "table",
            "labels",
            "pairs",
            "headings",
            "list",
            "bold",
            "quotes",
            "lines",
            "chat",
        ]
    ),
    help="Where the questions are, when the importer should not choose.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Encoding of SOURCE, when it is not UTF-8 (e.g. windows-1252).",
)
@click.option("--force", is_flag=True, help="Overwrite the data file if it exists.")
def import_(
    source: str,
    output: str | None,
    deck_id: str | None,
    steer: str | None,
    dry_run: bool,
    encoding: str,
    force: bool,
) -> None:
    """Turn a Q&A document into a data file: Markdown, plain text, Word (.docx), HTML,
    or a CSV/TSV spreadsheet with question and answer columns.

    Finds the questions whatever their shape: headings, bold paragraphs,
    <details> blocks, "Q:" labels, list items or table rows, choosing the kind
    that best explains the document; headings above the questions become tags.
    Drops "Answer:" labels, navigation and the quotation marks around spoken
    answers; reads "Key Points:" lists and a themes section; repairs mojibake;
    copies pictures next to the data file. Prints, with line numbers, what it
    left out. --dry-run shows what it found without writing.

    \b
    Example:
      exporter import interview-guide.md --dry-run
      exporter import interview-guide.md
      exporter build
    """
    from pathlib import Path

    from exporter.importer import import_document

    result = _reporting_errors(
        lambda: import_document(
            Path(source),
            Path(output) if output else None,
            deck_id,
            encoding,
            force,
            steer,
            dry_run,
        )
    )
    if result is None:
        return
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    if dry_run:
        click.echo(f"{source}: {result.found[0]}")
        for line in result.found[1:]:
            click.echo(line)
        click.echo(f"would write {result.path}; nothing written (dry run)")
        return
    click.echo(f"wrote {result.path}: {result.questions} questions, {result.themes} themes")


def _reporting_errors(step: Callable[[], Result], exit_on_error: bool = True) -> Result | None:
    """Run `step`; print an ExporterError on stderr, one line per problem, and exit
    with code 1 (or, when not `exit_on_error`, return None)."""
    from exporter.errors import ExporterError

    try:
        return step()
    except ExporterError as error:
        for line in str(error).splitlines():
            click.echo(line, err=True)
        if exit_on_error:
            raise click.exceptions.Exit(1) from None
        return None
