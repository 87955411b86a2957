"""In Chromium: each demo role signs in, sees its home page, signs out; errors in Vietnamese."""

import pytest

ROLES = ["admin", "hr", "hr.xa", "author", "reviewer", "assessor", "proctor", "staff"]


def _login(page, base, username, password="demo1234"):
    page.goto(f"{base}/auth/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.keyboard.press("Enter")  # keyboard only, like a user without a mouse


@pytest.mark.parametrize("username", ROLES)
def test_each_role_signs_in_and_out(page, live_server, username):
    _login(page, live_server, username)
    page.wait_for_url(f"{live_server}/")
    assert "Xin chào" in page.inner_text("h1")
    cards = page.locator("a.card-action")
    assert cards.count() >= 1
    if username == "admin":
        assert page.get_by_role("link", name="Nhật ký hệ thống").count() >= 1
    if username == "staff":
        assert page.get_by_role("link", name="Cán bộ, công chức").count() == 0
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server}/auth/login")
    assert "Bạn đã đăng xuất." in page.content()
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/auth/login")


def test_failed_login_shows_vietnamese_error(page, live_server):
    _login(page, live_server, "hr", "sai-mat-khau")
    alert = page.get_by_role("alert")
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in alert.inner_text()


def test_people_search_without_diacritics(page, live_server):
    _login(page, live_server, "hr")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/org/people")
    first = page.locator("tbody tr td a").first.inner_text()
    from app.text import fold

    page.get_by_label("Tìm theo họ tên").fill(fold(first))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert first in page.locator("tbody").inner_text()


def test_english_switch(page, live_server):
    page.goto(f"{live_server}/auth/login")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
