"""The keys in force: every binding by its id, remapped by the config's ``[keys]``.

Hints in the status line, notifications, the help screen and the README's key table all ask
``Keys`` for a binding's key instead of spelling it, so a remapped key is the one shown.

A codebook's tag keys win over the reader's built-in keys: a team that writes ``key = "c"`` for
its ``claim`` tag gets ``c`` for Claim. The built-in binding keeps its other keys (``j`` taken,
``↓`` still moves) or, left with none, moves to the first free key of its fallbacks
(``FALLBACK_KEYS``: Compare goes to ``C``); the help screen and ``tuireader config --keys`` say
so. What stays an error, found before the reader starts, is a true conflict: one key chosen twice
(a tag's key and a ``[keys]`` entry, or two ``[keys]`` entries, active together), or a built-in
binding a tag leaves with no key and no free fallback.
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
    "minus": "-",
    "underscore": "_",
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

        from textual.keys import KEY_NAME_REPLACEMENTS

        # Textual's own names for a few of them: ``-`` is ``minus``, ``/`` is ``slash``.
        name = unicodedata.name(key, key).lower().replace(" ", "_").replace("-", "_")
        return KEY_NAME_REPLACEMENTS.get(name, name)
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


FALLBACK_KEYS: Mapping[str, tuple[str, ...]] = {
    "app.quit": ("ctrl+q",),
    "app.help": ("H", "f1"),
    "app.note": ("N", "ctrl+n"),
    "app.search": ("ctrl+g",),
    "app.undo": ("U", "ctrl+u"),
    "app.export": ("ctrl+e",),
    "app.export_all": ("ctrl+x",),
    "app.stats": ("I", "ctrl+t"),
    "app.toggle_list": ("O", "ctrl+o"),
    "app.library": ("ctrl+l",),
    "app.compare": ("C", "ctrl+k"),
    "app.done": ("ctrl+d",),
    "app.adjudicate": ("ctrl+w",),
    "reader.next_annotated": ("ctrl+down",),
    "reader.previous_annotated": ("ctrl+up",),
    "reader.clear": ("delete", "backspace"),
    "reader.range": ("V", "ctrl+v"),
    "reader.words": ("P", "f6"),
    "reader.filter": ("T", "f7"),
    "reader.suggestions": ("ctrl+s",),
    "reader.accept": ("enter",),
    "reader.accept_all": ("ctrl+a",),
    "reader.reject": ("underscore", "f8"),
    "reader.next_disagreement": ("ctrl+right",),
    "reader.previous_disagreement": ("ctrl+left",),
    "reader.guideline": ("W", "f2"),
    "reader.split": ("ctrl+y", "f4"),
    "reader.merge": ("M", "f5"),
}
"""Where a built-in binding goes when a codebook's tag takes every key it has, first free key
first. Bindings that also have a key no tag may take (an arrow, Esc) need none."""
TAG_BINDING_PREFIXES = ("reader.tag.", "words.tag.")


def is_tag_binding(binding_id: str | None) -> bool:
    return binding_id is not None and binding_id.startswith(TAG_BINDING_PREFIXES)


@dataclass(frozen=True)
class Moved:
    """A built-in binding some of whose keys a codebook tag took."""

    binding_id: str
    description: str
    taken: tuple[str, ...]
    """The keys the tags took (Textual names)."""
    by: tuple[str, ...]
    """The labels of the tags that took them."""
    now: tuple[str, ...]
    """Its keys in force."""

    def sentence(self) -> str:
        """``c is Claim's: Compare is now C``."""
        taken = "/".join(key_label(k) for k in self.taken)
        now = "/".join(key_label(k) for k in self.now)
        return f"{taken} is {' and '.join(self.by)}'s: {self.description} is now {now}"


@dataclass(frozen=True)
class Resolved:
    """The keys in force once tag keys have taken theirs."""

    keymap: Mapping[str, str]
    """For ``App.set_keymap``: every binding whose keys changed, and every binding sharing a
    key with one (Textual drops a remapped binding's old keys for all bindings on them)."""
    moved: tuple[Moved, ...] = ()


def _default_keys(binding: Binding) -> list[str]:
    return [normalize_key(k) for k in split_keys(binding.key)]


def resolve_keys(scopes: Mapping[str, Sequence[BindingType]], config: Config) -> Resolved:
    """The keymap in force: ``[keys]``, then each tag's keys taken from the built-in bindings
    active with it (see the module's docstring). Raise ConfigError (file, line, problem) for a
    ``[keys]`` entry naming no binding and for a true conflict."""
    bindings: dict[str, Binding] = {}
    in_scopes: dict[str, list[str]] = {}
    for scope, items in scopes.items():
        for binding in map(as_binding, items):
            if binding.id:
                bindings.setdefault(binding.id, binding)
                in_scopes.setdefault(binding.id, []).append(scope)
    for binding_id in config.keys:
        if binding_id not in bindings:
            where = config.located(f"keys.{binding_id}")
            problem = f"unknown binding id {binding_id!r} (tuireader config --keys lists them)"
            raise (where.error(problem) if where else ConfigError("config", problem))
    explicit = {i: [normalize_key(k) for k in split_keys(v)] for i, v in config.keys.items()}
    keys = {i: explicit.get(i) or _default_keys(b) for i, b in bindings.items()}
    for tag in config.tags.active:  # a tag's word-selection key follows its reader key
        words = f"words.tag.{tag.id}"
        if words in keys and words not in explicit and tag.binding_id in keys:
            keys[words] = list(keys[tag.binding_id])
    scope_ids = {
        scope: [b.id for b in map(as_binding, items) if b.id] for scope, items in scopes.items()
    }
    taken: dict[str, dict[str, str]] = {}
    """Built-in binding id -> {key a tag took: that tag's id}."""
    for ids in scope_ids.values():
        tag_keys = {k: i.split(".", 2)[2] for i in ids if is_tag_binding(i) for k in keys[i]}
        for binding_id in ids:
            if is_tag_binding(binding_id) or binding_id in explicit:
                continue
            for key in keys[binding_id]:
                if key in tag_keys:
                    taken.setdefault(binding_id, {})[key] = tag_keys[key]
    moved: list[Moved] = []
    for binding_id, lost in taken.items():
        binding = bindings[binding_id]
        kept = [k for k in keys[binding_id] if k not in lost]
        if not kept:
            free = next(
                (
                    normalize_key(k)
                    for k in FALLBACK_KEYS.get(binding_id, ())
                    if not _key_used(
                        normalize_key(k), binding, in_scopes, scope_ids, keys, bindings
                    )
                ),
                None,
            )
            if free is None:
                raise _no_key_left(binding, lost, config)
            kept = [free]
        keys[binding_id] = kept
        by = tuple(config.tags.label(t) for t in dict.fromkeys(lost.values()))
        moved.append(Moved(binding_id, binding.description, tuple(lost), by, tuple(kept)))
    _check_conflicts(scopes, keys, config)
    return Resolved(_keymap(bindings, keys), tuple(moved))


def _key_used(
    key: str,
    binding: Binding,
    in_scopes: Mapping[str, list[str]],
    scope_ids: Mapping[str, list[str]],
    keys: Mapping[str, list[str]],
    bindings: Mapping[str, Binding],
) -> bool:
    """Whether another binding active with ``binding`` (another action) has ``key``."""
    for scope in in_scopes.get(binding.id or "", ()):
        for other in scope_ids[scope]:
            if key in keys[other] and bindings[other].action != binding.action:
                return True
    return False


def _keymap(bindings: Mapping[str, Binding], keys: Mapping[str, list[str]]) -> dict[str, str]:
    """The changed bindings, closed over shared keys: Textual's ``apply_keymap`` removes every
    binding of a node on a remapped binding's old keys and on its new ones, so each of those
    must be in the keymap too to be put back."""
    default = {i: _default_keys(b) for i, b in bindings.items()}
    included = [i for i in bindings if keys[i] != default[i]]
    seen = set(included)
    while included:
        binding_id = included.pop()
        touched = set(default[binding_id]) | set(keys[binding_id])
        for other in bindings:
            if other not in seen and touched & set(default[other]):
                seen.add(other)
                included.append(other)
    return {i: ",".join(keys[i]) for i in bindings if i in seen and keys[i]}


def _no_key_left(binding: Binding, lost: Mapping[str, str], config: Config) -> ConfigError:
    key, tag_id = next(iter(lost.items()))
    fallbacks = FALLBACK_KEYS.get(binding.id or "", ())
    why = (
        f"its fallback keys {', '.join(key_label(k) for k in fallbacks)} are taken too"
        if fallbacks
        else "it has no other key"
    )
    problem = (
        f"key {key_label(key)!r} of tag {tag_id} leaves {binding.id} ({binding.description}) "
        f"without a key and {why}; choose another key for the tag, or set {binding.id} "
        "under [keys]"
    )
    where = config.located(f"tag.{tag_id}")
    return where.error(problem) if where else ConfigError("config", problem)


def check_keymap(scopes: Mapping[str, Sequence[BindingType]], config: Config) -> Resolved:
    """Raise ConfigError (file, line, problem) for a ``[keys]`` entry naming no binding, or a
    key chosen for two bindings that are active together (the pane's and the app's, say)."""
    return resolve_keys(scopes, config)


def _check_conflicts(
    scopes: Mapping[str, Sequence[BindingType]],
    keys: Mapping[str, list[str]],
    config: Config,
) -> None:
    for scope, bindings in scopes.items():
        owner: dict[str, Binding] = {}
        for binding in map(as_binding, bindings):
            found = keys[binding.id] if binding.id else _default_keys(binding)
            for key in found:
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
    # A [keys] line first (it is what "remap" means), else the tag's key line.
    settings = [f"keys.{b.id}" for b in (second, first) if b.id]
    settings += [
        f"tag.{(b.id or '').split('.', 2)[2]}" for b in (second, first) if is_tag_binding(b.id)
    ]
    for setting in settings:
        where = config.located(setting)
        if where is not None:
            return where.error(problem)
    return ConfigError(config.files[-1] if config.files else "config", problem)


def key_table(sections: Iterable[Section], keys: Keys, moved: Iterable[Moved] = ()) -> str:
    """The Markdown key table of the README: every binding with a description, by section, and
    where a built-in binding goes when a codebook's tag takes its keys (``FALLBACK_KEYS``)."""
    notes = {m.binding_id: m for m in moved}
    rows = [
        "| keys | what they do | where | binding id | if a tag takes its keys |",
        "|---|---|---|---|---|",
    ]
    for title, bindings in sections:
        for binding in map(as_binding, bindings):
            if not binding.description or binding.id is None:
                continue
            shown = _cell(keys.show_all(binding.id))
            what = binding.description
            note = notes.get(binding.id)
            if note is not None:
                taken = "/".join(key_label(k) for k in note.taken)
                what += f" (moved: {taken} is {' and '.join(note.by)}'s)"
            fallback = _cell(" ".join(key_label(k) for k in FALLBACK_KEYS.get(binding.id, ())))
            rows.append(f"| {shown} | {what} | {title.lower()} | `{binding.id}` | {fallback} |")
    return "\n".join(rows) + "\n"


def _cell(keys: str) -> str:
    return " ".join(f"`{k}`" for k in keys.split(" ") if k).replace("`|`", "`\\|`")
