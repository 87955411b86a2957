"""Citizen surge: responses stored per second through gunicorn on loopback.

Runs, in one go and on one fresh database: the real path (``POST /api/v1/public/responses``
from a QR channel: validation, idempotency key, rate limits, burst detector) and a bare
insert endpoint writing the same rows with no checks. Prints both rates and their ratio
(target: at least 50 %), and counts the rows afterwards: every 201 must be a stored
response, and nothing may be lost. Bounded: a fixed number of requests and a time limit.

    .venv/bin/python -m bench.citizen_surge [--requests 1500] [--clients 16] [--workers 2]

Uses SQLite in a temporary folder unless ``--database-url`` (e.g. PostgreSQL) is given.
Exit status 1 if a response was lost or the ratio is under the target.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.harness import free_port, start_gunicorn

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 300  # seconds for the whole run


def prepare(url: str) -> dict[str, int | str]:
    """Schema, demo province and survey data; the ids the two endpoints need."""
    import sqlalchemy as sa

    from app import create_app
    from app.cli.demo import load_demo
    from app.config import Config
    from app.extensions import db
    from app.models import SurveyQuestion
    from app.surveys.demo import load_demo_surveys
    from app.surveys.submit import public_channel

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo(with_bank=False)
        demo = load_demo_surveys()
        db.session.commit()
        code = dict(demo.qr)["ST-LH"]
        channel = public_channel(code)
        version = channel.questionnaire.versions[-1]
        keys = dict(
            db.session.execute(
                sa.select(SurveyQuestion.key, SurveyQuestion.id).where(
                    SurveyQuestion.version_id == version.id
                )
            ).all()
        )
        return {
            "code": code,
            "channel": channel.id,
            "unit": channel.unit_id,
            "version": version.id,
            "q1": keys["officer_rating"],
            "q2": keys["overall"],
        }


def count_rows(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM survey_responses")).scalar_one()
    engine.dispose()
    return n


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


def start_server(url: str, ids: dict, port: int, workers: int, redis_url: str):
    env = {
        "DATABASE_URL": url,
        "BENCH_IDS": ",".join(f"{k}={v}" for k, v in ids.items() if k != "code"),
        "REDIS_URL": redis_url,
    }
    return start_gunicorn("bench.citizen_app:app", port, env, workers=workers)


def _client(port: int, path: str, bodies: list[dict], deadline: float) -> list[int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    statuses = []
    for body in bodies:
        if time.monotonic() > deadline:
            break
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    conn.close()
    return statuses


def surge(port: int, path: str, bodies: list[dict], clients: int) -> tuple[float, list[int]]:
    """Send ``bodies`` over ``clients`` keep-alive connections; (seconds, statuses)."""
    chunks = [bodies[i::clients] for i in range(clients)]
    deadline = time.monotonic() + TIME_LIMIT / 2
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda c: _client(port, path, c, deadline), chunks))
    return time.perf_counter() - start, [s for r in results for s in r]


def _bodies(code: str, n: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    real, bare = [], []
    for _ in range(n):
        a, b = rng.randint(1, 5), rng.randint(1, 5)
        real.append(
            {
                "channel_code": code,
                "idempotency_key": f"{rng.getrandbits(128):032x}",
                "answers": {"officer_rating": a, "overall": b},
            }
        )
        bare.append({"a": a, "b": b})
    return real, bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        help='rate-limit storage; "none" for per-process memory',
    )
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="citizen-surge-")
    url = args.database_url or f"sqlite:///{folder}/surge.sqlite3"
    ids = prepare(url)
    port = free_port()
    redis_url = redis_or_memory(args.redis_url)
    server = start_server(url, ids, port, args.workers, redis_url)
    rounds = max(1, args.rounds)
    try:
        real, bare = _bodies(str(ids["code"]), args.requests + 50, random.Random(1354))
        surge(port, "/bench/bare", bare[:50], 4)  # warm-up both paths (not counted)
        surge(port, "/api/v1/public/responses", real[:50], 4)
        real, bare = real[50:], bare[50:]
        totals = {"bare": [0.0, []], "real": [0.0, []]}
        stored = {"bare": 0, "real": 0}
        # alternate the two in rounds, so a busy moment of the machine hits both alike
        for index in range(rounds):
            part = slice(index * len(real) // rounds, (index + 1) * len(real) // rounds)
            for name, path, bodies in (
                ("bare", "/bench/bare", bare[part]),
                ("real", "/api/v1/public/responses", real[part]),
            ):
                before = count_rows(url)
                seconds, statuses = surge(port, path, bodies, args.clients)
                stored[name] += count_rows(url) - before
                totals[name][0] += seconds
                totals[name][1] += statuses
    finally:
        server.terminate()
        server.wait(timeout=30)
    (bare_s, bare_st), (real_s, real_st) = totals["bare"], totals["real"]
    bare_ok, real_ok = bare_st.count(201), real_st.count(201)
    bare_rate, real_rate = bare_ok / bare_s, real_ok / real_s
    lost = abs(bare_ok - stored["bare"]) + abs(real_ok - stored["real"])
    failed = len(real_st) - real_ok
    ratio = real_rate / bare_rate if bare_rate else 0.0
    limits = "redis" if redis_url else "memory"
    print(
        f"database: {url.split(':')[0]}, rate limits in {limits}, gunicorn workers: "
        f"{args.workers}, clients: {args.clients}, rounds: {rounds}"
    )
    print(f"bare insert : {bare_ok:5d} stored in {bare_s:6.2f} s = {bare_rate:7.1f} /s")
    print(
        f"survey path : {real_ok:5d} stored in {real_s:6.2f} s = {real_rate:7.1f} /s"
        f" ({failed} refused)"
    )
    print(f"ratio       : {ratio:.0%} (target ≥ 50 %)")
    print(f"lost        : {lost} (201 answered but no row stored, or the reverse)")
    return 0 if lost == 0 and failed == 0 and ratio >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
