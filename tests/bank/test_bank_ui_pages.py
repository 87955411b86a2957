"""Bank pages: editor (errors keep the text, server-side preview, rows), browser filters and
search, history and diff, review queue, retire, downloads, permissions and CSRF."""

from __future__ import annotations

import codecs
import html
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from app.bank import editing, services
from app.bank.formats import parse
from app.bank.formats.model import Difficulty, MatchPair, Option, QuestionData, QuestionType
from app.extensions import db
from app.models import Account, Question, QuestionVersion, VersionState
from tests.helpers import csrf_from, login, post_form


def account(username: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.username == username))


def make(stem: str, author: str = "author", **changes) -> QuestionVersion:
    q = QuestionData(
        type=QuestionType.SINGLE_CHOICE,
        stem=stem,
        topic="Cơ chế một cửa",
        options=[Option("Đúng", 1.0, "Chính xác."), Option("Sai", 0.0)],
    )
    for key, value in changes.items():
        setattr(q, key, value)
    version = editing.create_question(q, account(author))
    db.session.commit()
    return version


def approve(version: QuestionVersion, reviewer: str = "reviewer") -> None:
    services.submit_for_review(version)
    services.approve(version, reviewer_id=account(reviewer).id)
    db.session.commit()


EDITOR = {
    "qtype": "single_choice",
    "topic_id": "0",
    "new_topic": "Cơ chế một cửa/Tiếp nhận",
    "difficulty": "easy",
    "stem": "Khi hồ sơ chưa đầy đủ, công chức hướng dẫn thế nào?",
    "options-0-text": "Hướng dẫn một lần, đầy đủ",
    "options-0-credit": "100",
    "options-0-feedback": "Đúng: Điều 16 khoản 3.",
    "options-1-text": "Hướng dẫn nhiều lần",
    "options-1-credit": "0",
    "tf_answer": "true",
    "shuffle": "y",
    "tags": "bổ sung; một cửa",
    "sources-0-document": "Nghị định 118/2025/NĐ-CP",
    "sources-0-article": "Điều 16 khoản 3",
    "sources-0-checked_on": "2026-11-20",
}


def test_author_creates_a_question_with_the_editor(login_as):
    client = login_as("author")
    response = post_form(client, "/bank/questions/new", {**EDITOR, "save": "1"})
    assert response.status_code == 302
    version = db.session.scalar(sa.select(QuestionVersion))
    assert response.headers["Location"].endswith(f"/bank/questions/{version.question_id}")
    assert (version.qtype, version.difficulty, version.tags) == (
        "single_choice",
        "easy",
        ["bổ sung", "một cửa"],
    )
    assert version.content["options"][0]["feedback"] == "Đúng: Điều 16 khoản 3."
    assert version.sources[0]["checked_on"] == "2026-11-20"
    assert version.question.topic.full_path == "Cơ chế một cửa/Tiếp nhận"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu phiên bản 1." in page and "Nghị định 118/2025/NĐ-CP" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options-0-credit": "50"}, "đúng một phương án được 100% điểm"),
        ({"options-1-credit": "abc"}, "Dòng 2: điểm «abc» không phải là số."),
        ({"stem": ""}, "Vui lòng nhập thông tin này."),
        ({"new_topic": ""}, "Vui lòng chọn hoặc nhập chủ đề."),
        ({"qtype": "matching"}, "ít nhất 2 cặp"),
    ],
)
def test_errors_are_shown_and_the_typed_text_is_kept(login_as, changes, message):
    client = login_as("author")
    response = post_form(client, "/bank/questions/new", {**EDITOR, **changes, "save": "1"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in page
    assert "Hướng dẫn nhiều lần" in page and "Đúng: Điều 16 khoản 3." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def preview_pane(page: str) -> str:
    return page.split('id="live-preview"', 1)[1].split("</aside>", 1)[0]


def test_server_side_preview_shows_the_question_without_the_key(login_as):
    client = login_as("author")
    data = {**EDITOR, "stem": "Câu <b>xem trước</b><script>alert(1)</script>", "preview": "1"}
    response = post_form(client, "/bank/questions/new", data)
    pane = preview_pane(response.get_data(as_text=True))
    assert "Câu <b>xem trước</b>" in pane and "<script" not in pane
    assert "Hướng dẫn một lần, đầy đủ" in pane and "Hướng dẫn nhiều lần" in pane
    assert "Điều 16 khoản 3" not in pane and "100" not in pane  # no feedback, no credits
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_add_row_button_adds_an_empty_row(login_as):
    client = login_as("author")
    page = post_form(client, "/bank/questions/new", {**EDITOR, "add": "options"}).get_data(
        as_text=True
    )
    assert 'name="options-4-text"' in page and 'name="options-5-text"' not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_editing_an_approved_question_in_the_editor_makes_version_two(login_as):
    first = make("Câu gốc về tiếp nhận hồ sơ?", difficulty=Difficulty.HARD)
    approve(first)
    client = login_as("author")
    url = f"/bank/questions/{first.question_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Câu gốc về tiếp nhận hồ sơ?</textarea>" in page and "lưu sẽ tạo phiên bản 2" in page
    form = {
        "qtype": "single_choice",
        "topic_id": str(first.question.topic_id),
        "stem": "Câu đã sửa về tiếp nhận hồ sơ?",
        "options-0-text": "Đúng",
        "options-0-credit": "100",
        "options-1-text": "Sai",
        "tf_answer": "true",
        "difficulty": "hard",
        "save": "1",
    }
    assert post_form(client, url, form).status_code == 302
    versions = db.session.scalars(sa.select(QuestionVersion).order_by(QuestionVersion.number)).all()
    assert [(v.number, v.state) for v in versions] == [
        (1, VersionState.APPROVED),
        (2, VersionState.DRAFT),
    ]
    assert versions[0].stem == "Câu gốc về tiếp nhận hồ sơ?"


def test_near_duplicate_warning_is_flashed(login_as):
    make("Khi hồ sơ chưa đầy đủ, công chức hướng dẫn thế nào?")
    client = login_as("author")
    response = post_form(
        client,
        "/bank/questions/new",
        {**EDITOR, "stem": "khi ho so chua day du, cong chuc huong dan the nao?", "save": "1"},
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nội dung gần trùng với câu hỏi số" in page


def rows_of(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/bank/questions/\d+">([^<]*)</a>', body)


def test_browser_filters_and_searches_without_diacritics(login_as):
    land = make("Cấp giấy chứng nhận quyền sử dụng đất lần đầu?", topic="Lĩnh vực/Đất đai/Cấp giấy")
    make("Đăng ký khai sinh cho trẻ em?", topic="Lĩnh vực/Hộ tịch", difficulty=Difficulty.EASY)
    make(
        "Ghép cơ quan với cấp hành chính.",
        type=QuestionType.MATCHING,
        options=[],
        pairs=[MatchPair("UBND xã", "Cấp xã"), MatchPair("UBND tỉnh", "Cấp tỉnh")],
    )
    approve(land)
    client = login_as("author")
    lv = land.question.topic.parent.parent_id
    assert len(rows_of(client.get(f"/bank/questions?topic={lv}").get_data(as_text=True))) == 2
    search = client.get("/bank/questions?q=DANG KY khai sinh").get_data(as_text=True)
    assert rows_of(search) == ["Đăng ký khai sinh cho trẻ em?"]
    assert rows_of(client.get("/bank/questions?q=quyen su dung dat").get_data(as_text=True)) == [
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu?"
    ]
    assert len(rows_of(client.get("/bank/questions?type=matching").get_data(as_text=True))) == 1
    assert len(rows_of(client.get("/bank/questions?state=approved").get_data(as_text=True))) == 1
    assert len(rows_of(client.get("/bank/questions?difficulty=easy").get_data(as_text=True))) == 1
    mine = client.get(f"/bank/questions?author={account('author').id}").get_data(as_text=True)
    assert len(rows_of(mine)) == 3 and "Thống kê" in mine
    assert (
        rows_of(client.get(f"/bank/questions?author={account('admin').id}").get_data(as_text=True))
        == []
    )


def test_view_shows_examinee_view_key_history_and_diff(login_as):
    first = make("Thời hạn trả kết quả là mấy ngày?")
    approve(first)
    editing.edit_question(
        first.question,
        QuestionData(
            type=QuestionType.SINGLE_CHOICE,
            stem="Thời hạn trả kết quả là bao nhiêu ngày làm việc?",
            topic="Cơ chế một cửa",
            options=[Option("Đúng", 1.0, "Chính xác."), Option("Sai", 0.0)],
        ),
        account("author"),
    )
    db.session.commit()
    client = login_as("reviewer")
    page = client.get(f"/bank/questions/{first.question_id}").get_data(as_text=True)
    assert "Người dự thi sẽ thấy" in page and "Chính xác." in page
    assert "Lịch sử phiên bản" in page and "Thẩm định - Trung tâm đào tạo" in page
    diff = client.get(f"/bank/questions/{first.question_id}/diff?a=1&b=2").get_data(as_text=True)
    assert re.search(r'bank-diff-removed">.*Nội dung: Thời hạn trả kết quả là mấy ngày\?', diff)
    assert re.search(r'bank-diff-added">.*bao nhiêu ngày làm việc\?', diff)
    assert re.search(r'bank-diff-same">.*Loại: Một đáp án', diff)
    assert client.get(f"/bank/questions/{first.question_id}/diff?a=1&b=9").status_code == 404


def test_review_queue_approve_return_and_retire(login_as, app):
    one = make("Câu thứ nhất cần duyệt?")
    two = make("Câu thứ hai cần duyệt?")
    for version in (one, two):
        services.submit_for_review(version)
    db.session.commit()
    client = login_as("reviewer")
    queue = client.get("/bank/review").get_data(as_text=True)
    assert "Câu thứ nhất cần duyệt?" in queue and "Câu thứ hai cần duyệt?" in queue
    approve_url = f"/bank/versions/{one.id}/approve"
    response = post_form(
        client, approve_url, {"note": "Đúng quy định", "next": "queue"}, token_from="/bank/review"
    )
    assert response.headers["Location"].endswith("/bank/review")
    refused = post_form(
        client, f"/bank/versions/{two.id}/return", {"note": " "}, token_from="/bank/review"
    )
    assert "Vui lòng ghi lý do trả lại." in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    post_form(
        client,
        f"/bank/versions/{two.id}/return",
        {"note": "Thiếu nguồn"},
        token_from="/bank/review",
    )
    db.session.expire_all()
    assert (one.state, one.reviewer_id, one.review_note) == (
        VersionState.APPROVED,
        account("reviewer").id,
        "Đúng quy định",
    )
    assert (two.state, two.review_note) == (VersionState.DRAFT, "Thiếu nguồn")
    author = app.test_client()
    login(author, "author")
    assert "Thiếu nguồn" in author.get(f"/bank/questions/{two.question_id}").get_data(as_text=True)
    url = f"/bank/versions/{one.id}/retire"
    page_url = f"/bank/questions/{one.question_id}"
    post_form(author, url, {"note": ""}, token_from=page_url)
    db.session.expire_all()
    assert one.state is VersionState.APPROVED
    post_form(author, url, {"note": "Văn bản đã được thay thế"}, token_from=page_url)
    db.session.expire_all()
    assert one.state is VersionState.RETIRED


def test_a_reviewer_never_approves_own_version(login_as):
    own = make("Câu do quản trị viên viết?", author="admin")
    services.submit_for_review(own)
    db.session.commit()
    client = login_as("admin")  # holds every permission
    assert "Câu do quản trị viên viết?" not in client.get("/bank/review").get_data(as_text=True)
    response = post_form(client, f"/bank/versions/{own.id}/approve", {}, token_from="/bank/review")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Người thẩm định phải khác người biên soạn phiên bản này." in page
    db.session.expire_all()
    assert own.state is VersionState.IN_REVIEW


def test_template_and_export_downloads(login_as):
    make(
        "Câu đúng sai?",
        type=QuestionType.TRUE_FALSE,
        options=[Option("true", 1.0), Option("false", 0.0)],
    )
    make("Câu một đáp án?")
    client = login_as("reviewer")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/bank/template").data))
    assert workbook.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    assert "Nội dung câu hỏi" in [c.value for c in workbook["Câu hỏi"][1]]
    csv = client.get("/bank/template?kind=csv").data
    assert csv.startswith(codecs.BOM_UTF8) and "Mã câu hỏi" in csv.decode("utf-8-sig")
    for fmt in ("xlsx", "csv", "gift", "moodlexml", "yaml"):
        response = client.get(f"/bank/export?format={fmt}&type=true_false")
        assert (
            response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        )
        back = parse(response.data, fmt)
        assert [q.type for q in back.questions] == [QuestionType.TRUE_FALSE], fmt
    assert client.get("/bank/export?format=exe").status_code == 404


PAGES = [
    "/bank/questions",
    "/bank/questions/new",
    "/bank/review",
    "/bank/import",
    "/bank/topics",
    "/bank/template",
    "/bank/export?format=csv",
]


@pytest.mark.parametrize("username", ["staff", "hr"])
def test_staff_and_hr_get_403_on_bank_pages(login_as, username):
    version = make("Câu kiểm tra quyền?")
    client = login_as(username)
    for url in [*PAGES, f"/bank/questions/{version.question_id}"]:
        assert client.get(url).status_code == 403, url
    token = csrf_from(client, "/")
    response = client.post(
        f"/bank/versions/{version.id}/retire", data={"csrf_token": token, "note": "x"}
    )
    assert response.status_code == 403


def test_reviewer_cannot_edit_and_author_cannot_approve(login_as, app):
    version = make("Câu phân quyền?")
    reviewer = login_as("reviewer")
    for url in [
        "/bank/questions/new",
        f"/bank/questions/{version.question_id}/edit",
        "/bank/import",
    ]:
        assert reviewer.get(url).status_code == 403, url
    token = csrf_from(reviewer, "/bank/review")
    assert (
        reviewer.post(f"/bank/versions/{version.id}/submit", data={"csrf_token": token}).status_code
        == 403
    )
    author = app.test_client()
    login(author, "author")
    assert author.get("/bank/review").status_code == 403
    token = csrf_from(author, "/bank/questions")
    for action in ("approve", "return"):
        response = author.post(
            f"/bank/versions/{version.id}/{action}", data={"csrf_token": token, "note": "x"}
        )
        assert response.status_code == 403


def test_every_bank_form_needs_the_csrf_token(login_as):
    version = make("Câu CSRF?")
    client = login_as("admin")
    topic_id = version.question.topic_id
    posts = [
        "/bank/questions/new",
        f"/bank/questions/{version.question_id}/edit",
        "/bank/images",
        "/bank/topics",
        f"/bank/topics/{topic_id}",
        "/bank/import",
        "/bank/import/abcdefghijklmnopqrstuvwxyz/confirm",
        *(f"/bank/versions/{version.id}/{a}" for a in ("submit", "approve", "return", "retire")),
    ]
    for url in posts:
        response = client.post(url, data={"note": "x", "stem": "x", "path": "X"})
        assert response.status_code == 400, url
        assert "mã bảo vệ biểu mẫu" in response.get_data(as_text=True), url
    db.session.expire_all()
    assert version.state is VersionState.DRAFT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 1


def test_topics_page_creates_and_renames(login_as):
    client = login_as("author")
    response = post_form(
        client,
        "/bank/topics",
        {"path": "Lĩnh vực/Đất đai", "positions": "Công chức địa chính"},
        token_from="/bank/topics",
    )
    assert response.status_code == 302
    page = client.get("/bank/topics").get_data(as_text=True)
    assert "Đất đai" in page and "Công chức địa chính" in page
    topic_id = int(
        re.search(r"/bank/topics/(\d+)\">Sửa</a>\s*</td>\s*</tr>\s*</tbody>", page).group(1)
    )
    post_form(client, f"/bank/topics/{topic_id}", {"name": "Đất đai, môi trường", "positions": ""})
    assert "Lĩnh vực/Đất đai, môi trường" in client.get("/bank/topics/" + str(topic_id)).get_data(
        as_text=True
    )
