"""Faults of the processes around the app: a gunicorn worker killed, PostgreSQL restarted,
Redis stopped. Each runs under load (``common.under_load``) on private services."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from bench.faults.common import Outcome, form_login, probe, token_login, under_load
from bench.faults.load import Run
from bench.faults.population import prepare
from bench.faults.services import Server, app_env, private_postgres, private_redis


def kill_worker(folder: Path, url: str) -> Outcome:
    """``kill -9`` of a worker mid-exam, twice: the master starts new ones, clients resend."""
    population = prepare(url, 200)

    def inject(server: Server, run: Run, outcome: Outcome) -> None:
        killed, before = [], server.workers()
        for _ in range(2):
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            time.sleep(6)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(server.workers()) < len(before):
            time.sleep(0.5)
        after = server.workers()
        outcome.figures.update({"workers_before": before, "killed": killed, "workers_after": after})
        outcome.checks["the master replaced the killed workers"] = len(after) == len(
            before
        ) and not set(after) & set(killed)

    return under_load("kill -9 a gunicorn worker", url, population, app_env(url, folder), inject)


def postgres_restart(folder: Path, _url: str) -> Outcome:
    """PostgreSQL (a private cluster on 5499) restarted twice mid-load with ``-m fast``."""
    with private_postgres() as pg:
        population = prepare(pg.url, 200)

        def inject(server: Server, run: Run, outcome: Outcome) -> None:
            took = []
            for _ in range(2):
                start = time.monotonic()
                pg.restart()
                took.append(round(time.monotonic() - start, 1))
                time.sleep(5)
            outcome.figures["restart_s"] = took
            status, _ = probe(server.port, "GET", "/healthz")
            outcome.checks["healthz 200 after the restarts"] = status == 200

        env = app_env(pg.url, folder)
        return under_load("PostgreSQL restarted", pg.url, population, env, inject)


def redis_stop(folder: Path, url: str) -> Outcome:
    """Redis (private, 6399) stopped for 12 s: saves go on, sign-in answers 503, then heals."""
    with private_redis() as redis:
        population = prepare(url, 200)

        def inject(server: Server, run: Run, outcome: Outcome) -> None:
            redis.stop()
            stopped = time.monotonic()
            time.sleep(2)
            token = token_login(server.port)
            page = form_login(server.port)
            health = probe(server.port, "GET", "/healthz")
            time.sleep(max(0.0, stopped + 12 - time.monotonic()))
            saves = run.tally.successes_between(stopped, time.monotonic(), "save")
            failed_saves = run.tally.failures_between(stopped, time.monotonic(), "save")
            redis.start()
            time.sleep(1)
            again = [token_login(server.port)[0], form_login(server.port)[0]]
            outcome.figures.update(
                {
                    "while_down": {"token": token[0], "form": page[0], "healthz": health[0]},
                    "saves_while_down": saves,
                    "failed_saves_while_down": failed_saves,
                    "sign_in_after": again,
                }
            )
            checks = outcome.checks
            checks["sign-in closed with a clear 503 (API)"] = (
                token[0] == 503 and '"unavailable"' in token[1]
            )
            checks["sign-in closed with a clear 503 (page)"] = page[0] == 503 and (
                "giới hạn truy cập" in page[1]
            )
            checks["exam saves kept working"] = saves > 0 and failed_saves == 0
            checks["healthz 200 while Redis is down"] = health[0] == 200
            checks["sign-in works again"] = again == [201, 302]

        env = app_env(url, folder, redis.url)
        return under_load("Redis stopped", url, population, env, inject)
