"""The library as listed: files first, summaries filled from a cache or by reading; duplicates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tuireader import catalog
from tuireader.catalog import Catalog, SummaryCache, fill, fold


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def filled(catalog: Catalog, cache: SummaryCache) -> Catalog:
    for entry, result in fill(catalog.pending, cache):
        catalog.apply(entry, result)
    return catalog


def test_scan_lists_files_without_reading_them(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "Second story here. More.\n")
    write(tmp_path / "world" / "a.md", "# Café news\n\nA story about coffee.\n")
    locked = write(tmp_path / "locked.txt", "Not read until later.\n")
    locked.chmod(0)
    catalog = Catalog.scan([tmp_path])
    assert [e.name for e in catalog.entries] == ["b.txt", "locked.txt", "a.md"]
    assert [e.folder for e in catalog.entries] == ["", "", "world"]
    assert all(e.summary is None for e in catalog.entries) and catalog.warnings == []
    filled(catalog, SummaryCache(None))
    titles = {e.name: e.title for e in catalog.shown}
    if os.geteuid() != 0:  # root reads anything
        assert "locked.txt" not in titles
        assert any("locked.txt: skipped" in w for w in catalog.warnings)
    assert titles["a.md"] == "Café news"


def test_cache_spares_unchanged_files_and_rereads_changed_ones(tmp_path: Path) -> None:
    story = write(tmp_path / "news" / "story.txt", "Original title\n\nThe first text. Two.\n")
    cache_file = tmp_path / "cache" / "library.json"
    cache = SummaryCache(cache_file)
    first = filled(Catalog.scan([tmp_path / "news"]), cache)
    cache.save()
    assert cache_file.is_file() and not list(cache_file.parent.glob(".*.tmp"))
    summary = first.entries[0].summary
    assert summary is not None and summary.title == "Original title" and summary.sentences == 2

    # Unchanged: the cached summary is used (the file is not read: a changed body with the
    # same size and time would not be seen, which is what the key promises).
    again = SummaryCache(cache_file)
    second = filled(Catalog.scan([tmp_path / "news"]), again)
    assert second.entries[0].summary == summary and not again.dirty

    write(story, "New title here\n\nThe text changed. It has three. Sentences now.\n")
    third = filled(Catalog.scan([tmp_path / "news"]), SummaryCache(cache_file))
    changed = third.entries[0].summary
    assert changed is not None and changed.title == "New title here" and changed.sentences == 3


def test_malformed_cache_is_an_empty_one(tmp_path: Path) -> None:
    write(tmp_path / "news" / "a.txt", "A title\n\nSome text. More.\n")
    cache_file = write(tmp_path / "library.json", '{"version": 1, "files": {"x": [1]}} trailing')
    catalog = filled(Catalog.scan([tmp_path / "news"]), SummaryCache(cache_file))
    assert catalog.shown[0].title == "A title"
    cache_file.write_text('{"version": 1, "files": {"%s": ["bad"]}}' % (tmp_path / "news/a.txt"))
    catalog = filled(Catalog.scan([tmp_path / "news"]), SummaryCache(cache_file))
    assert catalog.shown[0].title == "A title"


def test_identical_files_show_once_and_know_where_the_others_are(tmp_path: Path) -> None:
    text = "Same story\n\nIdentical text in three places. Really.\n"
    write(tmp_path / "a" / "one.txt", text)
    write(tmp_path / "b" / "two.txt", text)
    write(tmp_path / "b" / "three.txt", text.replace("places.", "places. "))  # same normal text
    write(tmp_path / "c.txt", "Another story\n\nDifferent text. Yes.\n")
    catalog = filled(Catalog.scan([tmp_path]), SummaryCache(None))
    shown = catalog.shown
    assert sorted(e.name for e in shown) == ["c.txt", "one.txt"]
    kept = next(e for e in shown if e.name == "one.txt")
    assert sorted(os.path.basename(p) for p in kept.others) == ["three.txt", "two.txt"]
    assert catalog.warnings == []


def test_a_file_named_twice_is_listed_once(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "A title\n\nSome text. More.\n")
    catalog = Catalog.scan([tmp_path, tmp_path / "a.txt", tmp_path / "." / "a.txt"])
    assert len(catalog.entries) == 1


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Café CRÈME Ñandú") == "cafe creme nandu"


def test_article_is_read_on_demand_and_kept(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "A title\n\nSome text. More.\n")
    catalog = Catalog.scan([tmp_path])
    entry = catalog.entries[0]
    article = catalog.article(entry)
    assert entry.summary is not None and entry.summary.id == article.id
    assert catalog.article(entry) is article and catalog.by_id(article.id) is entry


def test_cache_made_by_other_parsing_code_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "news" / "a.txt", "A title\n\nSome text. More.\n")
    cache_file = tmp_path / "library.json"
    cache = SummaryCache(cache_file)
    filled(Catalog.scan([tmp_path / "news"]), cache)
    cache.save()
    assert SummaryCache(cache_file).rows  # same code: used
    monkeypatch.setattr(catalog, "parser_key", lambda: "another segmenter")
    assert SummaryCache(cache_file).rows == {}


def test_benchmark_library_is_distinct_dated_articles_of_about_3_4_kb(tmp_path: Path) -> None:
    from conftest import load_benchmark

    bench = load_benchmark("bench_ui")
    bench.generate_library(tmp_path / "lib", 1005)
    catalog = filled(Catalog.scan([tmp_path / "lib"]), SummaryCache(None))
    assert len(catalog.shown) == 1005 and catalog.warnings == []
    assert {e.folder for e in catalog.shown} == {"desk-000", "desk-001"}
    assert all(e.date for e in catalog.shown)
    sizes = [os.path.getsize(e.path) for e in catalog.shown]
    assert 2_800 < sum(sizes) / len(sizes) < 4_000
