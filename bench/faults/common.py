"""What every fault scenario does: start the load, break something, lift it, keep the load
going, stop it, then judge — nothing acknowledged lost or doubled, and the system serving
again by itself (no request failing once the fault is lifted and a short grace is over).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.faults.load import Run, Tally
from bench.faults.population import Population, check_writes, integrity_ok
from bench.faults.services import Server, gunicorn
from bench.faults.users import Mix, start_users

LIGHT = Mix(officers=8, kiosks=6, qr=2, readers=1)
RECOVERY_S = 15.0  # after the fault is lifted, requests must succeed again within this
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Outcome:
    """Named checks (each True when met) and the figures behind them."""

    name: str
    checks: dict[str, bool] = field(default_factory=dict)
    figures: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(self.checks.values())

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "checks": self.checks, **self.figures}


Inject = Callable[[Server, Run, Outcome], None]


def under_load(
    name: str,
    url: str,
    population: Population,
    env: dict[str, str],
    inject: Inject,
    *,
    before: float = 8.0,
    after: float = 25.0,
    mix: Mix = LIGHT,
) -> Outcome:
    """Run ``inject`` (which breaks something, checks the server meanwhile and lifts the
    fault) in the middle of a load; then judge recovery and the writes."""
    outcome, tally = Outcome(name), Tally()
    with gunicorn(env) as server:
        run = Run(server.port, population, tally, threading.Event(), think_s=1.0)
        threads = start_users(run, mix)
        time.sleep(before)
        injected = time.monotonic()
        inject(server, run, outcome)
        lifted = time.monotonic()
        time.sleep(after)
        run.stop.set()
        for thread in threads:
            thread.join(timeout=run.retry_s + 30)
        end = time.monotonic()
        outcome.checks["every virtual user stopped"] = not any(t.is_alive() for t in threads)
    judge(outcome, tally, url, population, (injected, lifted, end))
    return outcome


def judge(outcome: Outcome, tally: Tally, url: str, population: Population, times) -> None:
    injected, lifted, end = times
    last = tally.last_failure()
    summary = tally.summary(end - injected)
    writes = check_writes(url, tally.acked, population.baseline)
    outcome.figures.update(
        {
            "fault_s": round(lifted - injected, 1),
            "failed_requests": tally.failures_between(0, end),
            "last_failure_after_lift_s": round(last - lifted, 1) if last else None,
            "saves_after_recovery": tally.successes_between(lifted + RECOVERY_S, end, "save"),
            "requests": summary["requests"],
            "retries": summary["retries"],
            "gave_up": summary["gave_up"],
            "stale_keepalive_resends": summary["stale_keepalive_resends"],
            "unexpected": summary["unexpected"],
            "confirmed_after_retry": summary["confirmed_after_retry"],
            "kinds": summary["kinds"],
            **writes,
        }
    )
    checks = outcome.checks
    checks["recovered by itself"] = (last is None or last < lifted + RECOVERY_S) and bool(
        outcome.figures["saves_after_recovery"]
    )
    checks["no acknowledged write lost"] = not (
        writes["lost_answers"] or writes["lost_finishes"] or writes["lost_citizen_responses"]
    )
    checks["nothing duplicated"] = not (
        writes["duplicate_answers"] or writes["duplicate_citizen_responses"]
    )
    checks["every client got through (retries)"] = not (summary["gave_up"] or summary["unexpected"])
    internal = sum(k["statuses"].get("500", 0) for k in summary["kinds"].values())
    outcome.figures["internal_errors"] = internal
    checks["no 500 (a fault is a 503 or no answer)"] = internal == 0
    checks["integrity_check ok"] = integrity_ok(url)


def probe(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, str]:
    """One request on a fresh connection: (status, body text); (0, error) on no answer."""
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body)
        sent["Content-Type"] = "application/json"
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, data, sent)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        return 0, repr(exc)


def token_login(port: int) -> tuple[int, str]:
    """Sign in through the API as the demo officer (a limited action: needs Redis)."""
    body = {"username": "staff", "password": "demo1234"}
    return probe(port, "POST", "/api/v1/auth/token", body)


def form_login(port: int) -> tuple[int, str]:
    """Sign in through the page form, as a browser does (writes a session row)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/auth/login")
        page = conn.getresponse()
        text = page.read().decode()
        cookie = (page.getheader("Set-Cookie") or "").split(";", 1)[0]
        match = CSRF_RE.search(text)
        form = f"username=staff&password=demo1234&csrf_token={match.group(1) if match else ''}"
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", "/auth/login", form, headers)
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        return 0, repr(exc)
    finally:
        conn.close()


def is_clear_error(status: int, text: str) -> bool:
    """A 503 with our message (JSON error or page), never a traceback."""
    return status == 503 and "Traceback" not in text and ('"error"' in text or "<html" in text)
