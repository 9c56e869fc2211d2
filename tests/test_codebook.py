"""Codebooks in use: a custom tag set in the reader, remapped keys, guidelines, themes, and a
database annotated with another codebook opened, exported and counted under the default one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from test_config import CODEBOOK, write
from tuireader.articles import Article, load_article, load_library
from tuireader.cli import main
from tuireader.config import Config, load_config
from tuireader.store import Store
from tuireader.tags import DEFAULT_TAGS, GENERIC_COLOR, TAG_SET_STATE
from tuireader.ui.app import ReaderApp
from tuireader.ui.help_screen import HelpScreen
from tuireader.ui.keymap import Keys, key_table

from conftest import ROOT, SEED

MakeApp = Callable[..., ReaderApp]
SIZE = (120, 40)


@pytest.fixture
def five(tmp_path: Path) -> Config:
    return load_config(write(tmp_path / "five.toml", CODEBOOK))


@pytest.fixture
def make_app(db_path: Path) -> Iterator[MakeApp]:
    stores: list[Store] = []

    def make(config: Config | None = None, path: Path = SEED) -> ReaderApp:
        config = config or Config()
        library = load_library([path])
        store = Store.open(db_path, "tester", tags=config.tags)
        stores.append(store)
        return ReaderApp(
            library, store, db_path=db_path, open_article=library.articles[0], config=config
        )

    yield make
    for store in stores:
        store.close()


def tag_five(db: Path, five: Config) -> Article:
    """The seed article annotated with all five tags of the codebook (by the reader's store)."""
    article = load_article(SEED)
    with Store.open(db, "tester", tags=five.tags) as store:
        for index, tag in enumerate(five.tags.ids):
            store.tag(article, index, index, tag)
        store.set_state(TAG_SET_STATE, five.tags.to_record())
    return article


# -- a database from another codebook, under the default one --------------------------------------


def test_five_tag_database_under_the_default_config(
    db_path: Path, five: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tag_five(db_path, five)
    before = db_path.read_bytes()
    # Opens (the store keeps every tag) ...
    with Store.open(db_path, "tester") as store:
        assert sorted(a.tag for a in store.annotations()) == sorted(five.tags.ids)
    # ... exports every tag, with its label in a report ...
    assert main(["export", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert sorted(a["tag"] for a in exported["annotations"]) == sorted(five.tags.ids)
    assert main(["export", "--format", "markdown"]) == 0
    report = capsys.readouterr().out
    assert "### Needs check (1)" in report and "### Unsure (1)" in report
    assert main(["export", "--tag", "claim", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
    # ... counts them in stats ...
    assert main(["stats", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["articles"]
    assert {t: n for t, n in row["tags"].items() if n} == dict.fromkeys(five.tags.ids, 1)
    assert row["tags"]["fact"] == 0 and row["tagged_sentences"] == 5
    assert main(["stats"]) == 0
    table = capsys.readouterr().out
    assert "Needs check" in table and "Fact" in table
    # ... and the schema it is exported under lists them, so the export validates.
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    import jsonschema

    jsonschema.validate(exported, schema)
    assert db_path.read_bytes() == before  # nothing read-only wrote anything


def test_schema_follows_the_tag_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "c.toml", CODEBOOK)
    assert main(["schema", "--config", str(path)]) == 0
    text = capsys.readouterr().out
    assert '"enum": ["claim", "needs_check", "verdict", "quote", "unsure"]' in text
    assert main(["schema"]) == 0
    assert '"enum": ["fact", "speculation", "expert_opinion"]' in capsys.readouterr().out


def test_tags_command_shows_the_codebook_and_foreign_tags(
    db_path: Path, five: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    tag_five(db_path, five)
    assert main(["tags", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["source"] == "built-in default"
    ids = [t["id"] for t in shown["tags"]]
    assert ids == [*DEFAULT_TAGS.ids, *five.tags.ids]
    claim = shown["tags"][3]
    assert claim["in_codebook"] is False and claim["keys"] == []
    assert claim["marker"] == "C" and claim["label"] == "Claim"
    assert claim["description"].startswith("A checkable statement")
    assert main(["tags"]) == 0
    text = capsys.readouterr().out
    assert "F  Fact" in text and "keys: f 1" in text and "[in the database, not in" in text


async def test_five_tag_database_opens_in_the_reader_under_the_default_config(
    make_app: MakeApp, db_path: Path, five: Config
) -> None:
    tag_five(db_path, five)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.pane
        assert pane.tags.ids == (*DEFAULT_TAGS.ids, *five.tags.ids)
        foreign = pane.tags.get("claim")
        assert not foreign.active and foreign.color == GENERIC_COLOR and foreign.marker == "C"
        assert "[C] Claim (not in this codebook)" in app.status.content.plain
        assert " C  Claim" in app.status.content.plain  # in the legend
        assert pane.annotation is not None and pane.annotation.tag == "claim"
        await pilot.press("m")  # not a key here: nothing changes
        await pilot.press("f")  # a default tag replaces it on this sentence only
        assert pane.annotation is not None and pane.annotation.tag == "fact"
    with Store.open(db_path, "tester") as store:
        assert sorted(a.tag for a in store.annotations()) == sorted(["fact", *five.tags.ids[1:]])


# -- a custom tag set in the reader ---------------------------------------------------------------


async def test_custom_tags_tag_and_are_recorded(
    make_app: MakeApp, db_path: Path, five: Config
) -> None:
    app = make_app(five)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "down", "h", "down", "5", "down", "V")
        tags = [a.tag for a in app.store.annotations()]
        assert tags == ["claim", "needs_check", "needs_check", "verdict"]
        plain = app.status.content.plain
        assert "[V] Verdict" in plain and " C  Claim" in plain and " ?  Unsure" in plain
        await pilot.press("f")  # the default tags are not bound under this codebook
        assert len(app.store.annotations()) == 4
        await pilot.press("t")  # the filter cycles through the codebook
        assert app.pane.filter_tag == "claim"
        assert "only Claim (t)" in app.status.content.plain
    with Store.open(db_path, "tester", create=False) as store:
        recorded = store.get_state(TAG_SET_STATE)
    assert [t["id"] for t in recorded] == list(five.tags.ids)


async def test_remapped_key_works_and_the_old_one_does_not(make_app: MakeApp) -> None:
    config = Config(
        keys={"reader.next_sentence": "l", "reader.tag.fact": "F", "reader.accept": "y"}
    )
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.pane
        await pilot.press("j")
        assert pane.cursor == 0
        await pilot.press("l", "l")
        assert pane.cursor == 2
        await pilot.press("down")  # not kept: the keymap replaces all of a binding's keys
        assert pane.cursor == 2
        await pilot.press("f")
        assert pane.annotation is None
        await pilot.press("F")
        assert pane.annotation is not None and pane.annotation.tag == "fact"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-text").render())
        assert re.search(r"\n  l +Next sentence\n", help_text)
        assert "  F  " in help_text


async def test_hints_show_the_keys_in_force(make_app: MakeApp) -> None:
    app = make_app(Config(keys={"reader.cancel": "x", "app.export": "E", "reader.range": "r"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        assert "x cancels" in app.status.content.plain
        await pilot.press("x")
        assert app.pane.range_anchor is None
        await pilot.press("n")  # untagged: the hint names the tag keys in force
        await pilot.pause()
        assert any("(f, s or e)" in n.message for n in app._notifications)
        placeholder = app.query_one("#search").placeholder  # type: ignore[attr-defined]
        assert "Enter: next match, Esc: close" in placeholder


async def test_guideline_of_the_tag_under_the_cursor(make_app: MakeApp, five: Config) -> None:
    app = make_app(five)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert any("Untagged" in n.message for n in app._notifications)
        await pilot.press("m", "w")
        await pilot.pause()
        last = list(app._notifications)[-1]
        assert last.title == "C Claim" and last.message.startswith("A checkable statement")
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = str(app.screen.query_one("#help-text").render())
        assert "Tags and their guidelines" in help_text
        assert "Worth verifying before publication." in help_text
        assert "Needs check  h/5" in help_text


# -- themes ---------------------------------------------------------------------------------------


async def test_theme_choice_is_remembered_until_the_config_changes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        app.theme = "gruvbox"  # what ctrl+p does
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "gruvbox"
    app = make_app(Config(theme="nord"))  # a new theme in the config wins over the old choice
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "nord"
        app.theme = "dracula"
        await pilot.pause()
    app = make_app(Config(theme="nord"))
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "dracula"


async def test_config_theme_of_its_own(make_app: MakeApp, tmp_path: Path) -> None:
    text = '[themes.paper]\ndark = false\nprimary = "#1f5f8b"\nbackground = "#fbf8f1"\n'
    config = load_config(write(tmp_path / "c.toml", 'theme = "paper"\n' + text))
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "paper" and not app.current_theme.dark
        assert "paper" in app.available_themes


async def test_ansi_light_tags_are_not_all_black(make_app: MakeApp) -> None:
    app = make_app(Config(theme="ansi-light"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        looks = app.pane.looks
        backgrounds = {looks[t].style.bgcolor for t in DEFAULT_TAGS.ids}
        assert len(backgrounds) == 3
        for color in backgrounds:
            assert color is not None and color.name != "black"


# -- the README --------------------------------------------------------------------------------


def test_readme_key_table_is_generated_from_the_bindings() -> None:
    sections = ReaderApp.key_sections(DEFAULT_TAGS)
    table = key_table(sections, Keys.of(sections, {}))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- keys:start -->\n(.*?)<!-- keys:end -->", readme, re.DOTALL)
    assert found is not None, "README.md lost its key table markers"
    assert found.group(1) == table, (
        "README key table is stale: regenerate it with `tuireader config --keys`"
    )


async def test_suggestions_only_for_the_builtin_tags(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(load_config(write(tmp_path / "c.toml", CODEBOOK)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert app.pane.suggestions is None
        assert any("only for fact, speculation" in n.message for n in app._notifications)
    mixed = CODEBOOK.replace('id = "claim"', 'id = "fact"')
    app = make_app(load_config(write(tmp_path / "m.toml", mixed)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = {s.tag for s in app.pane.suggestions or () if s is not None}
        assert shown == {"fact"}


async def test_stats_screen_shows_each_tag_in_its_look(make_app: MakeApp) -> None:
    app = make_app(Config(theme="ansi-light"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "i")
        await pilot.pause()
        text = app.screen.query_one("#stats-text").render()
        assert " F  Fact" in str(text)
        chip = next(s for s in text.spans if s.start == str(text).index(" F  Fact"))  # type: ignore[attr-defined]
        look = app.pane.looks["fact"].marker
        assert chip.style.background is not None and look.bgcolor is not None


@pytest.mark.parametrize("streamed", [False, True])
def test_an_import_keeps_the_export_codebooks_guidelines(
    db_path: Path,
    five: Config,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    streamed: bool,
) -> None:
    """The export lists its tags' guidelines: a database it is imported into records them,
    and ``tags --db`` under another codebook shows them (it said "(no guideline)")."""
    from tuireader import import_formats

    if streamed:
        monkeypatch.setattr(import_formats, "JSON_WHOLE_MAX", 0)
    tag_five(db_path, five)
    exported = tmp_path / "five.json"
    assert main(["export", "--db", str(db_path), "-o", str(exported)]) == 0
    other = tmp_path / "other.json"
    # The new database already records a claim of its own, without a guideline.
    with Store.open(other, "pat") as store:
        store.set_state(TAG_SET_STATE, [{"id": "claim", "label": "Assertion", "marker": "A"}])
    capsys.readouterr()
    assert main(["import", str(exported), "--db", str(other)]) == 0
    capsys.readouterr()
    assert main(["tags", "--db", str(other), "--json"]) == 0
    shown = {t["id"]: t for t in json.loads(capsys.readouterr().out)["tags"]}
    assert shown["needs_check"]["description"] == "Worth verifying before publication."
    assert shown["needs_check"]["label"] == "Needs check"
    assert shown["verdict"]["description"] == ""  # it had none
    # The database's own record stays; only the guideline it lacked is filled in.
    assert shown["claim"]["label"] == "Assertion" and shown["claim"]["marker"] == "A"
    assert shown["claim"]["description"].startswith("A checkable statement")
    assert main(["tags", "--db", str(other)]) == 0
    text = capsys.readouterr().out
    assert "Worth verifying before publication." in text
    assert text.count("(no guideline)") == 2  # verdict's and quote's: they have none
