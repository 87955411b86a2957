"""The counter kiosk in Chromium: rate, answer, lose the network, come back — no loss,
no duplicate."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from app.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.browser.conftest import kiosk_app


@pytest.fixture(scope="module")
def kiosk_server(tmp_path_factory):
    """(base URL, app, device token of the Xã Long Hưng kiosk) on a fresh SQLite file."""
    app, token = kiosk_app(tmp_path_factory, "kiosk")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, token
    server.shutdown()


def _responses(app) -> list[dict]:
    with app.app_context():
        db.session.remove()
        out = []
        for response in db.session.scalars(sa.select(SurveyResponse)):
            rows = db.session.execute(
                sa.select(SurveyQuestion.key, SurveyAnswer.choice, SurveyAnswer.number)
                .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                .where(SurveyAnswer.response_id == response.id)
            )
            out.append({key: choice or number for key, choice, number in rows})
        return out


def _clear(app) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.delete(SurveyAnswer))
        conn.execute(sa.delete(SurveyResponse))


def _pending(page, n: int) -> None:
    page.wait_for_selector(f'#status[data-pending="{n}"]', timeout=20_000)


def _wait_for(page, condition, seconds: float = 15) -> None:
    """Let the page run (and its route handlers fire) until ``condition()`` holds."""
    for _ in range(int(seconds * 5)):
        if condition():
            return
        page.wait_for_timeout(200)
    raise AssertionError("condition not met in time")


def _rate(page, value: int) -> None:
    page.locator(f'#rates button[data-rate="{value}"]').click()
    page.wait_for_selector("#s-questions.on")


def test_offline_rating_is_sent_once_when_back_online(browser, kiosk_server):
    base, app, token = kiosk_server
    _clear(app)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/s/kiosk#t={token}")
    page.wait_for_selector("#s-rate.on")
    assert "#t=" not in page.url  # the token leaves the address bar at once
    _rate(page, 5)
    page.get_by_text("Thân thiện, nhiệt tình").click()
    page.locator("#f-extra_papers").get_by_text("Không", exact=True).click()
    page.locator("#send").click()
    page.wait_for_selector("#s-thanks.on")
    _pending(page, 0)
    page.wait_for_selector("#s-rate.on", timeout=10_000)

    context.set_offline(True)
    _rate(page, 2)
    page.locator("#skip").click()
    _pending(page, 1)
    assert len(_responses(app)) == 1
    page.wait_for_selector("#s-rate.on", timeout=10_000)
    context.set_offline(False)
    _pending(page, 0)

    stored = _responses(app)
    assert len(stored) == 2
    assert {"officer_rating": 5, "attitude": "than_thien", "extra_papers": 0} in stored
    assert {"officer_rating": 2} in stored
    context.close()


def test_lost_reply_is_retried_without_duplicate(browser, kiosk_server):
    base, app, token = kiosk_server
    _clear(app)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    lost = {"n": 0}

    def lose_first_reply(route):
        if lost["n"]:
            route.continue_()
            return
        reply = route.fetch()
        if reply.status == 201:
            lost["n"] += 1
            route.abort()  # the server stored it, and the reply never arrives
        else:
            route.fulfill(response=reply)  # e.g. 429 "too soon": the kiosk retries by itself

    page.route("**/api/v1/public/responses", lose_first_reply)
    page.goto(f"{base}/s/kiosk#t={token}")
    page.wait_for_selector("#s-rate.on")
    _rate(page, 4)
    page.locator("#skip").click()
    _wait_for(page, lambda: lost["n"] == 1 and len(_responses(app)) == 1)
    _pending(page, 1)  # kept: the kiosk does not know it was stored
    page.wait_for_selector("#s-rate.on", timeout=10_000)
    _rate(page, 3)
    page.locator("#skip").click()  # sending again flushes the queue: a retry, then the new one
    _pending(page, 0)
    assert sorted(r["officer_rating"] for r in _responses(app)) == [3, 4]
    context.close()


def test_idle_kiosk_sends_the_rating_and_resets(browser, kiosk_server):
    base, app, token = kiosk_server
    _clear(app)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/s/kiosk#t={token}")
    page.wait_for_selector("#s-rate.on")
    _rate(page, 1)
    page.wait_for_selector("#s-rate.on", timeout=15_000)  # back without a touch
    _pending(page, 0)
    assert _responses(app) == [{"officer_rating": 1}]
    context.close()


def test_unconfigured_or_revoked_kiosk_says_so(browser, kiosk_server):
    base, _app, _token = kiosk_server
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/s/kiosk")
    page.wait_for_selector("#s-setup.on")
    page.goto("about:blank")
    page.goto(f"{base}/s/kiosk#t=not-a-real-token")
    page.wait_for_selector("#s-setup.on")
    expect(page.locator("#setup-error")).to_have_text(re.compile(r"\S"))
    assert "Mã thiết bị không đúng" in page.inner_text("#setup-error")
    context.close()


def test_revoked_kiosk_stops(browser, kiosk_server):
    from app.surveys.channels import issue_device_token, kiosk_for_token, revoke_channel

    base, app, token = kiosk_server
    with app.app_context():
        revoke_channel(kiosk_for_token(token))
        db.session.commit()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/s/kiosk#t={token}")
    page.wait_for_selector("#s-setup.on")
    expect(page.locator("#setup-error")).to_have_text(re.compile(r"\S"))
    assert "thu hồi" in page.inner_text("#setup-error")
    context.close()
    with app.app_context():  # give the module's other tests their kiosk back
        issue_device_token(kiosk_for_token(token), token)
        db.session.commit()
