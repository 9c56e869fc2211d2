"""The config file: tag set (codebook), annotator, theme, custom themes and key remapping.

TOML, read with ``tomllib`` and validated here (no Textual: key names are checked for shape, and
the reader checks binding ids and key conflicts before it starts). Two files may apply, read in
this order, the later winning for what it sets:

1. the user's file: ``--config PATH``, else ``$TUIREADER_CONFIG``, else ``config.toml`` in the
   platform's user config folder (``~/.config/tuireader/`` on Linux); a missing default file is
   simply no settings, a missing file that was asked for is an error;
2. a project file, ``tuireader.toml``, in the article folder or the nearest folder above it, so a
   team shares one codebook (its ``tags`` replace the user's; ``keys`` and ``themes`` merge).

Every problem is one line naming the file, the line and the problem (``ConfigError``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

from tuireader import sanitise
from tuireader.annotations import annotator_problem
from tuireader.errors import PathError, read_bytes
from tuireader.tags import DEFAULT_TAGS, MAX_TAGS, TAG_ID, Tag, TagSet, is_marker

APP_NAME = "tuireader"
CONFIG_ENV = "TUIREADER_CONFIG"
CONFIG_FILENAME = "config.toml"
PROJECT_FILENAME = "tuireader.toml"
MAX_CONFIG_BYTES = 1_000_000

TOP_KEYS = ("annotator", "theme", "tags", "keys", "themes")
TAG_KEYS = ("id", "label", "key", "marker", "color", "description")
TAG_REQUIRED = ("id", "label", "key", "marker", "color")
THEME_COLORS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "warning",
    "error",
    "success",
)
THEME_KEYS = ("dark", *THEME_COLORS)
BINDING_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
KEY_NAME = re.compile(r"([a-z]+\+)*([a-z0-9_]+|.)")
"""A Textual key: one character, or a name (``down``, ``f5``, ``space``) with modifiers
(``ctrl+r``). Which names exist is Textual's business; this catches the typos that matter."""
RESERVED_TAG_KEYS = frozenset(
    {
        *("escape", "enter", "tab", "shift+tab", "up", "down", "left", "right"),
        *("pageup", "pagedown", "home", "end", "ctrl+q", "ctrl+c", "ctrl+p"),
    }
)
"""Keys no tag may take: they move, cancel, change focus, quit, copy or open the command palette
in every part of the reader (a tag's key otherwise wins over a built-in one: ui/keymap.py)."""
TERMINAL_TWINS = {
    "ctrl+i": "it arrives as Tab",
    "ctrl+m": "it arrives as Enter",
    "ctrl+j": "it arrives as Enter (a newline)",
    "ctrl+[": "it arrives as Esc",
    "ctrl+left_square_bracket": "it arrives as Esc",
    "ctrl+bracket_left": "it arrives as Esc",
    "ctrl+h": "it arrives as Backspace in many terminals",
    "ctrl+@": "it arrives as a NUL byte, the same as ctrl+space",
    "ctrl+at": "it arrives as a NUL byte, the same as ctrl+space",
    "ctrl+space": "it arrives as a NUL byte, the same as ctrl+@",
    "ctrl+2": "it arrives as a NUL byte in many terminals",
    "ctrl+z": "the shell takes it to suspend the program in many terminals",
}
"""Keys a terminal cannot send as themselves (they arrive as another key, or not at all), so a
binding on them is never reached: refused with the reason."""
SHIFT_LETTER = re.compile(r"shift\+([a-zA-Z])")
HEX_COLOR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
THEME_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class ConfigError(PathError):
    """A config file that cannot be used: ``PATH: line N: problem``."""

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        super().__init__(path, f"line {line}: {problem}" if line else problem)
        self.line = line


@dataclass(frozen=True)
class ThemeSpec:
    """A theme defined in the config (turned into a Textual ``Theme`` by the reader)."""

    name: str
    dark: bool
    colors: Mapping[str, str]


@dataclass(frozen=True)
class Where:
    """Where a setting was made, for one-line errors found later (key conflicts)."""

    path: Path
    line: int | None

    def error(self, problem: str) -> ConfigError:
        return ConfigError(self.path, problem, self.line)


@dataclass(frozen=True)
class Config:
    tags: TagSet = DEFAULT_TAGS
    annotator: str | None = None
    theme: str | None = None
    keys: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> keys in Textual keymap syntax (``"j,down"``)."""
    themes: tuple[ThemeSpec, ...] = ()
    files: tuple[Path, ...] = ()
    """The files read, in order (none when every setting is a default)."""
    where: Mapping[str, Where] = field(default_factory=dict)
    """``keys.<binding id>``, ``tags``, ``tag.<id>``, ``theme``: where each was set."""

    def located(self, setting: str) -> Where | None:
        return self.where.get(setting)


# -- finding the files ---------------------------------------------------------------------------


def default_config_path() -> Path:
    """The user's config file: ``$TUIREADER_CONFIG``, else the platform's user config folder."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return user_config_path(APP_NAME) / CONFIG_FILENAME


def config_path(flag: str | os.PathLike[str] | None = None) -> Path:
    """The user's config file: ``--config`` wins over the environment and the default."""
    return Path(flag).expanduser() if flag else default_config_path()


def find_project_file(start: Path | None) -> Path | None:
    """``tuireader.toml`` in ``start`` (an article folder, or a file's folder) or the nearest
    folder above it, like git finds its repository."""
    if start is None:
        return None
    try:
        folder = start.expanduser().resolve()
    except OSError:
        return None
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        found = candidate / PROJECT_FILENAME
        if found.exists():  # a folder or a FIFO by that name too: refused when read, not skipped
            return found
    return None


def project_start(paths: Iterable[str | os.PathLike[str]]) -> Path:
    """Where to look for a project file: the first article path given, else the working folder."""
    for path in paths:
        return Path(path)
    return Path.cwd()


def load_config(flag: str | os.PathLike[str] | None = None, start: Path | None = None) -> Config:
    """The settings in force: defaults, then the user's file, then the project file."""
    user = config_path(flag)
    asked = bool(flag) or bool(os.environ.get(CONFIG_ENV))
    layers: list[tuple[Path, dict[str, Any], dict[tuple[str, ...], int]]] = []
    if asked or user.exists():
        layers.append(_read_layer(user))
    project = find_project_file(start)
    if project is not None and not (layers and _same_file(project, user)):
        layers.append(_read_layer(project))
    config = Config()
    for path, data, lines in layers:
        config = _merged(config, path, data, lines)
    return config


@dataclass(frozen=True)
class ConfigSource:
    """Where the settings in force were read from, to read them again when a file changes (the
    reader looks every few seconds and when its window gets the focus)."""

    flag: str | None = None
    start: Path | None = None

    def load(self) -> Config:
        return load_config(self.flag, self.start)

    def stamp(self) -> tuple[tuple[str, int, int] | None, ...]:
        """The user's file and the project file as they are now: changed, created or removed,
        the stamp differs. A few ``stat`` calls."""
        paths = (config_path(self.flag), find_project_file(self.start))
        return tuple(_file_stamp(p) for p in paths)


def _file_stamp(path: Path | None) -> tuple[str, int, int] | None:
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return (str(path), info.st_mtime_ns, info.st_size)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _read_layer(path: Path) -> tuple[Path, dict[str, Any], dict[tuple[str, ...], int]]:
    # A FIFO, a device (/dev/zero), a socket or a folder is refused, named, without blocking:
    # stat first, then opened O_NONBLOCK and checked again (it may be swapped in between).
    raw = read_bytes(path, "a config file", ConfigError, limit=MAX_CONFIG_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(path, "is not UTF-8 text") from None
    data = parse_toml(text, path)
    lines = setting_lines(text)
    validate(data, path, lines)
    return path, data, lines


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(found.group(1)) if found else None
        if found is None and "end of document" in message:
            line = max(1, len(text.splitlines()))
        problem = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        problem = problem[:1].lower() + problem[1:]
        raise ConfigError(path, f"invalid TOML: {problem}", line) from None


# -- where settings are, by line -----------------------------------------------------------------

_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def _key_parts(raw: str) -> tuple[str, ...]:
    parts: list[str] = []
    for match in re.finditer(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+)""", raw):
        parts.append(next(g for g in match.groups() if g is not None))
    return tuple(parts)


def setting_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line of each table and key, by path (``("tags", 0, "color")`` -> 12).

    tomllib gives no positions, so the lines are found by reading the file as lines; enough
    for the shapes a config takes (tables, arrays of tables, one key per line)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        header = _HEADER.match(line)
        if header is not None and not line.lstrip().startswith("#"):
            name = _key_parts(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                table = (*name, str(index))
            else:
                table = name
            lines.setdefault(table, number)
            continue
        assign = _ASSIGN.match(line)
        if assign is not None:
            lines.setdefault((*table, *_key_parts(assign.group(1))), number)
            rest = line[assign.end() :]
            if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                in_multiline = True
    return lines


def _line(lines: Mapping[tuple[str, ...], int], *path: object) -> int | None:
    parts = tuple(str(p) for p in path)
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return None


# -- validation ----------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return {
        str: "a string",
        bool: "true or false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def validate(data: Mapping[str, Any], path: Path, lines: Mapping[tuple[str, ...], int]) -> None:
    """Raise ConfigError for the first problem in reading order: unknown keys, wrong types,
    bad tag ids, markers, keys or colours, duplicates, too many or too few tags."""

    def fail(problem: str, *where: object) -> ConfigError:
        return ConfigError(path, problem, _line(lines, *where))

    problems: list[tuple[int, ConfigError]] = []

    def check(fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except ConfigError as exc:
            problems.append((exc.line or 0, exc))

    def top() -> None:
        for key, value in data.items():
            if key not in TOP_KEYS:
                raise fail(f"unknown setting {key!r} (known: {', '.join(TOP_KEYS)})", key)
            expected = {"annotator": str, "theme": str, "tags": list, "keys": dict, "themes": dict}
            if not isinstance(value, expected[key]):
                wanted = _type_name(expected[key]())
                raise fail(f"{key} must be {wanted}, not {_type_name(value)}", key)
        annotator = data.get("annotator")
        problem = None if annotator is None else annotator_problem(annotator)
        if problem is not None:
            raise fail(problem, "annotator")
        theme = data.get("theme")
        if theme is not None and not theme.strip():
            raise fail("theme must name a theme", "theme")

    check(top)
    if problems:
        raise min(problems, key=lambda p: p[0])[1]
    if "tags" in data:
        check(_validate_tags, data["tags"], fail)
    if "keys" in data:
        check(_validate_keys, data["keys"], fail)
    if "themes" in data:
        check(_validate_themes, data["themes"], fail)
    if problems:
        raise min(problems, key=lambda p: p[0])[1]


def _validate_tags(tags: list[Any], fail: Any) -> None:
    if not 1 <= len(tags) <= MAX_TAGS:
        raise fail(f"a tag set has 1 to {MAX_TAGS} tags, not {len(tags)}", "tags")
    seen: dict[str, dict[str, int]] = {"id": {}, "label": {}, "marker": {}, "key": {}}
    for index, tag in enumerate(tags):
        if not isinstance(tag, dict):
            raise fail("each tag must be a table ([[tags]])", "tags", index)
        for key in tag:
            if key not in TAG_KEYS:
                raise fail(
                    f"unknown tag setting {key!r} (known: {', '.join(TAG_KEYS)})",
                    "tags",
                    index,
                    key,
                )
        for key in TAG_KEYS:
            if key in tag and not isinstance(tag[key], str):
                raise fail(
                    f"tag {key} must be a string, not {_type_name(tag[key])}", "tags", index, key
                )
        for key in TAG_REQUIRED:
            if key not in tag:
                raise fail(f"tag {index + 1} has no {key}", "tags", index)
        tag_id = tag["id"]
        if not TAG_ID.fullmatch(tag_id):
            raise fail(
                f"tag id {tag_id!r}: use lower-case letters, digits and _ (up to 40), "
                "starting with a letter",
                "tags",
                index,
                "id",
            )
        label = tag["label"]
        if not label.strip() or not label.isprintable() or len(label) > 40:
            raise fail(
                f"tag {tag_id}: label must be 1 to 40 printable characters", "tags", index, "label"
            )
        if not is_marker(tag["marker"]):
            raise fail(
                f"tag {tag_id}: marker must be one printable character, not {tag['marker']!r}",
                "tags",
                index,
                "marker",
            )
        keys = split_keys(tag["key"])
        bad = next((k for k in keys if not valid_key(k)), None)
        if not keys or bad is not None:
            raise fail(f"tag {tag_id}: invalid key {tag['key']!r}", "tags", index, "key")
        twin = next((k for k in keys if k.lower() in TERMINAL_TWINS), None)
        if twin is not None:
            raise fail(
                f"tag {tag_id}: key {twin!r} cannot be a tag key: {TERMINAL_TWINS[twin.lower()]}",
                "tags",
                index,
                "key",
            )
        reserved = next((k for k in keys if k.lower() in RESERVED_TAG_KEYS), None)
        if reserved is not None:
            raise fail(
                f"tag {tag_id}: key {reserved!r} is the reader's own (arrows, Page Up/Down, "
                "Home, End, Esc, Enter, Tab, ctrl+q, ctrl+c and ctrl+p cannot be tag keys)",
                "tags",
                index,
                "key",
            )
        if not valid_color(tag["color"]):
            raise fail(
                f"tag {tag_id}: invalid colour {tag['color']!r} (a colour name such as "
                "'magenta' or 'bright_blue', '#rrggbb' or 'rgb(r,g,b)')",
                "tags",
                index,
                "color",
            )
        description = tag.get("description", "")
        if len(description) > 2000:
            raise fail(
                f"tag {tag_id}: description is over 2,000 characters", "tags", index, "description"
            )
        # Two tags of one label read as one in the legend, the status line and every export.
        label = " ".join(label.split())
        each = (("id", [tag_id]), ("label", [label]), ("marker", [tag["marker"]]), ("key", keys))
        for what, values in each:
            for value in values:
                folded = value.casefold() if what in ("label", "marker") else value
                if folded in seen[what]:
                    first = seen[what][folded]
                    raise fail(
                        f"tag {tag_id}: {what} {value!r} is already used by tag {first + 1} "
                        f"({tags[first]['id']})",
                        "tags",
                        index,
                        what,
                    )
                seen[what][folded] = index


def _validate_keys(keys: dict[str, Any], fail: Any) -> None:
    for binding_id, value in keys.items():
        if not BINDING_ID.fullmatch(binding_id):
            raise fail(
                f"{binding_id!r} is not a binding id (like 'reader.next_sentence')",
                "keys",
                binding_id,
            )
        if not isinstance(value, str):
            raise fail(
                f'keys for {binding_id} must be a string like "j,down", not {_type_name(value)}',
                "keys",
                binding_id,
            )
        split = split_keys(value)
        bad = next((k for k in split if not valid_key(k)), None)
        if not split or bad is not None:
            raise fail(f"{binding_id}: invalid key {bad or value!r}", "keys", binding_id)
        twin = next((k for k in split if k.lower() in TERMINAL_TWINS), None)
        if twin is not None:
            raise fail(
                f"{binding_id}: key {twin!r} cannot be bound: {TERMINAL_TWINS[twin.lower()]}",
                "keys",
                binding_id,
            )
        # Keys bound twice across bindings are found by the reader, which knows which
        # bindings are active together (ui/keymap.py); within one binding it is a typo.
        twice = next((k for k in split if split.count(k) > 1), None)
        if twice is not None:
            raise fail(f"{binding_id}: key {twice!r} is listed twice", "keys", binding_id)


def _validate_themes(themes: dict[str, Any], fail: Any) -> None:
    for name, theme in themes.items():
        if not THEME_NAME.fullmatch(name):
            raise fail(
                f"theme name {name!r}: use lower-case letters, digits, - and _", "themes", name
            )
        if not isinstance(theme, dict):
            raise fail(f"theme {name} must be a table ([themes.{name}])", "themes", name)
        for key, value in theme.items():
            if key not in THEME_KEYS:
                raise fail(
                    f"theme {name}: unknown setting {key!r} (known: {', '.join(THEME_KEYS)})",
                    "themes",
                    name,
                    key,
                )
            if key == "dark":
                if not isinstance(value, bool):
                    raise fail(f"theme {name}: dark must be true or false", "themes", name, key)
            elif not isinstance(value, str) or not HEX_COLOR.fullmatch(value):
                raise fail(
                    f"theme {name}: invalid colour {value!r} for {key} (use '#rrggbb')",
                    "themes",
                    name,
                    key,
                )
        if "primary" not in theme:
            raise fail(f"theme {name} has no primary colour", "themes", name)


def split_keys(value: str) -> list[str]:
    """The keys of a comma-separated list, each as the terminal sends it: ``shift+c`` is ``C``
    (Shift with a letter types the capital), so it clashes with another ``C`` as it should."""
    return [canonical_key(k) for k in value.split(",") if k.strip()]


def canonical_key(key: str) -> str:
    key = key.strip()
    shifted = SHIFT_LETTER.fullmatch(key)
    return shifted.group(1).upper() if shifted else key


def valid_key(key: str) -> bool:
    return (len(key) == 1 and key.isprintable() and key != " ") or bool(
        KEY_NAME.fullmatch(key) and len(key) > 1
    )


def valid_color(value: str) -> bool:
    from rich.color import Color, ColorParseError

    if not value.strip() or value.strip().lower() == "default":
        return False
    try:
        Color.parse(value)
    except ColorParseError:
        return False
    return True


def codebook_summary(config: Config) -> dict[str, Any]:
    """The codebook in force, for exports and reports: the file its tags came from (None for the
    built-in default) and each tag's id, label, marker, colour and guideline (sanitised)."""
    where = config.located("tags")
    return {
        "source": str(where.path) if where is not None else None,
        "tags": config.tags.to_record(),
    }


# -- building the config -------------------------------------------------------------------------


def _merged(
    base: Config, path: Path, data: Mapping[str, Any], lines: Mapping[tuple[str, ...], int]
) -> Config:
    where = dict(base.where)
    tags = base.tags
    if "tags" in data:
        tags = TagSet(
            tuple(
                Tag(
                    t["id"],
                    t["label"].strip(),
                    t["marker"],
                    tuple(split_keys(t["key"])),
                    t["color"].strip(),
                    # Shown in the help screen and notifications: no control character.
                    " ".join(sanitise.line(t.get("description", "")).split()),
                )
                for t in data["tags"]
            )
        )
        where["tags"] = Where(path, _line(lines, "tags"))
        for index, t in enumerate(data["tags"]):
            where[f"tag.{t['id']}"] = Where(path, _line(lines, "tags", index, "key"))
    keys = dict(base.keys)
    for binding_id, value in data.get("keys", {}).items():
        keys[binding_id] = ",".join(split_keys(value))
        where[f"keys.{binding_id}"] = Where(path, _line(lines, "keys", binding_id))
    themes = {t.name: t for t in base.themes}
    for name, theme in data.get("themes", {}).items():
        colors = {k: v for k, v in theme.items() if k != "dark"}
        themes[name] = ThemeSpec(name, bool(theme.get("dark", True)), colors)
        where[f"themes.{name}"] = Where(path, _line(lines, "themes", name))
    if "theme" in data:
        where["theme"] = Where(path, _line(lines, "theme"))
    if "annotator" in data:
        where["annotator"] = Where(path, _line(lines, "annotator"))
    return Config(
        tags=tags,
        annotator=data["annotator"].strip() if "annotator" in data else base.annotator,
        theme=data["theme"].strip() if "theme" in data else base.theme,
        keys=keys,
        themes=tuple(themes.values()),
        files=(*base.files, path),
        where=where,
    )
