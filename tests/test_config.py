"""The config file: where it is found, what it may say, and one-line errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.cli import main
from tuireader.cli.config import default_config_text
from tuireader.config import (
    ConfigError,
    config_path,
    find_project_file,
    load_config,
    setting_lines,
)
from tuireader.tags import DEFAULT_TAGS

CODEBOOK = """\
annotator = "sam"
theme = "nord"

[[tags]]
id = "claim"
label = "Claim"
key = "m"
marker = "C"
color = "magenta"
description = "A checkable statement of fact made by someone in the story."

[[tags]]
id = "needs_check"
label = "Needs check"
key = "h,5"
marker = "N"
color = "yellow"
description = "Worth verifying before publication."

[[tags]]
id = "verdict"
label = "Verdict"
key = "V"
marker = "V"
color = "#2e8b57"

[[tags]]
id = "quote"
label = "Quote"
key = "Q"
marker = "Q"
color = "rgb(51,136,255)"

[[tags]]
id = "unsure"
label = "Unsure"
key = "U"
marker = "?"
color = "bright_red"
description = "I cannot decide."

[keys]
"reader.next_sentence" = "n,down"
"app.note" = "N"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(None, tmp_path)
    assert config.tags == DEFAULT_TAGS and config.keys == {} and config.files == ()
    assert config.annotator is None and config.theme is None


def test_the_issue_codebook_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "c.toml", CODEBOOK))
    assert config.tags.ids == ("claim", "needs_check", "verdict", "quote", "unsure")
    claim = config.tags.get("claim")
    assert (claim.label, claim.marker, claim.keys, claim.color) == ("Claim", "C", ("m",), "magenta")
    assert claim.description.startswith("A checkable statement")
    assert config.tags.get("needs_check").keys == ("h", "5")
    assert config.annotator == "sam" and config.theme == "nord"
    assert config.keys == {"reader.next_sentence": "n,down", "app.note": "N"}
    where = config.located("keys.app.note")
    assert where is not None and where.line == CODEBOOK.splitlines().index('"app.note" = "N"') + 1


def test_path_flag_then_environment_then_user_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config_path(None) == tmp_path / "xdg-config" / "tuireader" / "config.toml"
    monkeypatch.setenv("TUIREADER_CONFIG", str(tmp_path / "env.toml"))
    assert config_path(None) == tmp_path / "env.toml"
    assert config_path(str(tmp_path / "flag.toml")) == tmp_path / "flag.toml"


def test_a_file_asked_for_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: no such file"):
        load_config(tmp_path / "missing.toml")
    monkeypatch.setenv("TUIREADER_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match=r"gone\.toml: no such file"):
        load_config(None)


def test_project_file_is_found_above_the_articles_and_wins(tmp_path: Path) -> None:
    user = write(tmp_path / "xdg-config" / "tuireader" / "config.toml", 'theme = "nord"\n')
    project = write(tmp_path / "team" / "tuireader.toml", CODEBOOK.replace('theme = "nord"', ""))
    articles = tmp_path / "team" / "2026" / "march"
    articles.mkdir(parents=True)
    assert find_project_file(articles) == project
    assert find_project_file(tmp_path) is None
    config = load_config(None, articles)
    assert config.files == (user, project)
    assert config.tags.ids[0] == "claim" and config.theme == "nord"


BAD = [
    ("colour = 'red'\n", 1, "unknown setting 'colour'"),
    ("theme = 3\n", 1, "theme must be a string, not a number"),
    ("annotator = ''\n", 1, "annotator must be a printable name"),
    ("keys = 'x'\n", 1, "keys must be a table"),
    ("[keys]\nreader = 'x'\n", 2, "'reader' is not a binding id"),
    ("[keys]\n'reader.next_sentence' = 5\n", 2, "must be a string"),
    ("[keys]\n'reader.next_sentence' = 'j,j'\n", 2, "key 'j' is listed twice"),
    ("[keys]\n'reader.next_sentence' = 'not a key'\n", 2, "invalid key"),
    ("x = [\n", 1, "invalid TOML"),
    ("tags = []\n", 1, "1 to 9 tags, not 0"),
    ("[[tags]]\nid = 'a'\nlabel = 'A'\nkey = 'a'\nmarker = 'A'\ncolor = 'purplish'\n", 6,
     "invalid colour 'purplish'"),
    ("[[tags]]\nid = 'a'\nlabel = 'A'\nkey = 'a'\nmarker = 'AB'\ncolor = 'red'\n", 5,
     "marker must be one printable character"),
    ("[[tags]]\nid = 'A b'\nlabel = 'A'\nkey = 'a'\nmarker = 'A'\ncolor = 'red'\n", 2,
     "tag id 'A b'"),
    ("[[tags]]\nid = 'a'\nlabel = 'A'\nkey = 'a'\nmarker = 'A'\n", 1, "tag 1 has no color"),
    ("[[tags]]\nid = 'a'\nlabel = 'A'\nkey = 'a'\nmarker = 'A'\ncolor = 'red'\nshape = 1\n", 7,
     "unknown tag setting 'shape'"),
    ("[[tags]]\nid = 'a'\nlabel = 'A'\nkey = 'a'\nmarker = 'A'\ncolor = 'red'\n"
     "[[tags]]\nid = 'b'\nlabel = 'B'\nkey = 'a'\nmarker = 'B'\ncolor = 'blue'\n", 10,
     "key 'a' is already used by tag 1"),
    ("[[tags]]\nid = 'a'\nlabel = 'A'\nkey = 'a'\nmarker = 'A'\ncolor = 'red'\n"
     "[[tags]]\nid = 'a'\nlabel = 'B'\nkey = 'b'\nmarker = 'B'\ncolor = 'blue'\n", 8,
     "id 'a' is already used by tag 1"),
    ("[[tags]]\nid = 'claim'\nlabel = 'Claim'\nkey = 'c'\nmarker = 'C'\ncolor = 'red'\n"
     "[[tags]]\nid = 'x'\nlabel = ' claim '\nkey = 'x'\nmarker = 'X'\ncolor = 'red'\n", 9,
     "tag x: label 'claim' is already used by tag 1 (claim)"),
    ("[themes.paper]\ndark = false\nprimary = 'blue'\n", 3, "invalid colour 'blue' for primary"),
    ("[themes.paper]\ndark = 'no'\nprimary = '#000000'\n", 2, "dark must be true or false"),
    ("[themes.paper]\ndark = false\n", 1, "theme paper has no primary colour"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "problem"), BAD)
def test_bad_config_is_one_line_with_file_and_line(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {line}: "), message
    assert problem in message and "\n" not in message


def test_bad_config_stops_every_command_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "bad.toml", "[keys]\n'reader.next_sentence' = 'd'\n")
    # (export, stats and schema use only the tag set: key bindings are the reader's business)
    for argv in (["config"], ["tags"], [str(tmp_path)]):
        assert main(["--config", str(path), *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0
        assert err.startswith(f"tuireader: {path}: line 2: key 'd' is bound to both")
        assert "reader.next_sentence" in err and "reader.clear" in err


def test_setting_lines() -> None:
    lines = setting_lines(CODEBOOK)
    assert lines[("tags", "1", "key")] == 15
    assert lines[("keys", "reader.next_sentence")] == 43
    assert lines[("annotator",)] == 1


def test_init_writes_a_documented_default_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new" / "config.toml"
    assert main(["config", "--config", str(path), "--init"]) == 0
    text = path.read_text(encoding="utf-8")
    assert load_config(path).tags == DEFAULT_TAGS  # what it says is exactly the default
    for setting in ("annotator", "theme", "[[tags]]", "description", "[keys]", "[themes."):
        assert setting in text
    assert '# "reader.next_sentence" = "j,down"' in text  # every binding id, documented
    assert main(["config", "--config", str(path), "--init"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == text
    assert default_config_text() == text


def test_config_path_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "xdg-config/tuireader/config.toml")
    path = write(tmp_path / "c.toml", CODEBOOK)
    assert main(["config", "--config", str(path)]) == 0
    assert "valid: yes" in capsys.readouterr().out


def _tags(*keys: str) -> str:
    return "".join(
        f'[[tags]]\nid = "t{n}"\nlabel = "T{n}"\nkey = "{key}"\nmarker = "{n}"\ncolor = "red"\n'
        for n, key in enumerate(keys)
    )


TWINS = [
    ("ctrl+i", "it arrives as Tab"),
    ("ctrl+m", "it arrives as Enter"),
    ("ctrl+j", "it arrives as Enter"),
    ("ctrl+[", "it arrives as Esc"),
    ("ctrl+left_square_bracket", "it arrives as Esc"),
    ("ctrl+bracket_left", "it arrives as Esc"),
    ("ctrl+h", "Backspace"),
    ("ctrl+at", "NUL"),
    ("ctrl+@", "NUL"),
    ("ctrl+z", "suspend"),
]


@pytest.mark.parametrize(("key", "why"), TWINS)
def test_a_key_the_terminal_sends_as_another_is_refused(tmp_path: Path, key: str, why: str) -> None:
    path = write(tmp_path / "k.toml", _tags("x", key))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line 10: tag t1: key {key!r} cannot be a tag key: ")
    assert why in message and "\n" not in message
    remap = write(tmp_path / "r.toml", f'[keys]\n"app.note" = "N,{key}"\n')
    with pytest.raises(ConfigError, match=f"line 2: app.note: key .* cannot be bound: .*{why}"):
        load_config(remap)


def test_shift_letter_is_the_capital_and_clashes_with_it(tmp_path: Path) -> None:
    path = write(tmp_path / "k.toml", _tags("shift+c", "C"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: line 10: tag t1: key 'C' is already used by tag 1 (t0)"
    alone = load_config(write(tmp_path / "a.toml", _tags("shift+c", "x,shift+D")))
    assert [t.keys for t in alone.tags.active] == [("C",), ("x", "D")]
    assert load_config(write(tmp_path / "b.toml", _tags("alt+shift+c"))).tags.active[0].keys == (
        "alt+shift+c",
    )
