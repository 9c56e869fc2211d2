"""The core knows nothing of Textual: only tuireader.ui (and the launcher) may import it."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import tuireader

PACKAGE = Path(tuireader.__file__).parent
UI_ALLOWED = {"ui"}


def test_no_core_module_imports_textual() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in UI_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{relative}: {n}" for n in names if n.split(".")[0] == "textual"]
    assert offenders == []


def test_subcommands_do_not_load_textual() -> None:
    code = (
        "import contextlib, io, sys\n"
        "from tuireader.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['sentences', {str(PACKAGE / 'cli' / '__init__.py')!r}])\n"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


STORE_LAYER = (
    "tuireader.store",
    "tuireader.storage",
    "tuireader.records",
    "tuireader.annotations",
    "tuireader.anchoring",
    "tuireader.history",
    "tuireader.durable",
    "tuireader.importing",
    # Every module of the store and of the format on disk, also one nothing imports yet.
    *(f"tuireader.store.{p.stem}" for p in sorted((PACKAGE / "store").glob("[!_]*.py"))),
    *(f"tuireader.dbformat.{p.stem}" for p in sorted((PACKAGE / "dbformat").glob("[!_]*.py"))),
)


def test_the_store_loads_no_ui() -> None:
    # Transitively, in a fresh interpreter: the store (and what it imports) pulls in neither
    # Textual nor the reader's UI nor the command line.
    code = (
        "import sys\n"
        f"for name in {STORE_LAYER!r}:\n"
        "    __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m.startswith(('tuireader.ui', 'tuireader.cli')))\n"
        "print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_no_store_module_imports_the_ui_or_the_command_line_even_lazily() -> None:
    # The transitive check above sees module-level imports only; a store module importing the
    # UI inside a function would slip through it, so every import statement is read here.
    offenders = []
    store_files = [
        PACKAGE / "storage.py",
        *sorted((PACKAGE / "store").glob("*.py")),
        *sorted((PACKAGE / "dbformat").glob("*.py")),
    ]
    for path in store_files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            offenders += [
                f"{path.relative_to(PACKAGE)}: {n}"
                for n in names
                if n.split(".")[0] == "textual" or n.startswith(("tuireader.ui", "tuireader.cli"))
            ]
    assert len(store_files) > 10 and offenders == []


def _modules_after(args: list[str], tmp_path: Path, setup: str = "") -> set[str]:
    """The modules a fresh interpreter holds after ``tuireader.cli.main(args)`` (its output
    swallowed), with its data, config and database under ``tmp_path``."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "TUIREADER_DB": ""}
    code = (
        "import contextlib, io, sys\n"
        f"{setup}"
        "from tuireader.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        code = main({args!r})\n"
        "    except SystemExit as exit:\n"  # --help exits
        "        code = exit.code\n"
        "print(code, *sorted(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    status, *names = result.stdout.split()
    assert status == "0", result.stdout + result.stderr
    return set(names)


def test_importing_the_command_line_loads_no_textual_nor_rich() -> None:
    code = "import sys, tuireader.cli\nprint(sorted({m.split('.')[0] for m in sys.modules}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = result.stdout
    assert "'tuireader'" in loaded and "'textual'" not in loaded and "'rich'" not in loaded


def test_tags_without_a_config_file_loads_no_ui(tmp_path: Path) -> None:
    # The built-in keys need no checking against the reader's bindings: `tags` stays a light
    # command (0.6 s of CPU with the UI loaded, 0.14 s without).
    loaded = _modules_after(["tags"], tmp_path)
    assert "tuireader.tags" in loaded
    assert not {m for m in loaded if m.split(".")[0] == "textual" or m.startswith("tuireader.ui")}


def test_tags_with_a_database_loads_no_ui(tmp_path: Path) -> None:
    db = tmp_path / "tagged.json"
    setup = f"from tuireader.store import Store\nStore.open({str(db)!r}).close()\n"
    loaded = _modules_after(["tags", "--db", str(db)], tmp_path, setup)
    assert "tuireader.store" in loaded
    assert not {m for m in loaded if m.split(".")[0] == "textual" or m.startswith("tuireader.ui")}


def test_tags_with_a_config_file_still_checks_its_keys(tmp_path: Path) -> None:
    config = tmp_path / "clash.toml"
    config.write_text('[keys]\n"app.note" = "f"\n', encoding="utf-8")  # f tags a fact
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "tags", "--config", str(config)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        f"tuireader: {config}: line 2: key 'f' is bound to both app.note (Note) and "
        "reader.tag.fact (Fact) in the reading pane; remap one under [keys]\n"
    )


def test_stats_help_loads_neither_the_export_nor_the_store(tmp_path: Path) -> None:
    loaded = _modules_after(["stats", "--help"], tmp_path)
    assert "tuireader.cli.stats" in loaded
    heavy = {"tuireader.export", "tuireader.articles", "tuireader.store", "rich", "textual"}
    assert not heavy & loaded
