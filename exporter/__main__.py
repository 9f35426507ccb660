"""`python -m exporter` and the `exporter` command."""

from __future__ import annotations

import sys
from types import TracebackType


def _aborted(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """Report Ctrl-C that lands outside `run` (while Python unwinds) as `run` does."""
    if issubclass(kind, KeyboardInterrupt):
        sys.stderr.write("Aborted!\n")
    else:
        sys.__excepthook__(kind, error, traceback)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """Ctrl-C that lands where Python can only report it (a callback of its import
    locks, while a module loads): sent again, to stop the command where `run` reports
    it; anything else as Python reports it."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        import os
        import signal
        import threading

        # Not from here: raised inside this hook, it would be reported again, as one.
        threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGINT)).start()
    else:
        sys.__unraisablehook__(unraisable)


def install_hooks() -> None:
    """Report Ctrl-C anywhere as "Aborted!", never as a traceback. (This module imports
    as little as it can: Ctrl-C during its own imports is reported by Python.)"""
    sys.excepthook = _aborted
    sys.unraisablehook = _unraisable


def run() -> None:
    """Run the command line; Ctrl-C while it starts ends it as Ctrl-C later does, with
    "Aborted!" and exit code 1, not a traceback."""
    install_hooks()
    try:
        from exporter.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        sys.exit(1)


if __name__ == "__main__":
    run()
