"""A config path that is not a regular file (a FIFO, a device, a folder) is refused in one line
naming it, exit 2, and never waited on: as ``--config``, as ``TUIREADER_CONFIG`` and as the
project file ``tuireader.toml`` beside the articles.

Run as child processes with a deadline: a regression blocks on the FIFO (or reads /dev/zero
without end), which must fail the test, not hang the suite."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tuireader.config import ConfigError, load_config

from conftest import run_cli

STORY = "Bridge notes\n\nThe mayor said the bridge will close. Engineers found cracks.\n"


def refused(result: subprocess.CompletedProcess[str], path: Path | str, kind: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr == f"tuireader: {path}: {kind}, not a config file\n"


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


FIFO = "not a regular file (a FIFO)"


@pytest.mark.parametrize("argv", [["config"], ["tags"], ["stats"], ["export", "-o", "x.json"]])
def test_a_fifo_as_config_flag_is_refused_in_one_line(fifo: Path, argv: list[str]) -> None:
    refused(run_cli(*argv, "--config", str(fifo)), fifo, FIFO)


def test_a_fifo_in_the_environment_is_refused(fifo: Path) -> None:
    refused(run_cli("tags", env={"TUIREADER_CONFIG": str(fifo)}), fifo, FIFO)


def test_a_device_or_a_folder_is_refused(tmp_path: Path) -> None:
    refused(
        run_cli("config", "--config", "/dev/zero"),
        "/dev/zero",
        FIFO.replace("a FIFO", "a character device"),
    )
    refused(run_cli("tags", "--config", str(tmp_path)), tmp_path, "is a folder")
    link = tmp_path / "link.toml"
    os.mkfifo(tmp_path / "target")
    link.symlink_to(tmp_path / "target")
    refused(run_cli("tags", "--config", str(link)), link, FIFO)


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_project_file_that_is_not_a_file_stops_the_reader_before_it_opens(
    tmp_path: Path, kind: str
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "story.txt").write_text(STORY, encoding="utf-8")
    project = articles / "tuireader.toml"
    if kind == "fifo":
        os.mkfifo(project)
    else:
        project.mkdir()
    problem = FIFO if kind == "fifo" else "is a folder"
    # The reader (a blank screen before: it waited on the FIFO), and a command that reads it.
    refused(
        run_cli("--db", str(tmp_path / "a.json"), str(articles / "story.txt")), project, problem
    )
    refused(run_cli("--db", str(tmp_path / "a.json"), str(articles)), project, problem)
    with pytest.raises(ConfigError, match="not a config file"):
        load_config(None, articles)
