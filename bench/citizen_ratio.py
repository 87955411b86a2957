"""The citizen surge's ratio: the real submission path against a bare insert of the same
rows, closed loop through gunicorn, alternating in rounds (``bench/citizen_surge.py``).

Each round sends its share of requests over ``--clients`` keep-alive connections, first to
the bare endpoint, then to the real one, and counts the rows before and after, so every
201 is checked against a stored row. Bounded by the request count and a time limit.
"""

from __future__ import annotations

import http.client
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor

from bench.citizen_setup import count_rows

TIME_LIMIT = 300  # seconds for the whole measurement
REAL = "/api/v1/public/responses"
BARE = "/bench/bare"


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


def measure_ratio(url: str, port: int, code: str, args) -> dict:
    """Real and bare rates, their ratio, refusals and lost rows (``count_rows`` before and
    after each round: a 201 without its row, or a row without its 201, is lost)."""
    rounds = max(1, args.rounds)
    real, bare = _bodies(code, args.requests + 50, random.Random(1354))
    surge(port, BARE, bare[:50], 4)  # warm-up both paths (not counted)
    surge(port, REAL, real[:50], 4)
    real, bare = real[50:], bare[50:]
    totals: dict[str, list] = {"bare": [0.0, []], "real": [0.0, []]}
    stored = {"bare": 0, "real": 0}
    # alternate the two in rounds, so a busy moment of the machine hits both alike
    for index in range(rounds):
        part = slice(index * len(real) // rounds, (index + 1) * len(real) // rounds)
        for name, path, bodies in (("bare", BARE, bare[part]), ("real", REAL, real[part])):
            before = count_rows(url)
            seconds, statuses = surge(port, path, bodies, args.clients)
            stored[name] += count_rows(url) - before
            totals[name][0] += seconds
            totals[name][1] += statuses
    (bare_s, bare_st), (real_s, real_st) = totals["bare"], totals["real"]
    bare_ok, real_ok = bare_st.count(201), real_st.count(201)
    bare_rate, real_rate = bare_ok / bare_s, real_ok / real_s
    return {
        "requests": args.requests,
        "clients": args.clients,
        "rounds": rounds,
        "bare_stored": bare_ok,
        "bare_s": round(bare_s, 2),
        "bare_per_s": round(bare_rate, 1),
        "real_stored": real_ok,
        "real_s": round(real_s, 2),
        "real_per_s": round(real_rate, 1),
        "refused": len(real_st) - real_ok,
        "ratio": round(real_rate / bare_rate, 3) if bare_rate else 0.0,
        "lost": abs(bare_ok - stored["bare"]) + abs(real_ok - stored["real"]),
    }
