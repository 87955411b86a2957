"""In Chromium: an author writes a single-choice question with the keyboard while the live
preview follows, saves and submits it; the reviewer approves it from the queue."""

from __future__ import annotations

import re

from playwright.sync_api import expect

STEM = "Người dân nóng giận vì phải bổ sung hồ sơ lần thứ hai. Công chức nên làm gì?"
BEST = "Lắng nghe, xin lỗi và hướng dẫn một lần đầy đủ bằng phiếu"
WORSE = "Yêu cầu người dân giữ trật tự"


def _login(page, base, username):
    page.goto(f"{base}/auth/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo1234")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def _logout(page, base):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{base}/auth/login")


def _type_into(page, label: str, text: str, *, exact: bool = False) -> None:
    page.get_by_label(label, exact=exact).focus()
    page.keyboard.type(text)


def test_author_writes_with_live_preview_and_reviewer_approves(page, live_server):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: r.status >= 400
        and "favicon" not in r.url
        and errors.append(f"{r.status} {r.url}"),
    )
    _login(page, live_server, "author")
    page.get_by_role("link", name="Ngân hàng câu hỏi").first.click()
    page.get_by_role("link", name="Soạn câu hỏi").click()
    preview = page.locator("#live-preview")

    _type_into(page, "hoặc chủ đề mới", "Giao tiếp với người dân")
    _type_into(page, "Nội dung câu hỏi", STEM + " <i>Chọn một</i><script>alert(1)</script>")
    expect(preview.locator(".bank-stem")).to_contain_text(STEM)
    expect(preview.locator(".bank-stem i")).to_have_text("Chọn một")
    assert preview.locator("script").count() == 0

    _type_into(page, "Phương án A", BEST, exact=True)
    page.keyboard.press("Tab")  # → Điểm A
    page.keyboard.type("100")
    page.keyboard.press("Tab")  # → Phản hồi A
    page.keyboard.type("Đúng: hướng dẫn một lần, đầy đủ.")
    page.keyboard.press("Tab")  # → Phương án B
    page.keyboard.type(WORSE)
    expect(preview.locator(".bank-options li")).to_have_text([BEST, WORSE])
    expect(preview).not_to_contain_text("100")  # the key is never shown
    expect(preview).not_to_contain_text("hướng dẫn một lần, đầy đủ.")

    page.get_by_role("button", name="Thêm phương án").focus()
    page.keyboard.press("Enter")  # JS adds row C without a round trip
    expect(page.get_by_label("Phương án C", exact=True)).to_be_visible()
    expect(page.get_by_label("Phương án E", exact=True)).to_be_visible()

    _type_into(page, "Văn bản 1", "Nghị định 118/2025/NĐ-CP", exact=True)
    page.get_by_role("button", name="Lưu", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/bank/questions/\d+$"))
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu phiên bản 1.")
    question_url = page.url
    expect(page.locator(".bank-preview")).to_contain_text(BEST)

    page.get_by_role("button", name="Gửi thẩm định").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Đã gửi phiên bản 1 đi thẩm định.")
    _logout(page, live_server)

    _login(page, live_server, "reviewer")
    page.get_by_role("link", name="Thẩm định câu hỏi").first.click()
    item = page.locator("article", has_text="Người dân nóng giận")
    expect(item).to_be_visible()
    item.get_by_label("Ghi chú khi duyệt").focus()
    page.keyboard.type("Đúng tinh thần Nghị định 118.")
    item.get_by_role("button", name="Duyệt").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/bank/review")
    expect(page.get_by_role("status").first).to_contain_text("Đã duyệt phiên bản 1.")
    expect(page.locator("article", has_text="Người dân nóng giận")).to_have_count(0)
    page.goto(question_url)
    expect(page.locator("h1 + p .badge").first).to_have_text("Đã duyệt")
    assert errors == []


def test_import_wizard_uploads_with_progress_and_confirms(page, live_server, tmp_path):
    gift = tmp_path / "tinh-huong.gift"
    gift.write_text(
        "::TH-1::Hồ sơ trễ hẹn: công chức phải làm gì?"
        "{=Gửi văn bản xin lỗi và hẹn lại ngày trả ~Im lặng chờ người dân hỏi}\n",
        encoding="utf-8",
    )
    _login(page, live_server, "author")
    page.goto(f"{live_server}/bank/import")
    page.get_by_label("Tệp câu hỏi").set_input_files(str(gift))
    page.get_by_label("Đặt dưới chủ đề").fill("Nhập trên trình duyệt")
    with page.expect_request(lambda r: r.method == "POST" and r.resource_type == "xhr"):
        page.get_by_role("button", name="Tải lên và xem trước").click()  # XHR: progress events
    page.wait_for_url(re.compile(r".*/bank/import/[A-Za-z0-9_-]+$"))
    expect(page.get_by_role("status").first).to_contain_text("Sẵn sàng nhập 1 câu hỏi: 1 câu mới")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_url(f"{live_server}/bank/questions")
    expect(page.locator("tbody")).to_contain_text("Hồ sơ trễ hẹn: công chức phải làm gì?")
    expect(page.locator("tbody")).to_contain_text("Nhập trên trình duyệt")
