"""With Redis, the citizens' per-address limit is shared by every app instance (worker)."""

from __future__ import annotations

from tests.auth.test_redis_limits import redis_url  # noqa: F401 - the fixture
from tests.conftest import make_app
from tests.surveys.conftest import count_responses, qr_of


def test_address_limit_is_shared_across_instances(base_app, surveys, redis_url):  # noqa: F811
    url = base_app.config["SQLALCHEMY_DATABASE_URI"]
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "SURVEY_LIMIT_ADDRESS": "3 per minute"}
    a, b = make_app(url, **settings).test_client(), make_app(url, **settings).test_client()
    body = {"channel_code": qr_of(surveys, "ST-LH"), "answers": {"officer_rating": 5, "overall": 5}}
    statuses = [c.post("/api/v1/public/responses", json=body).status_code for c in (a, b, a, b)]
    assert statuses == [201, 201, 201, 429]
    assert count_responses() == 3
