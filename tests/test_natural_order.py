"""Natural order: digit runs as numbers, case and accents ignored, one key for every listing."""

from __future__ import annotations

from pathlib import Path

from tuireader.articles import article_files, sort_articles
from tuireader.natural_order import natural_key, natural_sorted


def test_numbers_compare_as_numbers() -> None:
    names = [f"Harbour notes {n}" for n in (0, 1, 10, 100, 1000, 10000, 10001, 2, 9, 11)]
    assert natural_sorted(names) == [
        f"Harbour notes {n}" for n in (0, 1, 2, 9, 10, 11, 100, 1000, 10000, 10001)
    ]
    assert natural_sorted(["v1.10.txt", "v1.9.txt", "v1.2.txt", "v10.txt", "v2.txt"]) == [
        "v1.2.txt",
        "v1.9.txt",
        "v1.10.txt",
        "v2.txt",
        "v10.txt",
    ]


def test_case_and_accents_ignored_ties_by_text() -> None:
    assert natural_sorted(["zebra", "Éclair", "eclair", "apple", "Banana"]) == [
        "apple",
        "Banana",
        "eclair",
        "Éclair",
        "zebra",
    ]
    assert natural_key("Café 7") == natural_key("CAFE 007")
    # digits before letters, as in plain order; a number ends where its digits end
    assert natural_sorted(["notes a", "notes 5", "notes 5b", "notes 5 b"]) == [
        "notes 5",
        "notes 5 b",
        "notes 5b",
        "notes a",
    ]


def test_any_length_of_number_and_any_script_of_digit() -> None:
    huge = "9" * 5000  # more digits than int() accepts from a string
    bigger = "1" + "0" * 5000
    assert natural_sorted([f"n{bigger}", f"n{huge}", "n12", "n3"]) == [
        "n3",
        "n12",
        f"n{huge}",
        f"n{bigger}",
    ]
    assert natural_sorted(["n" + "1" * 12, "n" + "9" * 9, "n" + "1" * 10]) == [
        "n" + "9" * 9,
        "n" + "1" * 10,
        "n" + "1" * 12,
    ]
    arabic_three, arabic_twelve = "\u0663", "\u0661\u0662"
    assert natural_key(f"part {arabic_three}") == natural_key("part 3")
    assert natural_sorted([f"part {arabic_twelve}", "part 5"]) == [
        "part 5",
        f"part {arabic_twelve}",
    ]


def test_folder_files_in_natural_order(tmp_path: Path) -> None:
    for name in ("notes 10.txt", "notes 2.txt", "notes 1.txt", "part 10/a.txt", "part 9/a.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("Title\n\nText here. More.\n", encoding="utf-8")
    files, warnings = article_files([tmp_path])
    assert warnings == []
    assert [str(f.relative_to(tmp_path)) for f in files] == [
        "notes 1.txt",
        "notes 2.txt",
        "notes 10.txt",
        "part 9/a.txt",
        "part 10/a.txt",
    ]


def test_undated_articles_by_title_in_natural_order(tmp_path: Path) -> None:
    from tuireader.articles import load_article

    for n in (10, 2, 1):
        (tmp_path / f"{n}.txt").write_text(f"Harbour notes {n}\n\nText. More.\n", encoding="utf-8")
    articles = [load_article(tmp_path / f"{n}.txt") for n in (10, 2, 1)]
    assert [a.title for a in sort_articles(articles)] == [
        "Harbour notes 1",
        "Harbour notes 2",
        "Harbour notes 10",
    ]


def test_library_screen_folders_in_natural_order() -> None:
    from tuireader.catalog import Entry
    from tuireader.ui.library_screen import folder_totals

    entries = [Entry(f"/lib/{f}/a.txt", f) for f in ("part 10", "Part 9", "part 1")]
    totals = folder_totals(entries, {}, lambda _: False)
    assert [t.folder for t in totals] == ["part 1", "Part 9", "part 10", "all"]
