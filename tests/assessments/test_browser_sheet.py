"""In Chromium with a phone viewport: an assessor fills a sheet, the network drops mid-way,
and the sheet is stored exactly once when the network returns (issue 5, "Done means")."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Sheet, SheetState
from tests.browser.conftest import browser  # noqa: F401 (fixture)
from tests.conftest import make_app

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(base URL, app, round id, person id) for a demo round the ``assessor`` covers."""
    from app.cli.demo import load_demo

    path = tmp_path_factory.mktemp("assess-live") / "live.sqlite3"
    app = make_app(f"sqlite:///{path}", LOGIN_RATE_LIMIT="200 per minute")
    with app.app_context():
        db.create_all()
        load_demo(with_bank=False)
        db.session.commit()
        from tests.assessments.conftest import make_round

        data = make_round()
        ids = (data.rnd.id, data.lh[1].id)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", app, *ids
    server.shutdown()


def _sheets(app) -> list[Sheet]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Sheet)))


def test_sheet_survives_a_lost_connection_and_is_saved_once(browser, live):  # noqa: F811
    base, app, round_id, person_id = live
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("Tên đăng nhập").fill("assessor")
    page.get_by_label("Mật khẩu").fill("demo1234")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/assessments/rounds/{round_id}/people/{person_id}/sheet")
    criteria = page.locator("fieldset.criterion")
    count = criteria.count()
    for i in range(count // 2):  # the first half online
        criteria.nth(i).locator("label.level").nth(2).tap()
    page.locator(".save-state", has_text="Đã lưu trên máy chủ").wait_for()
    assert len(_sheets(app)) == 1 and _sheets(app)[0].state is SheetState.DRAFT
    context.set_offline(True)
    for i in range(count // 2, count):  # the rest offline, then submit
        criteria.nth(i).locator("label.level").nth(3).tap()
    page.get_by_role("button", name="Nộp phiếu").tap()
    page.locator(".save-state.offline", has_text="Mất kết nối").wait_for()
    assert _sheets(app)[0].state is SheetState.DRAFT
    context.set_offline(False)
    page.wait_for_url(f"**/rounds/{round_id}/score", timeout=15000)  # after the server's OK
    sheets = _sheets(app)
    assert len(sheets) == 1 and sheets[0].state is SheetState.SUBMITTED
    assert list(sheets[0].scores.values()).count(3) == count - count // 2
    context.close()
