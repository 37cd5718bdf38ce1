"""Errors raised by the evbench library, the locations they point at, and the CLI exit codes.

Library code raises; only ``benchmark.cli`` turns an error into a message and an exit code.
A message reads ``path:line: field.path: what is wrong``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes shared by every ``evbench`` command (documented in README.md)."""

    OK = 0
    NEGATIVE = 1  # the command's verdict is negative: invalid file, regression
    USAGE = 2  # bad command line, incomparable results
    DATA = 65  # malformed input data (sysexits EX_DATAERR)
    OS_ERROR = 71  # a worker process died, e.g. killed for memory (sysexits EX_OSERR)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file, a 1-based line (0 = the file as a whole), a field path."""

    path: str
    line: int = 0
    field: str = ""

    def __str__(self) -> str:
        where = self.path if self.line == 0 else f"{self.path}:{self.line}"
        return f"{where}: {self.field}" if self.field else where


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in an input file."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class EvbenchError(Exception):
    """Base class of every error evbench raises on purpose."""

    exit_code = ExitCode.DATA


class InputError(EvbenchError):
    """An input file is unreadable or malformed; carries every issue found (at least one)."""

    exit_code = ExitCode.DATA

    def __init__(self, issues: list[Issue] | Issue, total: int | None = None):
        self.issues = [issues] if isinstance(issues, Issue) else list(issues)
        self.total = len(self.issues) if total is None else total
        super().__init__(str(self.issues[0]) if self.issues else "invalid input")

    @classmethod
    def at(cls, path: str | Path, message: str, line: int = 0, field: str = "") -> "InputError":
        return cls(Issue(Location(str(path), line, field), message))


class UsageError(EvbenchError):
    """The caller asked for something that cannot be done (bad option, missing file)."""

    exit_code = ExitCode.USAGE


class WorkerError(EvbenchError):
    """A worker process died (killed by a signal, e.g. for lack of memory); nothing was produced."""

    exit_code = ExitCode.OS_ERROR


class IncomparableError(EvbenchError):
    """Two results were computed under different conditions (their signatures differ)."""

    exit_code = ExitCode.USAGE
