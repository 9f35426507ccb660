"""The errors the exporter reports to its user instead of a traceback."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# Characters that would break a one-line message: line breaks and other controls.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ExporterError(Exception):
    """A problem the user can fix; its message is shown as is, one line per problem."""


# An error stops the run; a warning only tells what was left out.
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One mistake in a file, at `line` (1-based) when the mistake has one, of `severity`
    "error" or "warning"."""

    path: Path
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """`path:line: message`, with `warning: ` before the message of a warning."""
        if self.severity == "warning":
            return self.located(f"warning: {self.message}")
        return self.located(self.message)

    def located(self, message: str | None = None) -> str:
        """`path:line: message` (by default the problem's own), on one line."""
        path, message = _one_line(str(self.path)), _one_line(message or self.message)
        if self.line is None:
            return f"{path}: {message}"
        return f"{path}:{self.line}: {message}"


def _one_line(text: str) -> str:
    return _UNPRINTABLE.sub(lambda match: repr(match.group())[1:-1], text)


class DataError(ExporterError):
    """Every problem found in the data files of one run."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
