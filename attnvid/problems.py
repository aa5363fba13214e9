"""Errors a user can act on: every one names a file and a line, says what is wrong and what would be right."""
from __future__ import annotations

import difflib
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator


@dataclass(frozen=True, order=True)
class Where:
    """A place in a script: the path as the user named it, and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ScriptError(Exception):
    """One or more problems with a script; str() lists them as FILE:LINE: message."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems so a user sees all of them at once, not one per run."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, where: Where, message: str) -> None:
        self._found.append(Problem(where, message))

    def raise_if_any(self) -> None:
        if self._found:
            raise ScriptError(self._found)


def print_problems(error: ScriptError) -> int:
    """Show a script's problems as `attnvid check` does (FILE:LINE: message, on stderr); the
    exit status for them."""
    print(error, file=sys.stderr)
    return 2


@contextmanager
def exit_on_problems() -> Iterator[None]:
    """For a scene file: a script with problems stops the render before any frame, with the
    same messages and status as `attnvid check`, never a traceback."""
    try:
        yield
    except ScriptError as e:
        raise SystemExit(print_problems(e)) from None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return f" (did you mean '{close[0]}'?)" if close else ""


def listing(names: Iterable[str], most: int = 24) -> str:
    """'a, b, c' or 'a, b, ... and 12 more' for long lists."""
    names = list(names)
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown}, ... and {len(names) - most} more"
