"""``tuireader import`` reads a csv export whose cells a spreadsheet separated by ``;`` (what it
saves where the decimal separator is a comma) or by tabs, as well as by ``,``: the delimiter is
the one at which the header names our csv export's columns. A header that names them at two
delimiters, or at none, is refused in one line naming the file and what was expected."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.export import CSV_COLUMNS
from tuireader.store import Store

STORY = (
    "Tram line extension approved\n\n"
    "The city approved the tram extension on Tuesday. Work may start in spring. "
    "Planners say the route is the right one.\n"
)


@pytest.fixture
def exported(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A csv export of three annotations, one with a note holding ``;``, ``,``, a tab, a quote
    and a line break, one with a note a spreadsheet would run as a formula."""
    art = tmp_path / "tram.txt"
    art.write_text(STORY, encoding="utf-8")
    article = load_article(art)
    notes = ['approved; 5,4 votes\t"close"\nsee minutes', "=spring?", ""]
    tags = ["fact", "speculation", "expert_opinion"]
    with Store.open(db_path, "ana") as store:
        store.attach(article)
        store.import_annotations(
            [
                Annotation.new(article.id, article.body, s.start, s.end, tag, "ana", note)
                for s, tag, note in zip(article.sentences, tags, notes, strict=True)
            ]
        )
    out = tmp_path / "tags.csv"
    assert main(["export", "-f", "csv", "-o", str(out)]) == 0
    capsys.readouterr()
    return out


def with_delimiter(source: Path, target: Path, delimiter: str, quoting: int) -> Path:
    """``source`` rewritten as a spreadsheet saves it: another delimiter, maybe fewer quotes."""
    rows = list(csv.reader(io.StringIO(source.read_text("utf-8-sig"), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    target.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return target


def annotations_of(db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["export", "--db", str(db), "-f", "json"]) == 0
    return json.loads(capsys.readouterr().out)["annotations"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("delimiter", "quoting"),
    [
        (";", csv.QUOTE_ALL),
        (";", csv.QUOTE_MINIMAL),
        ("\t", csv.QUOTE_ALL),
        ("\t", csv.QUOTE_MINIMAL),
        (",", csv.QUOTE_MINIMAL),
    ],
)
def test_a_csv_with_another_delimiter_imports_the_same_annotations(
    exported: Path,
    db_path: Path,
    tmp_path: Path,
    delimiter: str,
    quoting: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    resaved = with_delimiter(exported, tmp_path / "resaved.csv", delimiter, quoting)
    header = resaved.read_bytes().split(b"\r\n", 1)[0]
    assert header.count(delimiter.encode()) == len(CSV_COLUMNS) - 1
    fresh = tmp_path / "fresh.json"
    assert main(["import", "--db", str(fresh), str(resaved)]) == 0
    assert "3 added" in capsys.readouterr().out
    original = annotations_of(db_path, capsys)
    assert annotations_of(fresh, capsys) == original
    notes = {a["note"] for a in original}
    assert 'approved; 5,4 votes\t"close"\nsee minutes' in notes and "=spring?" in notes


def problem(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["import", "--db", str(path.with_suffix(".db.json")), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"tuireader: {path}: not a tuireader export: "), err
    assert err.rstrip().endswith("import reads tuireader json, jsonl and csv exports")
    assert path.read_bytes() == before
    assert not path.with_suffix(".db.json").exists()
    return err


def test_a_header_that_names_our_columns_at_two_delimiters_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    needed = ["id", "article_id", "start", "end", "tag", "quote"]
    needed += ["annotator", "created", "updated", "anchor"]
    header = ",".join(needed) + ",;" + ";".join(needed)
    path = tmp_path / "both.csv"
    path.write_text(header + "\r\n" + "x" + "\r\n", encoding="utf-8")
    err = problem(path, capsys)
    assert "split at ',' and ';' alike, so its delimiter is ambiguous" in err
    assert f"expected the header of a tuireader csv export ({', '.join(CSV_COLUMNS)};" in err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("name;age\r\nana;3\r\n", "a CSV without the columns id, article_id, start"),
        ("name\tage\nana\t3\n", "a CSV without the columns id, article_id, start"),
        (
            '"article";"date";"tag";"quote";"note";"annotator";"created"\r\n"T";"";"fact"\r\n',
            "a CSV from an older tuireader",
        ),
        ('"article_id";"sentence";"text"\r\n"a";"0";"x"\r\n', "a --by-sentence table"),
    ],
)
def test_an_unknown_header_is_refused_naming_what_was_expected(
    tmp_path: Path, text: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.csv"
    path.write_text(text, encoding="utf-8")
    err = problem(path, capsys)
    assert said in err
    assert "separated by ',', ';' or a tab" in err


def test_a_semicolon_csv_keeps_its_row_numbers_in_errors(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(csv.reader(io.StringIO(exported.read_text("utf-8-sig"), newline="")))
    rows[2][CSV_COLUMNS.index("tag")] = ""  # the second annotation: the first note spans 2 lines
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    resaved = tmp_path / "semi.csv"
    resaved.write_text("\ufeff\r\n\r\n" + out.getvalue(), encoding="utf-8", newline="")
    capsys.readouterr()
    assert main(["import", "--db", str(tmp_path / "f.json"), str(resaved)]) == 2
    err = capsys.readouterr().err
    assert ": row 6 (id " in err and '"tag" is empty' in err, err


def test_a_page_whose_first_line_holds_a_semicolon_is_named_as_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "page.csv"
    path.write_text(
        '<html><head><meta content="text/html; charset=utf-8">\n<body>x</body></html>\n',
        encoding="utf-8",
    )
    assert "this looks like XML or HTML" in problem(path, capsys)
