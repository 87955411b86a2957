"""The counter kiosk reloads while offline: its service worker serves the page from the
cache, the queued rating survives in localStorage and is sent once when back online."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from app.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.browser.conftest import kiosk_app


class _Live:
    """A werkzeug server on a fixed loopback port that can be stopped and started again."""

    def __init__(self, app):
        self.app, self.server = app, make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self._run()

    def _run(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._run()


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory):
    """(base URL, app, server control, device token of the Xã Long Hưng kiosk)."""
    app, token = kiosk_app(tmp_path_factory, "kiosk-sw")
    live = _Live(app)
    yield f"http://127.0.0.1:{live.port}", app, live, token
    live.stop()


def _ratings(app) -> list[int]:
    with app.app_context():
        db.session.remove()
        return sorted(
            db.session.scalars(
                sa.select(SurveyAnswer.number)
                .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
                .where(SurveyQuestion.key == "officer_rating")
            )
        )


def test_offline_reload_keeps_the_page_and_its_queue(browser, offline_server):
    base, app, live, token = offline_server
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/s/kiosk#t={token}")
    expect(page.locator("#s-rate")).to_have_class("screen on")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1", timeout=15_000)

    context.set_offline(True)
    page.locator('#rates button[data-rate="2"]').click()
    expect(page.locator("#s-questions")).to_have_class("screen on")
    page.locator("#skip").click()
    expect(page.locator("#status")).to_have_attribute("data-pending", "1", timeout=10_000)

    # Chromium's offline emulation covers the page but not its service worker's own
    # fetches, so the server goes away too: the reload can only be answered by the cache.
    live.stop()
    try:
        page.reload()
        expect(page.locator("#s-rate")).to_have_class("screen on", timeout=15_000)
        expect(page.locator("#h-rate")).to_have_text("Ông/Bà hài lòng với sự phục vụ?")
        expect(page.locator("#rates button")).to_have_count(5)
        expect(page.locator("#status")).to_have_attribute("data-pending", "1")
    finally:
        live.start()
    assert _ratings(app) == []

    context.set_offline(False)
    expect(page.locator("#status")).to_have_attribute("data-pending", "0", timeout=30_000)
    assert _ratings(app) == [2]  # sent exactly once
    context.close()


def test_without_the_cache_an_offline_reload_fails(browser, offline_server):
    """The control experiment: a fresh kiosk (no service worker yet) cannot reload offline."""
    base, _app, live, token = offline_server
    context = browser.new_context(locale="vi-VN", service_workers="block")
    page = context.new_page()
    page.goto(f"{base}/s/kiosk#t={token}")
    expect(page.locator("#s-rate")).to_have_class("screen on")
    context.set_offline(True)
    live.stop()
    try:
        with pytest.raises(PlaywrightError):
            page.reload()
    finally:
        live.start()
    context.close()


def test_service_worker_is_served_under_the_kiosk_path(offline_server):
    _base, app, _live, _token = offline_server
    response = app.test_client().get("/s/kiosk-sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-cache"
    assert b"/api/" not in response.data  # it never caches the API
