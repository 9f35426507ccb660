"""The `exporter` command line: checks options, runs a step, turns errors into messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from exporter import __version__

DEFAULT_DATA = Path("data")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@click.group(name="exporter", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="exporter")
def main() -> None:
    """Turn hand-edited interview questions and answers into an Anki deck and a Word handout.

    Edit data/*.yaml, run `exporter build`, import out/<deck-id>.apkg into Anki
    (edited cards update in place) and print out/<deck-id>.docx.

    \b
    Example:
      exporter build
    """


@main.command()
@PATHS
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder to write the deck and handout to.",
)
@click.option(
    "--page-size",
    type=click.Choice(["letter", "a4"], case_sensitive=False),
    default="letter",
    show_default=True,
    help="Paper size of the handouts.",
)
@click.option(
    "--practice/--no-practice",
    default=True,
    show_default=True,
    help="Also write <deck-id>-practice.docx: the questions with ruled space to answer.",
)
@click.option(
    "--forget-removed",
    is_flag=True,
    help="Stop carrying notes of removed questions (after deleting them in Anki).",
)
def build(
    paths: tuple[Path, ...], out_dir: Path, page_size: str, practice: bool, forget_removed: bool
) -> None:
    """Write an Anki deck (.apkg) and a Word handout (.docx) per deck.

    PATHS are data files or folders of them (default: data/). Nothing is
    written when any data file has a mistake; each is reported as file:line.
    Prints per deck what changed since the previous build, whose state it
    keeps in <deck-id>.state.json beside the outputs: re-importing the deck
    updates only the edited notes in Anki.

    \b
    Example:
      exporter build
      exporter build data/anthropic-culture-fit.yaml --out ~/Desktop/prep --page-size a4
    """
    from exporter.build import BuildOptions
    from exporter.build import build as build_outputs

    with _errors_reported():
        options = BuildOptions(page_size.lower(), practice, forget_removed)
        reports = build_outputs(paths or (DEFAULT_DATA,), out_dir, options)
    for report in reports:
        for warning in report.plan.warnings:
            click.echo(f"{report.deck_id}: warning: {warning}", err=True)
        click.echo(report.summary())


@main.command()
@PATHS
def check(paths: tuple[Path, ...]) -> None:
    """Validate the data files in PATHS without writing anything.

    PATHS are data files or folders of them (default: data/). Every mistake is
    reported as file:line: message; the exit code is 1 when there is any.

    \b
    Example:
      exporter check
      exporter check data/anthropic-culture-fit.yaml
    """
    from exporter.load import load_decks

    with _errors_reported():
        decks = load_decks(paths or (DEFAULT_DATA,))
    for deck in decks:
        click.echo(
            f"{deck.source}: deck '{deck.id}' is valid:"
            f" {len(deck.questions)} questions, {len(deck.themes)} themes"
        )


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Data file to write.  [default: data/<deck-id>.yaml]",
)
@click.option("--deck-id", help="Id of the new deck.  [default: from the document's title]")
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Encoding of SOURCE, when it is not UTF-8 (e.g. windows-1252).",
)
@click.option("--force", is_flag=True, help="Overwrite the data file if it exists.")
def import_(
    source: Path, output: Path | None, deck_id: str | None, encoding: str, force: bool
) -> None:
    """Turn a chat-style Markdown Q&A document into a data file.

    Understands question headings such as "### 1. Why…?", "### Q1. Why…?" or
    "### Q: Why…?" and paragraphs such as "**Question:** Why…?"; drops
    "Answer:" labels and the quotation marks around spoken answers; reads
    "Key Points:" lists and a themes section; repairs mojibake (UTF-8 read as
    Windows-1252). Prints, with line numbers, what it left out.

    \b
    Example:
      exporter import interview-guide.md
      exporter build
    """
    from exporter.importer import import_document

    with _errors_reported():
        result = import_document(source, output, deck_id, encoding, force)
    for warning in result.warnings:
        click.echo(warning, err=True)
    click.echo(f"wrote {result.path}: {result.questions} questions, {result.themes} themes")


@contextmanager
def _errors_reported() -> Iterator[None]:
    """Print an ExporterError on stderr, one line per problem, and exit with code 1."""
    from exporter.errors import ExporterError

    try:
        yield
    except ExporterError as error:
        for line in str(error).splitlines():
            click.echo(line, err=True)
        raise click.exceptions.Exit(1) from None
