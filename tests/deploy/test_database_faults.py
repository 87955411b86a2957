"""The SQLite file cannot be written — opened read-only, or full — and a backup restored into
a fresh instance: the fast parts of ``make faults`` (``bench/faults``), on SQLite only.

While the database refuses writes, users get a clear 503 (``database_unavailable`` with
``Retry-After`` on the API, a page saying nothing was saved elsewhere), never a stack
trace; nothing is corrupted (``PRAGMA integrity_check``), and the same write succeeds once
the condition is lifted.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from app.errors import RETRY_AFTER_S
from app.extensions import db
from tests.conftest import make_app
from tests.helpers import login

FEEDBACK_MAX = 20_000  # long enough for a comment that needs pages of its own


@dataclass
class Database:
    path: Path
    url: str
    app: Flask  # the normal, writable instance
    qr_code: str


@pytest.fixture
def database(tmp_path) -> Iterator[Database]:
    from app.cli.demo import load_demo
    from app.surveys.demo import load_demo_surveys

    path = tmp_path / "app.sqlite3"
    url = f"sqlite:///{path}"
    app = make_app(url, SURVEY_TEXT_MAX=FEEDBACK_MAX)
    with app.app_context():
        db.create_all()
        load_demo(with_bank=False)
        qr_code = load_demo_surveys().qr[0][1]
        db.session.commit()
    yield Database(path, url, app, qr_code)
    with app.app_context():
        db.engine.dispose()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _feedback(client, code: str, size: int = 100):
    body = {"channel_code": code, "body": "Góp ý " + "ắ" * size}
    return client.post("/api/v1/public/feedback", json=body)


def _feedback_rows(database: Database) -> int:
    with database.app.app_context():
        return db.session.scalar(sa.text("SELECT count(*) FROM survey_feedback"))


def _assert_clear_json_503(response) -> None:
    assert response.status_code == 503
    # the database's short retry, not the rate limiter's window reset (it runs after us)
    assert response.headers["Retry-After"] == str(RETRY_AFTER_S)
    error = response.get_json()["error"]
    assert error["code"] == "database_unavailable"
    assert "chưa được lưu" in error["message"]


def test_read_only_database_gives_a_clear_503_and_nothing_breaks(database):
    uri = f"sqlite:///file:{database.path}?mode=ro&uri=true"
    read_only = make_app(uri).test_client()
    _assert_clear_json_503(_feedback(read_only, database.qr_code))
    page = login(read_only, "staff")
    text = page.get_data(as_text=True)
    assert page.status_code == 503
    assert "chưa được lưu" in text and "Traceback" not in text
    assert _integrity(database.path) == "ok"
    assert _feedback(database.app.test_client(), database.qr_code).status_code == 201


def _chattr(flag: str, *paths: Path) -> bool:
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, check=False)
    return done.returncode == 0


def test_connections_opened_while_the_file_was_read_only_are_replaced(database):
    """SQLite opens a file it cannot write read-only, silently, for good: such pooled
    connections must be dropped, or writes fail long after the file is writable again."""
    with database.app.app_context():
        db.engine.dispose()
    files = [p for p in database.path.parent.glob("app.sqlite3*") if not p.name.endswith("shm")]
    if not _chattr("+i", *files):  # immutable binds root too; needs CAP_LINUX_IMMUTABLE
        pytest.skip("chattr +i is not permitted here")
    try:
        client = database.app.test_client()
        _assert_clear_json_503(_feedback(client, database.qr_code))
    finally:
        assert _chattr("-i", *files)
    assert _feedback(client, database.qr_code).status_code == 201
    assert _integrity(database.path) == "ok"


def _full_app(database: Database) -> Flask:
    """An instance whose connections may not grow the file by a single page."""
    app = make_app(database.url, SURVEY_TEXT_MAX=FEEDBACK_MAX)
    with app.app_context():

        @sa.event.listens_for(db.engine, "connect")
        def no_new_pages(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

    return app


def test_full_database_gives_a_clear_503_and_writes_resume_when_space_returns(database):
    before = _feedback_rows(database)
    full = _full_app(database).test_client()
    # about 48 KB of text: overflow pages the file has no room for
    _assert_clear_json_503(_feedback(full, database.qr_code, size=16_000))
    assert _feedback_rows(database) == before
    assert _integrity(database.path) == "ok"
    again = _feedback(database.app.test_client(), database.qr_code, size=16_000)
    assert again.status_code == 201
    assert _feedback_rows(database) == before + 1


def test_other_database_errors_stay_500(database):
    """Only 'cannot reach or write the database' is a 503; a bug (here a constraint
    violation) is still the apology page with status 500."""
    from app.models import Unit

    app = database.app

    @app.route("/test-duplicate-unit")
    def duplicate_unit():
        unit = db.session.scalar(sa.select(Unit))
        db.session.add(Unit(code=unit.code, name="x", path="x", depth=0))
        db.session.flush()
        return "unreachable"

    from app.access import public

    public(app.view_functions["duplicate_unit"])
    response = app.test_client().get("/test-duplicate-unit")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


# Run in a child process: RLIMIT_FSIZE = 0 (SIGXFSZ ignored) lets no file grow, and in WAL
# mode a small transaction writes nothing until its COMMIT appends to the emptied WAL, so
# the COMMIT itself fails ("disk I/O error") - the path ``_sqlite_on_commit`` handles.
_COMMIT_FAILS = """
import json, resource, signal, sqlite3, sys
from tests.conftest import make_app
path, code = sys.argv[1], sys.argv[2]
app = make_app("sqlite:///" + path)
raw = sqlite3.connect(path)
raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
raw.close()
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
client = app.test_client()
resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
try:
    reply = client.post("/api/v1/public/feedback", json={"channel_code": code, "body": "Góp ý"})
finally:
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
again = client.post("/api/v1/public/feedback", json={"channel_code": code, "body": "Lần sau"})
print(json.dumps([reply.status_code, reply.get_json(), again.status_code]))
"""


def test_a_failed_commit_gives_a_clear_503_and_the_next_write_succeeds(database):
    before = _feedback_rows(database)
    with database.app.app_context():
        db.engine.dispose()  # no pooled connection of this process holds the WAL open
    child = subprocess.run(
        [sys.executable, "-c", _COMMIT_FAILS, str(database.path), database.qr_code],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert child.returncode == 0, child.stderr[-2000:]
    status, body, next_status = json.loads(child.stdout.strip().splitlines()[-1])
    assert status == 503 and body["error"]["code"] == "database_unavailable"
    assert next_status == 201  # the failed connection was dropped, not reused
    assert _feedback_rows(database) == before + 1  # only the second one
    assert _integrity(database.path) == "ok"


def test_a_signed_in_user_gets_the_503_page_when_the_database_is_unreachable(database, tmp_path):
    """The session is checked against the database; when that fails the answer is the
    clear 503, not a crash of the after-request hook looking the user up again."""
    client = database.app.test_client()
    assert login(client, "staff").status_code == 302
    cookie = client.get_cookie("osa_session")
    gone = make_app(
        f"sqlite:///{tmp_path / 'missing' / 'app.sqlite3'}",
        SECRET_KEY=database.app.config["SECRET_KEY"],
    )
    other = gone.test_client()
    other.set_cookie("osa_session", cookie.value)
    page = other.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 503
    assert "chưa được lưu" in text and "Traceback" not in text
    assert page.headers["Cache-Control"] == "no-store"


def _table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def test_backup_restores_into_a_fresh_instance(database, tmp_path):
    copy = tmp_path / "backup.sqlite3"
    with database.app.app_context():  # as the flask command line has one
        made = database.app.test_cli_runner().invoke(args=["backup", str(copy)])
    assert made.exit_code == 0, made.output
    fresh_path = tmp_path / "fresh" / "restored.sqlite3"
    fresh_path.parent.mkdir()
    fresh = make_app(f"sqlite:///{fresh_path}", SURVEY_TEXT_MAX=FEEDBACK_MAX)
    with fresh.app_context():
        put = fresh.test_cli_runner().invoke(args=["restore", str(copy), "--yes"])
    assert put.exit_code == 0, put.output
    assert _integrity(fresh_path) == "ok"
    counts = _table_counts(fresh_path)
    assert counts == _table_counts(database.path)
    assert counts["people"] == 60 and counts["survey_channels"] > 0
    # the restored instance serves and writes
    assert login(fresh.test_client(), "staff").status_code == 302
    assert _feedback(fresh.test_client(), database.qr_code).status_code == 201
    with fresh.app_context():
        db.engine.dispose()
