"""Engine set-up that makes SQLite safe for several gunicorn workers.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and
every transaction opened with ``BEGIN IMMEDIATE`` so two writers queue on the lock at
the start instead of failing with "database is locked" when a read lock cannot be
upgraded mid-transaction. PostgreSQL: pre-ping so a restarted server is survived.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 30_000


def engine_options(url: str) -> dict[str, Any]:
    """Engine keyword arguments suited to the database behind ``url``."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "pool_recycle": 1800}


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy's "begin" event below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def configure_sqlite(engine: Engine) -> None:
    """Install the SQLite connection and transaction hooks on ``engine`` (idempotent)."""
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _sqlite_on_connect):
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)


def init_database(app: Flask) -> None:
    """Attach the hooks to the app's engine once it exists."""
    from app.extensions import db

    with app.app_context():
        configure_sqlite(db.engine)
