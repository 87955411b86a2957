"""The exam-day load generator: simulated officers as asyncio tasks over aiohttp.

One process, one event loop, however many officers: 2,000 officers thinking 20 s between
answers cost the client a few percent of one core, where 2,000 Python threads competed
with the server for the same two cores. The loop's own lag (how late a 50 ms timer fires)
and the client's CPU time are reported with the figures, so a run shows whether the
generator kept up.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field

import aiohttp

RETRIES = 3  # a keep-alive connection the server closed just then: send again on a new one


class Client:
    """One officer's view of the server: its bearer token over the shared connection pool."""

    def __init__(self, session: aiohttp.ClientSession, port: int, token: str):
        self.session, self.base = session, f"http://127.0.0.1:{port}"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def call(self, method: str, path: str, body: dict | None = None):
        """(status, JSON body, milliseconds); status 0 when no attempt reached the server."""
        payload = json.dumps(body or {})
        for attempt in range(RETRIES):
            start = time.perf_counter()
            try:
                async with self.session.request(
                    method, self.base + path, data=payload, headers=self.headers
                ) as response:
                    data = await response.read()
                    ms = (time.perf_counter() - start) * 1000
                    return response.status, _json(data), ms
            except (aiohttp.ClientConnectionError, TimeoutError):
                if attempt == RETRIES - 1:
                    return 0, {}, (time.perf_counter() - start) * 1000
        raise AssertionError("unreachable")


def _json(data: bytes) -> dict:
    try:
        return json.loads(data or b"{}")
    except ValueError:
        return {"raw": data[:200].decode(errors="replace")}


def session(connections: int = 0) -> aiohttp.ClientSession:
    """A pool of keep-alive connections, dropped after 1.5 s idle (gunicorn closes them
    after 2 s, and a request sent on a connection being closed would have to be retried)."""
    connector = aiohttp.TCPConnector(limit=connections, keepalive_timeout=1.5)
    timeout = aiohttp.ClientTimeout(total=120)
    return aiohttp.ClientSession(connector=connector, timeout=timeout)


def response_for(q: dict):
    if q.get("prompts"):
        return {p["id"]: q["choices"][0]["id"] for p in q["prompts"]}
    if q.get("multiple"):
        return [q["options"][0]["id"]]
    if q.get("options"):
        return random.choice(q["options"])["id"]
    return 2 if q["type"] == "numerical" else "trả lời"


@dataclass
class Tally:
    save_ms: list[float] = field(default_factory=list)
    start_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    acked: list[tuple[int, int, object]] = field(default_factory=list)  # (attempt, seq, resp)
    lag_ms: list[float] = field(default_factory=list)  # event-loop lag of the generator

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def officer(client: Client, exam_id: int, think: float, delay: float, tally: Tally):
    """Start, answer every question after some thought, finish."""
    await asyncio.sleep(delay)
    status, body, ms = await client.call("POST", f"/api/v1/exams/{exam_id}/attempts")
    tally.start_ms.append(ms)
    if status not in (200, 201):
        return tally.error(f"start {status}")
    attempt, seq = body["attempt_id"], body["seq"]
    for q in body["questions"]:
        await asyncio.sleep(think * random.uniform(0.5, 1.5))
        response = response_for(q)
        path = f"/api/v1/attempts/{attempt}/answers/{q['item_id']}"
        status, saved, ms = await client.call("PUT", path, {"response": response, "seq": seq})
        tally.save_ms.append(ms)
        if status != 200:
            tally.error(f"save {status}")
            continue
        seq = saved["seq"]
        tally.acked.append((attempt, seq, response))
    status, _body, _ms = await client.call(
        "POST", f"/api/v1/attempts/{attempt}/finish", {"seq": seq}
    )
    if status != 200:
        tally.error(f"finish {status}")
    return None


async def _watch_lag(tally: Tally, stop: asyncio.Event, every: float = 0.05) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(every)
        tally.lag_ms.append((time.perf_counter() - before - every) * 1000)


async def exam_day(port: int, tokens: list[str], exam_id: int, think: float, ramp: float):
    """Every officer starts at a random moment within ``ramp`` seconds; returns the Tally."""
    tally, rng, stop = Tally(), random.Random(1354), asyncio.Event()
    async with session() as http:
        watcher = asyncio.create_task(_watch_lag(tally, stop))
        await asyncio.gather(
            *(
                officer(Client(http, port, t), exam_id, think, rng.uniform(0, ramp), tally)
                for t in tokens
            )
        )
        stop.set()
        await watcher
    return tally


async def closed_loop(port: int, tokens: list[str], exam_id: int, seconds: float) -> dict:
    """Saves/s and bare inserts/s, alternating in rounds, each client on its own attempt
    and its own connection, sending its next request as soon as the last one answered."""
    counts, spent = {"save": 0, "bare": 0}, {"save": 0.0, "bare": 0.0}
    async with session(len(tokens)) as http:
        clients = [Client(http, port, t) for t in tokens]
        states = []
        for c in clients:
            _s, body, _ms = await c.call("POST", f"/api/v1/exams/{exam_id}/attempts")
            states.append([body["attempt_id"], body["seq"], body["questions"]])
        for _ in range(4):
            for kind in ("bare", "save"):
                start = time.monotonic()
                until = start + seconds / 8
                done = await asyncio.gather(
                    *(_loop(kind, c, s, until) for c, s in zip(clients, states, strict=True))
                )
                counts[kind] += sum(done)
                spent[kind] += time.monotonic() - start
    bare, save = counts["bare"] / spent["bare"], counts["save"] / spent["save"]
    return {
        "bare_per_s": round(bare, 1),
        "save_per_s": round(save, 1),
        "ratio": round(save / bare, 3),
    }


async def _loop(kind: str, client: Client, state: list, until: float) -> int:
    done = 0
    while time.monotonic() < until:
        if kind == "bare":
            status, _b, _ms = await client.call("POST", "/bench/bare")
        else:
            q = state[2][done % len(state[2])]
            path = f"/api/v1/attempts/{state[0]}/answers/{q['item_id']}"
            body = {"response": response_for(q), "seq": state[1]}
            status, saved, _ms = await client.call("PUT", path, body)
            if status == 200:
                state[1] = saved["seq"]
        done += status in (200, 201)
    return done
