"""Engine set-up that makes SQLite safe for several gunicorn workers.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and
every transaction opened with ``BEGIN IMMEDIATE`` so two writers queue on the lock at
the start instead of failing with "database is locked" when a read lock cannot be
upgraded mid-transaction. PostgreSQL: pre-ping so a restarted server is survived.

``sql_fold`` is ``app.text.fold`` inside SQL (searches that ignore case and diacritics):
a function registered on every SQLite connection, ``normalize``/``regexp_replace`` on
PostgreSQL.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.text import fold

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
    dbapi_connection.create_function("fold_text", 1, _fold_or_none, deterministic=True)


def _fold_or_none(value: str | None) -> str | None:
    return None if value is None else fold(value)


COMBINING_MARKS = "[\u0300-\u036f]"  # every mark of Vietnamese letters, once decomposed


def sql_fold(expr: Any, dialect: str) -> sa.ColumnElement[str]:
    """``fold(expr)`` as SQL for ``dialect`` ("sqlite" or "postgresql").

    PostgreSQL: decompose (NFD), drop the combining marks, đ → d, then lower-case (ASCII
    by then, so the database's locale does not matter). Unlike ``fold`` it keeps runs of
    spaces, which does not matter to word searches.
    """
    if dialect == "sqlite":
        return sa.func.fold_text(expr)
    decomposed = sa.func.normalize(expr, sa.literal_column("NFD"))
    bare = sa.func.regexp_replace(decomposed, COMBINING_MARKS, "", "g")
    return sa.func.lower(sa.func.translate(bare, "Đđ", "dd"))


# Threads of one process queue for SQLite's write lock on a Python lock (first come, first
# served) instead of in SQLite's busy handler, which polls with sleeps growing to 100 ms
# and lets an unlucky waiter lose the race again and again: with 8 threads, saves waited
# seconds behind test starts. Processes still meet at SQLite's lock, two contenders instead
# of eight. Reentrant, so a thread that opens a second connection behaves as before.
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_HELD = "osa_write_lock"


def _write_lock(conn: Any) -> threading.RLock:
    return _WRITE_LOCKS.setdefault(str(conn.engine.url.database), threading.RLock())


# Execution option of a connection that only reads (``read_connection``): on SQLite its
# transaction is a plain deferred BEGIN, which in WAL mode takes no lock at all.
READ_ONLY = "osa_read_only"


@contextlib.contextmanager
def read_connection(engine: Engine) -> Iterator[sa.Connection]:
    """A connection of its own, for reads outside the session's transaction.

    On SQLite it never takes the write lock, so a read that need not be in the writer's
    transaction does not lengthen the time other writers wait. Only read through it:
    nothing stops a write, which would then take SQLite's lock without the process's
    queue (``_WRITE_LOCKS``) and might meet "database is locked".
    """
    with engine.connect() as conn:
        yield conn.execution_options(**{READ_ONLY: True})


def _sqlite_on_begin(conn: Any) -> None:
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
        return
    lock = _write_lock(conn)
    if not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        raise sa.exc.OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        lock.release()
        raise
    conn.info[_HELD] = lock


def _release(info: dict) -> None:
    lock = info.pop(_HELD, None)
    if lock is not None:
        # RuntimeError: a thread that does not own it, so this thread holds nothing.
        with contextlib.suppress(RuntimeError):
            lock.release()


def _sqlite_on_commit(conn: Any) -> None:
    # The event runs just before the COMMIT; end the transaction first so the next writer
    # never polls (the second COMMIT SQLAlchemy then sends is a no-op in pysqlite).
    if _HELD not in conn.info:
        return
    failed = None
    try:
        conn.connection.dbapi_connection.commit()
    except sqlite3.OperationalError as exc:
        failed = exc
    finally:
        _release(conn.info)
    if failed is not None:
        # Disk full, file read-only, I/O error. SQLite may leave the transaction open (and
        # its write lock held): drop the connection, and raise what SQLAlchemy raises for
        # any other statement, so the app answers 503 and not 500.
        conn.invalidate(failed)
        raise sa.exc.OperationalError("COMMIT", {}, failed) from failed


# After these a connection is not worth keeping: one opened while the file could not be
# written has silently fallen back to read-only for good (found by bench/faults: writes
# kept failing after the file was writable again); an I/O error may leave it unusable.
_DISCARD_AFTER = ("readonly database", "disk I/O error", "database or disk is full")


def _sqlite_on_error(context: Any) -> None:
    """Treat the errors above as a lost connection: SQLAlchemy then replaces the pool's
    connections, and the app recovers by itself once the disk is writable again."""
    exc = context.original_exception
    if isinstance(exc, sqlite3.OperationalError) and any(m in str(exc) for m in _DISCARD_AFTER):
        context.is_disconnect = True


def _sqlite_on_rollback(conn: Any) -> None:
    if conn.invalidated:  # its info is out of reach; the check-in hook frees the lock
        return
    if _HELD in conn.info:
        try:
            conn.connection.dbapi_connection.rollback()
        finally:
            _release(conn.info)


def _sqlite_on_checkin(_dbapi_connection: Any, record: Any) -> None:
    _release(record.info)  # a transaction that ended without commit or rollback events


def configure_sqlite(engine: Engine) -> None:
    """Install the SQLite connection and transaction hooks on ``engine`` (idempotent)."""
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _sqlite_on_connect):
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        event.listen(engine, "commit", _sqlite_on_commit)
        event.listen(engine, "rollback", _sqlite_on_rollback)
        event.listen(engine, "handle_error", _sqlite_on_error)
        event.listen(engine.pool, "checkin", _sqlite_on_checkin)


def init_database(app: Flask) -> None:
    """Attach the hooks to the app's engine once it exists."""
    from app.extensions import db

    with app.app_context():
        configure_sqlite(db.engine)
