"""Private services a fault scenario may break: the app under gunicorn, a PostgreSQL
cluster of its own (port 5499), a Redis of its own (port 6399), a small tmpfs.

The shared PostgreSQL (5432) and Redis (6379) are never touched. Everything here is a
context manager that stops what it started, whatever happens inside.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.harness import free_port, start_gunicorn, worker_rss_mb

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 5499
REDIS_PORT = 6399


@dataclass
class Server:
    """gunicorn serving ``wsgi:app`` (2 workers × 4 threads, as ``make run``)."""

    proc: subprocess.Popen
    port: int

    def workers(self) -> list[int]:
        """Process ids of the master's live workers."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(stat[1]) == self.proc.pid and stat[0] != "Z":
                        pids.append(int(entry.name))
        return sorted(pids)

    def rss_mb(self) -> list[float]:
        return worker_rss_mb(self.proc.pid)


def app_env(url: str, folder: Path, redis_url: str = "") -> dict[str, str]:
    """The environment of a deployed instance (docs/deploy.md) on loopback."""
    return {
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_hex(32),
        "UPLOAD_DIR": str(folder / "uploads"),
        "CHART_CACHE_DIR": str(folder / "charts"),
        "TRUSTED_PROXIES": "1",  # the load sends X-Forwarded-For: one address per phone
        "MPLCONFIGDIR": str(folder / "mpl"),
    }


def wait_healthy(port: int, timeout: float = 90) -> None:
    """Until ``/healthz`` answers 200 (the workers have imported the app)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} never became healthy")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, threads: int = 4) -> Iterator[Server]:
    port = free_port()
    proc = start_gunicorn("wsgi:app", port, env, workers=workers, threads=threads)
    try:
        wait_healthy(port)
        yield Server(proc, port)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _pg(*args: str) -> list[str]:
    """A PostgreSQL binary run as the ``postgres`` OS user (initdb refuses root)."""
    command = [str(PG_BIN / args[0]), *args[1:]]
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Postgres:
    data: Path
    log: Path
    url: str

    def ctl(self, action: str, *extra: str) -> None:
        options = f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
        command = _pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60")
        subprocess.run([*command, action, "-o", options, *extra], check=True, capture_output=True)

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every connection is cut, the server comes back."""
        self.ctl("restart", "-m", "fast")


@contextlib.contextmanager
def private_postgres() -> Iterator[Postgres]:
    """A throw-away cluster on 127.0.0.1:5499 with a database ``onestop``."""
    folder = Path(tempfile.mkdtemp(prefix="hfault-pg-"))
    shutil.chown(folder, "postgres") if os.geteuid() == 0 else None
    pg = Postgres(
        folder / "data",
        folder / "log",
        f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/onestop",
    )
    try:
        init = _pg("initdb", "-D", str(pg.data), "-A", "trust", "-U", "postgres", "--no-sync")
        subprocess.run([*init, "-E", "UTF8"], check=True, capture_output=True)
        pg.ctl("start")
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "onestop"],
            check=True,
        )
        yield pg
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            pg.ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Redis:
    port: int
    folder: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ping = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True)
            if ping.stdout.strip() == b"PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("private Redis did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@contextlib.contextmanager
def private_redis() -> Iterator[Redis]:
    """``redis-server --port 6399 --save ''`` (never the shared one on 6379)."""
    redis = Redis(REDIS_PORT, Path(tempfile.mkdtemp(prefix="hfault-redis-")))
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
        shutil.rmtree(redis.folder, ignore_errors=True)


@contextlib.contextmanager
def tmpfs(megabytes: int) -> Iterator[Path]:
    """A small file system of its own, so that "disk full" is real (needs mount rights)."""
    folder = Path(tempfile.mkdtemp(prefix="hfault-tmpfs-"))
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)], check=True
    )
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)
