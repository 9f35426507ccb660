"""Output files: reproducible zip archives, each replaced atomically."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

# The earliest time a zip entry can carry: no build's clock leaks into the archive.
ZIP_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """Return a deflated zip of `entries` (name, data), in that order, with fixed metadata."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_ENTRY_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def normalize_zip(data: bytes) -> bytes:
    """Rewrite the zip archive `data` with the fixed metadata of `zip_bytes`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return zip_bytes(entries)


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
