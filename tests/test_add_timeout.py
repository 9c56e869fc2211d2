"""``tuireader add --timeout``: a positive, finite number of seconds (at most a day), else one
line and exit 2 before anything is fetched or made (a negative value, NaN or infinity crashed
the socket with a traceback; 0 failed every connect with 'operation now in progress')."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.cli import main


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-5", "must be a positive number of seconds"),
        ("0", "must be a positive number of seconds"),
        ("-0", "must be a positive number of seconds"),
        ("nan", "must be a positive number of seconds"),
        ("inf", "must be a positive number of seconds"),
        ("-inf", "must be a positive number of seconds"),
        ("1e300", "at most 86,400 seconds (a day)"),
    ],
)
def test_a_timeout_that_is_not_a_positive_finite_number_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, problem: str
) -> None:
    library = tmp_path / "library"
    argv = ["add", "--no-open", "--library", str(library), f"--timeout={value}"]
    assert main([*argv, "http://127.0.0.1:9/x"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"tuireader: --timeout: {problem}\n"
    assert not library.exists()  # refused before anything was made


def test_a_positive_timeout_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Bridge notes\n\nThe mayor said the bridge will close.\n", encoding="utf-8")
    library = tmp_path / "library"
    argv = ["add", "--no-open", "--library", str(library), "--timeout", "0.5", str(page)]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("added: ")
