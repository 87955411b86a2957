"""Service-layer errors speak the user's language: Vietnamese by default, English on request.

The messages are marked for translation where they are made (lazily on exceptions); import
errors keep their row numbers in both languages, and ``str(exc)`` is a plain string outside a
request too (CLI), in Vietnamese.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import refresh

from app.exams.draw import BlueprintError
from app.extensions import db
from app.models import Exam, ExamState
from app.org.services import OrgError, create_unit
from tests.exams.admin_helpers import ONE_STOP, make_exam, topic
from tests.helpers import api_token, csrf_from, post_form, unit_id

HEADER = "Họ và tên,Mã cán bộ,Ngày sinh,Chức vụ,Mã đơn vị,Trạng thái\n"


def _upload_staff(client, rows: str):
    token = csrf_from(client, "/org/people/import")
    return client.post(
        "/org/people/import",
        data={"csrf_token": token, "file": (io.BytesIO((HEADER + rows).encode()), "ds.csv")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Row 2: Date of birth", "is not in the format dd/mm/yyyy", "Row 3: The full name"]),
        ("vi", ["Dòng 2: Ngày sinh", "không đúng định dạng dd/mm/yyyy", "Dòng 3: Thiếu họ và tên"]),
    ],
)
def test_staff_import_row_errors_in_the_chosen_language(login_as, client, lang, expected):
    login_as("hr")
    client.get(f"/org/people/import?lang={lang}")  # the choice is remembered in the session
    rows = "Lý Thị Mới,N001,31/02/1990,,ST-LH,\n,N002,,,ST-LH,\n"
    html = _upload_staff(client, rows).get_data(as_text=True)
    for text in expected:
        assert text in html
    other = "không đúng định dạng" if lang == "en" else "is not in the format"
    assert other not in html


def test_duplicate_rows_name_the_earlier_row_in_english(login_as, client):
    login_as("hr")
    client.get("/org/people/import?lang=en")
    rows = "Lý Thị Mới,N001,,,ST-LH,\nLý Thị Khác,N001,,,ST-LH,\n"
    html = _upload_staff(client, rows).get_data(as_text=True)
    assert "Row 3: Duplicate of row 2 (code N001)." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?lang=en", "Staff code CB0001 already exists."),
        ("", "Mã cán bộ CB0001 đã tồn tại."),
    ],
)
def test_org_service_error_in_the_api_response(demo, client, query, message):
    headers = api_token(client, "hr")
    body = {"full_name": "Ai Đó", "staff_code": "CB0001", "unit_id": unit_id("ST-LH")}
    response = client.post(f"/api/v1/staff{query}", headers=headers, json=body)
    assert response.status_code == 409
    assert response.json["error"]["message"] == message


def test_exam_refusal_is_shown_in_english_on_its_page(login_as, demo_bank):
    rows = [{"topic": topic(ONE_STOP).id, "count": 40, "mix": {"hard": 40}}]
    exam = make_exam(rows=rows, publish=False)
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}"
    client.get(f"{url}?lang=en")
    response = post_form(client, f"{url}/state", {"target": "published"}, token_from=url)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "The test cannot be opened yet:" in page
    assert f"{ONE_STOP}, hard: 40 questions are needed but only" in page
    assert "Chưa thể mở bài kiểm tra" not in page
    assert exam.state is ExamState.DRAFT


def test_bank_import_row_error_in_english(demo, client):
    headers = api_token(client, "author")
    text = (
        "Loại,Nội dung câu hỏi,Phương án A,Điểm A,Phương án B,Điểm B\n"
        "Một đáp án,Hỏi?,Có,abc,Không,0\n"
    )
    data = {"file": (io.BytesIO(text.encode()), "cau-hoi.csv")}
    response = client.post(
        "/api/v1/bank/import?lang=en",
        data=data,
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    errors = response.json["error"]["details"]["errors"]
    assert [e["line"] for e in errors] == [2]
    assert errors[0]["message"] == "Row 2: Score A «abc» is not a number (percent)"


def test_lazy_exception_message_is_a_string_in_each_language(app: Flask, demo):
    """Raised once, shown in the language of whoever reads it; Vietnamese outside a request."""
    with pytest.raises(OrgError) as caught:
        create_unit("ST-LH", "Trùng mã")
    refresh()  # the tests keep one app context (and its ``g``) across requests
    assert str(caught.value) == "Mã đơn vị ST-LH đã tồn tại."  # app context, no request: CLI
    error = BlueprintError(caught.value.args[0])
    with app.test_request_context("/?lang=en"):
        refresh()
        assert str(caught.value) == "Unit code ST-LH already exists."
        assert error.message == "Unit code ST-LH already exists."
        assert isinstance(error.message, str)
    refresh()
    assert error.message == "Mã đơn vị ST-LH đã tồn tại."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?lang=en", "The room PIN is wrong. Ask the proctor for it."),
        ("", "Mã phòng thi không đúng. Hỏi giám thị mã phòng."),
    ],
)
def test_attempt_refusal_in_the_api_response(demo_bank, client, query, message):
    exam = db.session.scalar(sa.select(Exam))
    exam.room_pin = "4821"
    db.session.commit()
    headers = api_token(client, "staff")
    url = f"/api/v1/exams/{exam.id}/attempts{query}"
    response = client.post(url, json={"pin": "0000"}, headers=headers)
    assert response.status_code == 403
    assert response.json["error"] == {"code": "wrong_pin", "message": message, "details": {}}
