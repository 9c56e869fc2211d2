"""An import whose article files are at hand attaches each new article in the write that first
writes its shard (``store.imports.attached_on_write``): the shard holds the settled records and
the same write records the article's metadata from its file, so ``attach_all`` has nothing left
to do.
The database must be the one the import followed by ``attach_all`` writes, table for table and
shard byte for byte, wherever that path applies and wherever it declines (an article already
stored, an edited file, an older id of the same path, a sentence correction, records not in a
row). Killed anywhere, the database opens and a rerun completes it."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path
from typing import Any

import orjson
import pytest

from import_runs import finished, kill_at_random, run_importer, timed_import
from tuireader import export, import_formats, importing, storage
from tuireader.annotations import Annotation
from tuireader.articles import Article, from_text, load_article
from tuireader.cli import import_, main
from tuireader.cli.import_ import attach_known_articles, settle_at_hand
from tuireader.importing import _spool_groups, stage_import
from tuireader.paths import path_text
from tuireader.storage import load_tables, shard_folder
from tuireader.store import Store
from tuireader.store.metadata import ResolvedPaths, article_record
from tuireader.tags import TAG_SET_STATE

BATCH = 120  # three articles a batch
TAGS = ("fact", "speculation", "expert_opinion")


def article_files(folder: Path, count: int) -> list[Article]:
    folder.mkdir(parents=True, exist_ok=True)
    found = []
    for n in range(count):
        body = " ".join(
            f"Dock {n} moved {k} crates on shift {k + 2}, the foreman said." for k in range(12)
        )
        path = folder / f"dock-{n:02d}.txt"
        path.write_text(f"Dock log {n}\n\n{body}\n", encoding="utf-8")
        found.append(load_article(path))
    return found


def tagged(articles: list[Article], times: int = 2) -> list[Annotation]:
    """Two annotators tagging every sentence ``times`` times over, some runs of two sentences
    (so each layer overlaps itself and the attach orphans most of it), 40 an article."""
    out = []
    for article in articles:
        sentences = article.sentences
        for i in range(40):
            s = sentences[i % len(sentences)]
            last = sentences[min(len(sentences) - 1, s.index + (i // 7) % 2)]
            who = ("ana", "bo")[(i // len(sentences)) % 2]
            # A note each: no two are copies (an import skips a copy of one already there).
            a = Annotation.new(
                article.id, article.body, s.start, last.end, TAGS[i % 3], who, f"n{i}"
            )
            out.append(a)
    return out


def export_file(path: Path, annotations: list[Annotation], articles: list[Article]) -> Path:
    metas = [article_record(a) for a in articles]
    path.write_text(export.to_jsonl(export.select(annotations, metas)), encoding="utf-8")
    return path


def shard_files(db: Path) -> dict[str, bytes]:
    folder = shard_folder(db)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def import_then_attach(db: Path, source: Path) -> None:
    """The way an import went before: every batch written, then ``attach_all``."""
    with stage_import(source) as staged, Store.open(db, "ana") as store:
        store.import_batches(staged.batches(), staged.articles, staged.done)
        attach_known_articles(store, staged.articles)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tuireader.importing.BATCH", BATCH)
    monkeypatch.setattr(storage, "DIRECT_MIN", 10)
    monkeypatch.setattr(storage, "JOURNAL_MIN", 4000)  # compactions as well


def assert_same_as_before(tmp_path: Path, source: Path, prepare: Any = None) -> dict[str, Any]:
    """Import ``source`` with the command and the old way into two databases (copies of one
    given ``prepare(store)`` first); they must be identical. Returns the command's tables."""
    if prepare is not None:
        with Store.open(tmp_path / "base" / "annotations.json", "ana") as store:
            prepare(store)
    dbs = []
    for name in ("new", "old"):
        db = tmp_path / name / "annotations.json"
        if prepare is not None:
            shutil.copytree(tmp_path / "base", db.parent)
        if name == "new":
            db.parent.mkdir(exist_ok=True)  # import makes no folder
            assert main(["import", "--db", str(db), str(source)]) == 0
        else:
            import_then_attach(db, source)
        dbs.append(db)
    tables = load_tables(dbs[0])
    # The command also records a json export's codebook (its tags' guidelines), which the
    # old way, the store's API alone, does not.
    recorded = tables.get("state", {}).pop(TAG_SET_STATE, None)
    assert recorded is None or source.suffix == ".json"
    assert tables == load_tables(dbs[1])
    assert shard_files(dbs[0]) == shard_files(dbs[1])
    return tables


def test_new_articles_are_attached_as_their_shards_are_written(
    tmp_path: Path, small_batches: None, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = article_files(tmp_path / "arts", 9)
    annotations = tagged(articles)
    source = export_file(tmp_path / "tags.jsonl", annotations, articles)
    tables = assert_same_as_before(tmp_path, source)
    assert "9 article files found" in capsys.readouterr().out
    anchors = [r.get("anchor", "exact") for r in tables["annotations"].values()]
    assert anchors.count("orphaned") > len(anchors) // 3  # the attach did settle overlaps
    assert tables["articles"] == {a.id: article_record(a) for a in articles}
    # Attached in the import's writes: attaching them again writes nothing.
    with stage_import(source) as staged, Store.open(tmp_path / "again" / "a.json", "ana") as s:
        report = s.import_batches(
            staged.batches(), staged.articles, staged.done, lambda i: by_id(articles, i)
        )
    assert report.attached == {a.id for a in articles}
    db = tmp_path / "new" / "annotations.json"
    journal = storage.journal_path(db).read_bytes()
    with Store.open(db, "ana") as store:
        assert store.attach_all(articles) == len(articles)
    assert storage.journal_path(db).read_bytes() == journal


def test_runs_are_settled_while_staged_and_give_back_the_file_as_it_was(
    tmp_path: Path, small_batches: None
) -> None:
    articles = article_files(tmp_path / "arts", 4)
    source = export_file(tmp_path / "tags.jsonl", tagged(articles), articles)
    with (
        stage_import(source) as plain,
        stage_import(source, settle_at_hand(tmp_path / "db" / "annotations.json")) as staged,
    ):
        before = list(_spool_groups(plain.spool))
        after = list(_spool_groups(staged.spool))
        assert list(plain.records()) == list(staged.records())
    assert [g.ids for g in before] == [g.ids for g in after]
    for old, new in zip(before, after, strict=True):
        assert not old.staged and new.staged and new.settled is not None
        assert new.settled.meta == article_record(by_id(articles, new.article_id), ResolvedPaths())
        settled = orjson.loads(new.data)
        assert sum(r.get("anchor") == "orphaned" for r in settled.values()) > 10
        # As the file had them, byte for byte (key order included), and counted so.
        assert orjson.dumps(dict(new.records())) == old.data
        back = new.unsettled()
        assert (back.data, back.counts, back.settled) == (old.data, old.counts, None)
        assert back.staged  # its file need not be read again


@pytest.mark.parametrize("form", ["csv", "json"])
def test_csv_and_json_exports_are_settled_while_staged_too(
    tmp_path: Path, small_batches: None, form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = article_files(tmp_path / "arts", 6)
    data = export.select(tagged(articles), [article_record(a) for a in articles])
    source = tmp_path / f"tags.{form}"
    source.write_text(export.to_csv(data) if form == "csv" else export.to_json(data), "utf-8")
    with stage_import(source, settle_at_hand(tmp_path / "db" / "annotations.json")) as staged:
        groups = list(_spool_groups(staged.spool))
    assert groups and all(g.settled is not None for g in groups)
    assert_same_as_before(tmp_path, source)
    assert "6 article files found" in capsys.readouterr().out


def test_a_run_whose_file_is_named_only_later_is_attached_as_it_is_written(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A json document streamed member by member, its annotations before its articles: no run
    # knows its file while staged, so the write reads it (as before staging settled runs).
    monkeypatch.setattr(import_formats, "JSON_WHOLE_MAX", 0)
    articles = article_files(tmp_path / "arts", 6)
    data = export.select(tagged(articles), [article_record(a) for a in articles])
    document = orjson.loads(export.to_json(data))
    lists = {k: document.pop(k) for k in ("annotations", "articles")}
    source = tmp_path / "tags.json"
    source.write_bytes(orjson.dumps({**document, **lists}))
    with stage_import(source, settle_at_hand(tmp_path / "db" / "annotations.json")) as staged:
        assert not any(g.staged for g in _spool_groups(staged.spool))
    tables = assert_same_as_before(tmp_path, source)
    assert tables["articles"] == {a.id: article_record(a) for a in articles}


def test_an_article_spooled_in_several_runs_is_not_read_while_staged(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Over SPOOL_LINE annotations an article is spooled in runs, none of them all it has: its
    # file must not be read (and a book segmented) once a run; it is attached after the import.
    monkeypatch.setattr(importing, "SPOOL_LINE", 15)
    articles = article_files(tmp_path / "arts", 3)
    source = export_file(tmp_path / "tags.jsonl", tagged(articles), articles)
    read: list[str] = []
    real = import_.load_unchanged
    monkeypatch.setattr(import_, "load_unchanged", lambda p, i: read.append(i) or real(p, i))
    with stage_import(source, settle_at_hand(tmp_path / "db" / "annotations.json")) as staged:
        assert staged.split == {a.id for a in articles}
        assert not any(g.staged for g in _spool_groups(staged.spool))
    assert read == []
    assert_same_as_before(tmp_path, source)


def test_the_writes_do_not_read_files_the_staging_read(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = article_files(tmp_path / "arts", 6)
    source = export_file(tmp_path / "tags.jsonl", tagged(articles), articles)
    read: list[tuple[str, bool]] = []
    writing: list[bool] = []
    real_load, real_file = import_.load_unchanged, import_.unchanged_file
    real_write = Store.import_records

    def counted(path: Any, article_id: str) -> Article | None:
        read.append((article_id, bool(writing)))
        return real_load(path, article_id)

    def counted_file(path: str, article_id: str) -> tuple[Article, bool | None] | None:
        read.append((article_id, bool(writing)))
        return real_file(path, article_id)

    def write(self: Store, *args: Any, **kwargs: Any) -> Any:
        writing.append(True)
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(import_, "load_unchanged", counted)
    monkeypatch.setattr(import_, "unchanged_file", counted_file)
    monkeypatch.setattr(Store, "import_records", write)
    (tmp_path / "db").mkdir(exist_ok=True)  # import makes no folder
    assert main(["import", "--db", str(tmp_path / "db" / "a.json"), str(source)]) == 0
    # Each file read once, while staging: none in the store's writes (under its lock).
    assert sorted(read) == sorted((a.id, False) for a in articles)
    with Store.open(tmp_path / "db" / "a.json", "ana") as store:
        assert store.attach_all(articles) == len(articles)  # settled: nothing left to do


def by_id(articles: list[Article], article_id: str) -> Article | None:
    return next((a for a in articles if a.id == article_id), None)


def test_an_edited_or_missing_file_is_attached_after_the_import_as_before(
    tmp_path: Path, small_batches: None, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = article_files(tmp_path / "arts", 6)
    source = export_file(tmp_path / "tags.jsonl", tagged(articles), articles)
    assert articles[1].path is not None and articles[4].path is not None
    articles[1].path.write_text("Dock log 1\n\nA new text entirely. Nothing else.\n")
    articles[4].path.unlink()
    assert_same_as_before(tmp_path, source)
    assert "4 article files found" in capsys.readouterr().out


def test_an_article_already_stored_is_merged_and_attached_as_before(
    tmp_path: Path, small_batches: None, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = article_files(tmp_path / "arts", 6)
    annotations = tagged(articles)
    source = export_file(tmp_path / "tags.jsonl", annotations, articles)
    first = [a for a in annotations if a.article_id == articles[2].id][:5]

    def prepare(store: Store) -> None:
        store.import_all(first)  # a few of article 2's: stored before the import

    assert_same_as_before(tmp_path, source, prepare)
    capsys.readouterr()


def test_an_older_id_of_the_same_file_or_a_correction_keeps_the_old_path(
    tmp_path: Path, small_batches: None, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = article_files(tmp_path / "arts", 6)
    source = export_file(tmp_path / "tags.jsonl", tagged(articles), articles)
    first_sentence = articles[3].sentences[0]
    older = from_text(articles[3].body[first_sentence.start : first_sentence.end])
    older_meta = {**article_record(older), "path": article_record(articles[3])["path"]}
    fifth = articles[5].path
    assert fifth is not None

    def prepare(store: Store) -> None:
        # An older id recorded under article 3's file (its tag is adopted by the attach), and
        # a sentence correction of article 5.
        store.tag_span(older, 0, len(older.body), "fact")
        store.record_articles([older_meta])
        article = load_article(fifth)
        store.split_sentence(article, 2, article.sentences[2].start + 5)

    tables = assert_same_as_before(tmp_path, source, prepare)
    assert older.id not in tables["articles"]  # adopted, as attach_all decides
    assert {r["article_id"] for r in tables["boundaries"].values()} == {articles[5].id}
    capsys.readouterr()


def test_an_older_id_the_export_lists_under_the_same_file_waits_for_the_import(
    tmp_path: Path, small_batches: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # The database is empty: only the export's own metadata (written with its last batch,
    # after article 3's shard) says that an older id was recorded under article 3's file.
    articles = article_files(tmp_path / "arts", 6)
    first_sentence = articles[3].sentences[0]
    older = from_text(articles[3].body[first_sentence.start : first_sentence.end])
    older_meta = {**article_record(older), "path": article_record(articles[3])["path"]}
    older_tag = Annotation.new(older.id, older.body, 0, len(older.body), "fact", "bo")
    metas = [article_record(a) for a in articles] + [older_meta]
    source = tmp_path / "tags.jsonl"
    annotations = [*tagged(articles), older_tag]
    source.write_text(export.to_jsonl(export.select(annotations, metas)), encoding="utf-8")
    tables = assert_same_as_before(tmp_path, source)
    assert older.id not in tables["articles"]  # adopted, as attach_all decides
    adopted = tables["annotations"][older_tag.id]
    assert adopted["article_id"] == articles[3].id
    capsys.readouterr()


def test_an_article_whose_records_are_not_in_a_row_waits_for_the_import(
    tmp_path: Path, small_batches: None, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = article_files(tmp_path / "arts", 6)
    annotations = tagged(articles)
    # Article 0's records come first and last: its first run is not all it has.
    head = [a for a in annotations if a.article_id == articles[0].id]
    rest = [a for a in annotations if a.article_id != articles[0].id]
    source = tmp_path / "tags.jsonl"
    metas = [article_record(a) for a in articles]
    lines = export.to_jsonl(export.select(annotations, metas)).splitlines(keepends=True)
    first = [line for line in lines if any(a.id in line for a in head[:20])]
    last = [line for line in lines if any(a.id in line for a in head[20:])]
    middle = [line for line in lines if line not in first and line not in last]
    source.write_text("".join(first + middle + last), encoding="utf-8")
    with stage_import(source) as staged:
        assert staged.split == {articles[0].id}
    assert_same_as_before(tmp_path, source)
    assert rest  # the other articles went the new way
    capsys.readouterr()


def test_sigkill_between_settled_shards_and_their_journal_entry(tmp_path: Path) -> None:
    articles = article_files(tmp_path / "arts", 12)  # 4 batches
    source = export_file(tmp_path / "tags.jsonl", tagged(articles), articles)
    clean = tmp_path / "clean" / "annotations.json"
    finished(run_importer(clean, source, BATCH))
    expected = load_tables(clean)
    assert len(expected["articles"]) == 12
    for kill_at in (1, 4):
        db = tmp_path / f"killed-{kill_at}" / "annotations.json"
        proc = run_importer(db, source, BATCH, str(kill_at))
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL
        assert out.count(b"batch\n") == kill_at - 1
        tables = load_tables(db)  # it opens: what the earlier batches settled, whole
        assert len(tables["annotations"]) == (kill_at - 1) * BATCH
        assert set(tables["articles"]) == set(tables["index"])
        for key in tables["annotations"]:
            assert tables["annotations"][key] == expected["annotations"][key]
        finished(run_importer(db, source, BATCH))
        assert load_tables(db) == expected
        assert shard_files(db) == shard_files(clean)


KILLS = 6


def test_sigkill_at_random_moments_of_an_import_attaching_its_files(tmp_path: Path) -> None:
    articles = article_files(tmp_path / "arts", 24)  # 8 batches
    source = export_file(tmp_path / "tags.jsonl", tagged(articles), articles)
    clean = tmp_path / "clean" / "annotations.json"
    span = timed_import(clean, source, BATCH)
    expected = load_tables(clean)
    with stage_import(source) as staged:
        imported = dict(staged.records())
    db = tmp_path / "killed" / "annotations.json"

    def stored(db: Path) -> int:
        tables = load_tables(db)  # it opens; each record is as imported, or as attached
        for key, record in tables["annotations"].items():
            assert record in (imported[key], expected["annotations"][key])
        return len(tables["annotations"])

    landed, db = kill_at_random(
        db, source, BATCH, stored, len(imported), kills=KILLS, seed=7, longest=span / 2
    )
    assert landed, "no kill landed in the middle of an import"
    finished(run_importer(db, source, BATCH))
    assert load_tables(db) == expected
    assert shard_files(db) == shard_files(clean)


def test_resolved_paths_are_what_resolve_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "a.txt").write_text("A.", encoding="utf-8")
    (real / "sub" / "b.txt").write_text("B.", encoding="utf-8")
    (tmp_path / "linked").symlink_to(real)  # a folder reached through a link
    (real / "c.txt").symlink_to(real / "sub" / "b.txt")  # a file that is a link
    monkeypatch.chdir(real)
    paths = [
        real / "a.txt",
        tmp_path / "linked" / "a.txt",
        tmp_path / "linked" / "sub" / ".." / "a.txt",
        real / "c.txt",
        Path("a.txt"),
        Path("sub/b.txt"),
        real / "gone.txt",
    ]
    resolve = ResolvedPaths()
    for path in paths * 2:  # the second time from the folders remembered
        assert resolve(path) == path_text(path.resolve()), path
    # Files known not to be links (opened without following one): the same, with no lstat.
    for path in [p for p in paths if p.is_file() and not p.is_symlink()] * 2:
        assert resolve.not_a_link(path) == path_text(path.resolve()), path
