"""A codebook's tag keys win over the reader's built-in keys (issue 14): the issue's own example
binds its tag to ``c``, the compare key, and must work as written. Built-in bindings keep their
other keys or move to a documented fallback; only true conflicts are errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.binding import Binding

from test_config import write
from tuireader.cli import main
from tuireader.config import Config, ConfigError, load_config, split_keys
from tuireader.store import Store
from tuireader.tags import DEFAULT_TAGS, Tag, TagSet
from tuireader.ui.app import ReaderApp, check_config
from tuireader.ui.help_screen import HelpScreen
from tuireader.ui.keymap import FALLBACK_KEYS, as_binding, normalize_key, resolve_keys

from conftest import SEED

ISSUE_EXAMPLE = """\
annotator = "sam"
theme = "textual-dark"
[[tags]]
id = "claim"
label = "Claim"
key = "c"
marker = "C"
color = "magenta"
description = "A checkable statement of fact made by someone in the story."
[keys]            # binding id = key(s), Textual keymap syntax
"reader.next_sentence" = "j,down"
"""
"""The config example of issue 14, verbatim."""

SIZE = (120, 40)
MakeApp = Callable[..., ReaderApp]


@pytest.fixture
def issue(tmp_path: Path) -> Config:
    return load_config(write(tmp_path / "issue.toml", ISSUE_EXAMPLE))


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    from tuireader.articles import load_library

    stores: list[Store] = []

    def make(config: Config, *, list_first: bool = False) -> ReaderApp:
        library = load_library([SEED])
        store = Store.open(db_path, "tester", tags=config.tags)
        stores.append(store)
        first = None if list_first else library.articles[0]
        return ReaderApp(library, store, db_path=db_path, open_article=first, config=config)

    yield make
    for store in stores:
        store.close()


def one_tag(key: str) -> Config:
    return Config(tags=TagSet((Tag("claim", "Claim", "C", (key,), "magenta"),)))


def active_id(app: ReaderApp, key: str) -> str | None:
    """The binding a key press runs where the focus is (Textual's own resolution)."""
    found = app.screen.active_bindings.get(key)
    return None if found is None else found.binding.id


# -- the issue's example, as written ---------------------------------------------------------------


def test_the_issue_example_is_valid_and_says_what_moved(
    issue: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "issue.toml"
    assert main(["config", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid: yes" in out and "moved: c is Claim's: Compare is now C" in out
    assert main(["config", "--config", str(path), "--keys"]) == 0
    table = capsys.readouterr().out
    assert (
        "| `C` | Compare (moved: c is Claim's) | everywhere | `app.compare` | `C` `ctrl+k` |"
        in (table)
    )
    assert "| `c` | Claim | reading pane | `reader.tag.claim` |  |" in table
    assert main(["tags", "--config", str(path)]) == 0
    assert "keys: c" in capsys.readouterr().out


async def test_the_issue_example_runs_c_tags_and_C_compares(
    make_app: MakeApp, issue: Config
) -> None:
    app = make_app(issue)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert active_id(app, "c") == "reader.tag.claim"
        assert active_id(app, "C") == "app.compare"
        await pilot.press("c")
        assert app.pane.annotation is not None and app.pane.annotation.tag == "claim"
        assert not app.comparing
        await pilot.press("C")
        assert app.comparing
        await pilot.press("C")
        assert not app.comparing
        await pilot.press("j", "c")  # the example's own [keys] line still moves
        assert app.pane.cursor == 1 and app.pane.annotation is not None
        footer = " ".join(str(k.render()) for k in app.query("FooterKey"))
        assert "C Compare" in footer and "c Claim" in footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-text").render())
        assert "Keys your codebook's tags took\n  c is Claim's: Compare is now C" in shown
        assert "  C                     Compare" in shown


async def test_in_the_article_list_c_is_no_longer_compare(make_app: MakeApp, issue: Config) -> None:
    app = make_app(issue, list_first=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is app.article_list
        assert active_id(app, "c") is None  # one key, one meaning, wherever the focus is
        assert active_id(app, "C") == "app.compare"


def test_run_app_starts_with_the_issue_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's own check (the one that refused the example) now passes it."""
    path = write(tmp_path / "issue.toml", ISSUE_EXAMPLE)
    resolved = check_config(load_config(path))
    assert resolved.keymap["app.compare"] == "C"
    assert [m.sentence() for m in resolved.moved] == ["c is Claim's: Compare is now C"]


# -- the rule, for every built-in binding ------------------------------------------------------


def _scopes() -> dict[str, list[Binding]]:
    return {k: [as_binding(b) for b in v] for k, v in ReaderApp.key_scopes(DEFAULT_TAGS).items()}


def _single_key_bindings() -> list[Binding]:
    """Every built-in binding in a scope a tag key is active in, by id once."""
    scopes = _scopes()
    found: dict[str, Binding] = {}
    for scope in ("reading pane", "word selection"):
        for binding in scopes[scope]:
            if binding.id and not binding.id.startswith(("reader.tag.", "words.tag.")):
                found.setdefault(binding.id, binding)
    return list(found.values())


@pytest.mark.parametrize("binding", _single_key_bindings(), ids=lambda b: b.id)
def test_a_tag_on_any_built_in_key_wins_and_the_binding_keeps_a_key(binding: Binding) -> None:
    """Each key of every built-in binding, taken by a tag: resolved (never refused) unless the key
    is one no tag may take, and the binding is left with a key of its own."""
    from tuireader.config import RESERVED_TAG_KEYS

    for key in split_keys(binding.key):
        if key in RESERVED_TAG_KEYS:
            continue
        config = one_tag(key)
        try:
            resolved = resolve_keys(ReaderApp.key_scopes(config.tags), config)
        except ConfigError as exc:  # only a binding with no other key and no fallback
            assert binding.id not in FALLBACK_KEYS, exc
            assert "choose another key for the tag" in str(exc)
            continue
        now = resolved.keymap.get(binding.id or "", binding.key)
        now_keys = [normalize_key(k) for k in split_keys(now)]
        assert now_keys and normalize_key(key) not in now_keys
        assert resolved.keymap["reader.tag.claim"] == normalize_key(key)


def test_fallbacks_are_free_keys() -> None:
    """A fallback is never a built-in key of a binding active with it, nor two bindings' fallback
    in one scope, so moving one binding never displaces another."""
    scopes = _scopes()
    for scope, bindings in scopes.items():
        defaults = {normalize_key(k): b.id for b in bindings for k in split_keys(b.key) if b.id}
        owners: dict[str, str] = {}
        for binding in bindings:
            for key in FALLBACK_KEYS.get(binding.id or "", ()):
                key = normalize_key(key)
                owner = defaults.get(key)
                assert (
                    owner is None
                    or as_binding(next(b for b in bindings if b.id == owner)).action
                    == binding.action
                ), (scope, binding.id, key, owner)
                assert owners.setdefault(key, binding.id or "") == binding.id, (scope, key)
    ids = {b.id for bindings in scopes.values() for b in bindings}
    assert set(FALLBACK_KEYS) <= ids


async def test_fallback_keys_run_their_bindings(make_app: MakeApp) -> None:
    """Tags on note, undo, clear, accept and guideline: each built-in moves to its fallback,
    which is the key that runs it now, and the tag key tags."""
    tags = TagSet(
        (
            Tag("a", "Alpha", "A", ("n",), "magenta"),
            Tag("b", "Beta", "B", ("u",), "green"),
            Tag("c", "Gamma", "G", ("d",), "yellow"),
            Tag("d", "Delta", "D", ("a",), "cyan"),
            Tag("e", "Epsilon", "E", ("w",), "blue"),
        )
    )
    app = make_app(Config(tags=tags))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        expected = {
            "N": "app.note",
            "U": "app.undo",
            "delete": "reader.clear",
            "enter": "reader.accept",
            "W": "reader.guideline",
        }
        for key, binding_id in expected.items():
            assert active_id(app, key) == binding_id
        await pilot.press("d")  # tags Gamma
        assert app.pane.annotation is not None and app.pane.annotation.tag == "c"
        await pilot.press("delete")  # clear, moved
        assert app.pane.annotation is None
        await pilot.press("n", "U")  # tag Alpha, undo (moved)
        assert app.pane.annotation is None
        await pilot.press("w", "W")  # tag Epsilon, its guideline
        await pilot.pause()
        assert list(app._notifications)[-1].title == "E Epsilon"


async def test_remapping_a_shared_key_keeps_the_other_bindings_on_it(make_app: MakeApp) -> None:
    """``w`` is both the guideline and, while words are selected, next word: remapping one must
    not drop the other (Textual's keymap removes every binding on a remapped binding's keys)."""
    app = make_app(Config(keys={"reader.guideline": "W"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "W")
        await pilot.pause()
        assert list(app._notifications)[-1].title == "F Fact"
        await pilot.press("j", "p", "w", "W")  # next word and extend still work
        span = app.pane.word_span
        assert span is not None
        assert len(app.pane.article.body[span[0] : span[1]].split()) == 2  # type: ignore[union-attr]


async def test_a_remapped_tag_key_also_tags_words(make_app: MakeApp) -> None:
    app = make_app(Config(keys={"reader.tag.fact": "F"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "p", "w", "f")
        assert app.pane.word_span is not None  # f is not fact here
        await pilot.press("F")
        assert app.pane.word_span is None
        assert [a.tag for a in app.store.annotations()] == ["fact"]


# -- what stays an error --------------------------------------------------------------------------

CONFLICTS = [
    (
        ISSUE_EXAMPLE + '"app.note" = "c"\n',
        12,
        "key 'c' is bound to both",
    ),
    (
        ISSUE_EXAMPLE.replace('key = "c"', 'key = "ctrl+f"'),
        6,
        "key 'ctrl+f' of tag claim leaves app.search_all (Search all) without a key",
    ),
    (
        ISSUE_EXAMPLE.replace('key = "c"', 'key = "escape"'),
        6,
        "key 'escape' is the reader's own",
    ),
    (
        ISSUE_EXAMPLE.replace('key = "c"', 'key = "c,C"') + '"reader.range" = "ctrl+k"\n',
        6,
        "leaves app.compare (Compare) without a key and its fallback keys C, ctrl+k are taken",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem"), CONFLICTS)
def test_true_conflicts_are_one_line_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, problem: str
) -> None:
    path = write(tmp_path / "c.toml", text)
    assert main(["--config", str(path), str(SEED)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"tuireader: {path}: line {line}: "), err
    assert problem in err and "\n" not in err


def test_compare_takes_its_second_fallback_when_C_is_a_tag_key(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path / "c.toml", ISSUE_EXAMPLE.replace('key = "c"', 'key = "c,C"'))
    )
    resolved = check_config(config)
    assert resolved.keymap["app.compare"] == "ctrl+k"
    assert [m.sentence() for m in resolved.moved] == ["c is Claim's: Compare is now ctrl+k"]


def test_snapshot_of_the_issue_example(
    snap_compare: Callable[..., bool],
    issue: Config,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's codebook in use: Claim on c in the gutter, legend and footer, Compare on C."""
    from tuireader.articles import load_library

    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    library = load_library([SEED.parent])
    with Store.open(db_path, "sam", tags=issue.tags) as store:
        app = ReaderApp(library, store, db_path=db_path, config=issue)
        app.sub_title = "annotations.json"  # the tmp path differs on every run

        async def tag(pilot: object) -> None:
            app.open_article(next(a for a in library.articles if a.path == SEED))
            app.pane.focus()

        assert snap_compare(
            app, terminal_size=(120, 34), run_before=tag, press=["c", "j", "j", "c", "j"]
        )


def _displaced_groups() -> list[list[str]]:
    """The bindings with fallbacks, nine to a codebook (one tag on all of each one's keys)."""
    ids = sorted(FALLBACK_KEYS)
    return [ids[i : i + 9] for i in range(0, len(ids), 9)]


@pytest.mark.parametrize("group", _displaced_groups(), ids=lambda g: g[0])
async def test_every_fallback_is_the_key_that_runs_its_binding(
    make_app: MakeApp, group: list[str]
) -> None:
    """Tags on every key of nine built-in bindings at once: each binding runs from its first
    fallback (where the pane has the focus), and each tag key runs its tag."""
    bindings = {
        b.id: b for bs in ReaderApp.key_scopes(DEFAULT_TAGS).values() for b in map(as_binding, bs)
    }
    markers = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    tags = TagSet(
        tuple(
            Tag(f"t{n}", f"Tag {n}", next(markers), tuple(split_keys(bindings[i].key)), "green")
            for n, i in enumerate(group)
        )
    )
    app = make_app(Config(tags=tags))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.comparing = True  # Resolve and the disagreement keys act in the compare view
        app.refresh_comparison()
        app.refresh_bindings()
        await pilot.pause()
        for n, binding_id in enumerate(group):
            fallback = normalize_key(FALLBACK_KEYS[binding_id][0])
            found = app.screen.active_bindings.get(fallback)
            assert found is not None, (binding_id, fallback)
            assert found.binding.action == bindings[binding_id].action, (binding_id, fallback)
            for key in split_keys(bindings[binding_id].key):
                assert active_id(app, normalize_key(key)) == f"reader.tag.t{n}"
