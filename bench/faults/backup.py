"""Backup while saves are flowing, restored into a fresh instance.

SQLite: ``flask backup`` during the load, ``flask restore`` into a new, empty database
file. PostgreSQL (the private cluster on 5499): ``pg_dump -Fc`` during the load, then
``createdb`` and ``pg_restore`` as docs/deploy.md says. Either way: integrity checked,
every write acknowledged before the backup began is in the restored copy, and a fresh
gunicorn on the restored database accepts writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.faults.common import Outcome, probe, under_load
from bench.faults.load import Run
from bench.faults.population import Population, check_writes, counts, integrity_ok, prepare
from bench.faults.services import PG_PORT, Server, app_env, gunicorn, private_postgres
from bench.harness import ROOT


def flask(url: str, *args: str) -> subprocess.CompletedProcess:
    flask_bin = str(Path(sys.executable).with_name("flask"))
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url}
    return subprocess.run(
        [flask_bin, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _verify(outcome: Outcome, restored: str, run: Run, started: float, population: Population):
    """The restored copy holds everything acknowledged before the backup started."""
    acked = run.tally.acked.before(started)
    writes = check_writes(restored, acked, population.baseline)
    outcome.figures["restored"] = {"counts": counts(restored), **writes}
    outcome.checks["restored copy: integrity ok"] = integrity_ok(restored)
    outcome.checks["restored copy: every write acknowledged before the backup"] = (
        writes["acked_answers"] > 0
        and writes["lost_answers"] == 0
        and writes["lost_citizen_responses"] == 0
    )
    outcome.checks["restored copy: nothing duplicated"] = not (
        writes["duplicate_answers"] or writes["duplicate_citizen_responses"]
    )


def _serves(outcome: Outcome, restored: str, folder: Path, population: Population, token: str):
    """A fresh instance on the restored database answers and accepts a write."""
    with gunicorn(app_env(restored, folder / "restored-instance")) as server:
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/exams/{population.exam_id}/attempts"
        status, body = probe(server.port, "POST", path, {}, headers)
    outcome.figures["fresh_instance_write"] = status if status == 201 else [status, body[:300]]
    outcome.checks["a fresh instance on the restored copy accepts writes"] = status == 201


def backup_sqlite(folder: Path, url: str) -> Outcome:
    population = prepare(url, 200)
    token = population.officer_tokens.pop()
    copy, restored = folder / "backup.sqlite3", f"sqlite:///{folder}/restored.sqlite3"

    def inject(server: Server, run: Run, outcome: Outcome) -> None:
        started = time.monotonic()
        made = flask(url, "backup", str(copy))
        outcome.figures["backup_s"] = round(time.monotonic() - started, 1)
        put = flask(restored, "restore", str(copy), "--yes")
        outcome.figures["outputs"] = [made.stdout[-300:] + made.stderr[-300:], put.stdout[-300:]]
        outcome.checks["flask backup and flask restore succeed"] = not (
            made.returncode or put.returncode
        )
        _verify(outcome, restored, run, started, population)

    outcome = under_load(
        "backup during writes, restore (SQLite)", url, population, app_env(url, folder), inject
    )
    _serves(outcome, restored, folder, population, token)
    return outcome


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def backup_postgres(folder: Path, _url: str) -> Outcome:
    dump = folder / "onestop.dump"
    with private_postgres() as pg:
        population = prepare(pg.url, 200)
        token = population.officer_tokens.pop()
        restored = pg.url.rsplit("/", 1)[0] + "/onestop_restored"

        def inject(server: Server, run: Run, outcome: Outcome) -> None:
            started = time.monotonic()
            steps = [
                ["pg_dump", "-Fc", _libpq(pg.url), "-f", str(dump)],
                ["pg_restore", "--list", str(dump)],
                [
                    "createdb",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(PG_PORT),
                    "-U",
                    "postgres",
                    "onestop_restored",
                ],
                ["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq(restored), str(dump)],
            ]
            codes = []
            for step in steps:
                done = subprocess.run(step, capture_output=True, text=True, timeout=300)
                codes.append(done.returncode)
                if done.returncode:
                    outcome.figures["error"] = done.stderr[-500:]
                    break
                if step[0] == "pg_dump":
                    outcome.figures["dump_s"] = round(time.monotonic() - started, 1)
            outcome.checks["pg_dump, pg_restore --list, createdb, pg_restore succeed"] = codes == [
                0,
                0,
                0,
                0,
            ]
            _verify(outcome, restored, run, started, population)

        outcome = under_load(
            "backup during writes, restore (PostgreSQL)",
            pg.url,
            population,
            app_env(pg.url, folder),
            inject,
        )
        _serves(outcome, restored, folder, population, token)
        return outcome
