import codecs

import pytest

from tuireader.decoding import NotText, clean, decode

TEXT = "Café “naïve” — déjà vu.\nSecond line."


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM, native order
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    ],
)
def test_unicode_encodings_round_trip(data: bytes) -> None:
    assert decode(data) == TEXT


def test_windows_1252_with_curly_quotes() -> None:
    text = (
        "The minister said the plan was “not a done deal” and that the council’s budget — "
        "about €4.5 million — would be reviewed. Critics weren’t convinced.\n"
    ) * 3
    assert decode(text.encode("cp1252")) == text


def test_latin1_accents() -> None:
    text = "Le café de la gare est fermé depuis février. Les élèves déjeunent à côté.\n" * 3
    assert decode(text.encode("latin-1")) == text


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_line_ends_become_lf(ending: str) -> None:
    assert decode(f"one{ending}two{ending}{ending}three".encode()) == "one\ntwo\n\nthree"


def test_control_characters_removed_but_tab_and_newline_kept() -> None:
    raw = "a\x1b[31mred\x07\x00?\tb\nc\x85d\x9be\x7f\u202eevil"
    # Whole escape sequences go (ESC[31m; C1 CSI with its final byte "e"), not only the ESC.
    assert clean(raw) == "ared?\tb\nc\nd" + "evil"


def test_article_text_loses_whole_sequences_and_keeps_zero_width_characters() -> None:
    raw = (
        "Evil\x1b]0;PWNED-TITLE\x07 title\x1b[31mRED\x1b[0m\n"
        "The \x1b]52;c;cm0gLXJmIH4K\x07plan. Screen \x1b[2J\x1b[H cleared. Zero\u200bwidth jo\u200din."
        "\nA stray \x1b]0;unterminated\nnext line stays."
    )
    assert clean(raw) == (
        "Evil titleRED\nThe plan. Screen  cleared. Zero\u200bwidth jo\u200din.\nA stray \n"
        "next line stays."
    )  # the zero-width characters stay in the text (its id hashes it); drawn without them
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467 and \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert clean(family) == family  # joiners that shape what is drawn stay


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "UTF-8"),
    ],
)
def test_not_text(data: bytes, problem: str) -> None:
    with pytest.raises(NotText, match=problem):
        decode(data)


def test_only_control_characters_is_not_text() -> None:
    with pytest.raises(NotText):
        decode(b"\x1b\x07\x1b")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Привет, как дела? Это тестовый текст на русском языке о погоде.\n", "cp1251"),
        ("Καλημέρα, αυτό είναι ένα κείμενο για τον καιρό σήμερα.\n", "cp1253"),
        ("Zażółć gęślą jaźń, to jest polski tekst o kotach i psach.\n", "cp1250"),
    ],
)
def test_other_legacy_code_pages(text: str, encoding: str) -> None:
    assert decode((text * 3).encode(encoding)) == text * 3
