"""Several processes writing to one SQLite file at once never see "database is locked"."""

import multiprocessing as mp

import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import AuditEvent

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
    ctx = mp.get_context("spawn")
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
