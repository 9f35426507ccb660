"""The errors the exporter reports to its user instead of a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class ExporterError(Exception):
    """A problem the user can fix; its message is shown as is, one line per problem."""


@dataclass(frozen=True)
class Problem:
    """One mistake in a data file, at `line` (1-based) when the mistake has one."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class DataError(ExporterError):
    """Every problem found in the data files of one run."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
