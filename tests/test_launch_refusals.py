"""Refused at launch, in one line and before the database is opened: an annotator name that is
not one printable line (it is recorded on every tag, shown and exported), and a special file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuireader.annotations import ANNOTATOR_ENV, annotator_problem
from tuireader.cli import main

from conftest import SEED


@pytest.mark.parametrize("name", ["alice", "Dr. Ana Ruiz", "李", "x" * 80])
def test_printable_names_are_accepted(name: str) -> None:
    assert annotator_problem(name) is None


@pytest.mark.parametrize("name", ["", "   ", "mal\x1b]0;title\x07lory", "two\nlines", "x" * 81])
def test_control_characters_blank_and_long_names_are_refused(name: str) -> None:
    assert annotator_problem(name) == "annotator must be a printable name of 1 to 80 characters"


def test_the_reader_refuses_a_flag_with_an_escape_sequence(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(SEED), "--annotator", "mal\x1b]0;pwned\x07lory"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "\x07" not in err
    assert err.startswith("tuireader: --annotator: annotator must be a printable name")
    assert not db_path.exists()  # refused before the database is opened


def test_the_reader_refuses_the_variable_and_names_it(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ANNOTATOR_ENV, "bob\x9b2J")
    assert main([str(SEED)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tuireader: ${ANNOTATOR_ENV}: annotator must be")
    assert "\x9b" not in err and err.count("\n") == 1
    assert not db_path.exists()


def test_the_reader_refuses_a_fifo_given_alone_before_any_ui(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main([str(fifo)]) == 2
    err = capsys.readouterr().err
    assert err == f"tuireader: {fifo}: not a regular file (a FIFO), not an article file\n"
    assert not db_path.exists()
