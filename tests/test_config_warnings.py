"""Warnings, not refusals, for a config that reads badly: tag colours too close to tell apart
and a user theme whose text does not read on its background (`tuireader config`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_config import CODEBOOK, write
from tuireader.cli import main
from tuireader.config import load_config
from tuireader.ui.config_warnings import config_warnings

TWO_REDS = (
    "[[tags]]\nid = 'claim'\nlabel = 'Claim'\nkey = 'c'\nmarker = 'C'\ncolor = '#ff0000'\n"
    "[[tags]]\nid = 'x'\nlabel = 'Other'\nkey = 'x'\nmarker = 'X'\ncolor = '#fe0000'\n"
    "[[tags]]\nid = 'y'\nlabel = 'Third'\nkey = 'y'\nmarker = 'Y'\ncolor = 'blue'\n"
)
WHITE_THEME = (
    "[themes.white]\ndark = false\nprimary = '#ffffff'\nbackground = '#ffffff'\n"
    "foreground = '#ffffff'\n"
    "[themes.paper]\ndark = false\nprimary = '#0055aa'\nbackground = '#fdf6e3'\n"
    "foreground = '#222222'\n"
)


def test_defaults_and_the_issue_codebook_warn_of_nothing(tmp_path: Path) -> None:
    assert config_warnings(load_config(write(tmp_path / "none.toml", ""))) == []
    assert config_warnings(load_config(write(tmp_path / "c.toml", CODEBOOK))) == []


def test_two_tags_of_nearly_one_colour_are_one_warning_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", TWO_REDS)
    (warning,) = config_warnings(load_config(path))
    assert warning.startswith(f"{path}: tags claim and x have colours too close to tell apart")
    assert "'#ff0000' and '#fe0000'" in warning and "\n" not in warning


def test_a_theme_whose_text_does_not_read_is_one_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", WHITE_THEME)
    (warning,) = config_warnings(load_config(path))
    assert warning == (
        f"{path}: theme white: text #ffffff on background #ffffff has a contrast of 1.0, "
        "under 4.5: text will be hard or impossible to read"
    )


def test_config_says_valid_and_prints_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.toml", TWO_REDS + WHITE_THEME)
    assert main(["--config", str(path), "config"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"valid: yes ({path})" in out
    warnings = [line for line in out if line.startswith("warning: ")]
    assert len(warnings) == 2
    assert "tags claim and x" in warnings[0] and "theme white" in warnings[1]
