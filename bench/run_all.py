"""``make bench``: every benchmark in its quick, bounded form, one after the other.

Each prints its figures and its ratio to a bare endpoint measured in the same run, and
writes JSON under ``bench/results/``. Exit status 1 if any benchmark missed its target.
"""

from __future__ import annotations

import sys

from bench import analytics, citizen_surge, exam_day


def main() -> int:
    failed = []
    quick = (
        ("exam_day", exam_day.main, []),
        ("citizen_surge", citizen_surge.main, []),
        ("analytics", analytics.main, ["--small"]),
    )
    for name, run, argv in quick:
        print(f"== {name}", flush=True)
        if run(argv) != 0:
            failed.append(name)
    if failed:
        print("missed target: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
