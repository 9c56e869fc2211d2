"""``import --prune`` removes only what existed when the file's copy of its layer was made, never
the importer's own layer, and refuses a ``scope`` that is not the schema's (``prune_bounds``)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from test_import_scope import export, tagged
from tuireader.articles import Article, load_article
from tuireader.cli import main
from tuireader.prune_bounds import NEWER, OWN, PruneBounds
from tuireader.store import Store

from conftest import SEED


@pytest.fixture
def article(tmp_path: Path) -> Article:
    path = tmp_path / "story.txt"
    shutil.copy(SEED, path)
    return load_article(path)


def layers(db: Path, article: Article) -> list[tuple[str, int]]:
    with Store.open(db, "tester", create=False) as store:
        found = store.annotations(article.id, include_orphans=True)
    starts = [s.start for s in article.sentences]
    return sorted((a.annotator, starts.index(a.start)) for a in found)


def test_an_older_export_pruned_after_a_newer_one_keeps_what_was_made_since(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """Files arrive out of order: v1 came after v2. alice's tag on sentence 1 (made after v1
    was exported) and her split (likewise) cannot have been deleted before v1: kept, and said."""
    alice, team = tmp_path / "alice.json", tmp_path / "team.json"
    tagged(alice, "alice", article, 0)
    v1 = export(alice, tmp_path / "v1.json", "--annotator", "alice")
    tagged(alice, "alice", article, 1)
    with Store.open(alice, "alice") as store:
        store.attach(article)
        third = article.sentences[2]
        word = article.body.index(" ", third.start) + 1  # its second word
        store.split_sentence(article, 2, word)
    v2 = export(alice, tmp_path / "v2.json", "--annotator", "alice")
    assert main(["import", str(v2), "--db", str(team)]) == 0
    capsys.readouterr()
    assert main(["import", "--prune", str(v1), "--db", str(team)]) == 0
    err = capsys.readouterr().err
    assert "removed" not in err and "warning" not in err
    newest = json.loads(v1.read_text())["annotations"][0]["updated"][:19]
    assert (
        "tuireader: note: kept 1 annotation and 1 sentence correction of alice that this file "
        f"does not have: made or changed after this file's newest of alice's ({newest}Z), so "
        "not deleted before it\n"
    ) == err
    assert layers(team, article) == [("alice", 0), ("alice", 1)]
    with Store.open(team, "tester", create=False) as store:
        assert len(store.corrections_by_article().get(article.id, ())) == 1


def test_a_tag_deleted_before_the_export_is_still_pruned(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    alice, team = tmp_path / "alice.json", tmp_path / "team.json"
    tagged(alice, "alice", article, 0, 1)
    assert main(["import", str(export(alice, tmp_path / "v1.json")), "--db", str(team)]) == 0
    with Store.open(alice, "alice") as store:
        store.attach(article)
        store.clear(article, 0, 0)  # older than her tag on sentence 1, which v2 holds
    v2 = export(alice, tmp_path / "v2.json", "--annotator", "alice")
    capsys.readouterr()
    assert main(["import", "--prune", str(v2), "--db", str(team)]) == 0
    assert "holds 1 annotation of alice" in capsys.readouterr().err
    assert layers(team, article) == [("alice", 1)]


def test_a_colleagues_full_export_never_prunes_your_own_layer(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """bob holds an old copy of alice's layer and exports everything AFTER alice tagged more:
    the export's time alone would not save her tag; her own layer is never pruned."""
    alice, bob = tmp_path / "alice.json", tmp_path / "bob.json"
    tagged(alice, "alice", article, 0)
    v1 = export(alice, tmp_path / "v1.json", "--annotator", "alice")
    tagged(alice, "alice", article, 1)
    assert main(["import", str(v1), "--db", str(bob)]) == 0
    tagged(bob, "bob", article, 3, 4, 5)
    assert main(["import", str(export(bob, tmp_path / "b1.json")), "--db", str(alice)]) == 0
    with Store.open(bob, "bob") as store:
        store.attach(article)
        store.clear(article, 4, 4)  # a deletion bob's later tag on 5 vouches for
    bobfull = export(bob, tmp_path / "bobfull.json")
    capsys.readouterr()
    env_free = ["import", "--prune", str(bobfull), "--db", str(alice), "--annotator", "alice"]
    assert main(env_free) == 0
    err = capsys.readouterr().err
    assert "of alice that this file does not have: your own layer (alice, the annotator in " in err
    assert "holds 1 annotation of bob (1 article)" in err and "removed (--prune)" in err
    assert layers(alice, article) == [("alice", 0), ("alice", 1), ("bob", 3), ("bob", 5)]


def test_a_layer_held_as_a_copy_counts_only_up_to_its_newest_record(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """In the lead's database (not alice's), bob's stale copy of alice's layer prunes none of
    her tags made after the newest of hers that bob's file holds."""
    alice, bob, team = tmp_path / "alice.json", tmp_path / "bob.json", tmp_path / "team.json"
    tagged(alice, "alice", article, 0)
    assert main(["import", str(export(alice, tmp_path / "v1.json")), "--db", str(bob)]) == 0
    tagged(alice, "alice", article, 1)
    assert main(["import", str(export(alice, tmp_path / "v2.json")), "--db", str(team)]) == 0
    bobfull = export(bob, tmp_path / "bobfull.json")  # after alice's tag on 1
    capsys.readouterr()
    assert main(["import", "--prune", str(bobfull), "--db", str(team), "--annotator", "lead"]) == 0
    err = capsys.readouterr().err
    assert "kept 1 annotation of alice that this file does not have: made or changed after " in err
    assert "this file's newest of alice's" in err and "removed" not in err
    assert layers(team, article) == [("alice", 0), ("alice", 1)]


def test_bounds_compare_times_written_with_an_offset() -> None:
    bounds = PruneBounds.of(
        {"annotators": None, "articles": None, "tags": None, "exported_at": "2026-01-02T00:00Z"},
        "me",
    )
    bounds.see("bob", "2026-01-01T10:00:00.000Z")
    bounds.see("bob", "2026-01-01T12:30:00+02:00")  # 10:30 UTC: the newest
    assert bounds.as_of("bob") == dt.datetime(2026, 1, 1, 10, 30, tzinfo=dt.UTC)
    assert bounds.kept("bob", "2026-01-01T10:29:59.000Z") is None
    assert bounds.kept("bob", "2026-01-01T11:00:00+00:00") == NEWER
    assert bounds.kept("me", "2020-01-01T00:00:00.000Z") == OWN
    assert bounds.kept("carol", "2020-01-01T00:00:00.000Z") == NEWER  # none of hers: unknown
    single = PruneBounds.of(
        {"annotators": ["bob"], "articles": None, "tags": None, "exported_at": "2026-01-02T00:00Z"},
        "me",
    )
    # One layer or several, nothing says who exported it: as of its newest record there.
    assert single.as_of("bob") is None
    assert single.kept("bob", "2026-01-01T23:59:59.999Z") == NEWER
    single.see("bob", "2026-01-01T10:00:00.000Z")
    assert single.kept("bob", "2026-01-01T10:00:00.000Z") is None
    assert single.kept("bob", "2026-01-01T10:00:00.001Z") == NEWER


def test_a_name_the_reader_would_refuse_is_refused_as_the_importer(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    alice, team = tmp_path / "alice.json", tmp_path / "team.json"
    tagged(alice, "alice", article, 0)
    v1 = export(alice, tmp_path / "v1.json")
    capsys.readouterr()
    assert main(["import", str(v1), "--db", str(team), "--annotator", "a\tb"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == (
        "tuireader: --annotator: annotator must be a printable name of 1 to 80 characters, "
        "not 'a\\tb'\n"
    )
    assert not team.exists()


def test_a_colleagues_fresh_export_of_an_old_copy_of_a_layer_prunes_nothing_newer(
    tmp_path: Path, article: Article, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bob exports alice's layer from his old copy (``export --annotator alice`` on his own
    database): the file's ``exported_at`` is now, yet it says nothing of what alice made after
    Bob's copy. Her tag on sentence 1, made since, is kept; a one-layer file counts only as of
    its newest record, as a file of several layers does."""
    alice, bob, team = tmp_path / "alice.json", tmp_path / "bob.json", tmp_path / "team.json"
    tagged(alice, "alice", article, 0)
    v1 = export(alice, tmp_path / "v1.json", "--annotator", "alice")
    assert main(["import", str(v1), "--db", str(bob)]) == 0
    tagged(alice, "alice", article, 1)
    v2 = export(alice, tmp_path / "v2.json", "--annotator", "alice")
    assert main(["import", str(v2), "--db", str(team)]) == 0
    stale = export(bob, tmp_path / "bob-alice.json", "--annotator", "alice")
    assert json.loads(stale.read_text())["exported_at"] > json.loads(v2.read_text())["exported_at"]
    capsys.readouterr()
    assert main(["import", "--prune", str(stale), "--db", str(team), "--annotator", "carol"]) == 0
    err = capsys.readouterr().err
    assert "removed" not in err
    assert "note: kept 1 annotation of alice that this file does not have: made or changed " in err
    assert "after this file's newest of alice's (" in err
    assert layers(team, article) == [("alice", 0), ("alice", 1)]


def test_prune_keeps_a_record_changed_after_the_review(tmp_path: Path, article: Article) -> None:
    """``Store.prune`` gets each id with the ``updated`` the review saw; one that another
    process changed in between (its ``updated`` moved on) is not removed, one unchanged is."""
    db = tmp_path / "team.json"
    tagged(db, "alice", article, 0, 1)
    with Store.open(db, "tester", create=False) as store:
        planned = {a.id: a.updated for a in store.annotations(article.id)}
    first, second = sorted(store_ids := list(planned), key=lambda i: i)[:2]
    assert len(store_ids) == 2
    with Store.open(db, "alice", create=False) as other:
        other.set_note(second, "changed after the review")
    with Store.open(db, "tester", create=False) as store:
        assert store.prune({article.id: planned}) == (1, 0)
        left = store.annotations(article.id, include_orphans=True)
    assert [(a.id, a.note) for a in left] == [(second, "changed after the review")]
    assert first not in {a.id for a in left}
