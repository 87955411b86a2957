"""Where a worker's memory goes: one gunicorn worker (4 threads) carries the whole soak mix
and samples itself every ``--every`` seconds into JSON lines.

Each sample: RSS and anonymous memory; live Python objects (``gc``) and pymalloc's blocks in
use and arenas (``sys._debugmallocstats``); glibc malloc in use and free (``mallinfo2``);
the RSS of the ``[heap]`` (main arena) and of the 64 MB thread arenas (``smaps``); the
size of the per-process caches. Live objects level while malloc's free memory grows: the
allocator keeps what was freed. Live objects growing: a leak.

    .venv/bin/python -m bench.memory_probe --minutes 20 --out /tmp/probe.jsonl
    .venv/bin/python -m bench.memory_probe --malloc-arena-max 0   # glibc's default arenas

SQLite in a temporary folder (removed at the end). The same file is the worker's gunicorn
configuration (``-c python:bench.memory_probe``).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

workers, threads, worker_class, timeout = 1, 4, "gthread", 120  # gunicorn settings


_MALLINFO2 = "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost"


class _MallInfo2(ctypes.Structure):
    _fields_: ClassVar = [(name, ctypes.c_size_t) for name in _MALLINFO2.split()]


def _malloc() -> dict[str, float]:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return {"malloc_in_use": info.uordblks / 2**20, "malloc_free": info.fordblks / 2**20}


def _pymalloc() -> dict[str, float]:
    """pymalloc's arenas and bytes in use (its statistics go to file descriptor 2)."""
    with tempfile.TemporaryFile("w+") as f:
        saved = os.dup(2)
        os.dup2(f.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read()

    def number(label: str) -> int:
        return int(re.search(rf"{label}\s*=\s*([\d,]+)", text).group(1).replace(",", ""))

    arena_bytes = number("# arenas allocated current") * 2**20  # 1 MiB arenas (3.10+)
    used = number("# bytes in allocated blocks")
    return {"pymalloc_in_use": used / 2**20, "pymalloc_arenas": arena_bytes / 2**20}


def _mappings() -> dict[str, float]:
    """RSS (MB) of the main malloc heap, the 64 MB-aligned thread arenas, other anonymous
    and file-backed mappings."""
    groups, kind = dict.fromkeys(("heap", "thread_arenas", "other_anon", "file"), 0.0), ""
    for line in Path(f"/proc/{os.getpid()}/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split()
            start, name = int(parts[0].split("-")[0], 16), " ".join(parts[5:])
            if name == "[heap]":
                kind = "heap"
            elif name.startswith("/"):
                kind = "file"
            else:
                kind = "thread_arenas" if start % (1 << 26) == 0 and not name else "other_anon"
        elif line.startswith("Rss:"):
            groups[kind] += int(line.split()[1]) / 1024
    return groups


def _caches() -> dict[str, int]:
    from app.analytics import rates_cache
    from app.exams import answer_store, pool
    from app.surveys import specs
    from wsgi import app

    return {
        "version_content": answer_store.version_content.cache_info().currsize,
        "approved_sets": len(pool._approved_cache),
        "questionnaire_specs": len(specs._CACHE),
        "pass_rate_memo": len(rates_cache._MEMO),
        "tokens": len(app.extensions.get("osa_token_cache", {})),
    }


def _sample(started: float) -> dict:
    from bench.memory import rollup_mb

    row = {"t": round(time.monotonic() - started), **rollup_mb(os.getpid())}
    row |= {"objects": len(gc.get_objects()), **_pymalloc(), **_malloc(), **_mappings()}
    row = {k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()}
    return row | {"threads": threading.active_count(), "caches": _caches()}


def _sampler(path: str, every: float) -> None:
    started = time.monotonic()
    while True:
        with open(path, "a") as out:
            out.write(json.dumps(_sample(started)) + "\n")
        time.sleep(every)


def post_worker_init(worker) -> None:
    """gunicorn hook: start sampling in the worker."""
    args = (os.environ["PROBE_OUT"], float(os.environ.get("PROBE_EVERY", "60")))
    threading.Thread(target=_sampler, args=args, daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    from bench.faults.load import Run, Tally
    from bench.faults.population import prepare
    from bench.faults.services import app_env, wait_healthy
    from bench.faults.users import Mix, start_users
    from bench.harness import ROOT, free_port

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--out", default="memory-probe.jsonl")
    parser.add_argument("--malloc-arena-max", default="2", help="as deploy/gunicorn.conf.py")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="memprobe-"))
    url = f"sqlite:///{folder}/probe.sqlite3"
    population = prepare(url, int(20 * (args.minutes * 60 / 48 + 2)))
    port, out = free_port(), str(Path(args.out).resolve())
    env = {**os.environ, **app_env(url, folder), "PROBE_OUT": out, "PROBE_EVERY": str(args.every)}
    env["MALLOC_ARENA_MAX"] = args.malloc_arena_max
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "-c", "python:bench.memory_probe", "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, env=env)
    try:
        wait_healthy(port)
        run = Run(port, population, Tally(), threading.Event(), think_s=2.0)
        users = start_users(run, Mix())
        time.sleep(args.minutes * 60)
        run.stop.set()
        for user in users:
            user.join(timeout=run.retry_s + 30)
        print(f"{run.tally.summary(args.minutes * 60)['requests']} requests; samples in {out}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
