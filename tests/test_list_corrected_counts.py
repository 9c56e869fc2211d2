"""The article list counts an untagged article over the sentences the reader shows (splits and
joins applied), as it does once something is tagged: it said 0/3 and then 1/4."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tuireader.articles import load_article
from tuireader.store import Store
from tuireader.ui.app import ReaderApp

TEXT = (
    "Crowds gathered before the parade's start on the avenue. "
    "Security was light this year, one visitor said.\n\nThe weather held until noon.\n"
)


async def test_an_untagged_article_is_counted_over_its_corrected_sentences(
    make_reader: Callable[[Path], ReaderApp], db_path: Path, tmp_path: Path
) -> None:
    story = tmp_path / "parade.txt"
    story.write_text(TEXT, encoding="utf-8")
    article = load_article(story)
    assert len(article.sentences) == 3
    with Store.open(db_path, "alice") as store:  # someone else split a sentence
        store.attach(article)
        store.split_sentence(article, 1, article.body.index("one visitor"))
    app = make_reader(story)  # as "tester", who has tagged nothing
    async with app.run_test(size=(120, 40)) as pilot:
        await app.reads_landed()
        await pilot.pause()
        shown = app.pane.article
        assert shown is not None and len(shown.sentences) == 4
        counts = app.article_list.counts[article.id]
        assert (counts.tagged, counts.sentences) == (0, 4)
        await pilot.press("f")  # the first tag: the count stays over the same 4
        await app.reads_landed()
        await pilot.pause()
        counts = app.article_list.counts[article.id]
        assert (counts.tagged, counts.sentences) == (1, 4)
