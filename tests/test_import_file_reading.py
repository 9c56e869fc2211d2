"""How an import reads the article files at hand (``articles.unchanged_file``): one open of a
plain file, and exactly what ``load_unchanged`` gives for every file, plain or not; and the
sentence offsets it checks and counts without building the sentences
(``articles.raw_sentence_spans``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuireader.annotations import Annotation
from tuireader.articles import (
    from_text,
    load_article,
    load_unchanged,
    raw_sentence_spans,
    unchanged_file,
)
from tuireader.cli.import_ import settle_at_hand
from tuireader.records import to_stored
from tuireader.store.metadata import ResolvedPaths, article_record

TEXTS = {
    "plain.txt": "Quay notes 4\n\nThe quay took six barges. Nobody said why. It rained.\n",
    "dated.txt": "date 2026-02-03\n\nThe ferry ran late. Mr. Hale blamed the tide at 9 a.m. "
    "ET on Monday.\n\nA second paragraph follows. It has two sentences.\n",
    "untitled.txt": "The gate opened at dawn. The first lorry came at six.\n",
    "page.md": '# Pier report\n\nThe pier was painted. "It looks new. It shines. It is '
    'done. We are glad," she said.\n',
    "page.html": "<html><head><title>Sluice</title></head><body><article><p>The sluice "
    "was opened twice this week, the keeper said on Friday afternoon.</p><p>It was shut "
    "again by noon. Nobody complained.</p></article></body></html>",
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for name, text in TEXTS.items():
        made[name] = tmp_path / name
        made[name].write_text(text, encoding="utf-8")
    return made


def same(a: object, b: object) -> bool:
    fields = ("id", "title", "body", "paragraphs", "path", "date", "source", "format", "author")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


def test_a_plain_file_is_read_as_load_unchanged_reads_it(files: dict[str, Path]) -> None:
    for path in files.values():
        expected = load_article(path)
        found = unchanged_file(str(path), expected.id)
        assert found is not None
        article, link = found
        assert link is False
        assert same(article, expected)
        assert article.raw_sentences == expected.raw_sentences
        assert unchanged_file(str(path), "0" * 16) is None  # another text: not this article


def test_anything_else_goes_the_way_load_unchanged_goes(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    article = load_article(files["plain.txt"])
    link = tmp_path / "link.txt"
    link.symlink_to(files["plain.txt"])
    found = unchanged_file(str(link), article.id)
    assert found is not None and found[1] is None  # a link: not known to be plain
    assert same(found[0], load_unchanged(str(link), article.id))
    # Gone, a folder, a FIFO (never waited on), empty, changed: None, as load_unchanged says.
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "folder.txt").mkdir()
    for name in ("gone.txt", "folder.txt", "fifo.txt", "empty.txt"):
        assert unchanged_file(str(tmp_path / name), article.id) is None
        assert load_unchanged(str(tmp_path / name), article.id) is None
    files["plain.txt"].write_text("Quay notes 4\n\nSomething else entirely.\n", encoding="utf-8")
    assert unchanged_file(str(files["plain.txt"]), article.id) is None


def test_a_path_with_escaped_bytes_is_found_as_load_unchanged_finds_it(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/bad\xffname.txt"
    with open(raw, "wb") as out:
        out.write(TEXTS["plain.txt"].encode())
    article = load_article(Path(os.fsdecode(raw)))
    escaped = f"{tmp_path}/bad\\xffname.txt"  # as an export writes it (``paths.path_text``)
    found = unchanged_file(escaped, article.id)
    assert found is not None and same(found[0], load_unchanged(escaped, article.id))


def test_sentence_offsets_are_the_sentences_offsets(files: dict[str, Path]) -> None:
    texts = [*TEXTS.values(), "One.\n\nTwo words. Three here.\n\n" + "Long one. " * 80]
    for text in texts:
        fresh, built = from_text(text), from_text(text)
        expected = [(s.start, s.end) for s in built.raw_sentences]
        assert raw_sentence_spans(fresh) == expected
        assert fresh.raw_sentences == built.raw_sentences  # nothing taken from it meanwhile
        assert raw_sentence_spans(built) == expected


def test_a_settled_run_records_the_file_as_the_store_records_it(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    """The article's record from a plain file (no lstat) and through a link (its target's
    folder is not the link's): what ``article_record`` gives."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "via.txt").symlink_to(files["dated.txt"])
    settle = settle_at_hand(tmp_path / "db" / "annotations.json")
    for path in (files["plain.txt"], files["dated.txt"], folder / "via.txt"):
        article = load_article(path)
        s = article.sentences[0]
        ann = Annotation.new(article.id, article.body, s.start, s.end, "fact", "ana")
        settled = settle(article.id, str(path), {ann.id: to_stored(ann)})
        assert settled is not None
        assert settled.meta == article_record(article)
        assert settled.meta == article_record(article, ResolvedPaths())
