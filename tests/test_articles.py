import hashlib
import os
import unicodedata
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader import articles
from tuireader.articles import article_id, load_article, load_library, trim_words
from tuireader.errors import ArticleError

from conftest import SAMPLES, SEED


def test_seed_parses_exactly() -> None:
    article = load_article(SEED)
    assert article.date == "2023-11-09"
    assert article.format == "dated"
    assert article.body.startswith("North Korea’s enigmatic leader")
    assert article.body.endswith("fabric of global politics.")
    assert len(article.paragraphs) == 5
    assert len(article.sentences) == 15
    assert article.title.startswith("North Korea’s enigmatic leader")
    assert len(article.title) <= 72
    assert article.word_count == 309


def test_paragraph_offsets_index_the_body() -> None:
    article = load_article(SEED)
    raw = SEED.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in raw.split("\n\n")]
    paragraphs[0] = paragraphs[0].removeprefix("date 2023-11-09 ")
    assert [article.body[a:b] for a, b in article.paragraphs] == paragraphs


def test_id_is_stable_across_rename_and_whitespace(tmp_path: Path) -> None:
    original = load_article(SEED)
    moved = tmp_path / "deep" / "renamed.txt"
    moved.parent.mkdir()
    moved.write_bytes(SEED.read_bytes().replace(b"\n\n", b"\r\n\r\n"))
    assert load_article(moved).id == original.id
    assert article_id("a  b\n c") == article_id("a b c")
    assert article_id("a b c") != article_id("a b d")


def test_title_from_first_sentence_trimmed_at_word_boundary() -> None:
    assert trim_words("one two three four", 12) == "one two…"
    assert trim_words("short", 12) == "short"


def test_title_from_file_name_when_article_opens_with_a_quote(tmp_path: Path) -> None:
    path = tmp_path / "war-and-peace.txt"
    path.write_text("“Well, Prince,” she said.\n\nIt was July.", encoding="utf-8")
    assert load_article(path).title == "War And Peace"


BOOK_OPENING = (
    "“Well, Prince, so Genoa and Lucca are now the family's holdings, as\n"
    "everyone in the salon had been saying since the spring came.”\n\n"
    "It was July, and the guests were arriving.\n"
)


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        # Hard-wrapped plain text, no title line: a one-word name is still a name.
        ("book.txt", BOOK_OPENING, "Book"),
        ("salon-2600.txt", BOOK_OPENING, "Salon 2600"),
        # Dated text, as the README has always said.
        ("notes.txt", "date 2024-05-01 “We will not wait,” she said. It rained.\n", "Notes"),
        # A name with no word in it names nothing: the quotation, cut, is the title.
        (
            "2600.txt",
            BOOK_OPENING,
            "“Well, Prince, so Genoa and Lucca are now the family's holdings, as…",
        ),
    ],
)
def test_a_quotation_opening_any_untitled_text_gives_the_file_name_as_title(
    tmp_path: Path, name: str, text: str, title: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert load_article(path).title == title


def test_markdown_article_metadata(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: T\ndate: 2024-01-02\nsource: S\n---\nOne. Two.\n", encoding="utf-8"
    )
    article = load_article(path)
    assert (article.title, article.date, article.source, article.body) == (
        "T",
        "2024-01-02",
        "S",
        "One. Two.",
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary", "binary"),
        (b" date 2024-01-01 ", "no article text"),
    ],
)
def test_bad_files_raise_one_line_naming_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as info:
        load_article(path)
    assert str(path) in str(info.value) and problem in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_and_folder_paths(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file"):
        load_article(tmp_path / "nope.txt")
    with pytest.raises(ArticleError, match="folder"):
        load_article(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Text.")
    path.chmod(0)
    with pytest.raises(ArticleError, match="permission denied"):
        load_article(path)


def test_library_skips_bad_files_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(" date 2024-01-01 Older. Text.", encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "---\ndate: 2025-01-01\ntitle: Newer\n---\nBody.", encoding="utf-8"
    )
    (tmp_path / "c.txt").write_text("Undated title\n\nBody here.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\xff")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("Hidden. Text.")
    library = load_library([tmp_path, tmp_path / "missing"])
    assert [a.title for a in library.articles] == ["Newer", "Older.", "Undated title"]
    assert len(library.warnings) == 3
    assert any("empty.txt: skipped, empty file" in w for w in library.warnings)
    assert any("bin.txt: skipped, binary" in w for w in library.warnings)
    assert any("missing: no such file or folder" in w for w in library.warnings)


def test_duplicate_text_loaded_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    library = load_library([tmp_path])
    assert len(library.articles) == 1
    assert len(library.warnings) == 1


def test_bundled_samples_all_load_newest_first() -> None:
    library = load_library([SAMPLES])
    assert library.warnings == ()
    assert len(library.articles) >= 8
    dates = [a.date for a in library.articles if a.date]
    assert dates == sorted(dates, reverse=True)
    formats = {a.format for a in library.articles}
    assert formats == {"dated", "text", "markdown"}
    for article in library.articles:
        assert 250 <= article.word_count <= 2100, article.path
        for s in article.sentences:
            assert article.body[s.start : s.end] == s.text


def test_seed_shipped_byte_for_byte() -> None:
    shared = SAMPLES.parent.parent / "shared" / "seed" / "kim-putin-summit.txt"
    if not shared.exists():
        pytest.skip("shared seed not present")
    assert SEED.read_bytes() == shared.read_bytes()


def test_a_file_named_twice_is_no_duplicate(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    library = load_library([tmp_path, tmp_path / "a.txt", tmp_path / "." / "a.txt"])
    assert len(library.articles) == 1 and library.warnings == ()


def test_folder_a_thousand_levels_deep_is_walked(tmp_path: Path) -> None:
    # A recursive walk raised RecursionError here and the reader did not start (issue 9, item 9).
    folder = tmp_path
    for _ in range(1000):  # one level at a time: mkdir(parents=True) recurses too
        folder = folder / "d"
        folder.mkdir()
    (folder / "bottom.txt").write_text("The bottom of the tree. It is read.\n", encoding="utf-8")
    (tmp_path / "top.txt").write_text("The top of the tree. It is read too.\n", encoding="utf-8")
    try:
        library = load_library([tmp_path])
        assert sorted(a.path.name for a in library.articles if a.path) == ["bottom.txt", "top.txt"]
        assert library.warnings == ()
    finally:  # bottom up: pytest's own clean-up of tmp_path recurses and would fail on it
        (folder / "bottom.txt").unlink()
        while folder != tmp_path:
            folder.rmdir()
            folder = folder.parent


def test_link_back_up_the_tree_ends_the_walk(tmp_path: Path) -> None:
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (inner / "story.txt").write_text("One story in a loop. Read once.\n", encoding="utf-8")
    (inner / "up").symlink_to(tmp_path, target_is_directory=True)
    library = load_library([tmp_path])
    assert len(library.articles) == 1
    assert len(library.warnings) == 1 and "already read" in library.warnings[0]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab \n\t\u3000\u00a0e\u0301.", max_size=300), st.integers(1, 40))
def test_article_id_is_the_hash_of_the_whitespace_normalised_text(body: str, chunk: int) -> None:
    # Hashed in chunks to spare a book's word list (41.6 MB for War and Peace): the id must stay
    # the one annotations are anchored to, whatever the chunk size.
    normal = " ".join(unicodedata.normalize("NFC", body).split())
    expected = hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]
    with patch.object(articles, "_ID_CHUNK", chunk):
        assert article_id(body) == expected
