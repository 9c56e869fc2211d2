"""``tuireader serve``: the reader in browsers (textual-serve), every session on one database.

Each browser tab runs its own reader process, which asks the annotator's name once and then tags
into the shared file; the store's lock and reload keep the sessions from losing each other's work.
There is no login: the server binds to loopback unless ``--host`` says otherwise, and says so.
A browser's user never names a path on the server: the export dialog takes a file name in the
server's exports folder (``--exports``, made at start; if it cannot be made, export is off and
the server says so). At most ``--max-sessions`` readers run at once (each is a process of its
own, 40-60 MB); a page opened beyond that says "too many readers open". When the server stops,
every reader is asked to quit, and ended if it has not within ``QUIT_GRACE`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import shlex
import signal
import sys
from pathlib import Path
from typing import Any

from tuireader import sanitise
from tuireader.cli import add_db_options
from tuireader.errors import TuireaderError, os_problem
from tuireader.paths import resolve_db_path
from tuireader.plural import counted

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 8
QUIT_GRACE = 2.0
"""Seconds the readers get to quit (their writes are durable already) when the server stops."""


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
    parser.add_argument(
        "--exports",
        metavar="DIR",
        help="the one folder the browsers' export dialog writes in, a file name typed there, "
        "never a path (default: exports/ beside the database; made at start, else export is off)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help="readers open at once, one per browser tab, each a process of its own (default: "
        f"{DEFAULT_MAX_SESSIONS}); a page opened beyond that says too many readers are open",
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def session_command(paths: list[str], db: str, exports: str) -> str:
    """The shell command each browser session runs: this Python's reader, asking for a name,
    its export dialog writing only in ``exports``. ``exec``: the reader is the process
    textual-serve starts, so that ending it (``end_sessions``) ends the reader, not a shell."""
    args = [sys.executable, "-m", "tuireader", "--db", db, "--ask-annotator"]
    args += ["--served-exports", exports]
    # "--" so that a path starting with "-" is a path, not an option.
    return "exec " + shlex.join([*args, "--", *paths] if paths else args)


def too_many_note(limit: int) -> bytes:
    """What a page opened beyond ``--max-sessions`` shows in its terminal."""
    line = f"tuireader: too many readers open ({limit} of {limit}); close one and reload this page."
    return ("\r\n " + line + "\r\n").encode()


def make_exports(folder: Path) -> tuple[Path, str | None]:
    """The exports folder made (its real path), or why export is off."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        real = folder.resolve(strict=True)
    except OSError as exc:
        return folder, f"{sanitise.path(folder)}: {os_problem(exc, 'a folder')}"
    if not real.is_dir():
        return folder, f"{sanitise.path(folder)}: not a folder"
    return real, None


async def end_sessions(services: list[Any], grace: float = QUIT_GRACE) -> None:
    """Ask every reader to quit, then end those still running after ``grace`` seconds."""
    for service in services:
        with contextlib.suppress(Exception):
            await service.send_meta({"type": "quit"})
    processes = [p for s in services if (p := getattr(s, "_process", None)) is not None]
    waits = [asyncio.ensure_future(p.wait()) for p in processes]
    if not waits:
        return
    _done, late = await asyncio.wait(waits, timeout=grace)
    for process in processes:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    if late:
        await asyncio.wait(late, timeout=grace)


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
    if args.max_sessions < 1:
        raise TuireaderError(f"--max-sessions {args.max_sessions}: give 1 or more")
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
    wanted = Path(args.exports).expanduser() if args.exports else db.parent / "exports"
    exports, exports_off = make_exports(wanted.absolute())
    limit = args.max_sessions

    services: list[Any] = []
    """The readers running, one per open page."""

    class ReaderServer(Server):
        async def on_startup(self, app: Any) -> None:
            """Nothing: aiohttp runs this before it binds the port, which may be taken."""

        async def on_shutdown(self, app: Any) -> None:
            """Before aiohttp waits on the open pages: end their readers, promptly."""
            await end_sessions(list(services))

        async def handle_websocket(self, request: Any) -> Any:
            """textual-serve's, with the cap on readers and each reader's service kept (to
            end it when the server stops)."""
            from aiohttp import web
            from textual_serve.app_service import AppService
            from textual_serve.server import to_int

            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            if len(services) >= limit:
                await websocket.send_bytes(too_many_note(limit))
                await websocket.close()
                return websocket
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)

            async def close() -> None:
                await websocket.close()

            service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            services.append(service)
            try:
                await service.start(width, height)
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # as textual-serve: the page ends, the server goes on
                logging.getLogger("textual-serve").exception(error)
            finally:
                services.remove(service)
                await service.stop()
            return websocket

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
                if exports_off is None:
                    shown = sanitise.path(exports)
                    print(f"Exports (a file name typed in the browser): {shown}/", flush=True)
                else:
                    print(f"Export is off: {exports_off}", flush=True)
                print(f"At most {counted(limit, 'reader')} open at once.", flush=True)

            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=banner,
            )

    server = ReaderServer(
        session_command(paths, str(db), str(exports)),
        host=args.host,
        port=args.port,
        title="tuireader",
    )
    try:
        server.serve()
    except OSError as exc:
        raise TuireaderError(f"{args.host}:{args.port}: {os_problem(exc, 'an address')}") from None
    return 0
