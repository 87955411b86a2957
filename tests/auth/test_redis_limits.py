"""With REDIS_URL set, the login limit is shared by every app instance (worker)."""

import os

import pytest
import redis

from tests.conftest import make_app, missing
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
