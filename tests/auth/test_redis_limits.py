"""With REDIS_URL set, the login limit is shared by every app instance (worker)."""

import os

import pytest
import redis

from tests.conftest import make_app, missing
from tests.exams.conftest import exam, staff_api  # noqa: F401 - fixtures
from tests.helpers import login

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):  # one Redis db per worker
    _base, _db = REDIS_URL.rsplit("/", 1)
    REDIS_URL = f"{_base}/{int(_db) - int(os.environ['PYTEST_XDIST_WORKER'][2:])}"


@pytest.fixture
def redis_url():
    try:
        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
    except redis.RedisError:
        missing(f"Redis not reachable at {REDIS_URL}")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def test_login_limit_is_shared_across_instances(base_app, redis_url, tmp_path):
    url = base_app.config["SQLALCHEMY_DATABASE_URI"]
    first = make_app(url, RATELIMIT_STORAGE_URI=redis_url)
    second = make_app(url, RATELIMIT_STORAGE_URI=redis_url)
    a, b = first.test_client(), second.test_client()
    statuses = [login(c, "nobody", "wrong").status_code for c in (a, b, a, b, a)]
    assert statuses == [401] * 5
    assert login(b, "nobody", "wrong").status_code == 429  # the sixth, on the other instance


def test_redis_down_closes_sign_in_with_a_clear_503_and_tests_keep_saving(
    base_app,
    client,
    staff_api,  # noqa: F811 - the fixture
    exam,  # noqa: F811 - the fixture
):
    """Fail-safe policy: closed for sign-in (no unthrottled guessing), open for exam saves."""
    from app.extensions import db, limiter

    exam_id = exam.id
    db.session.commit()  # the other app instance below has its own connection
    url = base_app.config["SQLALCHEMY_DATABASE_URI"]
    down = make_app(url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0").test_client()
    try:
        _closed_for_sign_in_open_for_saves(down, staff_api, exam_id)
    finally:
        limiter.init_app(base_app)  # the limiter is process-wide: give it back its storage


def _closed_for_sign_in_open_for_saves(down, headers, exam_id):
    from tests.exams.conftest import put_answer, some_response, start

    page = login(down, "staff")
    assert page.status_code == 503
    assert "giới hạn truy cập" in page.get_data(as_text=True)
    token = down.post("/api/v1/auth/token", json={"username": "staff", "password": "demo1234"})
    assert token.status_code == 503 and token.json["error"]["code"] == "unavailable"
    # An officer already signed in (token issued before the outage) keeps answering.
    attempt = start(down, headers, exam_id).json
    question = attempt["questions"][0]
    saved = put_answer(
        down,
        headers,
        attempt["attempt_id"],
        question["item_id"],
        some_response(question),
        attempt["seq"],
    )
    assert saved.status_code == 200 and saved.json["seq"] == attempt["seq"] + 1
