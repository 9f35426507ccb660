"""`python -m exporter` and the `exporter` command."""

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


def run() -> None:
    """Run the command line; Ctrl-C while it starts ends it as Ctrl-C later does, with
    "Aborted!" and exit code 1, not a traceback."""
    sys.excepthook = _aborted
    try:
        from exporter.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        sys.exit(1)


if __name__ == "__main__":
    run()
