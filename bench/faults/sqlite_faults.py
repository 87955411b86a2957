"""The SQLite file cannot be written: its disk is full (a real one: a small tmpfs filled to
the last byte), or the file is made read-only (``chattr +i``, which binds root too,
unlike permissions). Under load; while it lasts, writes get a clear 503 (JSON under
/api/, a page elsewhere) and reads go on; afterwards ``PRAGMA integrity_check`` is ok and
writes succeed again, with nothing acknowledged lost.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from bench.faults.common import Outcome, form_login, is_clear_error, probe, under_load
from bench.faults.load import Run
from bench.faults.population import Population, prepare
from bench.faults.services import Server, app_env, tmpfs

HOLD_S = 20.0  # the longest a fault waits for a write to be refused
HELD_S = 6.0
READ_ONLY = "SQLite read-only"  # how long it lasts once it bites, under load


def _copy(source_url: str, target: Path) -> str:
    """A consistent copy of the prepared database at ``target``; its URL."""
    source = sqlite3.connect(source_url.split("///", 1)[1])
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


def _observe(server: Server, token: str, exam_id: int, outcome: Outcome, label: str) -> None:
    """Hold the fault until a write is refused (or HOLD_S); check what users see."""
    headers = {"Authorization": f"Bearer {token}"}
    start, page = time.monotonic(), (0, "")
    while time.monotonic() - start < HOLD_S:
        page = form_login(server.port)
        if page[0] != 302:
            break
        time.sleep(1)
    api = probe(server.port, "POST", f"/api/v1/exams/{exam_id}/attempts", {}, headers)
    health = probe(server.port, "GET", "/healthz")
    reading = probe(server.port, "GET", "/s/kiosk")
    time.sleep(HELD_S)
    outcome.figures[label] = {
        "refused_after_s": round(time.monotonic() - start, 1),
        "form_login": page[0],
        "api_write": api[0],
        "healthz": health[0],
        "public_page": reading[0],
        "api_body": api[1][:300],
    }
    outcome.checks[f"{label}: a clear error page, no stack trace"] = is_clear_error(*page)
    outcome.checks[f"{label}: a clear JSON error on the API"] = is_clear_error(*api)
    if outcome.name == READ_ONLY:
        # Every transaction starts with BEGIN IMMEDIATE (a write lock), which a connection
        # opened while the file cannot be written refuses: signed-in pages and /healthz
        # fail too on such a connection (503), and work on one opened before the fault.
        served = reading[0] == 200 and health[0] in (200, 503)
        outcome.checks[f"{label}: public pages served, /healthz 200 or 503"] = served
    else:
        outcome.checks[f"{label}: reads go on"] = health[0] == 200 and reading[0] == 200


def _lifted(server: Server, token: str, exam_id: int, outcome: Outcome) -> None:
    time.sleep(1)
    headers = {"Authorization": f"Bearer {token}"}
    api = probe(server.port, "POST", f"/api/v1/exams/{exam_id}/attempts", {}, headers)
    page = form_login(server.port)
    outcome.figures["after"] = {"api_write": api[0], "form_login": page[0]}
    outcome.checks["writes succeed once lifted"] = api[0] in (200, 201) and page[0] == 302


def _scenario(name: str, url: str, folder: Path, population: Population, fault) -> Outcome:
    token = population.officer_tokens.pop()  # kept out of the load: the probes' officer
    exam_id = population.exam_id

    def inject(server: Server, run: Run, outcome: Outcome) -> None:
        with fault(outcome):
            _observe(server, token, exam_id, outcome, "during")
        _lifted(server, token, exam_id, outcome)

    return under_load(name, url, population, app_env(url, folder), inject)


def disk_full(folder: Path, url: str) -> Outcome:
    population = prepare(url, 200)
    size_mb = Path(url.split("///", 1)[1]).stat().st_size // 2**20 + 24
    with tmpfs(size_mb) as disk:
        small = _copy(url, disk / "app.sqlite3")

        @contextlib.contextmanager
        def full(outcome: Outcome):
            filler = disk / "filler"
            outcome.figures["filled_mb"] = _fill(filler)
            try:
                yield
            finally:
                filler.unlink()

        return _scenario("SQLite disk full", small, folder, population, full)


def _fill(path: Path) -> float:
    """Write ``path`` until the file system is full; megabytes written."""
    written, chunk = 0, b"\0" * 65536
    with open(path, "wb", buffering=0) as fh:
        with contextlib.suppress(OSError):
            while True:
                written += fh.write(chunk)
        with contextlib.suppress(OSError):
            while True:  # the last bytes, one at a time
                written += fh.write(b"\0")
    return round(written / 2**20, 1)


def read_only(folder: Path, url: str) -> Outcome:
    population = prepare(url, 200)
    database = Path(url.split("///", 1)[1])

    @contextlib.contextmanager
    def frozen(outcome: Outcome):
        files = [p for p in (database, database.with_name(database.name + "-wal")) if p.exists()]
        _chattr("+i", files)
        outcome.figures["immutable"] = [p.name for p in files]
        try:
            yield
        finally:
            _chattr("-i", files)

    return _scenario(READ_ONLY, url, folder, population, frozen)


def _chattr(flag: str, files: list[Path], run: Callable = subprocess.run) -> None:
    run(["chattr", flag, *map(str, files)], check=True)
