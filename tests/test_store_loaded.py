"""The store's record cache (``store.loaded.LoadedArticles``) on its own, over shards held in
memory: no file is read or written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tuireader.annotations import AnchorState, Annotation
from tuireader.articles import from_text
from tuireader.dbformat.schema import FileProblem
from tuireader.records import to_stored
from tuireader.store import StoreError
from tuireader.store.loaded import LoadedArticles

ARTICLE = from_text(
    "Snow fell overnight. Roads were closed. Schools opened late. Buses ran slowly."
)
OTHER = from_text("The orchestra toured Spain. Tickets sold out in a day. A second date was added.")
DB = Path("annotations.json")  # never opened: the shards below stand in for the files


class Shards:
    """Shards in memory, as ``AtomicJSONStorage`` hands them over."""

    def __init__(self, shards: dict[str, dict[str, Any]]) -> None:
        self.files = shards
        self.kept: dict[str, dict[str, Any]] = {}
        self.reads: list[str] = []
        self.bad: dict[str, str] = {}

    def read_shard(self, article_id: str) -> dict[str, Any]:
        self.reads.append(article_id)
        if article_id in self.bad:
            raise FileProblem(self.bad[article_id], Path(f"{article_id}.json"))
        return dict(self.kept.get(article_id) or self.files.get(article_id, {}))

    def adopt_shard(self, article_id: str, records: dict[str, Any]) -> dict[str, Any]:
        return self.kept.setdefault(article_id, records)

    def drop_shard(self, article_id: str) -> None:
        self.kept.pop(article_id, None)

    def read(self) -> dict[str, dict[str, Any]]:
        return {}  # no index: nothing counted, so no shard is looked for on disk

    stamp = None


def tag(article: Any, index: int, who: str = "ana", tag: str = "fact") -> Annotation:
    s = article.sentences[index]
    return Annotation.new(article.id, article.body, s.start, s.end, tag, who)


def cache_with(*annotations: Annotation) -> tuple[LoadedArticles, Shards]:
    shards: dict[str, dict[str, Any]] = {}
    for a in annotations:
        shards.setdefault(a.article_id, {})[a.id] = to_stored(a)
    source = Shards(shards)
    return LoadedArticles(DB, source), source


def test_an_article_is_read_once_and_its_annotations_built_when_asked_for() -> None:
    first, second = tag(ARTICLE, 0), tag(ARTICLE, 2, "bo")
    cache, source = cache_with(first, second, tag(OTHER, 1))
    assert not cache.loaded(ARTICLE.id)
    assert cache.get(first.id) is None  # not loaded: not looked for on disk
    cache.ensure(ARTICLE.id)
    cache.ensure(ARTICLE.id)
    assert source.reads == [ARTICLE.id]
    assert cache.loaded(ARTICLE.id) and not cache.loaded(OTHER.id)
    built, stored = cache.held_records(ARTICLE.id)
    assert built == [] and set(stored) == {first.id, second.id}
    assert cache.get(first.id) == first
    assert cache.get(first.id) is cache.get(first.id)  # built once
    built, stored = cache.held_records(ARTICLE.id)
    assert built == [first] and set(stored) == {second.id}
    assert sorted(cache.group(ARTICLE.id), key=lambda a: a.start) == [first, second]


def test_holds_any_answers_for_loaded_articles_only() -> None:
    first, other = tag(ARTICLE, 0), tag(OTHER, 1)
    cache, _ = cache_with(first, other)
    assert not cache.holds_any([first.id, other.id])  # nothing loaded yet
    cache.ensure(ARTICLE.id)
    assert cache.holds_any(["no-such-id", first.id]) and cache.holds_any(iter([first.id]))
    assert not cache.holds_any([other.id, "no-such-id"]) and not cache.holds_any([])
    cache.unload(ARTICLE.id)
    assert not cache.holds_any([first.id])


def test_unkept_reads_do_not_load_and_unload_forgets() -> None:
    first = tag(ARTICLE, 1)
    cache, source = cache_with(first)
    assert cache.unkept(ARTICLE.id) == [first]
    assert not cache.loaded(ARTICLE.id) and source.kept == {}
    assert list(cache.layer(ARTICLE.id, "ana")) == [first]
    assert cache.loaded(ARTICLE.id) and ARTICLE.id in source.kept
    cache.unload(ARTICLE.id)
    assert not cache.loaded(ARTICLE.id) and first.id not in cache
    assert not cache.has_layer(ARTICLE.id, "ana") and source.kept == {}


def test_layers_follow_each_change_and_leave_orphans_out() -> None:
    first, theirs = tag(ARTICLE, 0), tag(ARTICLE, 0, "bo", "speculation")
    cache, _ = cache_with(first, theirs)
    mine = cache.layer(ARTICLE.id, "ana")
    assert list(mine) == [first]
    later = tag(ARTICLE, 3)
    cache.put(later)
    cache.put(replace(first, anchor=AnchorState.ORPHANED))
    assert list(mine) == [later]
    assert cache.get(first.id).anchor is AnchorState.ORPHANED  # type: ignore[union-attr]
    assert list(cache.layer(ARTICLE.id, "bo")) == [theirs]
    cache.remove(later.id)
    cache.remove("no such id")
    assert list(mine) == []
    # A record for a built layer is built into it; others stay records until asked for.
    again = tag(ARTICLE, 2)
    unbuilt = tag(OTHER, 0, "cy")
    cache.ensure(OTHER.id)
    cache.put_records({again.id: to_stored(again), unbuilt.id: to_stored(unbuilt)})
    assert list(mine) == [again]
    assert cache.held_records(OTHER.id) == ([], {unbuilt.id: to_stored(unbuilt)})


def test_a_failed_transaction_puts_every_annotation_back() -> None:
    first, second = tag(ARTICLE, 0), tag(ARTICLE, 1)
    cache, _ = cache_with(first, second)
    mine = cache.layer(ARTICLE.id, "ana")
    added = tag(ARTICLE, 3)
    with pytest.raises(OSError), cache.transaction():
        cache.remove(first.id)
        cache.put(replace(second, tag="speculation"))
        cache.put(added)
        cache.put(replace(added, note="twice"))
        raise OSError("disk full")
    assert list(mine) == [first, second]
    assert added.id not in cache
    assert cache.get(second.id) == second
    with cache.transaction():  # a good one is kept
        cache.remove(first.id)
    assert list(mine) == [second]


def test_records_replaced_unbuilt_are_put_back_unbuilt_or_into_a_layer_built_since() -> None:
    """An import's attach replaces records never built (their anchors): nothing is built
    for that, and a failed write puts the records back as they were."""
    first, second, third = tag(ARTICLE, 0), tag(ARTICLE, 1), tag(ARTICLE, 2, "bo")
    cache, _ = cache_with(first, second, third)
    cache.ensure(ARTICLE.id)
    orphaned = {**to_stored(first), "anchor": "orphaned"}
    with pytest.raises(OSError), cache.transaction():
        cache.put_records({first.id: orphaned})
        cache.remove(third.id)
        assert cache.held_records(ARTICLE.id)[0] == []  # nothing built to replace or remove
        cache.layer(ARTICLE.id, "bo")  # built meanwhile, without the record removed
        raise OSError("disk full")
    assert cache.get(first.id) == first
    assert list(cache.layer(ARTICLE.id, "bo")) == [third]  # back in the layer built since
    cache.unload(ARTICLE.id)
    cache.ensure(ARTICLE.id)
    with cache.transaction():
        cache.put_records({first.id: orphaned})
    assert cache.held_records(ARTICLE.id) == (
        [],
        {first.id: orphaned, second.id: to_stored(second), third.id: to_stored(third)},
    )
    assert list(cache.layer(ARTICLE.id, "ana")) == [second]


def test_a_refused_shard_is_remembered_and_the_reader_goes_on() -> None:
    cache, source = cache_with(tag(ARTICLE, 0))
    source.bad[ARTICLE.id] = "not a tuireader annotation shard"
    with pytest.raises(StoreError, match="not a tuireader annotation shard"):
        cache.ensure(ARTICLE.id)
    assert cache.refused(ARTICLE.id)
    assert cache.group(ARTICLE.id) == []  # the reader shows nothing, without reading again
    with pytest.raises(StoreError):
        cache.checked_shard(ARTICLE.id)
    assert source.reads == [ARTICLE.id]
    cache.clear()  # the files were replaced: tried again
    assert not cache.refused(ARTICLE.id)


def test_a_record_that_is_not_ours_refuses_its_shard() -> None:
    first = tag(ARTICLE, 0)
    cache, source = cache_with(first)
    source.files[ARTICLE.id][first.id] = {**to_stored(first), "start": "zero"}
    with pytest.raises(StoreError, match=ARTICLE.id):
        cache.ensure(ARTICLE.id)
    assert cache.refused(ARTICLE.id) and not cache.loaded(ARTICLE.id)


def test_changes_of_another_process_reach_only_loaded_articles() -> None:
    first, elsewhere = tag(ARTICLE, 0), tag(OTHER, 0)
    cache, _ = cache_with(first, elsewhere)
    mine = cache.layer(ARTICLE.id, "ana")
    moved = replace(first, tag="speculation")
    new_other = tag(OTHER, 2)
    cache.apply_changes(
        {ARTICLE.id: {first.id: to_stored(moved)}, OTHER.id: {new_other.id: to_stored(new_other)}}
    )
    assert list(mine) == [moved]
    assert not cache.loaded(OTHER.id) and new_other.id not in cache
    cache.apply_changes({ARTICLE.id: {first.id: None}})
    assert list(mine) == [] and first.id not in cache
