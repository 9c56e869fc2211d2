"""Start the reader from parsed command-line options (kept apart so subcommands never load textual)."""

from __future__ import annotations

import argparse
import os


def launch(options: argparse.Namespace) -> int:
    from tuireader.ui.app import run_app

    return run_app(options)


def read_piped_article(options: argparse.Namespace) -> None:
    """``tuireader -`` or ``cat story.txt | tuireader``: save the piped article in the library
    folder, give the keyboard back to the terminal, and make that file the one to open."""
    from tuireader.standard_input import has_piped_input

    paths = list(options.paths or [])
    if "-" not in paths and (paths or not has_piped_input()):
        return
    if getattr(options, "ask_annotator", False) or os.environ.get("TEXTUAL_DRIVER"):
        # A browser session of `tuireader serve`: standard input carries the web driver's
        # messages, not an article.
        return
    from tuireader.errors import TuireaderError
    from tuireader.library_folder import LibraryFolder, text_key
    from tuireader.paths import resolve_library_dir
    from tuireader.standard_input import NAME, read_article, reattach_terminal

    text, article = read_article()
    folder = LibraryFolder(resolve_library_dir(getattr(options, "library", None)))
    saved = folder.save_text(text, article.title, article.date, text_key(article.id))
    if not reattach_terminal():
        raise TuireaderError(
            f"{NAME}: saved to {saved.path}, but there is no terminal to read keys from"
        )
    options.paths = [str(saved.path) if p == "-" else p for p in paths] or [str(saved.path)]
