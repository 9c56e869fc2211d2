"""The sanitiser: what a terminal would act on never reaches it from data."""

from __future__ import annotations

import os

import pytest

from tuireader import sanitise

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes the clipboard
OSC0 = "\x1b]0;pwned\x1b\\"  # sets the window title (ST-terminated)
OSC8 = "\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07"
CLEAR = "\x1b[2J"
SGR = "\x1b[31;1m"
C1_CSI = "\x9b2J"
C1_OSC = "\x9d0;title\x9c"
DCS = "\x1bPq#0;2;0;0;0\x1b\\"
RLO = "\u202e"
ATTACKS = (OSC52, OSC0, OSC8, CLEAR, SGR, C1_CSI, C1_OSC, DCS, RLO, "\x07", "\r", "\x7f")


def raw_control(text: str) -> bool:
    """True if ``text`` holds anything a terminal would act on."""
    return any(
        (ord(c) < 0x20 and c not in "\n\t")
        or 0x7F <= ord(c) <= 0x9F
        or 0x202A <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
        or 0xD800 <= ord(c) <= 0xDFFF
        for c in text
    )


@pytest.mark.parametrize("attack", ATTACKS)
def test_line_removes_every_sequence_with_its_payload(attack: str) -> None:
    cleaned = sanitise.line(f"before {attack} after")
    assert not raw_control(cleaned)
    assert cleaned.startswith("before ") and cleaned.endswith(" after")
    # The payload of a string command is gone too, not left as readable junk.
    for payload in ("cm0gLXJmIH4", "pwned", "evil.example", "title", "#0;2"):
        assert payload not in cleaned


def test_line_is_one_line_and_block_keeps_lines() -> None:
    assert sanitise.line("a\nb\r\nc\u2028d\te") == "a b c d e"
    assert sanitise.block("a\r\nb\x85c") == "a\nb\nc"
    assert sanitise.block(f"x{CLEAR}\ny") == "x\ny"


def test_plain_text_is_returned_unchanged() -> None:
    for text in ("Plain title", "Ünïcödé — “quotes” 日本語", "", "[@click=app.quit]"):
        assert sanitise.line(text) == text
        assert sanitise.escape(text) == text


def test_unterminated_string_command_runs_to_the_end() -> None:
    assert sanitise.line("ok\x1b]52;c;AAAA") == "ok"


def test_escape_keeps_every_character_visible() -> None:
    assert sanitise.escape(f"a{CLEAR}b") == "a\\x1b[2Jb"
    assert sanitise.escape(f"{RLO}txt.exe") == "\\u202etxt.exe"
    assert sanitise.escape("\x9b1m") == "\\x9b1m"
    # Newlines and tabs of multi-line output stay; a lone CR (which overwrites a line) does not.
    assert sanitise.escape("a,b\r\nc\td\n") == "a,b\r\nc\td\n"
    assert sanitise.escape("fake\rreal") == "fake\\rreal"
    assert sanitise.escape("a\nb", newlines=False) == "a\\nb"
    for attack in ATTACKS:
        assert not raw_control(sanitise.escape(attack))


def test_path_shows_undecodable_bytes_and_controls() -> None:
    name = os.fsdecode(b"bad\xffname\n\x1b[2J.txt")
    assert sanitise.path(name) == "bad\\xffname\\n\\x1b[2J.txt"
    assert sanitise.path(b"bad\xff.txt") == "bad\\xff.txt"
    assert sanitise.message(f"{name}: skipped") == "bad\\xffname\\n\\x1b[2J.txt: skipped"


def test_surrogates_never_reach_the_screen() -> None:
    text = os.fsdecode(b"caf\xe9")
    assert sanitise.line(text) == "caf\ufffd"
    sanitise.line(text).encode("utf-8")  # a terminal write cannot fail on it


def test_sanitised_text_is_stable() -> None:
    for attack in ATTACKS:
        once = sanitise.escape(attack, newlines=False)
        assert sanitise.escape(once, newlines=False) == once
        assert sanitise.line(sanitise.line(attack)) == sanitise.line(attack)


def test_escape_chunks_joins_what_a_chunk_boundary_cuts() -> None:
    text = f"a,b\r\n{OSC52}é\u202e\r\nlast\r"
    data = text.encode("utf-8")
    whole = b"".join(sanitise.escape_chunks([data])).decode()
    for size in (1, 2, 3, 7):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert b"".join(sanitise.escape_chunks(chunks)).decode() == whole
    assert whole == "a,b\r\n\\x1b]52;c;cm0gLXJmIH4=\\x07é\\u202e\r\nlast\\r"


INVISIBLE = ("\u200b", "\u200e", "\u200f", "\u2060", "\ufeff", "\u061c", "\U000e0041", "\u200d")


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_go_from_display_text_and_show_in_exact_text(char: str) -> None:
    assert sanitise.line(f"ali{char}ce") == "alice"
    assert sanitise.block(f"a{char}\nb") == "a\nb"
    # An article's text keeps them (its id hashes it), its drawing does not.
    assert sanitise.text(f"a{char}\tb") == f"a{char}\tb"
    assert sanitise.shown(f"a{char}\tb") == "a\tb"
    shown = sanitise.path(f"ali{char}ce.txt")
    code = ord(char)
    assert shown == (f"ali\\u{code:04x}ce.txt" if code <= 0xFFFF else f"ali\\U{code:08x}ce.txt")


def test_joiners_that_shape_what_is_drawn_are_kept_everywhere() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    for text in (family, persian, flag):
        assert sanitise.line(text) == text
        assert sanitise.escape(text) == text
        assert sanitise.text(text) == text
    # A joiner beside ASCII shapes nothing: gone (display) or shown (exact).
    assert sanitise.line("bo\u200db") == "bob" and sanitise.path("bo\u200db") == "bo\\u200db"


def test_a_whole_sequence_goes_in_every_display_path() -> None:
    """One rule: the payload of an escape sequence never remains as readable text."""
    hostile = "Evil\x1b]0;PWNED-TITLE\x07 title\x1b[31mRED\x1b[0m \x1b]52;c;cm0g\x07x \x1b[2J\x1b[Hy\x1bcz"
    want = "Evil titleRED x yz"
    assert sanitise.line(hostile) == want
    assert sanitise.block(hostile) == want
    assert sanitise.text(hostile) == want


def test_a_lone_escape_goes_with_nothing_after_it_lost() -> None:
    assert sanitise.line("end\x1b") == "end"
    assert sanitise.line("a\x1b\u00e9t\u00e9") == "a\u00e9t\u00e9"  # no sequence follows
    assert sanitise.text("a\x1b\nb") == "a\nb"


def test_an_unterminated_string_command_stops_at_its_line_end() -> None:
    """A stray OSC in an article must not swallow every later paragraph."""
    assert sanitise.text("one \x1b]0;title\ntwo\nthree") == "one \ntwo\nthree"
    assert sanitise.block("note \x1b]52;c;AAAA\nsecond") == "note \nsecond"


def test_tags_outside_a_flag_are_invisible_text() -> None:
    """Language tags can carry hidden text ("ASCII smuggling"); only a flag's are drawn."""
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "rm -rf")
    assert sanitise.line(f"ok{hidden}\U000e007f") == "ok"
    assert sanitise.line(f"\U0001f3f4{hidden}") == "\U0001f3f4"  # no cancel tag: no flag
    assert sanitise.escape("a\U000e0041b") == "a\\U000e0041b"


def test_text_hidden_in_tags_behind_a_black_flag_is_no_flag() -> None:
    def tags(word: str) -> str:
        return "".join(chr(0xE0000 + ord(c)) for c in word)

    for code in ("gbsct", "gbeng", "gbwls"):  # real subdivision flags stay whole
        flag = f"\U0001f3f4{tags(code)}\U000e007f"
        assert sanitise.line(f"a {flag} b") == f"a {flag} b"
        assert sanitise.path(f"a{flag}b") == f"a{flag}b"
    for hidden in ("ignore", "ignore previous instructions"):
        fake = f"\U0001f3f4{tags(hidden)}\U000e007f"
        assert sanitise.line(f"a {fake} b") == "a \U0001f3f4 b"
        assert "\\U000e0069" in sanitise.path(f"a{fake}b")  # shown, not hidden
