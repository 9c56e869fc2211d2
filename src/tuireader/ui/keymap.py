"""The keys in force: every binding by its id, remapped by the config's ``[keys]``.

Hints in the status line, notifications, the help screen and the README's key table all ask
``Keys`` for a binding's key instead of spelling it, so a remapped key is the one shown.
Conflicts (one key bound to two bindings active together) are found before the reader starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from textual.binding import Binding, BindingType

from tuireader.config import Config, ConfigError, split_keys

KEY_NAMES = {
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "slash": "/",
    "question_mark": "?",
    "vertical_line": "|",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "space": "space",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "shift+tab": "shift+Tab",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "shift+left": "⇧←",
    "shift+right": "⇧→",
}
"""Keys whose Textual names are not what is printed on them."""

Section = tuple[str, Sequence[BindingType]]
"""A titled group of bindings, as the help screen and README list them."""


def normalize_key(key: str) -> str:
    """A key as Textual names it: ``?`` is ``question_mark`` (as ``App.set_keymap`` does)."""
    key = key.strip()
    if len(key) == 1 and not key.isalnum():
        import unicodedata

        return unicodedata.name(key, key).lower().replace(" ", "_").replace("-", "_")
    return key


def as_binding(item: BindingType) -> Binding:
    return item if isinstance(item, Binding) else Binding(*item)


def key_label(key: str) -> str:
    return KEY_NAMES.get(key.strip(), key.strip())


@dataclass(frozen=True)
class Keys:
    """Bindings by id and the keymap over them."""

    bindings: Mapping[str, Binding]
    keymap: Mapping[str, str]

    @classmethod
    def of(cls, sections: Iterable[Section], keymap: Mapping[str, str]) -> Keys:
        found: dict[str, Binding] = {}
        for _title, bindings in sections:
            for item in bindings:
                binding = as_binding(item)
                if binding.id:
                    found.setdefault(binding.id, binding)
        return cls(found, dict(keymap))

    def keys(self, binding_id: str) -> list[str]:
        """The Textual key names bound to ``binding_id`` (none for an unknown id)."""
        if binding_id in self.keymap:
            return [normalize_key(k) for k in split_keys(self.keymap[binding_id])]
        binding = self.bindings.get(binding_id)
        return split_keys(binding.key) if binding is not None else []

    def show(self, binding_id: str) -> str:
        """The first key of a binding as printed on the keyboard, for a hint ("a accepts")."""
        keys = self.keys(binding_id)
        return key_label(keys[0]) if keys else "?"

    def show_all(self, binding_id: str, sep: str = " ") -> str:
        return sep.join(key_label(k) for k in self.keys(binding_id))

    def tag_keys(self, tag_ids: Iterable[str]) -> str:
        """``f, s or e``: the first key of each tag binding, for a hint."""
        shown = [self.show(f"reader.tag.{t}") for t in tag_ids]
        if len(shown) <= 1:
            return "".join(shown)
        return ", ".join(shown[:-1]) + " or " + shown[-1]


def check_keymap(scopes: Mapping[str, Sequence[BindingType]], config: Config) -> None:
    """Raise ConfigError (file, line, problem) for a ``[keys]`` entry naming no binding, or a
    key bound to two bindings that are active together (the pane's and the app's, say)."""
    known = {b.id for bindings in scopes.values() for b in map(as_binding, bindings) if b.id}
    for binding_id in config.keys:
        if binding_id not in known:
            where = config.located(f"keys.{binding_id}")
            problem = f"unknown binding id {binding_id!r} (tuireader config --keys lists them)"
            raise (where.error(problem) if where else ConfigError("config", problem))
    for scope, bindings in scopes.items():
        owner: dict[str, Binding] = {}
        for binding in map(as_binding, bindings):
            keys = [
                normalize_key(k)
                for k in split_keys(
                    config.keys[binding.id]
                    if binding.id is not None and binding.id in config.keys
                    else binding.key
                )
            ]
            for key in keys:
                other = owner.get(key)
                if other is None or other.id == binding.id or other.action == binding.action:
                    owner[key] = binding
                    continue
                raise _conflict(key, other, binding, scope, config)


def _conflict(key: str, first: Binding, second: Binding, scope: str, config: Config) -> ConfigError:
    problem = (
        f"key {key_label(key)!r} is bound to both {first.id} ({first.description}) and "
        f"{second.id} ({second.description}) in the {scope}; remap one under [keys]"
    )
    for binding in (second, first):
        if binding.id is None:
            continue
        where = config.located(f"keys.{binding.id}")
        if where is None and binding.id.startswith("reader.tag."):
            where = config.located(f"tag.{binding.id.removeprefix('reader.tag.')}")
        if where is not None:
            return where.error(problem)
    return ConfigError(config.files[-1] if config.files else "config", problem)


def key_table(sections: Iterable[Section], keys: Keys) -> str:
    """The Markdown key table of the README: every binding with a description, by section."""
    rows = ["| keys | what they do | where | binding id |", "|---|---|---|---|"]
    for title, bindings in sections:
        for binding in map(as_binding, bindings):
            if not binding.description or binding.id is None:
                continue
            shown = " ".join(f"`{k}`" for k in keys.show_all(binding.id).split(" ") if k)
            shown = shown.replace("`|`", "`\\|`")
            rows.append(f"| {shown} | {binding.description} | {title.lower()} | `{binding.id}` |")
    return "\n".join(rows) + "\n"
