"""`python -m exporter` and the `exporter` command."""

# Nothing is imported before the hooks are in place but `sys`, loaded already: Ctrl-C
# that lands while a module loads would be reported by Python, as a traceback.
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType


def _aborted(
    kind: type[BaseException], error: BaseException, traceback: "TracebackType | None"
) -> None:
    """Report Ctrl-C that lands outside `run` (while Python unwinds) as `run` does, and
    an error Ctrl-C caused (Python wraps it when it lands while a class is made)."""
    if _interrupted(error):
        sys.stderr.write("Aborted!\n")
    else:
        sys.__excepthook__(kind, error, traceback)


def _interrupted(error: BaseException | None) -> bool:
    """Tell whether `error` is Ctrl-C or was raised by it."""
    seen = 0
    while error is not None and seen < 100:  # a chain can loop
        if isinstance(error, KeyboardInterrupt):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _unraisable(unraisable: "sys.UnraisableHookArgs") -> None:
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
    """Report Ctrl-C anywhere as "Aborted!", never as a traceback."""
    sys.excepthook = _aborted
    sys.unraisablehook = _unraisable


def _stop_on_termination() -> None:
    """End the command on SIGTERM or SIGHUP (`kill`, a closed terminal) as on Ctrl-C:
    by unwinding, so that a build removes the files it staged, instead of dying where it
    stands and leaving them."""
    import signal

    def stop(number: int, frame: object) -> None:
        raise SystemExit(128 + number)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def run() -> None:
    """Run the command line; Ctrl-C while it starts ends it as Ctrl-C later does, with
    "Aborted!" and exit code 1, not a traceback."""
    install_hooks()
    try:
        _stop_on_termination()
        from exporter.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        sys.exit(1)


if __name__ == "__main__":
    run()
