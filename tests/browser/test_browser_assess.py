"""Issue 5, first "Done means": on a phone-sized Chromium an assessor finds an officer by a
search typed without diacritics, scores part of the sheet online, loses the network,
scores the rest and writes a note, and when the network returns the sheet is stored once
with every tap. Submitting then locks it: a stale tab and the API are refused, no copy."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Account, AuditEvent, Period, Person, Sheet, SheetState, Unit
from app.text import fold
from tests.conftest import make_app

PHONE = {"width": 390, "height": 844}
ROUND_TITLE = "Đánh giá giao tiếp thử trên điện thoại"
SCENARIO = "Đăng ký khai sinh cho con"
NOTE = "Không ghi Phiếu yêu cầu bổ sung; người dân phải hỏi lại."
ONLINE = [3, 2, 1, 0]  # levels tapped on criteria 1-4 while online
OFFLINE = [2, 3, 0, 1, 3]  # levels tapped on criteria 5-9 with the network gone
NOTE_AT = 6  # the criterion (0-based) whose note is typed offline
SAVED = "Đã lưu trên máy chủ"
QUEUED = "Mất kết nối: đã lưu trên máy, sẽ gửi khi có mạng"


@dataclass
class Live:
    base: str
    app: object
    round_id: int
    person_id: int
    person_name: str
    criteria: list[str]  # criterion keys in sheet order


def _round_for_assessor() -> tuple[int, list[str]]:
    """The shipped rubric in an open round over Xã Long Hưng, the demo assessor assigned."""
    from app.assessments import services
    from app.assessments.rubrics import load_demo_rubric

    def unit(code: str) -> Unit:
        return db.session.scalar(sa.select(Unit).where(Unit.code == code))

    version = load_demo_rubric()
    period = Period(
        name="6 tháng đầu năm 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30)
    )
    db.session.add(period)
    db.session.flush()
    lh = unit("ST-LH")
    rnd = services.open_round(period, version, unit("ST"), ROUND_TITLE, [lh], ["live", "role_play"])
    assessor = db.session.scalar(sa.select(Account).where(Account.username == "assessor"))
    services.assign_assessor(rnd, assessor, lh)
    return rnd.id, [c["key"] for c in version.criteria]


def _officer() -> Person:
    """A Long Hưng officer whose name has diacritics and whose folded name is unique."""
    people = list(
        db.session.scalars(
            sa.select(Person).join(Unit, Person.unit_id == Unit.id).where(Unit.code == "ST-LH")
        )
    )
    folded = [fold(p.full_name) for p in people]
    return next(
        p
        for p, f in zip(people, folded, strict=True)
        if f != p.full_name.lower() and sum(f in other for other in folded) == 1
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from app.cli.demo import load_demo

    path = tmp_path_factory.mktemp("assess") / "assess.sqlite3"
    app = make_app(f"sqlite:///{path}", UPLOAD_DIR=str(path.parent / "uploads"))
    with app.app_context():
        db.create_all()
        load_demo(with_bank=False)
        round_id, criteria = _round_for_assessor()
        person = _officer()
        ids = (round_id, person.id, person.full_name)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Live(f"http://127.0.0.1:{server.server_port}", app, *ids, criteria)
    server.shutdown()


def _sheets(live: Live) -> list[Sheet]:
    """Every sheet of the round for the officer (any assessor, any state), detached."""
    with live.app.app_context():
        db.session.remove()
        stmt = sa.select(Sheet).where(
            Sheet.round_id == live.round_id, Sheet.person_id == live.person_id
        )
        rows = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return rows


def _audit_count(live: Live, action: str, sheet_id: int) -> int:
    with live.app.app_context():
        stmt = sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.target_id == str(sheet_id)
        )
        return db.session.scalar(stmt)


def _draft_in_storage(context, live: Live) -> dict | None:
    """The queued draft assess-sheet.js keeps in the phone's localStorage."""
    key = f"assess-sheet:{live.round_id}:{live.person_id}"
    for origin in context.storage_state()["origins"]:
        for item in origin["localStorage"]:
            if item["name"] == key:
                return json.loads(item["value"])
    return None


def _wait_for(page, condition, seconds: float = 10) -> None:
    for _ in range(int(seconds * 5)):
        if condition():
            return
        page.wait_for_timeout(200)
    raise AssertionError("condition not met in time")


def _tap_levels(page, live: Live, first: int, levels: list[int]) -> dict[str, int]:
    criteria = page.locator("fieldset.criterion")
    tapped = {}
    for offset, level in enumerate(levels):
        index = first + offset
        if index == NOTE_AT:  # the note first; the next tap moves focus and saves it
            criteria.nth(index).get_by_label("Ghi chú, minh chứng").fill(NOTE)
        criteria.nth(index).locator("label.level").nth(level).tap()
        expect(criteria.nth(index).locator("input.level-radio").nth(level)).to_be_checked()
        tapped[live.criteria[index]] = level
    return tapped


def _open_sheet_by_search(page, live: Live) -> None:
    page.goto(f"{live.base}/auth/login")
    page.get_by_label("Tên đăng nhập").fill("assessor")
    page.get_by_label("Mật khẩu").fill("demo1234")
    page.get_by_label("Mật khẩu").press("Enter")
    page.wait_for_url(f"{live.base}/")
    page.locator("a.card-action", has_text="Chấm phiếu đánh giá kỹ năng giao tiếp").tap()
    page.get_by_role("link", name=ROUND_TITLE).tap()
    search = page.get_by_label("Tìm cán bộ (gõ không dấu cũng được)")
    search.fill(fold(live.person_name))  # typed without any diacritic
    search.press("Enter")
    results = page.locator(".list-group a.list-group-item")
    expect(results).to_have_count(1)
    expect(results).to_contain_text(live.person_name)  # found with its diacritics
    results.tap()
    expect(page.locator("h1")).to_have_text(live.person_name)


def test_phone_sheet_survives_lost_network_and_is_saved_once(browser, live):
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    _open_sheet_by_search(page, live)
    sheet_url = page.url
    state = page.locator(".save-state")

    page.get_by_label("Hình thức", exact=True).select_option("role_play")
    page.get_by_label("Tình huống / kịch bản").fill(SCENARIO)
    online = _tap_levels(page, live, 0, ONLINE)
    expect(state).to_have_text(SAVED, timeout=15_000)
    expect(state).not_to_have_class("offline")
    [sheet] = _sheets(live)
    assert sheet.state is SheetState.DRAFT and sheet.scores == online
    assert (sheet.method.value, sheet.scenario) == ("role_play", SCENARIO)

    context.set_offline(True)
    offline = _tap_levels(page, live, len(ONLINE), OFFLINE)
    expect(state).to_have_text(QUEUED, timeout=15_000)
    expect(state).to_have_class("save-state small text-muted offline")
    everything = online | offline
    assert len(everything) == len(live.criteria)  # every criterion tapped once
    _wait_for(page, lambda: (_draft_in_storage(context, live) or {}).get("scores") == everything)
    queued = _draft_in_storage(context, live)
    assert queued["pending"] is True and queued["notes"] == {live.criteria[NOTE_AT]: NOTE}
    assert queued["client_key"] == sheet.client_key  # the resend will hit the same sheet
    [still] = _sheets(live)
    assert still.scores == online and still.notes == {}  # nothing reached the server

    context.set_offline(False)  # fires the window's "online" event
    expect(state).to_have_text(SAVED, timeout=20_000)
    expect(state).not_to_have_class("offline")
    [saved] = _sheets(live)  # exactly one sheet for this officer in the round
    assert saved.id == sheet.id and saved.state is SheetState.DRAFT
    assert saved.scores == everything  # the offline taps included
    assert saved.notes == {live.criteria[NOTE_AT]: NOTE}
    assert (saved.method.value, saved.scenario) == ("role_play", SCENARIO)
    assert _draft_in_storage(context, live)["pending"] is False  # the queue is drained
    assert _audit_count(live, "assess.start_sheet", saved.id) == 1

    # A second tab opened on the same draft before submitting: it will be stale.
    stale = context.new_page()
    stale.goto(f"{sheet_url}?{urlencode({'method': 'role_play', 'scenario': SCENARIO})}")
    expect(stale.locator("fieldset.criterion input.level-radio:checked")).to_have_count(
        len(live.criteria)
    )

    page.get_by_role("button", name="Nộp phiếu").tap()
    page.wait_for_url(f"{live.base}/assessments/rounds/{live.round_id}/score")
    [done] = _sheets(live)
    assert done.id == sheet.id and done.state is SheetState.SUBMITTED
    assert done.scores == everything and done.percent is not None
    flash = page.get_by_text("Đã nộp phiếu đánh giá")
    expect(flash).to_have_text(f"Đã nộp phiếu đánh giá ({done.percent * 100:.0f} %).")
    _refusals(stale, live, done)
    context.close()


def _refusals(stale, live: Live, done: Sheet) -> None:
    """The submitted sheet is locked: the stale tab's submit and the API are refused."""
    csrf = stale.locator('#assess-sheet input[name="csrf_token"]').get_attribute("value")
    stale.get_by_role("button", name="Nộp phiếu").tap()
    expect(stale.get_by_role("alert")).to_have_text("Phiếu đã được nộp trước đó.")
    expect(stale.get_by_role("button", name="Nộp phiếu")).to_have_count(0)
    expect(stale.locator("#assess-sheet")).to_have_attribute("data-locked", "1")

    api = f"{live.base}/api/v1/assessments/sheets"
    again = stale.request.post(f"{api}/{done.id}/submit", headers={"X-CSRFToken": csrf})
    assert again.status == 409
    assert again.json()["error"]["code"] == "already_submitted"
    assert again.json()["error"]["message"] == "Phiếu đã được nộp trước đó."
    body = {
        "round_id": live.round_id,
        "person_id": live.person_id,
        "method": "role_play",
        "scenario": SCENARIO,
        "client_key": done.client_key,
        "scores": dict.fromkeys(live.criteria, 0),
        "notes": {},
        "submit": True,
    }
    replay = stale.request.post(api, data=body, headers={"X-CSRFToken": csrf})
    assert replay.status == 200  # a replayed queue entry is a no-op on a locked sheet
    assert replay.json()["id"] == done.id and replay.json()["state"] == "submitted"

    [after] = _sheets(live)
    assert (after.id, after.state, after.scores) == (done.id, SheetState.SUBMITTED, done.scores)
    assert after.percent == done.percent and after.revision == 1
    assert _audit_count(live, "assess.submit", done.id) == 1
