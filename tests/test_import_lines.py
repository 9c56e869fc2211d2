"""A jsonl import's lines checked a chunk at a time (``import_formats.AnnotationLines``,
``records.stored_from_exports``, ``import_checks.first_problem``): the same spool, the same
refusals naming the same line, as checking them one by one."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from test_import_stream import exported, made
from tuireader import import_formats
from tuireader.annotations import AnchorState, Annotation, Provenance
from tuireader.dbformat.index import record_counts
from tuireader.import_formats import ImportFileError, RecordStream, parse_records
from tuireader.importing import StagedImport, stage
from tuireader.store.imports import ArticleRecords


def varied(n: int, seed: int = 3) -> list[Annotation]:
    """``made(n)`` with notes, edits, anchors and provenances here and there."""
    rng = random.Random(seed)
    out = []
    for a in made(n):
        roll = rng.random()
        if roll < 0.2:
            a = replace(a, note=f'see line {rng.randrange(99)}: "quoted" \\ and\ttab')
        elif roll < 0.3:
            a = replace(a, updated="2026-01-02T03:04:05.678Z")
        elif roll < 0.35:
            a = replace(a, anchor=AnchorState.ORPHANED)
        elif roll < 0.4:
            a = replace(
                a, provenance=Provenance.SUGGESTION_RULE, created="2025-03-04T05:06:07+02:00"
            )
        out.append(a)
    return out


def one_by_one(data: bytes) -> RecordStream:
    """The stream of ``data`` with its lines handed over one at a time (the path every line
    took before chunks)."""
    stream = parse_records(data)
    return RecordStream(stream.format, stream.records)


def spooled(staged: StagedImport) -> tuple[object, ...]:
    staged.spool.seek(0)
    return (
        staged.spool.read(),
        staged.count,
        staged.duplicates,
        staged.articles,
        staged.dropped,
        staged.split,
    )


@pytest.mark.parametrize("chunk", [1 << 16, 700, 1])
def test_chunks_spool_what_lines_one_by_one_spool(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_formats, "JSONL_CHUNK", chunk)
    text = exported(varied(300), "jsonl")
    lines = text.splitlines(keepends=True)
    # A blank line and a done mark among the annotations send their chunk line by line.
    lines.insert(120, "\n")
    done = {"article_id": "0000000000000001", "annotator": "alice", "done": True}
    lines.insert(200, json.dumps({**done, "updated": "2026-01-01T00:00:00Z"}) + "\n")
    # Two ids twice: an older copy later in the file, and one in the same article's run.
    for at, to in ((3, len(lines)), (50, 52)):
        copy = json.loads(lines[at])
        copy["tag"], copy["updated"] = "fact", "2020-01-01T00:00:00.000Z"
        lines.insert(to, json.dumps(copy, ensure_ascii=False) + "\n")
    data = "".join(lines).encode()
    with stage(parse_records(data), "t.jsonl") as fast, stage(one_by_one(data), "t.jsonl") as slow:
        assert spooled(fast) == spooled(slow)
        assert fast.done == slow.done and len(fast.done) == 1
        assert fast.duplicates == 2
        assert list(fast.records()) == list(slow.records())


BAD = {
    "an empty tag": ("tag", ""),
    "a start that is text": ("start", "3"),
    "an end before the start": ("end", -1),
    "a time that is not one": ("created", "2026-13-01T00:00:00.000Z"),
    "a time in the future": ("updated", "9999-01-01T00:00:00.000Z"),
    "a name --annotator refuses": ("annotator", "a\x1bb"),
    "an unknown anchor": ("anchor", "lost"),
    "an article id that is a number": ("article_id", 7),
    "a note that is not text": ("note", ["n"]),
    "a quote part that is null": ("quote", {"exact": "x", "prefix": None, "suffix": ""}),
    "a provenance that is a number": ("provenance", 1),
}


@pytest.mark.parametrize("problem", sorted(BAD))
@pytest.mark.parametrize("line", [1, 2, 57, 299])
def test_a_bad_line_in_a_chunk_is_named_as_line_by_line(
    problem: str, line: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_formats, "JSONL_CHUNK", 4000)
    lines = exported(made(300), "jsonl").splitlines(keepends=True)
    record = json.loads(lines[line - 1])
    field, value = BAD[problem]
    record[field] = value
    lines[line - 1] = json.dumps(record, ensure_ascii=False) + "\n"
    data = "".join(lines).encode()
    with pytest.raises(ImportFileError) as slow:
        stage(one_by_one(data), "t.jsonl")
    with pytest.raises(ImportFileError) as fast:
        stage(parse_records(data), "t.jsonl")
    assert str(fast.value) == str(slow.value)
    assert str(fast.value).startswith(f"t.jsonl: line {line} (id ")


def test_lines_not_as_our_export_writes_them_are_taken_one_by_one() -> None:
    """Keys in another order, a missing provenance, extra fields: valid, and the same records
    as the export they came from."""
    annotations = made(40)
    lines = exported(annotations, "jsonl").splitlines()
    shuffled = []
    for i, line in enumerate(lines):
        record = json.loads(line)
        if i % 3 == 0:
            record = dict(reversed(record.items()))
        if i % 5 == 0:
            del record["provenance"]
        if i % 7 == 0:
            record["extra"] = [1, 2]
        shuffled.append(json.dumps(record))
    data = ("\n".join(shuffled) + "\n").encode()
    plain = exported(annotations, "jsonl").encode()
    with stage(parse_records(data), "a") as odd, stage(parse_records(plain), "b") as ours:
        assert list(odd.records()) == list(ours.records())


@pytest.mark.parametrize("annotations", [made(200), varied(200)], ids=["plain", "varied"])
def test_each_spooled_run_is_counted_as_the_index_counts_it(annotations: list[Annotation]) -> None:
    """Two annotators in every article's run, some anchors not exact (``varied``): the counts
    each run is spooled with are ``record_counts`` of its records, in its order."""
    data = exported(annotations, "jsonl").encode()
    with stage(parse_records(data), "t.jsonl") as staged:
        runs = [item for batch in staged.batches() for item in batch]
        assert runs and all(isinstance(run, ArticleRecords) for run in runs)
        for run in runs:
            assert isinstance(run, ArticleRecords)
            records = [record for _, record in run.records()]
            assert len({r["annotator"] for r in records}) == 2
            assert [tuple(c) for c in run.counts] == record_counts(records)
