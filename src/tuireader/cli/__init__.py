"""The ``tuireader`` command: the reader by default, subcommands for scripts.

Each subcommand lives in its own module (``add_arguments`` + ``run``), imported only when used so
that starting the reader pays for none of them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tuireader import __version__, sanitise
from tuireader.cli.streams import OutputFailed, guarded_streams
from tuireader.errors import TuireaderError
from tuireader.paths import DB_ENV

if TYPE_CHECKING:
    from tuireader.config import Config

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("tuireader.cli.add", "save web pages and feed items to the library and read them"),
    "sentences": ("tuireader.cli.sentences", "print an article's numbered sentences"),
    "export": (
        "tuireader.cli.export",
        "export annotations (json, jsonl, csv, w3c, markdown, spacy-jsonl, parquet) or sentences",
    ),
    "import": ("tuireader.cli.import_", "import annotations from a json, jsonl or csv export"),
    "stats": ("tuireader.cli.stats", "tag counts and coverage per article"),
    "schema": ("tuireader.cli.schema", "print the JSON Schema of the json export"),
    "suggest": ("tuireader.cli.suggest", "suggest a tag for each sentence, with the reason"),
    "agree": (
        "tuireader.cli.agree",
        "agreement between annotators on the articles they all finished",
    ),
    "grep": ("tuireader.cli.grep", "every sentence of every article that holds a pattern"),
    "serve": ("tuireader.cli.serve", "serve the reader to browsers (needs tuireader[serve])"),
    "tags": ("tuireader.cli.tags", "the tag set in use, with keys and guidelines"),
    "config": ("tuireader.cli.config", "where the config file is; write a documented default"),
    "repair": (
        "tuireader.cli.repair",
        "keep every readable entry of a damaged journal (--dry-run: only say what it keeps)",
    ),
}


class ArgumentParser(argparse.ArgumentParser):
    """Usage errors as one line and exit code 2, never a wall of usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def add_db_options(parser: argparse.ArgumentParser, annotator: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="annotation database (default: $TUIREADER_DB or the user data folder)",
    )
    add_config_option(parser)
    if annotator:
        parser.add_argument(
            "--annotator",
            metavar="NAME",
            help="name recorded on new annotations (default: $TUIREADER_ANNOTATOR, the "
            "config's annotator, or your login)",
        )


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $TUIREADER_CONFIG or config.toml in the user config "
        "folder); a tuireader.toml beside the articles or above them applies too",
    )


def load_options_config(args: argparse.Namespace, paths: Sequence[str] = ()) -> Config:
    """The config for a command: ``--config``, then the project file found from ``paths`` (or
    the working folder)."""
    from tuireader.config import load_config, project_start

    return load_config(getattr(args, "config", None), project_start(paths))


def existing_database(path: Path) -> Path:
    """``path`` if a database is there; a command that only reads one (export, stats) refuses a
    path with nothing at it, so a mistyped ``--db`` is an error, not an empty result."""
    if not path.exists():
        raise TuireaderError(f"{path}: no such annotation database (check --db or ${DB_ENV})")
    return path


def optional_database(flag: str | None) -> Path | None:
    """The database of a command that can do without one (``tags``, ``schema``): None when
    there is none at the default place or at ``$TUIREADER_DB`` yet; a path given with ``--db``
    must be one, and anything that is not a file there (a folder, a FIFO) is refused when
    opened, as by every other command."""
    from tuireader.paths import resolve_db_path

    db = resolve_db_path(flag)
    if not flag and not os.path.lexists(db):
        return None
    return existing_database(db)


def new_database_folder(flag: str | None, path: Path) -> None:
    """A database named by ``--db`` or ``$TUIREADER_DB`` is made only in a folder that exists:
    a mistyped folder must not start a new, empty database there (the default one's folder is
    made on first use)."""
    if os.path.lexists(path) or not (flag or os.environ.get(DB_ENV)):
        return
    folder = path.parent
    if not folder.is_dir():
        why = "is not a folder" if folder.exists() else "no such folder"
        raise TuireaderError(
            f"{path}: {why} {folder} (a new annotation database is made only in a folder that "
            f"exists; check --db or ${DB_ENV})"
        )


def write_json(doc: object) -> None:
    """``doc`` on stdout as indented JSON, for scripts."""
    import orjson  # imported here: starting the reader never needs it

    write_stdout(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")


def write_stdout(text: str) -> None:
    """``text`` on stdout: exact into a file or pipe, escaped by the sanitiser on a terminal
    (an imported note must not set the window title or write the clipboard)."""
    if sys.stdout.isatty():
        text = sanitise.escape(text)
    sys.stdout.write(text)


def write_stdout_chunks(chunks: Iterable[bytes]) -> None:
    """Encoded chunks (an export as it renders) on stdout, escaped on a terminal."""
    out = sys.stdout.buffer
    for chunk in sanitise.escape_chunks(chunks) if sys.stdout.isatty() else chunks:
        out.write(chunk)
    out.flush()


def print_error(message: object) -> None:
    """``tuireader: PATH: problem`` on stderr, one line, every odd character escaped (a
    standard error that cannot be written to leaves only the exit code to tell)."""
    with contextlib.suppress(OSError, ValueError):
        print(f"tuireader: {sanitise.message(message)}", file=sys.stderr, flush=True)


def _app_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="tuireader",
        description="Read articles sentence by sentence and tag fact, speculation and expert "
        "opinion. Subcommands: " + ", ".join(COMMANDS) + " (tuireader COMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"tuireader {__version__}")
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders, or - for standard input (default: the bundled sample "
        "articles, or standard input when it is piped)",
    )
    add_db_options(parser, annotator=True)
    # Set by `tuireader serve` for each browser session: ask the annotator's name first.
    parser.add_argument("--ask-annotator", action="store_true", help=argparse.SUPPRESS)
    # Set by `tuireader serve` too: the export dialog takes a file name in this folder only.
    parser.add_argument("--served-exports", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument(
        "--adjudicate",
        action="store_true",
        help="walk the other annotators' disagreements and decide each into your own layer "
        "(e.g. --annotator gold --adjudicate); R decides the sentence under the cursor",
    )
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="where an article piped to standard input is saved (default: $TUIREADER_LIBRARY "
        "or the user data folder)",
    )
    return parser


def _command_parser(name: str) -> tuple[ArgumentParser, object]:
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = ArgumentParser(prog=f"tuireader {name}", description=help_text)
    module.add_arguments(parser)
    return parser, module


_VALUE_OPTIONS = ("--db", "--annotator", "--config")


def split_shared(args: list[str]) -> tuple[list[str], list[str]]:
    """``tuireader --db X export -o f``: the shared options written before a command name, and
    the command with its own arguments. Without a command every argument is the reader's."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _VALUE_OPTIONS:
            i += 2
        elif arg.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)):
            i += 1
        else:
            break
    if 0 < i < len(args) and args[i] in COMMANDS:
        return args[:i], args[i:]
    return [], args


def _shared_defaults(shared: list[str]) -> dict[str, str]:
    # Defaults rather than arguments of the command: its own flags still win, and a command with
    # no use for one (``tuireader --db X sentences f``, from an alias) is not refused over it.
    if not shared:
        return {}
    parser = ArgumentParser(prog="tuireader", add_help=False)
    add_db_options(parser, annotator=True)
    return {k: v for k, v in vars(parser.parse_args(shared)).items() if v is not None}


def main(argv: Sequence[str] | None = None) -> int:
    shared, args = split_shared(list(sys.argv[1:] if argv is None else argv))
    try:
        if args and args[0] in COMMANDS:
            with guarded_streams():
                parser, module = _command_parser(args[0])
                parser.set_defaults(**_shared_defaults(shared))
                options = parser.parse_args(args[1:])
                return int(module.run(options))  # type: ignore[attr-defined]
        options = _app_parser().parse_args(args)
        from tuireader.launch import launch, read_piped_article
        from tuireader.paths import resolve_db_path

        # Before a piped article is saved: a refused --db leaves nothing behind.
        new_database_folder(options.db, resolve_db_path(options.db))
        read_piped_article(options)
        return launch(options)
    except TuireaderError as exc:
        print_error(exc)
        return 2
    except OutputFailed as exc:
        if exc.pipe_closed:  # `| head`: the reader stopped reading, not an error
            return 0
        print_error(exc.message())
        return 2
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. `| head`): not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:  # argparse: --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
