"""``tuireader stats`` counting: sentences per tag, coverage, orphans, and files that moved away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tuireader.annotations import Annotation
from tuireader.articles import Article, load_article
from tuireader.cli.stats import article_stats, format_table
from tuireader.store import article_record

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_articles" / "kim-putin-summit.txt"


def meta(article: Article, path: str | None) -> dict[str, Any]:
    return {**article_record(article), "path": path}


def run_of(article: Article, first: int, last: int, tag: str) -> Annotation:
    start, end = article.sentences[first].start, article.sentences[last].end
    return Annotation.new(article.id, article.body, start, end, tag, "ana")


def test_multi_sentence_runs_and_orphans() -> None:
    article = load_article(SEED)
    anns = [run_of(article, 0, 2, "fact"), run_of(article, 4, 4, "speculation")]
    orphan = Annotation.from_dict({**run_of(article, 6, 6, "fact").to_dict(), "anchor": "orphaned"})
    (row,) = article_stats([*anns, orphan], [meta(article, str(SEED))])
    assert row.exact and row.tagged == 4 and row.orphaned == 1
    assert row.tags == {"fact": 3, "speculation": 1, "expert_opinion": 0}
    assert row.coverage == 4 / len(article.sentences)


def test_without_the_file_counts_are_estimated_from_quotes(tmp_path: Path) -> None:
    article = load_article(SEED)
    anns = [run_of(article, 0, 2, "fact")]
    (row,) = article_stats(anns, [meta(article, str(tmp_path / "moved.txt"))])
    assert not row.exact and row.tagged == 3
    assert "~" in format_table([row]).splitlines()[2]


def test_table_is_safe_and_aligned() -> None:
    article = load_article(SEED)
    evil = {**meta(article, None), "title": "Evil \x1b[31mred\x1b[0m\ntitle " + "x" * 80}
    text = format_table(article_stats([run_of(article, 0, 0, "fact")], [evil]))
    assert "\x1b" not in text and text.count("\n") == 5
    widths = {len(line) for line in text.splitlines() if not line.startswith("-")}
    assert len(widths) <= 2  # title rows and the total row end at the same column or earlier


def test_table_drops_bidi_overrides_from_titles() -> None:
    article = load_article(SEED)
    spoofed = {**meta(article, None), "title": "Invoice \u202egnp.exe\u2066"}
    text = format_table(article_stats([run_of(article, 0, 0, "fact")], [spoofed]))
    assert "Invoice gnp.exe" in text and "\u202e" not in text and "\u2066" not in text


def test_unknown_article_metadata() -> None:
    article = load_article(SEED)
    (row,) = article_stats([run_of(article, 0, 0, "fact")], [])
    assert row.sentence_count is None and row.coverage is None
    assert "?" in format_table([row])
