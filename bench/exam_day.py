"""Exam day: officers start, answer every question with think time, and finish, through
gunicorn on loopback, on SQLite and on PostgreSQL.

Two measurements per database, in one run on one fresh database:
1. throughput — closed loop, ``--clients`` connections saving answers as fast as they can,
   alternating in rounds with a bare endpoint of the same stack (one indexed insert);
   prints both rates and the ratio (target: the save path ≥ 50 % of the bare endpoint);
2. exam day — ``--officers`` simulated officers starting within ``--ramp`` seconds, each
   answering every question after ``--think`` seconds (±50 %), then finishing; prints
   saves per second, p50/p95/p99 latency, errors, worker memory at start and end, and
   **lost answers**: saves acknowledged (200) but missing from the database afterwards.

The officers are asyncio tasks in this one process (``bench/exam_load.py``, aiohttp); the
generator's CPU time and event-loop lag are printed too, so a run shows it kept up.
PostgreSQL runs use the scratch database ``--pg-database`` (default onestop_bench_exam).

    .venv/bin/python -m bench.exam_day                       # quick: 100 officers, 2 s think
    .venv/bin/python -m bench.exam_day --officers 2000 --think 20 --ramp 300   # the target

Exit status 1 if an answer was lost, the ratio is under 50 %, or (for runs of at least
1,000 officers) p95 is 300 ms or more.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time

from bench import exam_load
from bench.harness import (
    add_officers,
    free_port,
    latency_summary,
    postgres_bench_url,
    save_result,
    start_gunicorn,
    worker_rss_mb,
)

PG_BASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def prepare(url: str, officers: int) -> tuple[int, list[str]]:
    """Fresh schema, the demo province and its open exam, ``officers`` extra officers with
    API tokens, all candidates. Returns (exam id, tokens)."""
    import sqlalchemy as sa

    from app import create_app
    from app.cli.demo import load_demo
    from app.config import Config
    from app.extensions import db

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo()
        db.session.commit()
        exam_id = db.session.scalar(sa.text("SELECT min(id) FROM exams"))
        tokens = add_officers(exam_id, officers)
        db.session.commit()
        db.engine.dispose()
    return exam_id, tokens


def lost_answers(url: str, acked: list[tuple[int, int, object]]) -> int:
    """Acknowledged saves with no matching row in the append-only answer log."""
    import sqlalchemy as sa

    from app.models import AnswerLog

    log = AnswerLog.__table__
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(log.c.attempt_id, log.c.seq, log.c.response)).all()
    engine.dispose()
    stored = {(a, s): r for a, s, r in rows}
    return sum(1 for a, s, r in acked if stored.get((a, s)) != r)


def run_database(kind: str, url: str, args) -> dict:
    loop_tokens = args.clients
    exam_id, tokens = prepare(url, args.officers + loop_tokens)
    port = free_port()
    server = start_gunicorn("bench.exam_app:app", port, {"DATABASE_URL": url}, workers=args.workers)
    try:
        throughput = asyncio.run(
            exam_load.closed_loop(port, tokens[:loop_tokens], exam_id, args.loop_seconds)
        )
        rss_start = worker_rss_mb(server.pid)  # warm: after imports and first queries
        started, cpu = time.monotonic(), time.process_time()
        tally = asyncio.run(
            exam_load.exam_day(port, tokens[loop_tokens:], exam_id, args.think, args.ramp)
        )
        elapsed, client_cpu = time.monotonic() - started, time.process_time() - cpu
        rss_end = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "database": kind,
        "officers": args.officers,
        "think_s": args.think,
        "ramp_s": args.ramp,
        "workers": args.workers,
        **throughput,
        "saves": len(tally.save_ms),
        "saves_per_s": round(len(tally.save_ms) / elapsed, 1),
        **latency_summary(tally.save_ms),
        "start": latency_summary(tally.start_ms),
        "errors": tally.errors,
        "lost_answers": lost_answers(url, tally.acked),
        "elapsed_s": round(elapsed, 1),
        "client_cpu_s": round(client_cpu, 1),
        "client_loop_lag": latency_summary(tally.lag_ms),
        "load_average": os.getloadavg(),
        "worker_rss_mb_start": rss_start,
        "worker_rss_mb_end": rss_end,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=100)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--ramp", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--loop-seconds", type=float, default=16.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-database", default="onestop_bench_exam", help="scratch database (dropped, refilled)"
    )
    args = parser.parse_args(argv)
    results, ok = [], True
    for kind in args.databases.split(","):
        if kind == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='exam-day-')}/bench.sqlite3"
        else:
            url = postgres_bench_url(PG_BASE, args.pg_database)
        r = run_database(kind, url, args)
        results.append(r)
        print(
            f"{kind:10} save path {r['save_per_s']:7.1f}/s vs bare insert {r['bare_per_s']:7.1f}/s"
            f" = {r['ratio']:.0%} (target ≥ 50 %)"
        )
        print(
            f"{'':10} {r['officers']} officers, think {r['think_s']} s: {r['saves']} saves,"
            f" {r['saves_per_s']}/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms,"
            f" p99 {r['p99_ms']} ms, errors {r['errors'] or 0}, lost answers {r['lost_answers']}"
        )
        print(f"{'':10} starts: {r['start']}")
        lag = r["client_loop_lag"]
        print(
            f"{'':10} load generator: {r['client_cpu_s']} s CPU in {r['elapsed_s']} s,"
            f" loop lag p50 {lag['p50_ms']} ms p99 {lag['p99_ms']} ms;"
            f" load average {' '.join(f'{x:.2f}' for x in r['load_average'])}"
        )
        memory = f"start {r['worker_rss_mb_start']}, end {r['worker_rss_mb_end']}"
        print(f"{'':10} worker memory MB (after warm-up): {memory}")
        ok &= r["lost_answers"] == 0 and r["ratio"] >= 0.5 and not r["errors"]
        if args.officers >= 1000:
            ok &= r["p95_ms"] < 300
    print(f"results: {save_result('exam_day', {'runs': results})}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
