"""``tuireader serve``: the reader in browsers (textual-serve), every session on one database.

Each browser tab runs its own reader process, which asks the annotator's name once and then tags
into the shared file; the store's lock and reload keep the sessions from losing each other's work.
There is no login: the server binds to loopback unless ``--host`` says otherwise, and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import shlex
import signal
import sys
from typing import Any

from tuireader import sanitise
from tuireader.cli import add_db_options
from tuireader.errors import TuireaderError, os_problem
from tuireader.paths import resolve_db_path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders (default: the bundled sample articles)",
    )
    add_db_options(parser)
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only); "
        "0.0.0.0 shares the reader with your network, without any login",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def session_command(paths: list[str], db: str) -> str:
    """The shell command each browser session runs: this Python's reader, asking for a name."""
    args = [sys.executable, "-m", "tuireader", "--db", db, "--ask-annotator"]
    # "--" so that a path starting with "-" is a path, not an option.
    return shlex.join([*args, "--", *paths] if paths else args)


def reach_note(host: str, port: int) -> str:
    url_host = f"[{host}]" if ":" in host else host
    url = f"http://{url_host}:{port}"
    if is_loopback(host):
        return (
            f"Serving tuireader on {url} (loopback only: other machines cannot connect; "
            "--host 0.0.0.0 shares it with your network)."
        )
    return (
        f"Serving tuireader on {url}: anyone who can reach this machine on port {port} can "
        "read the articles and tag into the database. There is no login."
    )


def run(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        raise TuireaderError("serve needs textual-serve: pip install 'tuireader[serve]'") from None
    if not 0 < args.port < 65536:
        raise TuireaderError(f"--port {args.port}: not a port number (1-65535)")
    from tuireader.articles import load_library
    from tuireader.store import Store

    paths = [str(p) for p in args.paths]
    if paths:
        library = load_library(paths)
        if not library.articles:
            raise TuireaderError("; ".join(library.warnings) or "no articles to read")
    db = resolve_db_path(args.db)
    # Refuse a bad database here, once, rather than in every browser tab.
    Store.open(db, "serve").close()
    note = reach_note(args.host, args.port)

    class ReaderServer(Server):
        async def on_startup(self, app: Any) -> None:
            """Nothing: aiohttp runs this before it binds the port, which may be taken."""

        def serve(self, debug: bool = False) -> None:
            """textual-serve's ``serve``, with the banner printed by aiohttp's ``print`` hook,
            called once every address is bound (a port in use says only that, one line)."""
            from aiohttp import web

            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)

            def banner(*_aiohttp_line: object) -> None:
                print(note, flush=True)
                print(f"Database: {sanitise.path(db)}. Press Ctrl+C to stop.", flush=True)

            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=banner,
            )

    server = ReaderServer(
        session_command(paths, str(db)), host=args.host, port=args.port, title="tuireader"
    )
    try:
        server.serve()
    except OSError as exc:
        raise TuireaderError(f"{args.host}:{args.port}: {os_problem(exc, 'an address')}") from None
    return 0
