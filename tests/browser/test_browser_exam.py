"""In Chromium: an officer takes the demo exam, answers saved in the background, closes the
page half-way, signs in again (as from another computer), finds every answer, finishes."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Answer, Attempt, AttemptState
from tests.conftest import make_app


@pytest.fixture(scope="module")
def exam_server(tmp_path_factory):
    """(base URL, app) serving the demo province with the starter bank and its open exam."""
    from app.cli.demo import load_demo

    path = tmp_path_factory.mktemp("live-exam") / "live.sqlite3"
    app = make_app(f"sqlite:///{path}", UPLOAD_DIR=str(path.parent / "uploads"))
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()


def _login(page, base):
    page.goto(f"{base}/auth/login")
    page.get_by_label("Tên đăng nhập").fill("staff")
    page.get_by_label("Mật khẩu").fill("demo1234")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def _answer(page) -> None:
    """Answer the question on screen the way a person would, then wait for "Đã lưu"."""
    question = page.locator("fieldset.question").first
    kind = question.get_attribute("data-type")
    if kind in ("single_choice", "situational", "true_false", "multiple_response"):
        question.locator("input.form-check-input[name^='r-']").first.check()
    elif kind == "matching":
        for select in question.locator("select").all():
            select.select_option(index=1)
    else:
        box = question.locator("input[name^='r-'], textarea").first
        box.fill("2" if kind == "numerical" else "trả lời thử")
    page.wait_for_selector(".save-state.text-success", timeout=10_000)


def _saved_answers(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(Answer.id)).where(Answer.response.is_not(None))
        )


def test_officer_takes_exam_across_a_closed_page(browser, exam_server):
    base, app = exam_server
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    _login(page, base)
    page.goto(f"{base}/exams/my")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_selector("fieldset.question")
    total = page.locator(".exam-nav li").count()
    half = total // 2
    for number in range(1, half + 1):
        _answer(page)
        assert page.locator(f".nav-cell.answered >> text='{number}'").count() == 1
        if number < half:
            page.get_by_role("button", name="Lưu và sang câu sau →").click()
            page.wait_for_url(lambda url, n=number + 1: url.endswith(f"q={n}"))
    assert _saved_answers(app) == half  # saved in the background, before any page change
    context.close()  # the browser is closed without saving or finishing anything

    again = browser.new_context(locale="vi-VN")  # another computer, a fresh session
    page = again.new_page()
    _login(page, base)
    page.goto(f"{base}/exams/my")
    page.get_by_role("button", name="Làm tiếp").click()
    page.wait_for_selector("fieldset.question")
    assert page.locator(".exam-nav .nav-cell.answered").count() == half
    # a locator wait, not wait_for_function: the page's CSP forbids evaluating strings
    expect(page.locator(".countdown")).to_have_text(re.compile(r"\S"))
    for number in range(half + 1, total + 1):
        page.locator(".exam-nav button.nav-cell", has_text=str(number)).first.click()
        page.wait_for_url(lambda url, n=number: url.endswith(f"q={n}"))
        _answer(page)
    page.get_by_role("button", name="Xem lại và nộp bài").click()
    page.wait_for_url("**/summary")
    assert f"Đã trả lời {total}/{total} câu." in page.content()
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url("**/result")
    assert "Đã nộp bài." in page.content()
    again.close()
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        assert attempt.state is AttemptState.FINISHED
        answered = [i for i in attempt.items if i.answer and i.answer.response is not None]
        assert len(answered) == total == len(attempt.items)
        assert attempt.score is not None and attempt.max_score == total
