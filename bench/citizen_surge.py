"""Citizen surge: responses stored per second through gunicorn on loopback, and the
morning peak of kiosks and QR codes.

Two scenarios per database, on one fresh database each (``--scenario ratio|peak|all``):

1. **ratio** — the real path (``POST /api/v1/public/responses`` from a QR channel:
   validation, idempotency key, rate limits, burst detector) and a bare insert endpoint
   writing the same rows with no checks, closed loop, alternating in rounds. Prints both
   rates and their ratio (target: at least 50 %), and counts the rows afterwards: every
   201 must be a stored response, and nothing may be lost.
2. **peak** — the morning peak (``bench/citizen_peak.py``) against a server with the
   production limits: ``--kiosks`` kiosks rating every ``--kiosk-every`` s (device token,
   minimum interval) and ``--qr-citizens`` phones, each from its own address, arriving
   within ``--ramp`` s. Prints requests/s, p50/p95/p99, errors, lost writes (acknowledged
   idempotency keys with no stored row) and each worker's memory at start and end.

    .venv/bin/python -m bench.citizen_surge                      # quick, SQLite
    .venv/bin/python -m bench.citizen_surge --databases sqlite,postgresql \
        --kiosks 60 --qr-citizens 3000 --peak-seconds 300 --ramp 240

Bounded: a fixed number of requests, a time limit, users that stop by themselves.
PostgreSQL uses the scratch database ``onestop_bench_citizen`` next to
``BENCH_DATABASE_URL``. Writes JSON to ``bench/results/`` and prints a line for the
table in ``bench/README.md``. Exit status 1 if a response was lost, a request failed,
or the ratio is under the target.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

from bench import citizen_peak
from bench.citizen_ratio import measure_ratio
from bench.citizen_setup import count_rows, prepare, stored_keys
from bench.harness import (
    free_port,
    postgres_bench_url,
    save_result,
    start_gunicorn,
    worker_rss_mb,
)

PG_BASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_DATABASE = "onestop_bench_citizen"


def redis_or_memory(wanted: str) -> str:
    """The Redis URL when that server answers (limits shared by the workers, as deployed);
    "" (per-process memory storage) otherwise."""
    if wanted == "none":
        return ""
    try:
        import redis

        redis.Redis.from_url(wanted, socket_connect_timeout=1).ping()
    except Exception:
        return ""
    return wanted


def start_server(url: str, ids: dict, port: int, workers: int, redis_url: str, limits: str):
    """gunicorn with ``bench.citizen_app``; ``limits``: "bench" (high) or "production"."""
    env = {
        "DATABASE_URL": url,
        "BENCH_IDS": ",".join(f"{k}={v}" for k, v in ids.items() if k != "code"),
        "BENCH_LIMITS": limits,
        "REDIS_URL": redis_url,
    }
    return start_gunicorn("bench.citizen_app:app", port, env, workers=workers)


def warm_up(port: int, code: str, n: int) -> None:
    """Imports and first queries in every worker: ``n`` questionnaires and submissions (from
    loopback addresses of their own), before memory is first read and rows first counted."""
    rng = random.Random(7)
    for i in range(n):
        caller = citizen_peak.Caller("127.0.0.1", port, f"127.8.0.{i + 1}")
        _status, form, _ms = caller.call("GET", f"/api/v1/public/questionnaires/{code}")
        body = {"channel_code": code, "answers": citizen_peak.answer(form, rng)}
        caller.call("POST", citizen_peak.SUBMIT, body)
        caller.close()


def measure_peak(url: str, data: dict, args, redis_url: str) -> dict:
    """The morning peak on a fresh server with the production limits; lost writes checked."""
    port = free_port()
    server = start_server(url, data["ids"], port, args.workers, redis_url, "production")
    base = f"http://127.0.0.1:{port}"
    try:
        warm_up(port, data["qr_codes"][0], 4 * args.workers)
        rss_start = worker_rss_mb(server.pid)
        before = count_rows(url)
        result = citizen_peak.run_surge(
            base,
            data["kiosk_tokens"],
            data["qr_codes"],
            qr_citizens=args.qr_citizens,
            seconds=args.peak_seconds,
            ramp=args.ramp,
            kiosk_every=args.kiosk_every,
        )
        rss_end = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    keys = result.pop("acked_keys")
    acked = [k for values in keys.values() for k in values]
    result["lost"] = len(acked) - len(stored_keys(url, acked))
    result["stored"] = count_rows(url) - before
    result["stored_not_acked"] = max(0, result["stored"] - len(acked))
    result["worker_rss_mb_start"], result["worker_rss_mb_end"] = rss_start, rss_end
    return result


def run_database(kind: str, url: str, args, redis_url: str) -> dict:
    data = prepare(url, args.kiosks)
    out: dict = {"database": kind, "limits": "redis" if redis_url else "memory"}
    if args.scenario in ("ratio", "all"):
        port = free_port()
        server = start_server(url, data["ids"], port, args.workers, redis_url, "bench")
        try:
            out["ratio"] = measure_ratio(url, port, str(data["ids"]["code"]), args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.scenario in ("peak", "all"):
        out["peak"] = measure_peak(url, data, args, redis_url)
    return out


def report(r: dict, workers: int) -> bool:
    """Print one database's figures; True if every target was met."""
    ok = True
    print(f"database: {r['database']}, rate limits in {r['limits']}, gunicorn workers: {workers}")
    if "ratio" in r:
        q = r["ratio"]
        print(
            f"  bare insert : {q['bare_stored']:5d} stored in {q['bare_s']:6.2f} s = "
            f"{q['bare_per_s']:7.1f} /s"
        )
        print(
            f"  survey path : {q['real_stored']:5d} stored in {q['real_s']:6.2f} s = "
            f"{q['real_per_s']:7.1f} /s ({q['refused']} refused)"
        )
        print(
            f"  ratio       : {q['ratio']:.0%} (target ≥ 50 %), clients {q['clients']}, "
            f"rounds {q['rounds']}"
        )
        print(f"  lost        : {q['lost']} (201 answered but no row stored, or the reverse)")
        ok &= q["lost"] == 0 and q["refused"] == 0 and q["ratio"] >= 0.5
    if "peak" in r:
        p = r["peak"]
        print(
            f"  morning peak: {p['kiosks']} kiosks, {p['qr_citizens']} QR citizens within "
            f"{p['ramp_s']:.0f} s, {p['elapsed_s']} s: {p['requests']} requests, "
            f"{p['requests_per_s']}/s"
        )
        print(
            f"    p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, p99 {p['p99_ms']} ms; "
            f"errors {p['errors']}, gave up {p['gave_up']}, unsent {p['unsent']}"
        )
        for kind, figures in p["by_kind"].items():
            print(f"    {kind:13} {figures}  statuses {p['statuses'][kind]}")
        print(
            f"    acknowledged {p['acked']}, stored {p['stored']}, lost {p['lost']}, "
            f"flagged as bursts {p['flagged']}"
        )
        print(
            f"    worker memory MB: start {p['worker_rss_mb_start']}, "
            f"end {p['worker_rss_mb_end']}; load generator late p95 "
            f"{p['scheduler_late_ms']['p95_ms']} ms"
        )
        ok &= p["lost"] == 0 and p["errors"] == 0 and p["gave_up"] == 0
    return ok


def table_line(r: dict, load: str) -> str:
    """A row for the citizen table of bench/README.md."""
    q, p = r.get("ratio", {}), r.get("peak", {})
    cells = [time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load, r["database"]]
    cells += (
        [f"{q['real_per_s']} / {q['bare_per_s']} = {q['ratio']:.0%}", str(q["lost"])]
        if q
        else ["—", "—"]
    )
    if p:
        start, end = p["worker_rss_mb_start"], p["worker_rss_mb_end"]
        memory = "/".join(f"{m:.0f}" for m in start) + " → " + "/".join(f"{m:.0f}" for m in end)
        cells += [
            f"{p['kiosks']} + {p['qr_citizens']} in {p['ramp_s']:.0f} s",
            str(p["requests_per_s"]),
            f"{p['p50_ms']:.0f} / {p['p95_ms']:.0f} / {p['p99_ms']:.0f} ms",
            str(p["errors"]),
            str(p["lost"]),
            memory,
        ]
    else:
        cells += ["—"] * 6
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("ratio", "peak", "all"), default="all")
    parser.add_argument("--databases", default="sqlite", help="sqlite,postgresql")
    parser.add_argument("--database-url", default="", help="instead of --databases")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--qr-citizens", type=int, default=300)
    parser.add_argument("--peak-seconds", type=float, default=60.0)
    parser.add_argument("--ramp", type=float, default=40.0)
    parser.add_argument("--kiosk-every", type=float, default=15.0)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        help='rate-limit storage; "none" for per-process memory',
    )
    args = parser.parse_args(argv)
    redis_url = redis_or_memory(args.redis_url)
    targets = [("custom", args.database_url)] if args.database_url else []
    for kind in [] if targets else args.databases.split(","):
        if kind == "sqlite":
            folder = tempfile.mkdtemp(prefix="citizen-surge-")
            targets.append((kind, f"sqlite:///{folder}/surge.sqlite3"))
        else:
            targets.append((kind, postgres_bench_url(PG_BASE, PG_DATABASE)))
    results, ok = [], True
    for kind, url in targets:
        load = "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        r = run_database(kind if kind != "custom" else url.split(":")[0], url, args, redis_url)
        r["load_average_before"] = load
        results.append(r)
        ok &= report(r, args.workers)
        print("  README row: " + table_line(r, load))
    print(f"results: {save_result('citizen_surge', {'runs': results, 'args': vars(args)})}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
