"""What the journal's checksums cost: reading a journal (every open and every catch-up reads it
with ``journal_entries``) and sealing an entry (each append), against the reader before them
(``--base REV``, default 665b21a, loaded from git) on the same entries unsealed, in the same run,
alternately. Prints CPU seconds (user + sys, medians) and the load average.

    python benchmarks/bench_journal_read.py [--entries 20000] [--big 4] [--runs 5] [--base REV]

Two journals: ``--entries`` tag-sized entries (~450 bytes, as a tag or a note writes; 20,000 is
about 9 MB, under the 32 MB at which a compaction folds the journal), and ``--big`` entries of
an import batch (~6 MB each: 10,000 annotations).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tuireader.dbformat.journal import (  # noqa: E402
    JOURNAL_HEAD,
    JOURNAL_TAIL,
    entry_bytes,
    journal_entries,
)


def record(n: int) -> dict[str, Any]:
    return {
        "article_id": "3ee47a1cb1d7c9dc",
        "start": n,
        "end": n + 40,
        "tag": "fact",
        "quote": {"exact": "The ferry left at noon.", "prefix": "", "suffix": " Officials"},
        "note": "",
        "annotator": "alice",
        "created": "2026-11-30T07:49:42.816Z",
        "updated": "2026-11-30T07:49:42.816Z",
        "anchor": "placed",
    }


def entry(records: int, n: int) -> bytes:
    ann = {str(uuid.UUID(int=n * 100_000 + i)): record(i) for i in range(records)}
    tags = {"alice": {"fact": records}}
    index = {"3ee47a1cb1d7c9dc": {"file": "3ee47a1cb1d7c9dc.json", "tags": tags, "orphaned": {}}}
    return orjson.dumps({"put": {"index": index}, "ann": {"3ee47a1cb1d7c9dc": ann}})


def journal(values: list[bytes], sealed: bool) -> bytes:
    data = bytearray(JOURNAL_HEAD)
    for value in values:
        end = len(data)
        data += b",\n" if end > len(JOURNAL_HEAD) else b"\n"
        data += entry_bytes(end, value) if sealed else b'"%d":' % end + value
    return bytes(data + JOURNAL_TAIL)


def base_reader(rev: str) -> ModuleType:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:src/tuireader/dbformat/journal.py"],
        check=True,
        capture_output=True,
    ).stdout
    folder = Path(tempfile.mkdtemp())
    (folder / "journal_base.py").write_bytes(source)
    spec = importlib.util.spec_from_file_location("journal_base", folder / "journal_base.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu(run: Callable[[], object]) -> float:
    times = os.times()
    run()
    after = os.times()
    return (after.user - times.user) + (after.system - times.system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base", default="665b21a")
    args = parser.parse_args()
    base = base_reader(args.base)
    print(f"load average {os.getloadavg()[0]:.1f}; CPU seconds, medians of {args.runs}")
    for name, values in (
        (f"{args.entries} tag entries", [entry(1, n) for n in range(args.entries)]),
        (f"{args.big} import entries", [entry(10_000, n) for n in range(args.big)]),
    ):
        sealed, plain = journal(values, True), journal(values, False)
        assert journal_entries(sealed)[0] == base.journal_entries(plain)[0]
        new, old = [], []
        for _ in range(args.runs):
            old.append(cpu(lambda plain=plain: base.journal_entries(plain)))
            new.append(cpu(lambda sealed=sealed: journal_entries(sealed)))
        seal = cpu(lambda values=values: [entry_bytes(12, v) for v in values])
        mb = len(sealed) / 1e6
        print(
            f"{name} ({mb:.1f} MB): read {statistics.median(new):.3f} s, before "
            f"{statistics.median(old):.3f} s ({statistics.median(new) / statistics.median(old):.2f}x); "
            f"sealing every entry {seal:.3f} s ({seal / len(values) * 1e6:.1f} us an entry)"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
