"""Several processes writing to one SQLite file at once never see "database is locked"."""

import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import AuditEvent
from tests.helpers import forkserver_context

WRITERS, WRITES = 4, 40


def _writer(url: str, number: int, queue) -> None:
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    errors = 0
    with app.app_context():
        for index in range(WRITES):
            try:
                # read then write in one transaction: the pattern that deadlocks under
                # deferred transactions ("database is locked" on the lock upgrade)
                db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
                db.session.add(AuditEvent(action="test.write", target_id=f"{number}-{index}"))
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                errors += 1
                queue.put(repr(exc))
    queue.put(("done", errors))


def test_concurrent_writers_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
    ctx = forkserver_context(__name__)
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, n, queue)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    messages = [queue.get(timeout=120) for _ in range(WRITERS)]
    for p in procs:
        p.join(timeout=60)
    assert all(isinstance(m, tuple) and m[1] == 0 for m in messages), messages
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        assert count == WRITERS * WRITES
        assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"


def test_read_connection_does_not_wait_for_the_writer(tmp_path):
    """A read-only connection reads the committed rows while a writer holds SQLite's write
    lock (an immediate transaction would wait for it, 30 s, then fail)."""
    from app.database import read_connection

    url = f"sqlite:///{tmp_path / 'read.sqlite3'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.session.add(AuditEvent(action="test.committed", target_id="1"))
        db.session.commit()
        db.session.add(AuditEvent(action="test.pending", target_id="2"))
        db.session.flush()  # the session now holds the write lock
        with read_connection(db.engine) as conn:
            count = conn.execute(sa.select(sa.func.count(AuditEvent.id))).scalar_one()
        assert count == 1  # the committed row only: its own snapshot, no wait
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 2
