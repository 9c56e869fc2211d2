"""What a command says on standard error reaches it whatever the buffering: under
PYTHONUNBUFFERED=1 (set in many container images) the guarded standard error buffered its
lines and dropped them when the command ended ("wrote json export to ..." never appeared)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("unbuffered", ["1", None])
def test_the_written_line_reaches_a_piped_standard_error(
    tmp_path: Path, unbuffered: str | None
) -> None:
    db = tmp_path / "empty.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered is not None:
        env["PYTHONUNBUFFERED"] = unbuffered
    from tuireader.store import Store

    with Store.open(db, "ana"):
        pass
    out = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "-m", "tuireader", "export", "--db", str(db), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stderr
        == f"tuireader: wrote json export to {out} (nothing to export: {db} holds no annotations)\n"
    )
