"""``tuireader config``: where the config file is, a documented default, the keys in force."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tuireader import sanitise
from tuireader.cli import add_config_option, load_options_config
from tuireader.config import (
    CONFIG_ENV,
    PROJECT_FILENAME,
    THEME_COLORS,
    config_path,
    find_project_file,
    load_config,
)
from tuireader.errors import PathError, TuireaderError, os_problem
from tuireader.tags import DEFAULT_TAGS, MAX_TAGS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Without options: the config files in use and whether they are valid. The config file "
        f"is TOML; --config PATH or ${CONFIG_ENV} choose another, and a {PROJECT_FILENAME} in "
        "the article folder (or above it) applies on top, so a team can share its codebook."
    )
    add_config_option(parser)
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--path", action="store_true", help="print the config file's path")
    what.add_argument(
        "--init",
        action="store_true",
        help="write a commented default config documenting every setting (never overwrites)",
    )
    what.add_argument(
        "--keys",
        action="store_true",
        help="print every key binding in force as a Markdown table (ids for [keys])",
    )


def run(args: argparse.Namespace) -> int:
    path = config_path(args.config)
    if args.path:
        # Exact for a script ($(tuireader config --path)); escaped where a terminal acts on it.
        print(sanitise.path(path) if sys.stdout.isatty() else path)
        return 0
    if args.init:
        write_default(path)
        print(f"tuireader: wrote a default config to {sanitise.path(path)}", file=sys.stderr)
        return 0
    config = load_options_config(args)
    if args.keys:
        from tuireader.ui.app import ReaderApp, check_config
        from tuireader.ui.keymap import Keys, key_table

        resolved = check_config(config)
        sections = ReaderApp.key_sections(config.tags)
        keys = Keys.of(sections, resolved.keymap)
        sys.stdout.write(key_table(sections, keys, resolved.moved))
        return 0
    from tuireader.ui.app import check_config

    resolved = check_config(config)
    # Paths come from the environment, the flags and the folder: shown through the sanitiser.
    shown = sanitise.path(path)
    print(f"config file: {shown}" + ("" if path.exists() else " (none yet: defaults apply)"))
    project = find_project_file(Path.cwd())
    found = sanitise.path(project) if project else None
    print(f"project file: {found or f'none ({PROJECT_FILENAME} beside the articles)'}")
    files = ", ".join(map(sanitise.path, config.files))
    print("valid: yes" + (f" ({files})" if config.files else ""))
    for moved in resolved.moved:
        print(f"moved: {sanitise.line(moved.sentence())}")
    from tuireader.ui.config_warnings import config_warnings

    for warning in config_warnings(config):
        print(f"warning: {sanitise.line(warning)}")
    return 0


def write_default(path: Path) -> None:
    """The documented default at ``path``: atomically, and never over an existing file."""
    from tuireader.durable import write_atomic

    if path.exists() or path.is_symlink():
        raise TuireaderError(f"{path}: already exists; edit it, or move it away first")
    text = default_config_text()
    load_check = _parses_to_defaults(text)
    if load_check is not None:  # the template must describe exactly the defaults
        raise TuireaderError(f"internal error: the default config does not load: {load_check}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise PathError(path, f"cannot write the config: {os_problem(exc)}") from None


def _parses_to_defaults(text: str) -> str | None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "config.toml"
        probe.write_text(text, encoding="utf-8")
        try:
            config = load_config(probe)
        except TuireaderError as exc:
            return str(exc)
    if config.tags != DEFAULT_TAGS or config.keys or config.theme or config.annotator:
        return "it sets something the defaults do not"
    return None


def default_config_text() -> str:
    """Every setting, commented; uncommenting a line changes one thing."""
    from tuireader.ui.app import BUILTIN_THEMES, ReaderApp
    from tuireader.ui.keymap import as_binding

    out = [
        "# tuireader configuration (TOML). Every setting is optional; a line starting with #",
        "# is a comment. `tuireader config` checks this file; a mistake is reported as one",
        "# line naming the file and line, and the reader does not start until it is fixed.",
        f"# A {PROJECT_FILENAME} in an article folder (or above it) is read after this file:",
        "# its [[tags]] replace these, its [keys] and [themes] add to these.",
        "",
        "# The name recorded on your annotations ($TUIREADER_ANNOTATOR and --annotator win).",
        '# annotator = "sam"',
        "",
        "# The theme at start (ctrl+p picks another, remembered until this setting changes).",
        "# Built in: " + ", ".join(BUILTIN_THEMES) + ",",
        "# or the name of a theme under [themes] below.",
        '# theme = "textual-dark"',
        "",
        f"# The tag set (the codebook): 1 to {MAX_TAGS} tags. Each has",
        "#   id          stored in the database and exports: lower-case letters, digits, _",
        "#   label       shown in the reader, exports and statistics",
        '#   key         the key(s) that apply it in the reader, e.g. "c" or "c,1"',
        "#   marker      one character in the gutter, so the tag reads without colour",
        "#   color       a colour name (green, bright_blue, magenta ...), #rrggbb or rgb(r,g,b);",
        "#               the reader derives a highlight from it that reads in every theme",
        "#   description the guideline: when to use the tag (help screen, `w` key, tuireader tags)",
        "# A database annotated with other tags keeps them: they are shown with their recorded",
        "# marker in a neutral colour and exported as they are.",
    ]
    for tag in DEFAULT_TAGS:
        out += [
            "",
            "[[tags]]",
            f'id = "{tag.id}"',
            f'label = "{tag.label}"',
            f'key = "{",".join(tag.keys)}"',
            f'marker = "{tag.marker}"',
            f'color = "{tag.color}"',
            f'description = "{tag.description}"',
        ]
    out += [
        "",
        "# Keys: binding id = key(s), in Textual's key names, comma-separated",
        '# ("j,down", "ctrl+r", "question_mark" or "?"). A tag\'s key wins over a built-in',
        "# key: the built-in binding keeps its other keys or moves to a fallback key",
        "# (`tuireader config --keys` lists them). A key set here for two bindings active",
        "# together, or here and for a tag, is an error. The defaults, by binding id:",
        "[keys]",
    ]
    for title, bindings in ReaderApp.key_sections(DEFAULT_TAGS):
        out.append(f"# {title}")
        for binding in map(as_binding, bindings):
            if binding.id:
                out.append(f'# "{binding.id}" = "{binding.key}"  # {binding.description}')
    out += [
        "",
        '# Themes of your own, chosen with `theme = "name"` or ctrl+p. Colours are #rrggbb;',
        f"# primary is required, the rest optional: {', '.join(THEME_COLORS[1:])};",
        "# dark = true or false.",
        "# [themes.paper]",
        "# dark = false",
        '# primary = "#1f5f8b"',
        '# background = "#fbf8f1"',
        '# foreground = "#2b2b2b"',
        "",
    ]
    return "\n".join(out)
