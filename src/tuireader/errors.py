"""Errors that reach the user as one line naming the file and the problem."""

from __future__ import annotations


class TuireaderError(Exception):
    """A problem the user can act on; the CLI prints it as one line and exits 2."""


class ArticleError(TuireaderError):
    """An article file that cannot be read as text."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
