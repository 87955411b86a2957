"""With Redis, the citizens' per-address limit and the burst detector are shared by every
app instance (worker), counted in one round trip; without Redis a submission is refused
with a clear 503 and nothing is stored."""

from __future__ import annotations

import pytest

from app.extensions import limiter
from tests.auth.test_redis_limits import redis_url  # noqa: F401 - the fixture
from tests.conftest import make_app
from tests.surveys.conftest import count_responses, qr_of

URL = "/api/v1/public/responses"


@pytest.fixture
def instances(base_app, redis_url):  # noqa: F811 - the fixture
    """Build two app instances sharing the database and Redis; give the process-wide
    limiter back its own storage afterwards."""

    def build(**settings):
        url = base_app.config["SQLALCHEMY_DATABASE_URI"]
        settings = {"RATELIMIT_STORAGE_URI": redis_url, **settings}
        return make_app(url, **settings).test_client(), make_app(url, **settings).test_client()

    yield build
    limiter.init_app(base_app)


def test_address_limit_is_shared_across_instances(surveys, instances):
    a, b = instances(SURVEY_LIMIT_ADDRESS="3 per minute")
    body = {"channel_code": qr_of(surveys, "ST-LH"), "answers": {"officer_rating": 5, "overall": 5}}
    replies = [c.post(URL, json=body) for c in (a, b, a, b)]
    assert [r.status_code for r in replies] == [201, 201, 201, 429]
    assert [r.headers["X-RateLimit-Remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert 1 <= int(replies[-1].headers["Retry-After"]) <= 60
    assert replies[-1].json["error"]["code"] == "too_many_requests"
    # the counters live in the limiter's namespace: a reset clears them
    limiter.reset()
    assert a.post(URL, json=body).status_code == 201
    assert count_responses() == 4


def test_bursts_are_flagged_across_instances(surveys, instances):
    a, b = instances(SURVEY_BURST_LIMIT="2 per 10 minutes")
    code = qr_of(surveys, "ST-LH")
    body = {"channel_code": code, "answers": {"officer_rating": 1, "overall": 1}}
    flags = [c.post(URL, json=body).json["flagged_for_review"] for c in (a, b, a, b)]
    assert flags == [False, False, True, True]
    other = {"channel_code": code, "answers": {"officer_rating": 1, "overall": 2}}
    assert b.post(URL, json=other).json["flagged_for_review"] is False
    assert count_responses() == 5 and count_responses(flagged=True) == 2


def test_refused_callers_do_not_count_as_a_burst(surveys, instances):
    a, _b = instances(SURVEY_LIMIT_ADDRESS="2 per minute", SURVEY_BURST_LIMIT="3 per minute")
    body = {"channel_code": qr_of(surveys, "ST-LH"), "answers": {"officer_rating": 3, "overall": 3}}
    assert [a.post(URL, json=body).status_code for _ in range(4)] == [201, 201, 429, 429]
    other_address = {"REMOTE_ADDR": "192.0.2.7"}
    third = a.post(URL, json=body, environ_base=other_address)
    assert third.json["flagged_for_review"] is False  # the third identical one, not the fifth
    assert a.post(URL, json=body, environ_base=other_address).json["flagged_for_review"] is True
    assert count_responses() == 4 and count_responses(flagged=True) == 1


def test_redis_down_refuses_submissions_with_503_and_stores_nothing(base_app, surveys):
    url = base_app.config["SQLALCHEMY_DATABASE_URI"]
    down = make_app(url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0").test_client()
    body = {"channel_code": qr_of(surveys, "ST-LH"), "answers": {"officer_rating": 5, "overall": 5}}
    try:
        response = down.post(URL, json=body)
        assert response.status_code == 503
        assert response.json["error"]["code"] == "unavailable"
        assert count_responses() == 0
    finally:
        limiter.init_app(base_app)  # the limiter is process-wide: give it back its storage
