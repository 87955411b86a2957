"""Mixed soak: exam, citizens and report readers at once, through gunicorn on loopback.

For ``--minutes`` (default 30; ``--quick``: 2) the server — ``wsgi:app`` under gunicorn,
2 workers × 4 threads as ``make run`` — gets, all at the same time: ``--officers``
officers starting the demo exam, saving every answer after ``--think`` seconds (±50 %)
and finishing, then the next unused officer taking their place; a kiosk at every counter
rating every ~12 s; ``--qr`` phones fetching a QR questionnaire and answering it; two HR
and analytics readers opening their pages. Bounded: it stops by itself at the end of the
time (an officer in the middle of the exam finishes it first) or when every prepared
officer has sat the exam.

Prints and writes JSON under ``bench/results/``: requests per second, p50/p95/p99 per
request kind, errors, lost writes (acknowledged saves, finishes and citizen responses
missing from the database afterwards, and duplicates), and each worker's memory at start
and end (growth per worker: a growing worker is a leak). Appends a line to the Soak table
of ``bench/README.md``. Exit status 1 if anything acknowledged was lost or duplicated, a
request failed with a 5xx or no answer, or a client got an answer it did not expect.

    .venv/bin/python -m bench.soak --quick          # 2 minutes (make soak QUICK=1)
    .venv/bin/python -m bench.soak                  # 30 minutes (make soak)

Fault injection under the same load: ``make faults`` (``bench/faults``).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.faults.load import Run, Tally
from bench.faults.population import check_writes, integrity_ok, prepare
from bench.faults.services import app_env, gunicorn
from bench.faults.users import Mix, start_users
from bench.harness import ROOT, postgres_bench_url, save_result
from bench.memory import Sampler, growth, rss_by_pid

PG_BASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
QUESTIONS = 24  # in the demo exam
TABLE_HEADER = "| date (UTC) | machine | database, limits |"


def officer_pool(args) -> int:
    """Enough officers for every concurrent seat to take the exam back to back."""
    seconds_per_exam = QUESTIONS * args.think
    return args.officers * (math.ceil(args.minutes * 60 / seconds_per_exam) + 1)


def database_url(args, folder: Path) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{folder}/soak.sqlite3"
    return postgres_bench_url(PG_BASE, args.pg_database)


def server_env(args, url: str, folder: Path) -> dict[str, str]:
    env = app_env(url, folder, args.redis_url)
    if args.malloc_arena_max:
        env["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)
    return env


def run_soak(args, folder: Path) -> dict:
    load_start = os.getloadavg()
    url = database_url(args, folder)
    population = prepare(url, officer_pool(args))
    mix = Mix(officers=args.officers, qr=args.qr)
    tally, seconds = Tally(), args.minutes * 60
    # Warm-up: imports, the first drawing of every page, caches filling, the allocator's
    # arenas reaching working size; on the 30-minute runs RSS rose fast for 3-5 minutes.
    warm_s = min(300.0, seconds / 6)
    with gunicorn(server_env(args, url, folder)) as server:
        boot = rss_by_pid(server.workers())
        run = Run(server.port, population, tally, threading.Event(), think_s=args.think)
        every = args.sample_every or min(60.0, seconds / 30)  # ~30 samples, one a minute at most
        sampler = Sampler(server.workers, every, threading.Event())
        sampler.start()
        started = time.monotonic()
        threads = start_users(run, mix)
        run.stop.wait(warm_s)
        warm = rss_by_pid(server.workers())
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        run.stop.set()
        for thread in threads:
            thread.join(timeout=run.retry_s + 30)
        elapsed = time.monotonic() - started
        end = rss_by_pid(server.workers())
        sampler.stop.set()
        sampler.join(timeout=30)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "load_average_start": load_start,
        "load_average": os.getloadavg(),
        "minutes": args.minutes,
        "database": args.database,
        "rate_limits": "redis" if args.redis_url else "memory",
        "mix": mix.__dict__,
        "think_s": args.think,
        "malloc_arena_max": args.malloc_arena_max or None,
        "elapsed_s": round(elapsed, 1),
        "warmup_s": round(warm_s, 1),
        **tally.summary(elapsed),
        **check_writes(url, tally.acked, population.baseline),
        "integrity_ok": integrity_ok(url),
        "worker_rss_mb": {"boot": boot, "warm": warm, "end": end},
        "worker_growth_mb": {pid: round(end[pid] - warm[pid], 1) for pid in end if pid in warm},
        "workers_replaced": sorted(set(warm) ^ set(end)),
        "memory_samples": sampler.samples,
        "memory_after_warmup": growth(sampler.samples, warm_s),
    }


def lost(r: dict) -> int:
    keys = ("lost_answers", "lost_finishes", "lost_citizen_responses")
    return sum(r[k] for k in keys) + r["duplicate_answers"] + r["duplicate_citizen_responses"]


def report(r: dict) -> None:
    print(
        f"soak {r['minutes']} min on {r['database']} ({r['rate_limits']} limits), "
        f"{r['mix']}, think {r['think_s']} s: {r['requests']} requests, "
        f"{r['requests_per_s']}/s, 5xx/no answer {r['server_errors']}, retries {r['retries']}"
        f", keep-alive resends {r['stale_keepalive_resends']}"
    )
    print(f"{'kind':14} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for kind, k in r["kinds"].items():
        print(
            f"{kind:14} {k['requests']:8d} {k['p50_ms']:8.1f} {k['p95_ms']:8.1f}"
            f" {k['p99_ms']:8.1f}  {k['statuses']}"
        )
    print(
        f"acknowledged: {r['acked_answers']} saves, {r['acked_finishes']} finishes, "
        f"{r['acked_citizen_responses']} citizen responses; lost {r['lost_answers']} / "
        f"{r['lost_finishes']} / {r['lost_citizen_responses']}; duplicated "
        f"{r['duplicate_answers']} answers, {r['duplicate_citizen_responses']} responses; "
        f"unexpected answers {r['unexpected'] or 0}; integrity ok: {r['integrity_ok']}"
    )
    memory = r["worker_rss_mb"]
    print(f"worker MB boot {memory['boot']}, warm {memory['warm']}, end {memory['end']}")
    print(f"growth per worker after warm-up (MB): {r['worker_growth_mb']}")
    for pid, g in r["memory_after_warmup"].items():
        print(
            f"worker {pid}: RSS {g['rss_warm']} -> {g['rss_end']} MB (anonymous "
            f"{g['anon_warm']} -> {g['anon_end']}), slope {g['slope_mb_h']} MB/h after "
            f"warm-up, {g['slope_second_half_mb_h']} MB/h over the second half"
        )


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+}"


def table_line(r: dict, path: Path) -> str:
    save, kinds = r["kinds"].get("save", {}), r["kinds"]
    p95 = " / ".join(
        str(round(kinds.get(k, {}).get("p95_ms", 0))) for k in ("kiosk_submit", "page")
    )
    after = r["memory_after_warmup"].values()
    rss = ", ".join(f"{g['rss_warm']:.0f} → {g['rss_end']:.0f}" for g in after)
    slopes = ", ".join(
        f"{_signed(g['slope_mb_h'])} ({_signed(g['slope_second_half_mb_h'])})" for g in after
    )
    arenas = f", MALLOC_ARENA_MAX={r['malloc_arena_max']}" if r.get("malloc_arena_max") else ""
    loads = [r.get("load_average_start", [None])[0], r["load_average"][0]]
    machine = f"{os.cpu_count()} cores, load " + "–".join(f"{x:.1f}" for x in loads if x)
    return (
        f"| {r['date']} | {machine} | {r['database']}, {r['rate_limits']} limits{arenas}"
        f" | {r['minutes']} | {r['requests']} ({r['requests_per_s']}/s)"
        f" | {' / '.join(str(round(save.get(f'p{n}_ms', 0))) for n in (50, 95, 99))}"
        f" | {p95} | {r['server_errors']} | {lost(r)} | {rss} | {slopes} | `{path.name}` |"
    )


def append_to_readme(line: str) -> None:
    """Add ``line`` under the last row of the Soak table in bench/README.md."""
    readme = ROOT / "bench" / "README.md"
    lines = readme.read_text().splitlines()
    try:
        index = next(i for i, text in enumerate(lines) if text.startswith(TABLE_HEADER))
    except StopIteration:
        print("bench/README.md has no Soak table; line not added")
        return
    index += 1
    while index + 1 < len(lines) and lines[index + 1].startswith("|"):
        index += 1
    lines.insert(index + 1, line)
    readme.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--quick", action="store_true", help="2 minutes")
    parser.add_argument("--officers", type=int, default=20, help="taking the exam at once")
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--qr", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--redis-url", default="", help="rate limits in Redis (default: memory)")
    parser.add_argument("--pg-database", default="onestop_soak", help="scratch database")
    parser.add_argument("--sample-every", type=float, default=0, help="s (default: ≤ 60)")
    parser.add_argument("--malloc-arena-max", type=int, default=0, help="glibc arenas")

    parser.add_argument("--no-readme", action="store_true", help="do not add a table line")
    parser.add_argument("--keep", action="store_true", help="keep the soak-* folder on failure")
    args = parser.parse_args(argv)
    if args.quick:
        args.minutes = 2.0
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    failed = True
    try:
        result = run_soak(args, folder)
        failed = bool(lost(result) or result["server_errors"] or result["unexpected"])
        failed = failed or not result["integrity_ok"]
    finally:
        if failed and args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    result["uptime"] = uptime
    report(result)
    path = save_result("soak", result)
    print(f"results: {path}  ({uptime})")
    if not args.no_readme:
        append_to_readme(table_line(result, path))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
