"""A small open-loop load generator for the benchmarks: a scheduler that starts tasks at
given moments on a bounded thread pool (so thousands of users need no thousands of
threads), a keep-alive HTTP caller bound to its own loopback address, and a tally of
latencies and statuses per kind of request.
"""

from __future__ import annotations

import heapq
import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class Tally:
    """What the users saw; shared by every thread (under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    acked: dict[str, set[str]] = field(default_factory=dict)  # kind -> acknowledged keys
    gave_up: int = 0  # writes still unacknowledged after the last try
    unsent: int = 0  # tasks due after the deadline, never started
    flagged: int = 0
    late_ms: list[float] = field(default_factory=list)  # how late the scheduler started tasks

    def record(self, kind: str, status: int, ms: float) -> None:
        with self.lock:
            self.ms.setdefault(kind, []).append(ms)
            counts = self.statuses.setdefault(kind, {})
            counts[status] = counts.get(status, 0) + 1

    def ack(self, kind: str, key: str) -> None:
        with self.lock:
            self.acked.setdefault(kind, set()).add(key)


class Scheduler:
    """Runs ``fn`` at given moments on a bounded thread pool; stops at ``deadline``."""

    def __init__(self, threads: int, deadline: float, tally: Tally):
        self.pool = ThreadPoolExecutor(threads)
        self.deadline, self.tally = deadline, tally
        self.heap: list[tuple[float, int, bool, object]] = []
        self.cv = threading.Condition()
        self.count = 0
        self.running = 0

    def at(self, when: float, fn, *, counted: bool = True) -> bool:
        """Run ``fn`` at ``when`` (monotonic clock); False past the deadline, and then
        counted as unsent unless ``counted`` is False (e.g. a kiosk's next rating)."""
        with self.cv:
            if when >= self.deadline:
                self.tally.unsent += counted
                return False
            heapq.heappush(self.heap, (when, self.count, counted, fn))
            self.count += 1
            self.cv.notify()
            return True

    def _run(self, fn, due: float) -> None:
        self.tally.late_ms.append((time.monotonic() - due) * 1000)
        try:
            fn()
        finally:
            with self.cv:
                self.running -= 1
                self.cv.notify()

    def run(self) -> None:
        """Dispatch until the deadline, or until nothing is queued or running."""
        with self.cv:
            while self.heap or self.running:
                now = time.monotonic()
                if now >= self.deadline:
                    self.tally.unsent += sum(task[2] for task in self.heap)
                    break
                if self.heap and self.heap[0][0] <= now:
                    due, _n, _counted, fn = heapq.heappop(self.heap)
                    self.running += 1
                    self.pool.submit(self._run, fn, due)
                    continue
                wait = self.heap[0][0] - now if self.heap else 0.5
                self.cv.wait(min(wait, self.deadline - now))
        self.pool.shutdown(wait=True)


class Caller:
    """One client's connection from its own loopback address (reconnects when closed)."""

    def __init__(self, host: str, port: int, source: str, headers: dict[str, str] | None = None):
        self.host, self.port, self.source = host, port, source
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        """(status, JSON body, milliseconds); status 0 when the connection failed.

        A kept-alive connection the server closed meanwhile is replaced and the request
        sent once more, as browsers do (the writes sent here carry idempotency keys).
        """
        start = time.perf_counter()
        for reused in (self.conn is not None, False):
            try:
                status, raw = self._send(method, path, body)
                break
            except (http.client.HTTPException, OSError):
                self.close()
                if not reused:
                    return 0, {}, (time.perf_counter() - start) * 1000
        try:
            reply = json.loads(raw or b"{}")
        except ValueError:
            reply = {}
        return status, reply, (time.perf_counter() - start) * 1000

    def _send(self, method: str, path: str, body: dict | None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=60, source_address=(self.source, 0)
            )
        data = json.dumps(body) if body is not None else None
        self.conn.request(method, path, data, self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None
