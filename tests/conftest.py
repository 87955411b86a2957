"""Fixtures shared by the whole suite.

Every database test runs twice: on SQLite (a temporary file, WAL) and on PostgreSQL
when ``TEST_DATABASE_URL`` is set. The schema for these tests comes from the models
(``create_all``); ``tests/test_migrations.py`` proves the migrations build the same schema.
Rows are deleted after each test, so tests may commit like the app does.

With ``REQUIRE_FULL_SUITE=1`` (CI), a missing PostgreSQL, Redis or Chromium is an error,
not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient

from app import create_app
from app.config import TestConfig
from app.extensions import db, limiter
from app.surveys import specs
from tests.helpers import login

T = TypeVar("T")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"… under pytest -n


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (created if needed),
    since every test wipes the tables it used."""
    if not url or not WORKER:
        return url
    target = sa.make_url(url)
    name = f"{target.database}_{WORKER}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return target.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("TEST_DATABASE_URL", ""))
REQUIRE_FULL = os.environ.get("REQUIRE_FULL_SUITE") == "1"


def missing(reason: str) -> None:
    """Skip locally, fail in CI, when an external part of the test setup is absent."""
    if REQUIRE_FULL:
        pytest.fail(f"required for the full suite: {reason}")
    pytest.skip(reason)


BACKENDS = ["sqlite", "postgresql"]


def make_app(url: str, **overrides) -> Flask:
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        **overrides,
    }
    return create_app(TestConfig, settings)


@pytest.fixture(scope="session", params=BACKENDS)
def base_app(request, tmp_path_factory) -> Iterator[Flask]:
    if request.param == "postgresql":
        if not PG_URL:
            missing("TEST_DATABASE_URL is not set")
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = make_app(
        url,
        UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
        CHART_CACHE_DIR=str(tmp_path_factory.mktemp("charts")),
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def wipe(app: Flask) -> None:
    """Delete every row of every table (children first), in one round trip: one DELETE per
    table through SQLAlchemy cost ~0.1 s a test on PostgreSQL, a tenth of the suite."""
    with app.app_context():
        db.session.remove()
        script = "".join(
            f'DELETE FROM "{table.name}";' for table in reversed(db.metadata.sorted_tables)
        )
        raw = db.engine.raw_connection()
        try:
            if db.engine.dialect.name == "sqlite":
                raw.driver_connection.executescript(f"BEGIN;{script}COMMIT;")
            else:
                with raw.cursor() as cursor:
                    cursor.execute(script)
                raw.commit()
        finally:
            raw.close()


@pytest.fixture
def app(base_app: Flask) -> Iterator[Flask]:
    limiter.reset()
    ctx = base_app.app_context()
    ctx.push()
    try:
        yield base_app
    finally:
        db.session.remove()
        ctx.pop()
        wipe(base_app)
        # per-process caches keyed by row id: the next test reuses the ids with other rows
        specs.forget_all()


class Client(FlaskClient):
    """A test client whose requests never see ``g`` left over from the test or a previous
    request (the fixture keeps one app context pushed, and Flask reuses it per request)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def demo(app: Flask):
    """The demo province (17 units, 60 people, one account per role), without the bank.

    Loaded through ``load_demo`` once per database, then restored from its rows for each
    test (``tests/test_demo_fixture.py`` proves the restored rows equal a fresh load)."""
    from app.cli.demo import load_demo

    restore_or_load(app, "demo", lambda: load_demo(with_bank=False))
    return app


@pytest.fixture
def login_as(client: FlaskClient, demo):
    """``login_as("hr.xa")`` signs the test client in as a demo account."""

    def do(username: str) -> FlaskClient:
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


# Rows of every table after a fixture's load, and what the load returned, per database URL
# and fixture: loading the demo province and its starter bank takes seconds (hundreds of
# queries); restoring the rows takes a fraction of that.
_SNAPSHOTS: dict[tuple[str, str], tuple[list[tuple[sa.Table, list[dict]]], object]] = {}


def restore_or_load(app: Flask, name: str, load: Callable[[], T]) -> T:
    """Run ``load()`` and commit, once per database; afterwards restore every table to the
    rows it left and return what it returned then. ``load`` must return plain data (no ORM
    objects: they would outlive their session), and its effects must all be rows."""
    key = (app.config["SQLALCHEMY_DATABASE_URI"], name)
    if key in _SNAPSHOTS:
        rows, value = _SNAPSHOTS[key]
        db.session.remove()
        _restore_rows(app, rows)
        return value  # type: ignore[return-value]
    value = load()
    db.session.commit()
    _SNAPSHOTS[key] = (_capture_rows(), value)
    return value


def _key(table: sa.Table) -> list:
    return [table.c.id] if "id" in table.c else list(table.primary_key.columns)


def _capture_rows() -> list[tuple[sa.Table, list[dict]]]:
    with db.engine.connect() as conn:
        return [
            # by id, so that parents come before children in self-referencing tables
            (table, [dict(r._mapping) for r in conn.execute(table.select().order_by(*_key(table)))])
            for table in db.metadata.sorted_tables
        ]


def _restore_rows(app: Flask, snapshot: list[tuple[sa.Table, list[dict]]]) -> None:
    wipe(app)
    with db.engine.begin() as conn:
        for table, rows in snapshot:
            if rows:
                conn.execute(table.insert(), rows)
        if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table, rows in snapshot:
                if "id" in table.c and rows and isinstance(rows[0]["id"], int):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )


@pytest.fixture
def demo_bank(demo):
    """The demo province plus the starter question bank, its open exam, survey channels and
    rubric (loaded once per database, then restored from its rows for each test)."""
    from app.cli.demo import load_demo

    restore_or_load(demo, "demo_bank", lambda: load_demo() and None)
    return demo
