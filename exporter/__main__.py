"""`python -m exporter` and the `exporter` command."""

import sys


def run() -> None:
    """Run the command line; Ctrl-C while it starts ends it as Ctrl-C later does, with
    "Aborted!" and exit code 1, not a traceback."""
    try:
        from exporter.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        sys.exit(1)


if __name__ == "__main__":
    run()
