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

    .venv/bin/python -m bench.exam_day                       # quick: 100 officers, 2 s think
    .venv/bin/python -m bench.exam_day --officers 2000 --think 20 --ramp 300   # the target

Exit status 1 if an answer was lost, the ratio is under 50 %, or (for runs of at least
1,000 officers) p95 is 300 ms or more.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.harness import (
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
    from app.auth.services import issue_token
    from app.cli.demo import load_demo
    from app.config import Config
    from app.extensions import db
    from app.models import Account, ExamCandidate, Person, Role, RoleGrant, Unit
    from app.text import fold

    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_demo()
        db.session.commit()
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-LH"))
        exam_id = db.session.scalar(sa.text("SELECT min(id) FROM exams"))
        tokens = []
        for n in range(officers):
            name = f"Cán bộ Thử {n:05d}"
            person = Person(
                full_name=name,
                name_fold=fold(name),
                sort_key=name,
                unit_id=unit.id,
                staff_code=f"B{n:05d}",
                position="Công chức một cửa",
            )
            account = Account(username=f"bench{n:05d}", person=person, must_change_password=False)
            db.session.add_all([person, account])
            db.session.flush()
            db.session.add(RoleGrant(account_id=account.id, role=Role.STAFF, unit_id=unit.id))
            db.session.add(ExamCandidate(exam_id=exam_id, person_id=person.id))
            tokens.append(issue_token(account, name="bench")[0])
        db.session.commit()
        db.engine.dispose()
    return exam_id, tokens


class Client:
    """One officer's keep-alive connection to the server (reconnects when it is closed)."""

    def __init__(self, port: int, token: str):
        self.port, self.headers = (
            port,
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            },
        )
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                start = time.perf_counter()
                self.conn.request(method, path, json.dumps(body or {}), self.headers)
                response = self.conn.getresponse()
                data = response.read()
                ms = (time.perf_counter() - start) * 1000
                try:
                    body = json.loads(data or b"{}")
                except ValueError:
                    body = {"raw": data[:200].decode(errors="replace")}
                return response.status, body, ms
            except (http.client.HTTPException, OSError):
                self.conn = None  # a closed keep-alive connection: retry on a fresh one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def response_for(q: dict):
    if q.get("prompts"):
        return {p["id"]: q["choices"][0]["id"] for p in q["prompts"]}
    if q.get("multiple"):
        return [q["options"][0]["id"]]
    if q.get("options"):
        return random.choice(q["options"])["id"]
    return 2 if q["type"] == "numerical" else "trả lời"


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.save_ms: list[float] = []
        self.start_ms: list[float] = []
        self.errors: dict[str, int] = {}
        self.acked: list[tuple[int, int, object]] = []  # (attempt, seq, response)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def officer(port: int, token: str, exam_id: int, think: float, delay: float, tally: Tally):
    """Start, answer every question after some thought, finish."""
    time.sleep(delay)
    client = Client(port, token)
    status, body, ms = client.call("POST", f"/api/v1/exams/{exam_id}/attempts")
    with tally.lock:
        tally.start_ms.append(ms)
    if status not in (200, 201):
        return tally.error(f"start {status}")
    attempt, seq = body["attempt_id"], body["seq"]
    for q in body["questions"]:
        time.sleep(think * random.uniform(0.5, 1.5))
        response = response_for(q)
        path = f"/api/v1/attempts/{attempt}/answers/{q['item_id']}"
        status, saved, ms = client.call("PUT", path, {"response": response, "seq": seq})
        with tally.lock:
            tally.save_ms.append(ms)
        if status != 200:
            tally.error(f"save {status}")
            continue
        seq = saved["seq"]
        with tally.lock:
            tally.acked.append((attempt, seq, response))
    status, _body, _ms = client.call("POST", f"/api/v1/attempts/{attempt}/finish", {"seq": seq})
    if status != 200:
        tally.error(f"finish {status}")
    return None


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


def closed_loop(port: int, tokens: list[str], exam_id: int, seconds: float) -> dict[str, float]:
    """Saves/s and bare inserts/s, alternating in rounds, each client on its own attempt."""
    clients = [Client(port, t) for t in tokens]
    attempts = []
    for c in clients:
        _s, body, _ms = c.call("POST", f"/api/v1/exams/{exam_id}/attempts")
        attempts.append([body["attempt_id"], body["seq"], body["questions"]])
    counts = {"save": 0, "bare": 0}
    spent = {"save": 0.0, "bare": 0.0}

    def run(kind: str, index: int, until: float) -> int:
        c, done = clients[index], 0
        state = attempts[index]
        while time.monotonic() < until:
            if kind == "bare":
                status, _b, _ms = c.call("POST", "/bench/bare")
            else:
                q = state[2][done % len(state[2])]
                path = f"/api/v1/attempts/{state[0]}/answers/{q['item_id']}"
                status, body, _ms = c.call(
                    "PUT", path, {"response": response_for(q), "seq": state[1]}
                )
                if status == 200:
                    state[1] = body["seq"]
            done += status in (200, 201)
        return done

    rounds = 4
    for _ in range(rounds):
        for kind in ("bare", "save"):
            start = time.monotonic()
            until = start + seconds / rounds / 2
            with ThreadPoolExecutor(len(clients)) as pool:
                counts[kind] += sum(
                    pool.map(lambda i, k=kind, u=until: run(k, i, u), range(len(clients)))
                )
            spent[kind] += time.monotonic() - start
    bare, save = counts["bare"] / spent["bare"], counts["save"] / spent["save"]
    return {
        "bare_per_s": round(bare, 1),
        "save_per_s": round(save, 1),
        "ratio": round(save / bare, 3),
    }


def run_database(kind: str, url: str, args) -> dict:
    loop_tokens = args.clients
    exam_id, tokens = prepare(url, args.officers + loop_tokens)
    port = free_port()
    server = start_gunicorn("bench.exam_app:app", port, {"DATABASE_URL": url}, workers=args.workers)
    try:
        throughput = closed_loop(port, tokens[:loop_tokens], exam_id, args.loop_seconds)
        rss_start = worker_rss_mb(server.pid)  # warm: after imports and first queries
        tally = Tally()
        started = time.monotonic()
        rng = random.Random(1354)
        with ThreadPoolExecutor(args.officers) as pool:
            for token in tokens[loop_tokens:]:
                pool.submit(
                    officer, port, token, exam_id, args.think, rng.uniform(0, args.ramp), tally
                )
        elapsed = time.monotonic() - started
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
    args = parser.parse_args(argv)
    results, ok = [], True
    for kind in args.databases.split(","):
        if kind == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='exam-day-')}/bench.sqlite3"
        else:
            url = postgres_bench_url(PG_BASE)
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
        memory = f"start {r['worker_rss_mb_start']}, end {r['worker_rss_mb_end']}"
        print(f"{'':10} worker memory MB (after warm-up): {memory}")
        ok &= r["lost_answers"] == 0 and r["ratio"] >= 0.5 and not r["errors"]
        if args.officers >= 1000:
            ok &= r["p95_ms"] < 300
    print(f"results: {save_result('exam_day', {'runs': results})}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
