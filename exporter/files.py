"""Reading the user's files: regular files only, so that a FIFO or a device never hangs a run."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_regular_file(path: Path) -> bytes:
    """The bytes of the regular file at `path`.

    Raises OSError for anything else: opening a FIFO without O_NONBLOCK waits for
    a writer, and reading a device may never end.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return file.read()
