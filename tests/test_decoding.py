import codecs
from pathlib import Path

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


# Unmarked wide text: Windows tools and some exports write UTF-16 (rarely UTF-32) with no BOM.
WIDE_TEXTS = {
    "english": "Harbour fares rise.\nThe board said so on Friday, “with regret”.\n",
    "russian": "Цены на паром растут.\nСовет заявил об этом в пятницу.\n",
    "chinese": "港口渡轮票价上涨。\n董事会周五宣布了这一决定。",
    "japanese": "フェリーの運賃が上がる。\n理事会は金曜日にそう述べた。\n",
    "hebrew": "מחירי המעבורת עולים.\nהמועצה אמרה זאת ביום שישי.\n",
    "arabic": "أسعار العبارات ترتفع.\nقال المجلس ذلك يوم الجمعة.\n",
    "korean": "여객선 요금이 오른다.\n이사회가 금요일에 밝혔다.\n",
}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("name", sorted(WIDE_TEXTS))
def test_wide_text_without_a_bom_is_decoded(name: str, encoding: str) -> None:
    text = WIDE_TEXTS[name]
    assert decode(text.encode(encoding)) == text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(200)) * 3,
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x03\x00>\x00" + bytes(range(64, 256)),
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(255, 0, -1)) * 2,
        "Harbour fares rise. ".encode("utf-16-le") + b"\x00\x00" * 4,  # NUL characters
        "Harbour fares rise.".encode("utf-16-le") + b"\x00",  # an odd length
        "Harbour".encode("utf-16-le"),  # one word is not a document
    ],
)
def test_binary_with_nul_bytes_stays_refused(data: bytes) -> None:
    with pytest.raises(NotText, match="binary file"):
        decode(data)


def test_random_binary_with_nul_bytes_is_never_taken_for_wide_text() -> None:
    import random

    rng = random.Random(20261130)
    for _ in range(3000):
        size = rng.choice([64, 256, 4096])
        share = rng.choice([0.5, 0.8, 0.95])
        data = bytes(rng.getrandbits(8) if rng.random() < share else 0 for _ in range(size))
        if b"\x00" not in data:
            continue  # a legacy code page may read it: that fallback is not what is tried here
        with pytest.raises(NotText, match="binary file"):
            decode(data)


STORY_TEXT = (
    "Ferry fares to rise\n\n"
    "The harbour board said fares would rise by a fifth from March, “with regret”.\n\n"
    "Riders’ groups called it “a tax on the island” — the third rise in two years.\n"
)


def test_every_encoding_of_a_story_opens_as_the_same_article(tmp_path: Path) -> None:
    from tuireader.articles import load_article

    forms = {
        "utf-8": STORY_TEXT.encode("utf-8"),
        "utf-8 bom": codecs.BOM_UTF8 + STORY_TEXT.encode("utf-8"),
        "utf-16 bom": STORY_TEXT.encode("utf-16"),
        "utf-16-le": STORY_TEXT.encode("utf-16-le"),
        "utf-16-be": STORY_TEXT.encode("utf-16-be"),
        "utf-32-le": STORY_TEXT.encode("utf-32-le"),
        "cp1252": STORY_TEXT.encode("cp1252"),
        "crlf cp1252": STORY_TEXT.replace("\n", "\r\n").encode("cp1252"),
    }
    seen = {}
    for n, (form, data) in enumerate(forms.items()):
        path = tmp_path / f"story{n}.txt"
        path.write_bytes(data)
        article = load_article(path)
        assert article.body.startswith("The harbour board"), form
        assert "“with regret”" in article.body and "Riders’" in article.body, form
        seen[form] = (article.id, article.title)
        assert load_article(path).id == article.id  # the same id every time
    assert len(set(seen.values())) == 1, seen


def test_latin1_story_opens_with_its_accents_and_one_id(tmp_path: Path) -> None:
    from tuireader.articles import load_article

    text = (
        "Grève des ferries\n\n"
        "Les élèves du lycée ont déjeuné à côté du port, où la grève dure depuis février.\n\n"
        "Über 300 Fahrgäste warteten; ¿cuándo saldrá el próximo barco?, preguntó una señora.\n"
    )
    ids = set()
    for n, data in enumerate([text.encode("latin-1"), text.encode("utf-8")]):
        path = tmp_path / f"latin{n}.txt"
        path.write_bytes(data)
        article = load_article(path)
        assert article.title == "Grève des ferries"
        assert "déjeuné à côté" in article.body and "¿cuándo saldrá" in article.body
        ids.add(article.id)
    assert len(ids) == 1


def test_unmarked_utf16_page_is_read_as_a_page(tmp_path: Path) -> None:
    from tuireader.articles import load_article

    page = (
        "<html><head><title>Ferry fares to rise</title></head><body><article>"
        "<p>The harbour board said fares would rise by a fifth from March.</p>"
        "<p>Riders’ groups called it a tax on the island.</p></article></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("utf-16-le"))
    article = load_article(path)
    assert article.title == "Ferry fares to rise"
    assert [s.text for s in article.sentences] == [
        "The harbour board said fares would rise by a fifth from March.",
        "Riders’ groups called it a tax on the island.",
    ]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize(
    "text",
    [
        "Preço: 1º lugar, nº 5, 2ª edição.\n",
        "La col·lecció del museu és molt gran. Els il·lustradors hi treballen.\n",
        "Größe 3×4 m, ½ Preis, ±5 °C.\n",
        "Das Café «Zentral» öffnet um 8 Uhr.\n",
        "El 3º piso y la 2ª planta están cerradas, señaló el portero.\n",
    ],
)
def test_short_western_text_in_a_legacy_code_page(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)) == text
