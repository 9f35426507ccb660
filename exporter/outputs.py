"""Output files: reproducible zip archives; a deck's outputs staged, then swapped in."""

from __future__ import annotations

import glob
import io
import os
import signal
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import ExporterError

# The earliest time a zip entry can carry: no build's clock leaks into the archive.
ZIP_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


def zip_bytes(entries: Iterable[tuple[str, bytes | Iterable[bytes]]]) -> bytes:
    """Return a deflated zip of `entries`, in that order, with fixed metadata.

    An entry's data is bytes, or pieces of bytes written one after the other.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_ENTRY_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as entry:
                for piece in (data,) if isinstance(data, bytes) else data:
                    entry.write(piece)
    return buffer.getvalue()


def normalize_zip(
    data: bytes, rewrite: Mapping[str, Callable[[bytes], Iterable[bytes]]] | None = None
) -> bytes:
    """Rewrite the zip archive `data` with the fixed metadata of `zip_bytes`.

    `rewrite` maps an entry's name to a function giving its new content, in pieces,
    from its old content.
    """
    rewrite = rewrite or {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # One entry in memory at a time: a large handout's XML is tens of MB.
        return zip_bytes(
            (info.filename, rewrite.get(info.filename, _same)(archive.read(info)))
            for info in archive.infolist()
        )


def _same(data: bytes) -> Iterable[bytes]:
    return (data,)


def remove_leftovers(path: Path) -> None:
    """Remove what a run killed before it could clean up left staged beside `path`."""
    for leftover in path.parent.glob(glob.escape(f".{path.name}.") + "*.tmp"):
        leftover.unlink(missing_ok=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and termination signals while a build swaps its files in, so that a
    deck's files change together; they take effect as soon as the swaps are done."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a new hidden file beside `path`, flushed to disk; return its path.

    `os.replace(staged, path)` then swaps it in at once. On any failure the
    staged file is removed.
    """
    descriptor, temp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    staged = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(staged, 0o644)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def write_atomically(
    path: Path, data: bytes, check: Callable[[Path], object] | None = None
) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half.

    `check`, when given, is called on the staged file before it replaces `path`;
    an exception from it leaves `path` untouched.
    """
    staged = stage(path, data)
    try:
        if check is not None:
            check(staged)
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class DeckOutputs:
    """The files of one deck, as (path, content) pairs.

    `state` describes `apkg`: it is swapped in only when the `.apkg` is, so that it
    never describes a package that is not in place.
    """

    documents: tuple[tuple[Path, bytes], ...]
    apkg: tuple[Path, bytes] | None = None
    state: tuple[Path, bytes] | None = None

    def in_writing_order(self) -> list[tuple[Path, bytes]]:
        """The files in the order they are swapped in: the `.apkg`, documents, state."""
        apkg = [self.apkg] if self.apkg else []
        state = [self.state] if self.state else []
        return [*apkg, *self.documents, *state]


def check_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that is a file, before any work is spent on it."""
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise ExporterError(f"{out_dir}: exists and is not a folder; choose another --out")
    except OSError as error:  # a name too long, a folder not to be searched
        raise ExporterError(f"{out_dir}: cannot use it: {error.strerror}") from None


def write_outputs(out_dir: Path, outputs: Sequence[DeckOutputs]) -> None:
    """Write every deck's files into `out_dir`.

    All files are staged (written in full beside their targets) before the first
    one replaces anything, so a full disk or an interruption leaves every
    previous output as it was. A file that cannot be replaced (open in another
    program) is reported; the others are still replaced, except the state of a
    deck whose .apkg was not.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExporterError(
            f"{out_dir}: cannot create the output folder: {error.strerror}"
        ) from None
    for deck_outputs in outputs:
        for path, _ in deck_outputs.in_writing_order():
            remove_leftovers(path)
    staged: list[tuple[DeckOutputs, list[tuple[Path, Path]]]] = []  # [(staged, target)]
    try:
        for deck_outputs in outputs:
            deck_staged: list[tuple[Path, Path]] = []
            staged.append((deck_outputs, deck_staged))
            for path, data in deck_outputs.in_writing_order():
                if path.is_file() and path.read_bytes() == data:
                    continue  # leave an identical file untouched, modification time included
                try:
                    deck_staged.append((stage(path, data), path))
                except OSError as error:
                    raise ExporterError(
                        f"{path}: cannot write: {error.strerror}; nothing was written"
                    ) from None
        with _signals_held():
            failures = [failure for deck, files in staged for failure in _replace(deck, files)]
    finally:
        # Every staged file, even one a signal left unrecorded (between its creation and
        # its entry in `staged`); held, so that a second signal cannot stop the sweep.
        with _signals_held():
            for deck_outputs in outputs:
                for path, _ in deck_outputs.in_writing_order():
                    remove_leftovers(path)
    if failures:
        raise ExporterError("\n".join(failures))


def _replace(deck: DeckOutputs, files: list[tuple[Path, Path]]) -> list[str]:
    """Swap a deck's staged files in; return a message for each that could not be."""
    failures: list[str] = []
    apkg_failed = False
    for temp, path in files:
        if deck.state and path == deck.state[0] and apkg_failed:
            continue
        try:
            os.replace(temp, path)
        except OSError as error:
            apkg_failed = apkg_failed or (deck.apkg is not None and path == deck.apkg[0])
            failures.append(
                f"{path}: cannot replace it: {error.strerror}; is it open in another program?"
                " The other outputs were written."
            )
    return failures
