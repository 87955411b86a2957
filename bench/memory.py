"""Worker memory over a run: resident size sampled every so often, split into anonymous
memory (the heap: Python objects, malloc arenas, SQLite's page cache) and file-backed
pages (shared libraries, fonts, mapped files), and the growth rate after warm-up.

A leak grows linearly for as long as the load lasts; a cache filling to its bound, or the
allocator settling, grows fast at first and then levels off. The slope over the second
half of the run next to the slope over the whole run after warm-up tells the two apart.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_by_pid(pids: list[int]) -> dict[int, float]:
    """Resident memory (MB) of each live process in ``pids``."""
    sizes = {}
    for pid in pids:
        try:
            pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        sizes[pid] = round(pages * PAGE_MB, 1)
    return sizes


def rollup_mb(pid: int) -> dict[str, float]:
    """``Rss`` and ``Anonymous`` of ``/proc/<pid>/smaps_rollup`` in MB ({} if unreadable);
    ``file`` is the rest (file-backed and shared pages)."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("Rss", "Anonymous"):
                fields[name] = int(value.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        return {}
    if len(fields) < 2:
        return {}
    rss, anon = fields["Rss"], fields["Anonymous"]
    return {"rss": round(rss, 1), "anon": round(anon, 1), "file": round(rss - anon, 1)}


class Sampler(threading.Thread):
    """Samples the workers' memory every ``every_s`` seconds until ``stop`` is set.

    ``samples`` is a list of ``{"t": seconds since start, "<pid>": {"rss", "anon",
    "file"}}``; a worker that is replaced shows up under its new pid.
    """

    def __init__(self, workers, every_s: float, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.workers, self.every_s, self.stop = workers, every_s, stop
        self.started = time.monotonic()
        self.samples: list[dict] = []

    def sample(self) -> None:
        row: dict = {"t": round(time.monotonic() - self.started, 1)}
        for pid in self.workers():
            sizes = rollup_mb(pid)
            if sizes:
                row[str(pid)] = sizes
        self.samples.append(row)

    def run(self) -> None:
        self.sample()
        while not self.stop.wait(self.every_s):
            self.sample()
        self.sample()


def slope_mb_per_hour(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, MB) points, in MB per hour (None if under 3)."""
    if len(points) < 3:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return None
    cov = sum((t - mean_t) * (y - mean_y) for t, y in points)
    return round(cov / spread * 3600, 1)


def growth(samples: list[dict], warm_s: float) -> dict[str, dict]:
    """Per worker: RSS and anonymous memory at warm-up and at the end, and the RSS slope
    (MB/hour) after warm-up and over the second half of the run."""
    end_t = samples[-1]["t"] if samples else 0
    half_t = warm_s + (end_t - warm_s) / 2
    pids = {key for row in samples for key in row if key != "t"}
    result = {}
    for pid in sorted(pids):
        rows = [(row["t"], row[pid]) for row in samples if pid in row and row["t"] >= warm_s]
        if not rows:
            continue
        first, last = rows[0][1], rows[-1][1]
        result[pid] = {
            "rss_warm": first["rss"],
            "rss_end": last["rss"],
            "anon_warm": first["anon"],
            "anon_end": last["anon"],
            "slope_mb_h": slope_mb_per_hour([(t, s["rss"]) for t, s in rows]),
            "slope_second_half_mb_h": slope_mb_per_hour(
                [(t, s["rss"]) for t, s in rows if t >= half_t]
            ),
        }
    return result
