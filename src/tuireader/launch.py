"""Start the reader from parsed command-line options (kept apart so subcommands never load textual)."""

from __future__ import annotations

import argparse


def launch(options: argparse.Namespace) -> int:
    from tuireader.ui.app import run_app

    return run_app(options)
