"""A live server (werkzeug, in a thread) on loopback and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_app, missing

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Base URL of the app serving the demo province from a fresh SQLite file."""
    from app.cli.demo import load_demo

    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = make_app(
        f"sqlite:///{path}",
        UPLOAD_DIR=str(path.parent / "uploads"),
        LOGIN_RATE_LIMIT="200 per minute",
    )
    with app.app_context():
        db.create_all()
        load_demo(with_bank=False)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def kiosk_app(tmp_path_factory, name: str):
    """(app, device token of the Xã Long Hưng kiosk): the demo province and its survey
    channels on a fresh SQLite file, with short kiosk intervals for the browser tests."""
    from app.cli.demo import load_demo
    from app.surveys.demo import load_demo_surveys

    path = tmp_path_factory.mktemp(name) / "kiosk.sqlite3"
    app = make_app(
        f"sqlite:///{path}",
        UPLOAD_DIR=str(path.parent / "uploads"),
        SURVEY_KIOSK_MIN_INTERVAL=1,
        SURVEY_KIOSK_IDLE_SECONDS=3,
    )
    with app.app_context():
        db.create_all()
        load_demo(with_bank=False)
        demo = load_demo_surveys()
        db.session.commit()
    return app, next(t for unit, _code, t in demo.kiosks if unit == "ST-LH")
