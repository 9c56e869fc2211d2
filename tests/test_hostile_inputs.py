"""The harnesses of the adversarial pass (issue 9), kept so that what held keeps holding, each in a
bounded time: an import SIGKILLed at its syscalls (strace fault injection; timed kills where strace
is missing), malicious import files, randomly corrupted databases.

Concurrent writers and SIGKILLs of tagging are in test_store_lock.py and test_kill.py."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tuireader import export
from tuireader.annotations import Annotation
from tuireader.articles import load_article
from tuireader.cli import main
from tuireader.export import select
from tuireader.storage import journal_path, load_tables
from tuireader.store import Store, StoreError

from conftest import SEED

STRACE = shutil.which("strace")
KILL_POINTS = 14
"""Kill points per run: enough to land in the parse, the writes, the fsyncs and the renames."""
WRITE_CALLS = "write,pwrite64,fsync,fdatasync,rename,renameat,renameat2,link,linkat,unlink,unlinkat"


def export_doc(count: int) -> dict[str, Any]:
    article = load_article(SEED)
    annotations = [
        Annotation.new(
            article.id, article.body, s.start, s.end, "fact", "importer", f"note {s.index}"
        )
        for s in article.sentences[:count]
    ]
    meta = {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "path": None,
        "sentence_count": len(article.sentences),
    }
    doc: dict[str, Any] = json.loads(export.to_json(select(annotations, [meta])))
    return doc


def database_files(db: Path) -> dict[str, str]:
    """Every file of the database (snapshot, journal, backup) by name, as a digest."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.parent.iterdir())
        if p.name.startswith(db.name) and p.is_file()
    }


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


# -- SIGKILL during an import ----------------------------------------------------------------------


def test_an_import_killed_anywhere_is_all_or_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "db" / "annotations.json"  # a folder of its own, restored between runs
    with Store.open(db_path, "me") as store:  # something there before: it must survive
        article = load_article(SEED)
        store.attach(article)
        store.tag(article, 10, 10, "speculation")
    dump = tmp_path / "dump.json"
    dump.write_text(json.dumps(export_doc(8)), encoding="utf-8")
    command = [sys.executable, "-m", "tuireader", "import", str(dump), "--db", str(db_path)]
    pristine = db_path.parent / "pristine"
    pristine.mkdir()
    for p in db_path.parent.iterdir():
        if p.is_file() and p.name.startswith(db_path.name):
            shutil.copy2(p, pristine / p.name)

    def restore() -> None:
        for p in list(db_path.parent.iterdir()):
            if p.is_file():
                p.unlink()
        for p in pristine.iterdir():
            shutil.copy2(p, db_path.parent / p.name)

    def check(label: str) -> int:
        """The database opens and holds the old annotation plus none or all of the import."""
        with Store.open(db_path, "checker") as store:
            notes = sorted(a.note for a in store.annotations(include_orphans=True))
        assert len(notes) in (1, 9), f"{label}: {len(notes)} annotations"
        return len(notes)

    outcomes: list[int] = []
    if STRACE is not None:
        # Count the write-side syscalls of a whole import, then kill at points spread over them.
        log = tmp_path / "trace"
        subprocess.run(
            [STRACE, "-f", "-qq", "-o", str(log), "-e", f"trace={WRITE_CALLS}", *command],
            check=True,
            capture_output=True,
            env=env(),
            timeout=60,
        )
        # strace counts each syscall apart: "when=N" is the N-th call of that syscall.
        counts: dict[str, int] = {}
        for line in log.read_text().splitlines():
            name = line.split(maxsplit=1)[-1].split("(", 1)[0]
            if name in WRITE_CALLS.split(","):
                counts[name] = counts.get(name, 0) + 1
        restore()
        points = [(name, n) for name, c in counts.items() for n in range(1, min(c, 6) + 1)]
        assert points, "strace saw no write of the import"
        for name, n in points[: KILL_POINTS * 2]:
            inject = f"inject={name}:signal=KILL:when={n}"
            result = subprocess.run(
                [
                    STRACE,
                    "-f",
                    "-qq",
                    "-o",
                    os.devnull,
                    "-e",
                    f"trace={name}",
                    "-e",
                    inject,
                    *command,
                ],
                capture_output=True,
                env=env(),
                timeout=60,
            )
            outcomes.append(check(f"killed at {name} #{n}"))
            assert result.returncode in (0, -signal.SIGKILL, 128 + signal.SIGKILL), result.stderr
            restore()
    else:
        rng = random.Random(9)
        for run in range(8):
            proc = subprocess.Popen(command, env=env(), stdout=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 1.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            outcomes.append(check(f"timed kill {run}"))
            restore()
    # Killing at the last points must leave a finished import: the kills reached the end.
    assert STRACE is None or (1 in outcomes and 9 in outcomes), outcomes


# -- malicious imports -----------------------------------------------------------------------------


def mutated(change: str) -> bytes:
    doc = export_doc(2)
    if change == "sentence_count -1":
        doc["articles"][0]["sentence_count"] = -1
    elif change == "sentence_count many":
        doc["articles"][0]["sentence_count"] = "many"
    elif change == "start after end":
        doc["annotations"][0]["start"] = doc["annotations"][0]["end"] + 5
    elif change == "negative start":
        doc["annotations"][0]["start"] = -3
    elif change == "version true":
        doc["version"] = True
    elif change == "annotations not a list":
        doc["annotations"] = {"a": 1}
    elif change == "title not text":
        doc["articles"][0]["title"] = {"x": 1}
    elif change == "deep nesting":
        return b'{"format": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    elif change == "lone surrogate":
        return json.dumps(doc).replace('"note 0"', '"\\udcff"').encode()
    elif change == "not json":
        return b"\x1b]52;c;aGk=\x07 {"
    return json.dumps(doc).encode()


MALICIOUS = [
    "sentence_count -1",
    "sentence_count many",
    "start after end",
    "negative start",
    "version true",
    "annotations not a list",
    "title not text",
    "deep nesting",
    "lone surrogate",
    "not json",
]


@pytest.mark.parametrize("change", MALICIOUS)
def test_a_malicious_import_is_one_line_and_changes_nothing(
    change: str, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(db_path, "me") as store:
        article = load_article(SEED)
        store.attach(article)
        store.tag(article, 3, 3, "fact")
    before = database_files(db_path)
    dump = tmp_path / "dump.json"
    dump.write_bytes(mutated(change))
    assert main(["import", str(dump)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tuireader: ") and "\x1b" not in err
    assert database_files(db_path) == before


# -- corrupt databases -----------------------------------------------------------------------------

CORRUPTIONS = 24


def test_randomly_corrupted_databases_are_refused_in_one_line(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(db_path, "me") as store:
        article = load_article(SEED)
        store.attach(article)
        for i in range(6):
            store.tag(article, i, i, "fact")
    tables = load_tables(db_path)
    db_path.write_bytes(json.dumps(tables).encode())  # one snapshot, no journal
    journal_path(db_path).unlink(missing_ok=True)
    good = db_path.read_bytes()
    rng = random.Random(14)
    outcomes = {0: 0, 2: 0}
    for n in range(CORRUPTIONS):
        data = bytearray(good)
        kind = n % 4
        if kind == 0:  # flipped bytes
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif kind == 1:  # cut short
            del data[rng.randrange(1, len(data)) :]
        elif kind == 2:  # garbage spliced in
            at = rng.randrange(len(data))
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        else:  # a value swapped for another type
            text = data.decode()
            swaps = ['"fact"', "true", "-1", "null", '"x"', "[]", "{}"]
            text = text.replace(
                rng.choice(['"fact"', '"start": ', '"note": ']), rng.choice(swaps), 1
            )
            data = bytearray(text.encode())
        db_path.write_bytes(bytes(data))
        journal_path(db_path).unlink(missing_ok=True)
        for argv in (["stats"], ["export", "-f", "csv"]):
            code = main(argv)
            _out, err = capsys.readouterr()
            assert code in (0, 2), f"corruption {n}: exit {code}"
            if code == 2:
                assert err.count("\n") == 1 and str(db_path) in err, err
            outcomes[code] += 1
        try:
            Store.open(db_path, "me", create=False).close()
        except StoreError as exc:
            assert "\n" not in str(exc)
        assert db_path.read_bytes() == bytes(data)  # a refused file is never rewritten
    assert outcomes[2] > 0
