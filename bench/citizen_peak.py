"""The citizens' morning peak against a running server: kiosks at the counters and QR
submissions from many phones arriving in a burst. A library (``run_surge``) used by
``bench/citizen_surge.py`` and by the soak and fault scenarios.

- **Kiosks**: each kiosk (its own device token, one keep-alive connection, its own
  loopback address) sends a rating every ``kiosk_every`` seconds (±50 %), with the short
  form answered and an idempotency key; a refused "too soon" (the minimum interval) or a
  network error or 5xx is retried with the same key after a pause, as ``kiosk.js`` does.
- **QR citizens**: ``qr_citizens`` phones, each from its **own network address**
  (127.x.y.z: Linux routes all of 127/8 to the loopback, so the per-address limits
  meet distinct addresses as in production), arriving within ``ramp`` seconds with a
  peak in the middle; each loads the questionnaire (``GET``), thinks a few seconds,
  answers the full form and submits once (retried with the same key on errors).

Bounded: every user stops at ``seconds`` from the start (QR citizens all arrive within
``ramp``, which is at most ``seconds``). Counts requests per second, p50/p95/p99 per kind
of request, errors by status, and the idempotency keys acknowledged (201 or 200
"duplicate"), so the caller can check none was lost.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.harness import latency_summary
from bench.loadgen import Caller, Scheduler, Tally

SUBMIT = "/api/v1/public/responses"
RETRY_PAUSE = 2.0  # seconds before a refused or failed submission is sent again
MAX_TRIES = 6


def answer(questionnaire: dict, rng: random.Random) -> dict:
    """A plausible citizen's answers to every question shown (follow-ups when they apply)."""
    given: dict = {}
    for section in questionnaire["sections"]:
        for q in section["questions"]:
            if not _shown(q.get("condition"), given):
                continue
            value = _value(q, rng)
            if value is not None:
                given[q["key"]] = value
    return given


def _shown(cond: dict | None, given: dict) -> bool:
    if not cond:
        return True
    value = given.get(cond["question"])
    if value is None:
        return False
    if "in" in cond:
        values = value if isinstance(value, list) else [value]
        return any(str(v) in {str(c) for c in cond["in"]} for v in values)
    return cond.get("min", value) <= value <= cond.get("max", value)


def _value(q: dict, rng: random.Random):
    kind = q["type"]
    if kind == "scale5":
        return rng.choices([1, 2, 3, 4, 5], weights=[3, 5, 15, 42, 35])[0]
    if kind == "yes_no":
        return rng.choice(["yes", "no"])
    if kind == "single":
        return rng.choice(q["options"])["value"]
    if kind == "multi":
        return [rng.choice(q["options"])["value"]]
    if kind == "number":
        return rng.randint(q.get("min") or 0, min(q.get("max") or 0, 3))
    if q["required"] or rng.random() < 0.1:
        return "Cán bộ hướng dẫn nhiệt tình." if rng.random() < 0.7 else "Phải chờ lâu."
    return None


@dataclass
class Peak:
    """One morning peak in progress: where to send, what to count, when to stop."""

    host: str
    port: int
    scheduler: Scheduler
    tally: Tally
    seed: int = 1354

    def submit(self, kind: str, caller: Caller, body: dict, then=None, tries: int = 1) -> None:
        """Send one response; retry with the same key on "too soon", 5xx or no answer."""
        status, reply, ms = caller.call("POST", SUBMIT, body)
        self.tally.record(f"{kind}_submit", status, ms)
        if status in (200, 201):
            self.tally.ack(kind, body["idempotency_key"])
            with self.tally.lock:
                self.tally.flagged += bool(reply.get("flagged_for_review"))
        elif (status in (0, 429) or status >= 500) and tries < MAX_TRIES:
            retry = lambda: self.submit(kind, caller, body, then, tries + 1)  # noqa: E731
            return self.scheduler.at(time.monotonic() + RETRY_PAUSE * tries, retry)
        elif status not in (200, 201):
            with self.tally.lock:
                self.tally.gave_up += 1
        if then is not None:
            then()
        return None

    def kiosk(self, index: int, token: str, every: float) -> None:
        """Start kiosk ``index``: load its settings, then rate every ``every`` s (±50 %)."""
        rng = random.Random(self.seed * 1000 + index)
        caller = Caller(self.host, self.port, f"127.9.{index // 250}.{index % 250 + 1}")
        caller.headers["X-Device-Token"] = token
        status, settings, ms = caller.call("GET", "/api/v1/public/kiosk")
        self.tally.record("kiosk_get", status, ms)
        if status != 200:
            return

        def rate() -> None:
            form = settings["questionnaire"]  # the body kiosk.js sends
            body = {"channel_code": settings["channel_code"], "version_id": form["version_id"]}
            body["idempotency_key"] = f"{rng.getrandbits(96):024x}"
            body["answers"] = answer(form, rng)
            self.submit("kiosk", caller, body, then=next_rating)

        def next_rating() -> None:
            when = time.monotonic() + every * rng.uniform(0.5, 1.5)
            self.scheduler.at(when, rate, counted=False)

        next_rating()

    def qr_citizen(self, index: int, code: str, think: tuple[float, float]) -> None:
        """A phone from its own address: the questionnaire, some thought, one submission."""
        rng = random.Random(self.seed * 7919 + index)
        address = f"127.10.{index // 250}.{index % 250 + 1}"
        caller = Caller(self.host, self.port, address)
        status, form, ms = caller.call("GET", f"/api/v1/public/questionnaires/{code}")
        caller.close()  # a phone's next request comes after the citizen has read the form
        self.tally.record("qr_get", status, ms)
        if status != 200:
            return
        body = {"channel_code": code, "idempotency_key": f"{rng.getrandbits(96):024x}"}
        body["answers"] = answer(form, rng)
        send = lambda: self.submit("qr", Caller(self.host, self.port, address), body)  # noqa: E731
        self.scheduler.at(time.monotonic() + rng.uniform(*think), send)


def run_surge(
    base_url: str,
    kiosks: list[str],
    qr_codes: list[str],
    *,
    qr_citizens: int = 300,
    seconds: float = 60.0,
    ramp: float = 40.0,
    kiosk_every: float = 15.0,
    think: tuple[float, float] = (3.0, 12.0),
    threads: int = 48,
    seed: int = 1354,
) -> dict:
    """Run one morning peak against ``base_url`` (``http://127.0.0.1:PORT``).

    ``kiosks``: device tokens (one kiosk each); ``qr_codes``: QR channel codes the
    citizens are spread over. Returns the figures and, under ``acked_keys``, the
    idempotency keys acknowledged per kind (for the caller's lost-writes check).
    """
    split = urlsplit(base_url)
    tally = Tally()
    started = time.monotonic()
    scheduler = Scheduler(threads, started + seconds, tally)
    peak = Peak(split.hostname or "127.0.0.1", split.port or 80, scheduler, tally, seed)
    rng = random.Random(seed)
    for i, token in enumerate(kiosks):
        start = lambda i=i, t=token: peak.kiosk(i, t, kiosk_every)  # noqa: E731
        scheduler.at(started + rng.uniform(0, 2), start, counted=False)
    ramp = max(1.0, min(ramp, seconds - think[1] - RETRY_PAUSE))  # every citizen gets to submit
    for i in range(qr_citizens):
        when = started + rng.triangular(0, ramp, ramp / 2)
        code = qr_codes[i % len(qr_codes)]
        scheduler.at(when, lambda i=i, c=code: peak.qr_citizen(i, c, think))
    scheduler.run()
    return summary(tally, time.monotonic() - started, kiosks, qr_citizens, seconds, ramp)


def summary(tally: Tally, elapsed: float, kiosks: list, qr: int, seconds: float, ramp: float):
    """The figures of one peak (see ``run_surge``)."""
    requests = sum(len(v) for v in tally.ms.values())
    expected = {200, 201}
    errors = sum(
        n
        for kind, counts in tally.statuses.items()
        for status, n in counts.items()
        if status not in expected and not (kind == "kiosk_submit" and status == 429)
    )
    every = [ms for values in tally.ms.values() for ms in values]
    return {
        "kiosks": len(kiosks),
        "qr_citizens": qr,
        "seconds": seconds,
        "ramp_s": ramp,
        "elapsed_s": round(elapsed, 1),
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1) if elapsed else 0.0,
        **latency_summary(every),
        "by_kind": {k: {"n": len(v), **latency_summary(v)} for k, v in sorted(tally.ms.items())},
        "statuses": {k: dict(sorted(v.items())) for k, v in sorted(tally.statuses.items())},
        "errors": errors,  # any status but 200/201, except a kiosk's "too soon" (retried)
        "gave_up": tally.gave_up,
        "unsent": tally.unsent,
        "acked": {k: len(v) for k, v in sorted(tally.acked.items())},
        "flagged": tally.flagged,
        "scheduler_late_ms": latency_summary(tally.late_ms),
        "acked_keys": {k: sorted(v) for k, v in tally.acked.items()},
    }
