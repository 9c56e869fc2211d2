"""The cost of the checks an import adds to every record (``import_checks.annotation_problem``:
the annotator name rule of --annotator and no time more than a day in the future).

    python benchmarks/bench_import_checks.py [--records 500000] [--rounds 5]

Builds N stored annotation records as an import's first pass has them (``stored_from_export``'s
output: 4 annotators, every record its own ``created`` to the millisecond, a third edited
since), then times, in this process and alternately, a loop calling the checks on each record
against the same loop without the call (the baseline), so the figure includes the call the
import's first pass makes. Prints CPU time (``process_time``: user + system, which load on a shared machine does not
inflate as it does wall time), the minimum of the rounds, and the cost a record the checks add.
Target: < 0.5 us a record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tuireader.import_checks import annotation_problem

TARGET_US = 0.5


def records(n: int) -> list[dict[str, Any]]:
    start = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    names = ("alice", "bob", "chen", "dana")
    out = []
    for i in range(n):
        created = start + dt.timedelta(milliseconds=1733 * i)
        record: dict[str, Any] = {
            "article_id": f"{i // 40:016x}",
            "tag": ("fact", "speculation", "expert_opinion")[i % 3],
            "annotator": names[i % 4],
            "created": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if i % 3 == 0:
            updated = created + dt.timedelta(minutes=5)
            record["updated"] = updated.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        out.append(record)
    return out


def timed(check: Callable[[Mapping[str, Any]], str | None], rows: list[dict[str, Any]]) -> float:
    begin = time.process_time()
    for record in rows:
        if check(record) is not None:
            raise SystemExit(f"refused: {check(record)}")
    return time.process_time() - begin


def bare(rows: list[dict[str, Any]]) -> float:
    begin = time.process_time()
    for record in rows:
        if record is None:
            raise SystemExit("no record")
    return time.process_time() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = records(args.records)
    base: list[float] = []
    checked: list[float] = []
    for _ in range(args.rounds):
        base.append(bare(rows))
        checked.append(timed(annotation_problem, rows))
    extra = (min(checked) - min(base)) / len(rows) * 1e6
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(rows):,} records, {args.rounds} rounds, load average {load} (2 CPUs)")
    print(f"the loop alone (baseline):             {min(base):.3f} s CPU")
    print(f"with the import checks:                {min(checked):.3f} s CPU")
    verdict = "met" if extra < TARGET_US else "NOT met"
    print(f"the checks add {extra:.3f} us a record (target < {TARGET_US} us: {verdict})")


if __name__ == "__main__":
    main()
