"""Errors that name the file (and line) and say what to do."""

from __future__ import annotations


class BriefingError(Exception):
    """A problem the user can fix: where it is, what is wrong, what to do."""

    def __init__(self, where: str, problem: str, fix: str = "") -> None:
        self.where = where
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

    def __reduce__(self) -> tuple:
        """Pickled with its parts, so that an error raised in a forked worker (forking.py) arrives whole."""
        return (type(self), (self.where, self.problem, self.fix))

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.problem}"
        return f"{text} ({self.fix})" if self.fix else text
