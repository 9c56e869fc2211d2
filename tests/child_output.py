"""Reading a helper process's output as it comes, for the tests that SIGKILL it mid-work."""

from __future__ import annotations

import os
import selectors
import subprocess
import time


def read_until(proc: subprocess.Popen[bytes], marker: bytes, seconds: float = 20) -> bytes:
    """What ``proc`` printed up to (at least) ``marker``, or until it closed its output or
    ``seconds`` passed."""
    assert proc.stdout is not None
    out = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while marker not in out and time.monotonic() < deadline:
            if sel.select(timeout=1):
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
    return out
