"""A mixed load on one server, in threads: officers taking the exam, citizens rating at
kiosks and by QR, HR and analytics pages being read. Shared by ``bench/soak.py`` and the
fault scenarios.

Every virtual user behaves as the real clients do when something breaks: a request that
got no answer, or a 5xx, is sent again (same ``seq``, same idempotency key) with a growing
pause, for up to ``retry_s`` seconds. A save whose retry is refused as stale is checked
against the attempt: if the first send was applied, the answer is there and the client
carries on. What the server acknowledged goes into ``Tally.acked`` for the checks in
``population.check_writes``.
"""

from __future__ import annotations

import http.client
import json
import queue
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.faults.population import Acked, Population
from bench.harness import latency_summary

RETRY_STATUSES = {500, 502, 503, 504}
PAGES = (
    "/analytics/",
    "/analytics/pass-rates",
    "/analytics/satisfaction",
    "/analytics/exams/{exam}/items",
    "/hr/verdicts",
    "/hr/commendations",
)


@dataclass
class Tally:
    """Every request's kind, status and latency; what was acknowledged."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter] = field(default_factory=dict)
    events: list[tuple[float, str, bool]] = field(default_factory=list)  # (t, kind, ok)
    retries: Counter = field(default_factory=Counter)
    gave_up: Counter = field(default_factory=Counter)
    stale_resends: Counter = field(default_factory=Counter)  # see Http.send
    unexpected: Counter = field(default_factory=Counter)  # final answers that are not success
    confirmed_after_retry: int = 0  # a save applied although its answer never arrived
    acked: Acked = field(default_factory=Acked)

    def record(self, kind: str, status: int | None, ms: float) -> None:
        ok = status is not None and status < 500
        with self.lock:
            self.statuses.setdefault(kind, Counter())[str(status or "no answer")] += 1
            if status is not None:
                self.ms.setdefault(kind, []).append(ms)
            self.events.append((time.monotonic(), kind, ok))

    def count(self, counter: Counter, key: str) -> None:
        with self.lock:
            counter[key] += 1

    def summary(self, seconds: float) -> dict:
        total = sum(sum(c.values()) for c in self.statuses.values())
        kinds = {
            kind: {
                "requests": sum(self.statuses[kind].values()),
                **latency_summary(self.ms.get(kind, [])),
                "statuses": dict(self.statuses[kind]),
            }
            for kind in sorted(self.statuses)
        }
        return {
            "requests": total,
            "requests_per_s": round(total / seconds, 1) if seconds else 0.0,
            "kinds": kinds,
            "server_errors": sum(
                n
                for c in self.statuses.values()
                for s, n in c.items()
                if not s[0].isdigit() or int(s) >= 500
            ),
            "retries": dict(self.retries),
            "gave_up": dict(self.gave_up),
            "stale_keepalive_resends": dict(self.stale_resends),
            "unexpected": dict(self.unexpected),
            "confirmed_after_retry": self.confirmed_after_retry,
        }

    def failures_between(self, start: float, end: float, kind: str | None = None) -> int:
        return sum(
            1 for t, k, ok in self.events if start <= t < end and not ok and kind in (None, k)
        )

    def successes_between(self, start: float, end: float, kind: str | None = None) -> int:
        return sum(1 for t, k, ok in self.events if start <= t < end and ok and kind in (None, k))

    def last_failure(self) -> float | None:
        return max((t for t, _k, ok in self.events if not ok), default=None)


IDLE_S = 1.5  # gunicorn closes a keep-alive connection idle for 2 s
STALE_S = 1.0  # idle this long, a connection the server drops was dropped for idleness
CLOSED_BY_SERVER = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Http:
    """One keep-alive connection; a transport error closes it and is raised."""

    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port, self.headers = port, headers or {}
        self.conn: http.client.HTTPConnection | None = None
        self.used = 0.0
        self.stale_resends = 0

    def send(self, method: str, path: str, body=None, headers=None) -> tuple[int, object]:
        sent = {**self.headers, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body)
            sent["Content-Type"] = "application/json"
        idle = time.monotonic() - self.used
        if idle > IDLE_S:
            self.close()  # the server may be closing it right now: not a fault to count
        reused = self.conn is not None and idle > STALE_S
        try:
            return self._exchange(method, path, data, sent)
        except CLOSED_BY_SERVER:
            if not reused:
                raise
        # A keep-alive connection the server closed as idle just as we sent on it (a late
        # thread on a busy machine): the request was never read. Resend once, uncounted.
        self.stale_resends += 1
        return self._exchange(method, path, data, sent)

    def _exchange(self, method: str, path: str, data, sent) -> tuple[int, object]:
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, data, sent)
            response = self.conn.getresponse()
            raw = response.read()
            self.used = time.monotonic()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if "json" in (response.getheader("Content-Type") or ""):
            return response.status, json.loads(raw or b"null")
        return response.status, raw

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Caller:
    """A virtual user's connection with the clients' retry policy."""

    def __init__(self, port: int, tally: Tally, retry_s: float, headers=None):
        self.http, self.tally, self.retry_s = Http(port, headers), tally, retry_s
        self.retried = False  # whether the last call needed more than one send

    def call(self, kind: str, method: str, path: str, body=None, headers=None):
        """(status, body) of the first answer that is not a 5xx; (None, None) on giving up."""
        give_up_at, pause = time.monotonic() + self.retry_s, 0.1
        self.retried = False
        while True:
            start, stale = time.perf_counter(), self.http.stale_resends
            try:
                status, data = self.http.send(method, path, body, headers)
            except (OSError, http.client.HTTPException):
                status, data = None, None
            if self.http.stale_resends != stale:
                self.tally.count(self.tally.stale_resends, kind)
            self.tally.record(kind, status, (time.perf_counter() - start) * 1000)
            if status is not None and status not in RETRY_STATUSES:
                return status, data
            if time.monotonic() + pause > give_up_at:
                self.tally.count(self.tally.gave_up, kind)
                return None, None
            self.retried = True
            self.tally.count(self.tally.retries, kind)
            time.sleep(pause * random.uniform(0.5, 1.5))
            pause = min(2.0, pause * 2)


@dataclass
class Run:
    """What every virtual user of one run shares."""

    port: int
    population: Population
    tally: Tally
    stop: threading.Event
    think_s: float = 2.0
    retry_s: float = 60.0
    tokens: queue.Queue = field(default_factory=queue.Queue)

    def pause(self, mean: float) -> bool:
        """Think for about ``mean`` seconds; False when the run is over."""
        return not self.stop.wait(mean * random.uniform(0.5, 1.5))

    def caller(self, headers=None) -> Caller:
        return Caller(self.port, self.tally, self.retry_s, headers)
