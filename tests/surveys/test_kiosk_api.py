"""Kiosks: device token, exactly-once retries, minimum interval, revocation, rate limits."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db, limiter
from app.models import Person, SurveyChannel, SurveyResponse
from tests.surveys.conftest import count_responses, kiosk_of, qr_of

URL = "/api/v1/public/responses"


def _post(client, token, key="k" * 16, answers=None, code=None):
    body = {"idempotency_key": key, "answers": answers or {"officer_rating": 5}}
    if code:
        body["channel_code"] = code
    return client.post(URL, json=body, headers={"X-Device-Token": token})


def test_kiosk_settings_need_the_token(client, surveys):
    code, token = kiosk_of(surveys, "ST-LH")
    response = client.get("/api/v1/public/kiosk", headers={"X-Device-Token": token})
    assert response.status_code == 200
    assert response.json["channel_code"] == code
    assert response.json["officer"]  # the duty officer set by the demo
    assert response.json["questionnaire"]["short_form"] is True
    keys = [q["key"] for s in response.json["questionnaire"]["sections"] for q in s["questions"]]
    assert "officer_rating" in keys and "a_signage" not in keys
    assert client.get("/api/v1/public/kiosk").status_code == 401
    assert client.get("/api/v1/public/kiosk", headers={"X-Device-Token": "nope"}).status_code == 401


def test_retry_with_the_same_key_stores_once(client, surveys, monkeypatch):
    monkeypatch.setitem(client.application.config, "SURVEY_KIOSK_MIN_INTERVAL", 0)
    _code, token = kiosk_of(surveys, "ST-LH")
    first = _post(client, token, key="retry-key-0001")
    again = _post(client, token, key="retry-key-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == {"status": "duplicate"}
    assert _post(client, token, key="retry-key-0002").status_code == 201
    assert count_responses(channel_kind="kiosk") == 2


def test_kiosk_rates_the_duty_officer(client, surveys):
    _code, token = kiosk_of(surveys, "ST-LH")
    assert _post(client, token).status_code == 201
    officer = db.session.scalar(sa.select(SurveyResponse.officer_id))
    unit_people = db.session.scalars(
        sa.select(Person.id).join(Person.unit).where(sa.text("units.code = 'ST-LH'"))
    ).all()
    assert officer in unit_people


def test_minimum_interval_between_ratings(client, surveys, monkeypatch):
    monkeypatch.setitem(client.application.config, "SURVEY_KIOSK_MIN_INTERVAL", 60)
    _code, token = kiosk_of(surveys, "ST-LH")
    assert _post(client, token, key="interval-0001").status_code == 201
    too_soon = _post(client, token, key="interval-0002")
    assert too_soon.status_code == 429
    assert too_soon.json["error"]["code"] == "too_soon"
    # the retry of the stored one is still recognised as stored, not refused
    assert _post(client, token, key="interval-0001").status_code == 200
    assert count_responses() == 1


def test_a_retry_of_the_submission_that_started_the_interval_is_not_too_soon(
    client, surveys, monkeypatch
):
    """The database failed after the interval was counted (nothing stored): the kiosk's
    retry with the same key proceeds; any other submission is still too soon."""
    from app.surveys import guard

    monkeypatch.setitem(client.application.config, "SURVEY_KIOSK_MIN_INTERVAL", 60)
    code, token = kiosk_of(surveys, "ST-LH")
    code_row = sa.select(SurveyChannel.id).where(SurveyChannel.code == code)
    channel_id = db.session.scalar(code_row)
    with client.application.test_request_context("/"):
        assert guard.kiosk_interval_free(channel_id, "lost-0001")  # counted, then lost
        assert guard.kiosk_interval_free(channel_id, "lost-0001")  # its retry
        assert not guard.kiosk_interval_free(channel_id, "other-0001")
        assert not guard.kiosk_interval_free(channel_id)  # no key: no retry to recognise
    assert _post(client, token, key="lost-0001").status_code == 201  # the retry is stored
    assert _post(client, token, key="lost-0001").json == {"status": "duplicate"}
    assert _post(client, token, key="other-0002").status_code == 429
    assert count_responses() == 1


def test_revoked_kiosk_is_refused(client, surveys):
    from app.surveys.channels import kiosk_for_token, revoke_channel

    _code, token = kiosk_of(surveys, "ST-LH")
    revoke_channel(kiosk_for_token(token))
    db.session.commit()
    response = _post(client, token)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "device_revoked"
    assert client.get("/api/v1/public/kiosk", headers={"X-Device-Token": token}).status_code == 403
    assert count_responses() == 0


def test_a_token_cannot_post_for_another_kiosk(client, surveys):
    other, _ = kiosk_of(surveys, "ST-AN")
    _code, token = kiosk_of(surveys, "ST-LH")
    assert _post(client, token, code=other).status_code == 401


def test_address_limit_answers_429_json(client, surveys, monkeypatch):
    monkeypatch.setitem(client.application.config, "SURVEY_LIMIT_ADDRESS", "3 per minute")
    limiter.reset()
    code = qr_of(surveys, "ST-LH")
    body = {"channel_code": code, "answers": {"officer_rating": 4, "overall": 4}}
    statuses = [client.post(URL, json=body).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    last = client.post(URL, json=body)
    assert last.json["error"]["code"] == "too_many_requests"
    # another address is not affected
    other = client.post(URL, json=body, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 201


def test_device_limit(client, surveys, monkeypatch):
    monkeypatch.setitem(client.application.config, "SURVEY_LIMIT_DEVICE", "2 per minute")
    monkeypatch.setitem(client.application.config, "SURVEY_KIOSK_MIN_INTERVAL", 0)
    limiter.reset()
    _code, token = kiosk_of(surveys, "ST-LH")
    statuses = [_post(client, token, key=f"device-limit-{i:03d}").status_code for i in range(3)]
    assert statuses == [201, 201, 429]


def test_identical_bursts_are_flagged_not_dropped(client, surveys, monkeypatch, login_as):
    monkeypatch.setitem(client.application.config, "SURVEY_BURST_LIMIT", "3 per 10 minutes")
    code = qr_of(surveys, "ST-LH")
    body = {"channel_code": code, "answers": {"officer_rating": 1, "overall": 1}}
    flags = [client.post(URL, json=body).json["flagged_for_review"] for _ in range(5)]
    assert flags == [False, False, False, True, True]
    different = {"channel_code": code, "answers": {"officer_rating": 2, "overall": 1}}
    assert client.post(URL, json=different).json["flagged_for_review"] is False
    assert count_responses() == 6 and count_responses(flagged=True) == 2
    page = login_as("admin").get("/surveys/").get_data(as_text=True)
    row = page[page.index("Xã Long Hưng") :].split("</tr>")[0]
    assert re.findall(r">(\d+)<", row)[:3] == ["6", "0", "2"]  # total, verified, flagged


def test_invalid_bodies_count_against_the_address_limit(client, surveys, monkeypatch):
    """The limit is counted before the body is read: a flood of bad bodies is limited too."""
    monkeypatch.setitem(client.application.config, "SURVEY_LIMIT_ADDRESS", "3 per minute")
    limiter.reset()
    code = qr_of(surveys, "ST-LH")
    bad = {"channel_code": code, "answers": {"officer_rating": 9}}
    good = {"channel_code": code, "answers": {"officer_rating": 4, "overall": 4}}
    replies = [client.post(URL, json=b) for b in (bad, "not an object", good, good)]
    assert [r.status_code for r in replies] == [422, 422, 201, 429]
    assert replies[2].headers["X-RateLimit-Remaining"] == "0"
    assert int(replies[3].headers["Retry-After"]) >= 1
    assert count_responses() == 1


def test_kiosks_sending_only_their_token_are_separate_channels_for_bursts(
    client, surveys, monkeypatch
):
    """Identical ratings at two kiosks are not one burst (nor one with dossier ratings)."""
    monkeypatch.setitem(client.application.config, "SURVEY_BURST_LIMIT", "2 per 10 minutes")
    monkeypatch.setitem(client.application.config, "SURVEY_KIOSK_MIN_INTERVAL", 0)
    tokens = [kiosk_of(surveys, unit)[1] for unit in ("ST-LH", "ST-AN")]
    flags = [
        _post(client, token, key=f"burst-{n}-{token[:6]}").json["flagged_for_review"]
        for n in range(2)
        for token in tokens
    ]
    assert flags == [False, False, False, False]
    third = _post(client, tokens[0], key="burst-third-0001")
    assert third.json["flagged_for_review"] is True  # the third identical one at that kiosk
    assert count_responses(flagged=True) == 1


def test_with_rate_limiting_off_submissions_work_and_bursts_are_still_flagged(
    client, surveys, monkeypatch
):
    """``RATELIMIT_ENABLED = False``: Flask-Limiter then builds no storage at all (what
    ``init_app`` leaves behind is reproduced here), yet citizens can still submit, nobody
    is limited, and the burst detector and kiosk interval still count in their own."""
    monkeypatch.setattr(limiter, "enabled", False)
    monkeypatch.setattr(limiter, "_storage", None)
    monkeypatch.setitem(client.application.config, "SURVEY_BURST_LIMIT", "2 per 10 minutes")
    monkeypatch.setitem(client.application.config, "SURVEY_LIMIT_ADDRESS", "1 per minute")
    code = qr_of(surveys, "ST-LH")
    body = {"channel_code": code, "answers": {"officer_rating": 3, "overall": 3}}
    replies = [client.post(URL, json=body) for _ in range(3)]
    assert [r.status_code for r in replies] == [201, 201, 201]  # no address limit
    assert [r.json["flagged_for_review"] for r in replies] == [False, False, True]
    monkeypatch.setitem(client.application.config, "SURVEY_KIOSK_MIN_INTERVAL", 60)
    _code, token = kiosk_of(surveys, "ST-AN")
    kiosk = [_post(client, token, key=f"off-{n:04d}").status_code for n in range(2)]
    assert kiosk[0] == 201 and kiosk[1] != 201  # the kiosk interval still holds
    assert count_responses() == 4
