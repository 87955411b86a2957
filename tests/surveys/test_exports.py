"""Downloads of survey data: anonymous responses (month only, no ids) and answers per
question, as XLSX and CSV, scoped, formula-safe."""

from __future__ import annotations

import csv
import io

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from app.models import SurveyResponse
from tests.helpers import post_form
from tests.surveys.conftest import qr_of

URL = "/api/v1/public/responses"


def _respond(client, surveys, unit: str, **answers) -> None:
    body = {"channel_code": qr_of(surveys, unit), "answers": {"overall": 3, **answers}}
    response = client.post(URL, json=body)
    assert response.status_code == 201, response.json


def _seed(client, surveys) -> None:
    _respond(client, surveys, "ST-LH", officer_rating=5, attitude="than_thien")
    _respond(
        client,
        surveys,
        "ST-LH",
        officer_rating=5,
        supplement_times=3,
        supplement_reason=["huong_dan", "yeu_cau_moi"],
        comment='=HYPERLINK("http://x") gọi 0987654321',
    )
    _respond(client, surveys, "ST-LH", officer_rating=3, extra_papers=True)
    _respond(client, surveys, "ST-AN", officer_rating=1)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_responses_csv_is_anonymous_and_formula_safe(login_as, surveys, client):
    _seed(client, surveys)
    rows = _csv(login_as("admin").get("/surveys/export/responses.csv"))
    head, body = rows[0], rows[1:]
    assert head[:5] == ["Tháng", "Đơn vị", "Kênh", "Đã xác thực", "Công chức được đánh giá"]
    assert "officer_rating" in head and "supplement_reason" in head
    assert len(body) == 4
    text = "\n".join(",".join(r) for r in rows)
    for response_id in db.session.scalars(sa.select(SurveyResponse.id)):
        assert response_id not in text  # no id that could link rows to anything
    day = db.session.scalar(sa.select(SurveyResponse.day))
    assert {r[0] for r in body} == {day.strftime("%m/%Y")}  # the month, never the day
    assert day.isoformat() not in text and day.strftime("%d/%m/%Y") not in text
    col = head.index("comment")
    comment = next(r[col] for r in body if r[col])
    assert comment.startswith("'=HYPERLINK") and "0987654321" not in comment
    reasons = next(
        r[head.index("supplement_reason")] for r in body if r[head.index("supplement_reason")]
    )
    assert (
        reasons
        == "Công chức hướng dẫn chưa đầy đủ, chưa rõ; Có yêu cầu mới so với lần hướng dẫn trước"
    )
    papers = [r[head.index("extra_papers")] for r in body]
    assert sorted(papers) == ["", "", "", "Có"]


def test_distribution_counts_by_hand(login_as, surveys, client):
    _seed(client, surveys)
    rows = _csv(login_as("hr.xa").get("/surveys/export/distribution.csv"))  # ST-LH only
    head, body = rows[0], rows[1:]
    assert head == [
        "Phiên bản phiếu",
        "Khóa",
        "Câu hỏi",
        "Câu trả lời",
        "Số lượt",
        "Số người trả lời câu",
        "Tỷ lệ (%)",
    ]
    rating = [r for r in body if r[1] == "officer_rating"]
    # ST-LH: ratings 5, 5, 3 -> "5" twice of 3 answers = 66.7 %, "3" once = 33.3 %
    assert [(r[3], r[4], r[5], r[6]) for r in rating] == [
        ("3. Bình thường", "1", "3", "33.3"),
        ("5. Rất hài lòng", "2", "3", "66.7"),
    ]
    reason = [(r[3], r[4], r[5]) for r in body if r[1] == "supplement_reason"]
    assert reason == [
        ("Công chức hướng dẫn chưa đầy đủ, chưa rõ", "1", "1"),
        ("Có yêu cầu mới so với lần hướng dẫn trước", "1", "1"),
    ]
    assert [(r[3], r[4]) for r in body if r[1] == "comment"] == [("(ý kiến)", "1")]
    assert [(r[3], r[4], r[6]) for r in body if r[1] == "extra_papers"] == [("Có", "1", "100.0")]


def test_xlsx_downloads_and_scope(login_as, surveys, client):
    _seed(client, surveys)
    login_as("hr.xa")
    xlsx = client.get("/surveys/export/responses.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Phiếu trả lời", "Câu hỏi"]
    units = {row[1] for row in book["Phiếu trả lời"].iter_rows(min_row=2, values_only=True)}
    assert units == {"Xã Long Hưng"}  # ST-AN is out of hr.xa's scope
    dist = openpyxl.load_workbook(io.BytesIO(client.get("/surveys/export/distribution.xlsx").data))
    assert dist.sheetnames == ["Phân bố câu trả lời"]
    verified = _csv(client.get("/surveys/export/responses.csv?verified=1"))
    assert len(verified) == 1  # header only: no dossier-code responses yet
    overview = client.get("/surveys/?verified=1").get_data(as_text=True)
    assert "/surveys/export/responses.xlsx?verified=1" in overview


def test_exports_need_surveys_view(login_as, surveys, client):
    login_as("staff")
    assert client.get("/surveys/export/responses.csv").status_code == 403
    assert post_form(client, "/auth/logout", {}, token_from="/").status_code == 302
    assert client.get("/surveys/export/distribution.xlsx").status_code == 302  # to login


def test_a_long_export_is_cut_and_says_so(login_as, surveys, client, monkeypatch):
    from app.surveys import exports

    _seed(client, surveys)
    monkeypatch.setattr(exports, "MAX_RESPONSES", {"xlsx": 2, "csv": 3})
    rows = _csv(login_as("admin").get("/surveys/export/responses.csv"))
    assert len(rows) == 1 + 3 + 2  # header, 3 responses, a blank line and the note
    assert rows[-1][0].startswith("Chỉ xuất 3 phiếu")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/surveys/export/responses.xlsx").data))
    values = [r[0] for r in book["Phiếu trả lời"].iter_rows(min_row=2, values_only=True)]
    assert len([v for v in values if v and "/" in v and len(v) == 7]) == 2
