"""A shard file under another article's name (two swapped, one copied over another, one renamed)
is refused in one line naming it; ``repair`` moves each back to its article's name, or merges
it into that article's shard, with nothing lost, and says what it did."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader import storage
from tuireader.articles import Article, from_text
from tuireader.cli import main
from tuireader.store import Store


def story_text(k: int) -> str:
    return f"Tram report {k}\n\n" + " ".join(
        f"Sentence {i} of tram report {k} says the line may reopen." for i in range(10)
    )


def two_annotators(db: Path, stories: int = 3) -> list[Article]:
    """alice tagged every sentence of each story fact, bob sentences 0-3 speculation, all
    folded into shards."""
    articles = [from_text(story_text(k)) for k in range(stories)]
    with Store.open(db, "alice") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "fact") for i in range(10)], "all")
    with Store.open(db, "bob") as store:
        for a in articles:
            store.tag_many(a, [(i, i, "speculation") for i in range(4)], "some")
        store._db.file.compact()
    return articles


def shards_of(db: Path) -> dict[str, bytes]:
    folder = storage.shard_folder(db)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def per_article(db: Path, articles: list[Article]) -> list[dict[str, int]]:
    with Store.open(db, "carol", create=False) as store:
        found = []
        for a in articles:
            counts: dict[str, int] = {}
            for row in store.tag_rows(a.id):
                counts[row.annotator] = counts.get(row.annotator, 0) + 1
            found.append(counts)
        return found


def test_two_swapped_shards_are_refused_then_moved_back_with_nothing_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    articles = two_annotators(db)
    whole = shards_of(db)
    one, two = (storage.shard_path(db, a.id) for a in articles[:2])
    data_one, data_two = one.read_bytes(), two.read_bytes()
    one.write_bytes(data_two)
    two.write_bytes(data_one)
    swapped = shards_of(db)
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    line = err.splitlines()[-1]
    named = sorted([one, two])[0]  # stats reads the articles in id order
    assert line.startswith(f"tuireader: {named}: holds the annotations of another article")
    assert "moves it back to the name of the article its records belong to" in line
    assert main(["repair", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert (
        f"shard {one} (article {articles[0].id}) holds the 14 annotation "
        f"records of article {articles[1].id}: would move them to {two}\n"
    ) in out
    assert "lost" not in out and "drop" not in out
    assert out.endswith("writes it (the old main file is kept beside it)\n")  # no journal
    assert shards_of(db) == swapped
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"holds the 14 annotation records of article {articles[0].id}: moved them" in out
    assert "damaged" not in out  # neither the journal nor a shard is kept as damaged
    assert shards_of(db) == whole  # every record back in its place, byte for byte
    assert per_article(db, articles) == [{"alice": 10, "bob": 4}] * 3
    assert main(["stats", "--db", str(db)]) == 0


def test_a_shard_copied_over_another_is_merged_back_and_the_lost_one_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """articles[1]'s shard copied over articles[0]'s: the copy's records are already in
    articles[1]'s own shard (merged, nothing new); articles[0]'s own are nowhere, so repair
    wants --drop-missing and then says what of it is lost."""
    db = tmp_path / "x.json"
    articles = two_annotators(db)
    one, two = (storage.shard_path(db, a.id) for a in articles[:2])
    one.write_bytes(two.read_bytes())
    copied = shards_of(db)
    capsys.readouterr()
    assert main(["repair", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--drop-missing" in err and "nothing was changed" in err
    assert "14 annotations (10 of alice, 4 of bob)" in err and one.name in err
    assert shards_of(db) == copied
    assert main(["repair", "--drop-missing", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "(14 of them were there already; the newer of each is kept)" in out
    assert f"no file holds article {articles[0].id}'s own annotations" in out
    assert "dropped from the index: 10 of alice, 4 of bob" in out
    assert not one.exists()
    assert per_article(db, articles) == [{}, {"alice": 10, "bob": 4}, {"alice": 10, "bob": 4}]
    assert main(["stats", "--db", str(db)]) == 0


def test_a_renamed_shard_is_found_and_moved_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.json"
    articles = two_annotators(db)
    whole = shards_of(db)
    shard = storage.shard_path(db, articles[2].id)
    stray = shard.with_name("copy of a shard.json")
    shard.rename(stray)
    capsys.readouterr()
    assert main(["stats", "--db", str(db)]) == 2
    assert f"{shard}: is missing" in capsys.readouterr().err
    assert main(["repair", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"file {stray} holds the 14 annotation records of article {articles[2].id}" in out
    assert "nothing lost" in out and "dropped" not in out
    assert shards_of(db) == whole
    assert per_article(db, articles) == [{"alice": 10, "bob": 4}] * 3


def test_a_misplaced_shard_merges_with_changes_in_the_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bob's later tags of a swapped article are in the journal: after the move they apply to
    the records moved back."""
    db = tmp_path / "x.json"
    articles = two_annotators(db, stories=2)
    with Store.open(db, "bob") as store:
        store.tag_many(articles[0], [(i, i, "speculation") for i in range(4, 7)], "more")
    one, two = (storage.shard_path(db, a.id) for a in articles)
    data_one, data_two = one.read_bytes(), two.read_bytes()
    one.write_bytes(data_two)
    two.write_bytes(data_one)
    assert main(["repair", "--db", str(db)]) == 0
    capsys.readouterr()
    assert per_article(db, articles) == [{"alice": 10, "bob": 7}, {"alice": 10, "bob": 4}]
