"""Two gunicorn instances on loopback sharing one PostgreSQL database and one Redis: the
deployment of docs/deploy.md on one machine.

Nothing a request needs may live in one instance's memory: an officer starts a test on the
first instance and finishes it on the second with the right score; failed logins spread
over both meet one login limit; a session ended on one is refused by the other.

Needs ``TEST_DATABASE_URL`` and ``TEST_REDIS_URL`` (skipped without them, a failure under
``REQUIRE_FULL_SUITE=1``). The schema comes from the models (``create_all``) in a database
of its own, ``<test database>_deploy``; the demo province with its open exam is loaded
into it before the instances start.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
import sqlalchemy as sa
from flask import Config as FlaskConfig
from flask import Flask
from limits import parse

from app.config import Config
from app.extensions import db
from app.models import Account, Attempt, AttemptItem, AttemptState, Exam
from bench.harness import ROOT, free_port, start_gunicorn
from tests.conftest import PG_URL, make_app, missing
from tests.deploy.client import Browser, attempt_id_from
from tests.exams.conftest import best_response

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    _base, _db = REDIS_URL.rsplit("/", 1)  # the same Redis db per worker as tests/auth
    REDIS_URL = f"{_base}/{int(_db) - int(os.environ['PYTEST_XDIST_WORKER'][2:])}"


@dataclass
class Stack:
    app: Flask  # in-process, on the same database: to set up and to check
    ports: tuple[int, int]
    redis: redis.Redis


def _fresh_database(drop_only: bool = False) -> str:
    """``<test database>_deploy`` next to TEST_DATABASE_URL, created empty (dropped and
    made again: much faster than dropping a hundred tables one by one)."""
    target = sa.make_url(PG_URL)
    name = f"{target.database}_deploy"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return target.set(database=name).render_as_string(hide_password=False)


def _redis_or_skip() -> redis.Redis:
    if not PG_URL or not REDIS_URL:
        missing("TEST_DATABASE_URL and TEST_REDIS_URL are needed for the two-instance test")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        missing(f"Redis not reachable at {REDIS_URL}")
    return client


def _load_demo(app: Flask) -> None:
    from app.cli.demo import load_demo

    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # no connection of ours held while the instances run


def _wait_healthy(port: int, timeout: float = 60) -> None:
    browser, deadline = Browser(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if browser.get(port, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"instance on port {port} never became healthy")


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    client = _redis_or_skip()
    tmp = tmp_path_factory.mktemp("deploy")
    url = _fresh_database()
    env = {  # what deploy/env.example sets, shared by both instances
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_hex(32),
        "UPLOAD_DIR": str(tmp / "uploads"),
        "CHART_CACHE_DIR": str(tmp / "charts"),
        "COOKIE_SECURE": "0",  # plain HTTP on loopback
    }
    app = make_app(url, UPLOAD_DIR=env["UPLOAD_DIR"], CHART_CACHE_DIR=env["CHART_CACHE_DIR"])
    ports = (free_port(), free_port())
    procs = []
    try:
        for port in ports:  # the workers boot while the demo data loads
            procs.append(start_gunicorn("wsgi:app", port, env, workers=1, threads=2))
        _load_demo(app)
        for port in ports:
            _wait_healthy(port)
        yield Stack(app, ports, client)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is in flight
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        with app.app_context():
            db.engine.dispose()
        _fresh_database(drop_only=True)
        client.flushdb()


@pytest.fixture
def both(stack: Stack) -> Stack:
    stack.redis.flushdb()  # each test starts with no limit counted
    return stack


def _configured_login_limit() -> int:
    """The LOGIN_RATE_LIMIT the instances run with, read as ``create_app`` reads it."""
    settings = FlaskConfig(str(ROOT / "instance"))
    settings.update(Config.load(str(ROOT / "instance")))
    settings.from_pyfile("config.py", silent=True)
    return parse(settings["LOGIN_RATE_LIMIT"]).amount


def _items(app: Flask, attempt_id: int) -> list[tuple[int, float, object]]:
    """(item id, mark, full-credit response) of the attempt's items, in order."""
    with app.app_context():
        items = db.session.scalars(
            sa.select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.position)
        ).all()
        rows = [(item.id, float(item.mark), best_response(item)) for item in items]
        db.session.remove()
    return rows


def _start_exam(officer: Browser, port: int, app: Flask) -> tuple[int, str]:
    """Start the demo exam through the officer's page; returns (attempt id, CSRF token)."""
    with app.app_context():
        exam_id = db.session.scalar(sa.select(Exam.id))
        db.session.remove()
    token = officer.get(port, "/exams/my").csrf_token()
    started = officer.request(port, "POST", f"/exams/{exam_id}/start", form={"csrf_token": token})
    assert started.status == 302, started.text[:300]
    return attempt_id_from(started.location), token


def _api(officer: Browser, port: int, method: str, path: str, token: str, body: dict):
    reply = officer.request(port, method, path, body=body, headers={"X-CSRFToken": token})
    assert reply.status == 200, reply.text[:300]
    return reply.json()


def test_exam_started_on_one_instance_is_finished_on_the_other(both: Stack):
    first, second = both.ports
    officer = Browser()
    assert officer.login(first, "staff").status == 302
    attempt_id, token = _start_exam(officer, first, both.app)
    path = f"/api/v1/attempts/{attempt_id}"

    # Every later write goes to the second instance, which never saw the login; the CSRF
    # token issued by the first is valid there (one SECRET_KEY).
    view = officer.get(second, path)
    assert view.status == 200, view.text[:300]
    seq = view.json()["seq"]
    items = _items(both.app, attempt_id)
    answered = items[: len(items) // 2]  # full credit on the first half, the rest left blank
    for item_id, _mark, response in answered:
        body = {"response": response, "seq": seq}
        seq = _api(officer, second, "PUT", f"{path}/answers/{item_id}", token, body)["seq"]
    shown = officer.get(first, path).json()  # the first instance sees what the second saved
    assert shown["seq"] == seq
    assert sum(q["response"] is not None for q in shown["questions"]) == len(answered)

    result = _api(officer, second, "POST", f"{path}/finish", token, {"seq": seq})
    expected = sum(mark for _id, mark, _r in answered)  # full credit × mark, blanks score 0
    maximum = sum(mark for _id, mark, _r in items)
    assert 0 < expected < maximum
    assert result["score"] == pytest.approx(expected)
    assert result["max_score"] == pytest.approx(maximum)
    with both.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state is AttemptState.FINISHED
        assert attempt.score == pytest.approx(expected)
        db.session.remove()


def test_login_throttling_is_shared_by_the_instances(both: Stack):
    limit = _configured_login_limit()
    intruder = Browser()
    token = intruder.get(both.ports[0], "/auth/login").csrf_token()
    form = {"username": "staff", "password": "not-the-password", "csrf_token": token}
    statuses = [
        intruder.request(both.ports[i % 2], "POST", "/auth/login", form=form).status
        for i in range(limit)
    ]
    # each instance saw only about half the attempts: only a shared count reaches the limit
    assert statuses == [401] * limit
    for port in both.ports:
        assert intruder.request(port, "POST", "/auth/login", form=form).status == 429


def test_logout_on_one_instance_is_honoured_by_the_other(both: Stack):
    first, second = both.ports
    officer = Browser()
    assert officer.login(first, "hr").status == 302
    assert officer.get(second, "/org/people").status == 200  # the session works on both
    kept = dict(officer.cookies)
    token = officer.get(first, "/").csrf_token()
    out = officer.request(first, "POST", "/auth/logout", form={"csrf_token": token})
    assert out.status == 302 and "/auth/login" in out.location

    officer.cookies = kept  # replay the cookie from before the logout
    page = officer.get(second, "/org/people")
    assert page.status == 302 and "/auth/login" in page.location
    assert officer.get(second, "/api/v1/staff").status == 401
    with both.app.app_context():  # the account itself is untouched: only the session ended
        assert db.session.scalar(sa.select(Account.active).where(Account.username == "hr"))
        db.session.remove()
