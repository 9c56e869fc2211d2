"""The annotation store: tagging semantics, notes, undo/redo, state, import, attach."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.annotations import Annotation
from tuireader.articles import Article, from_text, load_article
from tuireader.storage import load_tables, stamp_of
from tuireader.store import NO_FILE, Change, ImportResult, Store, StoreError, StoreWriteError

TEXT = (
    "Alpha one is the first sentence here. Beta two follows it closely. "
    "Gamma three is in the middle. Delta four comes next in line. Epsilon five ends it.\n\n"
    "Zeta six opens the second paragraph. Eta seven closes it."
)


@pytest.fixture
def article() -> Article:
    art = from_text(TEXT)
    assert len(art.sentences) == 7
    return art


@pytest.fixture
def store(tmp_path: Path, article: Article) -> Store:
    s = Store.open(tmp_path / "db" / "annotations.json", "alice")
    s.attach(article)
    return s


def runs(store: Store, article: Article) -> list[tuple[int, int, str]]:
    """Annotations as (first sentence, last sentence, tag)."""
    starts = {s.start: s.index for s in article.sentences}
    ends = {s.end: s.index for s in article.sentences}
    return [(starts[a.start], ends[a.end], a.tag) for a in store.annotations(article.id)]


def on_disk(store: Store) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = load_tables(store.path)["annotations"]
    return data


def test_open_creates_folder_and_file(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "db.json"
    with Store.open(path, "alice") as store:
        assert path.exists() and not store.read_only and store.read_only_reason is None
        assert store.annotations() == []
        assert store.path == path and store.annotator == "alice"


def test_tag_writes_through_with_all_fields(store: Store, article: Article) -> None:
    change = store.tag(article, 1, 2, "fact")
    assert change.label == "tag fact" and change.before == ()
    (ann,) = change.after
    s1, s2 = article.sentences[1], article.sentences[2]
    assert (ann.start, ann.end) == (s1.start, s2.end)
    assert ann.quote.exact == article.body[s1.start : s2.end]
    assert ann.quote.prefix == article.body[s1.start - 32 : s1.start]
    assert ann.annotator == "alice" and ann.created.endswith("Z")
    assert change.span == (s1.start, s2.end)
    stored = on_disk(store)[ann.id]
    assert stored["tag"] == "fact" and stored["article_id"] == article.id


def test_same_tag_again_removes_it(store: Store, article: Article) -> None:
    store.tag(article, 3, 3, "speculation")
    change = store.tag(article, 3, 3, "speculation")
    assert change.label == "untag" and change.after == () and len(change.before) == 1
    assert store.annotations(article.id) == [] and on_disk(store) == {}


def test_retag_keeps_id_created_and_note(store: Store, article: Article) -> None:
    (first,) = store.tag(article, 0, 1, "fact").after
    store.set_note(first.id, "check the source")
    change = store.tag(article, 0, 1, "expert_opinion")
    (retagged,) = change.after
    assert retagged.id == first.id and retagged.created == first.created
    assert retagged.note == "check the source" and retagged.tag == "expert_opinion"
    assert runs(store, article) == [(0, 1, "expert_opinion")]


def test_partial_overlap_trims_and_splits(store: Store, article: Article) -> None:
    (long,) = store.tag(article, 0, 4, "fact").after
    change = store.tag(article, 2, 2, "speculation")
    assert runs(store, article) == [(0, 1, "fact"), (2, 2, "speculation"), (3, 4, "fact")]
    kept = [a for a in change.after if a.tag == "fact"]
    assert kept[0].id == long.id and kept[1].id != long.id
    assert change.before == (long,)
    assert change.span == (article.sentences[0].start, article.sentences[4].end)
    # Tagging across the boundary of two annotations trims both.
    store.tag(article, 1, 3, "expert_opinion")
    assert runs(store, article) == [(0, 0, "fact"), (1, 3, "expert_opinion"), (4, 4, "fact")]


def test_run_covering_smaller_annotations_replaces_them(store: Store, article: Article) -> None:
    store.tag(article, 1, 1, "fact")
    store.tag(article, 3, 3, "speculation")
    change = store.tag(article, 0, 4, "expert_opinion")
    assert len(change.before) == 2
    assert runs(store, article) == [(0, 4, "expert_opinion")]


def test_clear(store: Store, article: Article) -> None:
    assert store.clear(article, 0, 6) is None
    store.tag(article, 0, 2, "fact")
    change = store.clear(article, 1, 1)
    assert change is not None and change.label == "untag"
    assert runs(store, article) == [(0, 0, "fact"), (2, 2, "fact")]


def test_set_note_and_unknown_id(store: Store, article: Article) -> None:
    (ann,) = store.tag(article, 5, 6, "fact").after
    change = store.set_note(ann.id, "two sources")
    assert change.label == "note" and change.after[0].note == "two sources"
    assert on_disk(store)[ann.id]["note"] == "two sources"
    assert not store.set_note(ann.id, "two sources")  # unchanged: an empty change
    with pytest.raises(StoreError, match="no annotation with id nope"):
        store.set_note("nope", "x")


def test_unknown_tag_and_bad_run(store: Store, article: Article) -> None:
    # Any text is a tag (the codebook decides which exist); empty text is not.
    assert store.tag(article, 0, 0, "opinion").after[0].tag == "opinion"
    with pytest.raises(ValueError):
        store.tag(article, 0, 0, "")
    with pytest.raises(ValueError):
        store.tag(article, 3, 2, "fact")
    with pytest.raises(ValueError):
        store.tag(article, 0, 7, "fact")


def test_annotation_at(store: Store, article: Article) -> None:
    store.tag(article, 1, 2, "fact")
    s = article.sentences
    assert store.annotation_at(article.id, s[1].start).tag == "fact"  # type: ignore[union-attr]
    assert store.annotation_at(article.id, s[2].end - 1) is not None
    assert store.annotation_at(article.id, s[2].end) is None
    assert store.annotation_at(article.id, s[0].start) is None
    assert store.annotation_at("other", 0) is None


def test_undo_redo_every_kind_of_change(store: Store, article: Article) -> None:
    assert not store.can_undo and store.undo() is None and store.redo() is None
    store.tag(article, 0, 2, "fact")  # tag
    store.tag(article, 0, 2, "speculation")  # retag
    ann = store.annotations(article.id)[0]
    store.set_note(ann.id, "n")  # note
    store.tag(article, 1, 1, "fact")  # split
    store.tag(article, 1, 1, "fact")  # untag
    states = []
    for _ in range(5):
        states.append(runs(store, article))
        change = store.undo()
        assert change is not None and change.label.startswith("undo ")
        assert runs(store, article) == [
            (r[0], r[1], r[2]) for r in runs(Store.open(store.path, "x"), article)
        ]
    assert runs(store, article) == [] and not store.can_undo and store.can_redo
    for expected in reversed(states):
        change = store.redo()
        assert change is not None and change.label.startswith("redo ")
        assert runs(store, article) == expected
    assert not store.can_redo
    assert store.annotations(article.id)[0].note == "n"


def test_undo_labels_and_a_new_change_clears_redo(store: Store, article: Article) -> None:
    store.tag(article, 0, 0, "fact")
    undo = store.undo()
    assert undo is not None and undo.label == "undo tag fact" and undo.span is not None
    assert store.can_redo
    store.tag(article, 1, 1, "fact")
    assert not store.can_redo


def test_undo_restores_note_and_on_disk(store: Store, article: Article) -> None:
    (ann,) = store.tag(article, 4, 4, "fact").after
    store.set_note(ann.id, "first")
    store.set_note(ann.id, "second")
    store.undo()
    assert on_disk(store)[ann.id]["note"] == "first"
    with Store.open(store.path, "bob") as other:
        assert other.annotations(article.id)[0].note == "first"


def test_tag_many_is_one_step_and_never_toggles(store: Store, article: Article) -> None:
    store.tag(article, 0, 0, "fact")
    store.tag(article, 3, 4, "fact")
    change = store.tag_many(
        article, [(0, 0, "fact"), (1, 1, "speculation"), (4, 4, "expert_opinion")], "accept 3"
    )
    assert change.label == "accept 3"
    assert runs(store, article) == [
        (0, 0, "fact"),
        (1, 1, "speculation"),
        (3, 3, "fact"),
        (4, 4, "expert_opinion"),
    ]
    store.undo()
    assert runs(store, article) == [(0, 0, "fact"), (3, 4, "fact")]
    store.redo()
    assert len(runs(store, article)) == 4
    # All already there: nothing changes, nothing is recorded.
    again = store.tag_many(article, [(1, 1, "speculation")], "accept 1")
    assert not again
    assert store.undo() is not None and runs(store, article) == [(0, 0, "fact"), (3, 4, "fact")]


def test_change_span_covers_before_and_after() -> None:
    a = Annotation.new("x", "0123456789" * 3, 2, 5, "fact", "a")
    b = Annotation.new("x", "0123456789" * 3, 10, 20, "fact", "a")
    assert Change("t", (a,), (b,)).span == (2, 20)
    assert Change("t").span is None and not Change("t")


def test_state_round_trips_and_skips_unchanged(store: Store) -> None:
    assert store.get_state("cursor", {}) == {}
    store.set_state("cursor", {"abc": 3})
    stamp = stamp_of(store.path)
    store.set_state("cursor", {"abc": 3})
    assert stamp_of(store.path) == stamp  # no write for an unchanged value
    with Store.open(store.path, "bob") as other:
        assert other.get_state("cursor") == {"abc": 3}


def test_several_states_in_one_write(store: Store) -> None:
    store.set_state("a", 1)
    before = stamp_of(store.path)
    store.set_states({"a": 1, "b": [2], "c": {"d": 3}})
    after_one_write = stamp_of(store.path)
    assert after_one_write != before and after_one_write.size == before.size  # type: ignore[union-attr]
    store.set_states({"a": 1, "b": [2]})
    assert stamp_of(store.path) == after_one_write  # nothing changed: no write
    with Store.open(store.path, "bob") as other:
        assert [other.get_state(k) for k in "abc"] == [1, [2], {"d": 3}]


def test_import_newer_wins_and_counts(store: Store, article: Article) -> None:
    (mine,) = store.tag(article, 0, 0, "fact").after
    newer = Annotation.from_dict(
        {**mine.to_dict(), "tag": "speculation", "updated": "2999-01-01T00:00:00.000Z"}
    )
    older = Annotation.from_dict({**mine.to_dict(), "updated": "2000-01-01T00:00:00.000Z"})
    fresh = Annotation.new(article.id, article.body, *_span(article, 2), "fact", "bob")
    assert store.import_annotations([older]) == ImportResult(0, 0, 1)
    assert store.import_annotations([newer, fresh]) == ImportResult(1, 1, 0)
    assert {a.tag for a in store.annotations(article.id)} == {"speculation", "fact"}
    assert on_disk(store)[fresh.id]["annotator"] == "bob"
    # A tag this codebook does not know is kept, never refused or dropped.
    theirs = Annotation.new(article.id, article.body, *_span(article, 3), "opinion", "bob")
    assert store.import_annotations([theirs]) == ImportResult(1, 0, 0)
    assert len(store.annotations()) == 3


def _span(article: Article, i: int) -> tuple[int, int]:
    return article.sentences[i].start, article.sentences[i].end


def test_attach_records_meta_and_writes_only_on_change(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(TEXT, encoding="utf-8")
    article = load_article(story)
    with Store.open(tmp_path / "db.json", "alice") as store:
        report = store.attach(article)
        assert report.changed and report.total == 0
        meta = store.article_meta(article.id)
        assert meta is not None and meta["path"] == str(story.resolve())
        assert meta["sentence_count"] == 7 and meta["title"] == article.title
        assert store.articles_meta() == [meta]
        inode = store.path.stat().st_ino
        assert not store.attach(article).changed
        assert store.path.stat().st_ino == inode


def test_attach_follows_an_edited_file(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(TEXT, encoding="utf-8")
    old = load_article(story)
    with Store.open(tmp_path / "db.json", "alice") as store:
        store.attach(old)
        store.tag(old, 1, 1, "fact")
        store.tag(old, 5, 5, "speculation")
        store.tag(old, 3, 3, "expert_opinion")
        edited = TEXT.replace("Alpha one", "A new opening sentence. Alpha one").replace(
            "Delta four comes next in line. ", ""
        )
        story.write_text(edited, encoding="utf-8")
        new = load_article(story)
        assert new.id != old.id
        report = store.attach(new)
        assert (report.exact, report.moved, report.fuzzy, report.orphaned) == (0, 2, 0, 1)
        assert [a.quote.exact for a in report.orphans] == ["Delta four comes next in line."]
        assert store.orphans(new.id) == report.orphans
        texts = {new.body[a.start : a.end]: a.tag for a in store.annotations(new.id)}
        assert texts == {
            "Beta two follows it closely.": "fact",
            "Zeta six opens the second paragraph.": "speculation",
        }
        assert store.annotations(old.id, include_orphans=True) == []
        assert store.article_meta(old.id) is None
        assert len(store.annotations(include_orphans=True)) == 3
    with Store.open(tmp_path / "db.json", "alice") as again:
        assert again.attach(new).exact == 2


def test_attach_keeps_aside_the_tags_of_a_different_story_at_the_same_path(
    tmp_path: Path,
) -> None:
    """The file reads as the new story now, so the old id can no longer be opened: its tags
    come along as orphaned (reported, counted, shown kept aside), not left where nothing shows
    them (tester report, A14)."""
    story = tmp_path / "today.txt"
    story.write_text(TEXT, encoding="utf-8")
    old = load_article(story)
    with Store.open(tmp_path / "db.json", "alice") as store:
        store.attach(old)
        (tag,) = store.tag(old, 0, 0, "fact").after
        story.write_text("Completely different news today. Nothing in common at all.", "utf-8")
        new = load_article(story)
        report = store.attach(new)
        assert (report.total, report.orphaned) == (1, 1)
        assert store.annotations(old.id, include_orphans=True) == []
        assert store.article_meta(old.id) is None
        (orphan,) = store.orphans(new.id)
        assert (orphan.id, orphan.quote) == (tag.id, tag.quote)


def test_annotator_default_is_login_name(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        assert store.annotator


def test_opening_and_reading_imports_neither_rapidfuzz_nor_filelock(tmp_path: Path) -> None:
    # Startup of the reader and `tuireader export`/`stats` pay only for what they use: rapidfuzz
    # is for re-anchoring changed text, filelock for writing.
    db = tmp_path / "db.json"
    with Store.open(db, "alice") as store:
        article = from_text(TEXT)
        store.attach(article)
        store.tag(article, 0, 0, "fact")
    code = (
        "import sys\n"
        "from tuireader.articles import from_text\n"
        "from tuireader.store import Store\n"
        f"store = Store.open({str(db)!r}, 'bob')\n"
        f"assert store.attach(from_text({TEXT!r})).exact == 1\n"
        "print(sorted(m for m in ('rapidfuzz', 'filelock') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_open_without_create_leaves_a_missing_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "not" / "there.json"
    with Store.open(path, "alice", create=False) as store:
        assert store.read_only and store.read_only_reason == NO_FILE
        assert store.annotations() == [] and store.articles_meta() == [] and len(store) == 0
        with pytest.raises(StoreWriteError, match="read-only"):
            store.tag(from_text(TEXT), 0, 0, "fact")
        assert not store.refresh()
    assert not (tmp_path / "not").exists()

    # Once the file exists, a reader sees it (and refresh picks it up in an open reader).
    reader = Store.open(tmp_path / "db.json", "bob", create=False)
    with Store.open(tmp_path / "db.json", "alice") as writer:
        writer.tag(from_text(TEXT), 2, 2, "fact")
    assert reader.refresh() and len(reader.annotations()) == 1
    with Store.open(tmp_path / "db.json", "bob", create=False) as again:
        assert not again.read_only and len(again.annotations()) == 1
    (tmp_path / "bad.json").write_bytes(b"garbage")
    with pytest.raises(StoreError, match="invalid JSON"):
        Store.open(tmp_path / "bad.json", create=False)


def _meta(article_id: str, **values: object) -> dict[str, object]:
    return {
        "id": article_id,
        "title": None,
        "date": None,
        "path": None,
        "sentence_count": None,
        **values,
    }


def test_record_articles_fills_only_what_is_unknown(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(TEXT, encoding="utf-8")
    article = load_article(story)
    with Store.open(tmp_path / "db.json", "alice") as store:
        store.attach(article)
        real = store.article_meta(article.id)
        inode = store.path.stat().st_ino
        # An attached article keeps what its file said: no null, no other title replaces it.
        assert store.record_articles([_meta(article.id), _meta(article.id, title="Other")]) == 0
        assert store.article_meta(article.id) == real
        assert store.path.stat().st_ino == inode  # nothing changed, nothing written
        assert store.record_articles([{"id": "abc"}]) == 0  # an id alone records nothing
        assert store.article_meta("abc") is None

        count = store.record_articles(
            [
                {"id": "abc", "title": "Imported"},
                _meta("def", title="Second", date="2024-05-01", sentence_count=12),
                _meta("abc", sentence_count=40, title="Later title loses"),
            ]
        )
        assert count == 2
        assert store.article_meta("abc") == _meta("abc", title="Imported", sentence_count=40)
        assert store.article_meta("def") == _meta(
            "def", title="Second", date="2024-05-01", sentence_count=12
        )
        assert store.record_articles([_meta("def", path="/elsewhere/x.txt")]) == 1
        assert store.article_meta("def")["path"] == "/elsewhere/x.txt"  # type: ignore[index]
        with pytest.raises(ValueError, match='article metadata 2: "sentence_count" must be'):
            store.record_articles([_meta("ok", title="t"), _meta("x", sentence_count="7")])
        assert store.article_meta("ok") is None
        with pytest.raises(ValueError, match="article metadata 1: has no article id"):
            store.record_articles([{"title": "no id"}])
    with Store.open(tmp_path / "db.json", "bob") as again:
        assert again.article_meta("abc") == _meta("abc", title="Imported", sentence_count=40)
    reader = Store.open(tmp_path / "none.json", "bob", create=False)
    with pytest.raises(StoreWriteError, match="read-only"):
        reader.record_articles([_meta("new", title="x")])


def test_attach_replaces_imported_metadata_with_the_real_article(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(TEXT, encoding="utf-8")
    article = load_article(story)
    with Store.open(tmp_path / "db.json", "alice") as store:
        store.record_articles([_meta(article.id, title="From an export", sentence_count=99)])
        store.attach(article)
        meta = store.article_meta(article.id)
        assert meta is not None and meta["sentence_count"] == 7
        assert meta["title"] == article.title and meta["path"] == str(story.resolve())
