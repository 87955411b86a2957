"""What every benchmark here shares: a free loopback port, gunicorn started and stopped,
worker memory, latency percentiles, results written under ``bench/results/``.

Benchmarks run the real stack (gunicorn, Flask, the database) on 127.0.0.1, bounded in
time and count, and compare against a bare endpoint measured in the same run, because
the machines are noisy and absolute figures mean little.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, port: int, env: dict[str, str], *, workers: int = 2, threads: int = 4):
    """Start ``gunicorn app`` on 127.0.0.1:port and wait until it accepts connections."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--threads", str(threads), "--timeout", "60", "--log-level", "warning", app]
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory (MB) of each gunicorn worker of ``master_pid`` (Linux /proc)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().split()
            if int(stat[3]) != master_pid:
                continue
            rss_pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        sizes.append(round(rss_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1))
    return sorted(sizes)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def latency_summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
    }


def save_result(name: str, data: dict) -> Path:
    """Write ``data`` as bench/results/<name>-<UTC timestamp>.json; returns the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return path


def postgres_bench_url(base: str, database: str = "onestop_bench") -> str:
    """A scratch PostgreSQL database next to ``base`` (created if missing)."""
    import sqlalchemy as sa

    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}
        ).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    engine.dispose()
    return base.rsplit("/", 1)[0] + "/" + database


def add_officers(exam_id: int, count: int, prefix: str = "bench") -> list[str]:
    """``count`` extra officers in Xã Long Hưng, each a candidate of ``exam_id`` with an API
    token (in the caller's app context; the caller commits). Returns the tokens."""
    import sqlalchemy as sa

    from app.auth.services import issue_token
    from app.extensions import db
    from app.models import Account, ExamCandidate, Person, Role, RoleGrant, Unit
    from app.text import fold

    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-LH"))
    tokens = []
    for n in range(count):
        name = f"Cán bộ {prefix} {n:05d}"
        person = Person(
            full_name=name,
            name_fold=fold(name),
            sort_key=name,
            unit_id=unit.id,
            staff_code=f"{prefix[0].upper()}{n:05d}",
            position="Công chức một cửa",
        )
        account = Account(username=f"{prefix}{n:05d}", person=person, must_change_password=False)
        db.session.add_all([person, account])
        db.session.flush()
        db.session.add(RoleGrant(account_id=account.id, role=Role.STAFF, unit_id=unit.id))
        db.session.add(ExamCandidate(exam_id=exam_id, person_id=person.id))
        tokens.append(issue_token(account, name=prefix)[0])
    return tokens
