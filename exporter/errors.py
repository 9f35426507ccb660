"""The errors the exporter reports to its user instead of a traceback."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Characters that would break a one-line message: line breaks and other controls.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ExporterError(Exception):
    """A problem the user can fix; its message is shown as is, one line per problem."""


@dataclass(frozen=True)
class Problem:
    """One mistake in a data file, at `line` (1-based) when the mistake has one."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        message = _UNPRINTABLE.sub(lambda match: repr(match.group())[1:-1], self.message)
        if self.line is None:
            return f"{self.path}: {message}"
        return f"{self.path}:{self.line}: {message}"


class DataError(ExporterError):
    """Every problem found in the data files of one run."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
