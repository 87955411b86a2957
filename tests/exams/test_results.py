"""Results for HR (scoped by the people's units), the XLSX export, per-topic weaknesses,
and item fixes with their re-scoring trail."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.exams import results, setup
from app.extensions import db
from app.models import Attempt, AttemptItem, AuditEvent, ExamCandidate, ItemFix
from tests.exams.admin_helpers import (
    IT,
    ONE_STOP,
    make_exam,
    people_of,
    question,
    sit,
    switch_user,
    topic,
)
from tests.helpers import post_form


@pytest.fixture
def sitting(demo_bank):
    """Long Hưng's exam: one full marks, one zero, one exempt, the rest absent."""
    exam = make_exam()
    good, bad, exempt, *absent = people_of("ST-LH")
    setup.set_exemption(exam, exempt, exempt=True, reason="Nghỉ ốm")
    db.session.commit()
    sit(exam, good)
    sit(exam, bad, right=0)
    return exam, good, bad, exempt, absent


def test_results_page_lists_everyone_with_summary(login_as, sitting):
    exam, good, bad, exempt, absent = sitting
    client = login_as("hr.xa")
    page = client.get(f"/exams/{exam.id}/results").get_data(as_text=True)
    for person in (good, bad, exempt, *absent):
        assert person.full_name in page
    assert "Nghỉ ốm" in page and "Chưa thi" in page and "Không đạt" in page
    rows = results.result_rows(exam, None)  # unscoped
    summary = results.summarise(rows)
    assert (summary.sat, summary.passed, summary.exempt, summary.absent) == (2, 1, 1, len(absent))
    assert summary.pass_rate == 0.5 and summary.mean_percent == pytest.approx(0.5)
    assert "50.0%" in page


def test_weaknesses_are_per_topic_means_lowest_first(demo_bank):
    exam = make_exam(shuffle_questions=False)  # form order: 2 one-stop questions, then 2 IT
    for person, right in zip(people_of("ST-LH")[:4], (4, 3, 2, 1), strict=True):
        sit(exam, person, right=right)
    summary = results.summarise(results.result_rows(exam, None))
    # one-stop: 100, 100, 100, 50 %; IT: 100, 50, 0, 0 %
    assert [(t.topic_id, t.attempts) for t in summary.topics] == [
        (topic(IT).id, 4),
        (topic(ONE_STOP).id, 4),
    ]
    assert [t.mean for t in summary.topics] == [pytest.approx(0.375), pytest.approx(0.875)]
    assert summary.mean_percent == pytest.approx(0.625) and summary.passed == 3


def test_hr_xa_sees_only_long_hung_people(login_as, demo_bank):
    exam = make_exam("ST", title="Bài cấp tỉnh", targets=["ST"])
    inside, outside = people_of("ST-LH")[0], people_of("ST-AN")[0]
    sit(exam, inside)
    sit(exam, outside)
    only_an = make_exam("ST-AN", title="Bài xã An Ninh")
    client = login_as("hr.xa")
    page = client.get(f"/exams/{exam.id}/results").get_data(as_text=True)
    assert inside.full_name in page and outside.full_name not in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exams/{exam.id}/results.xlsx").data))
    names = {row[2] for row in book["Kết quả"].iter_rows(min_row=2, values_only=True)}
    assert names == {p.full_name for p in people_of("ST-LH")}
    assert client.get(f"/exams/{only_an.id}/results").status_code == 404
    assert client.get(f"/exams/{only_an.id}/results.xlsx").status_code == 404


@pytest.mark.parametrize("username", ["staff", "proctor", "author"])
def test_results_need_results_view(login_as, sitting, username):
    exam = sitting[0]
    client = login_as(username)
    assert client.get(f"/exams/{exam.id}/results").status_code == 403
    assert client.get(f"/exams/{exam.id}/results.xlsx").status_code == 403


def test_xlsx_export_rows_and_formula_neutralised(login_as, sitting):
    exam, good, bad, exempt, absent = sitting
    good.full_name = '=HYPERLINK("http://x","Bấm")'
    db.session.commit()
    client = login_as("hr.xa")
    response = client.get(f"/exams/{exam.id}/results.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["Kết quả"]
    header = [c.value for c in sheet[1]]
    rows = {
        r[1]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert len(rows) == 3 + len(absent)
    first = rows[good.staff_code]
    assert first["Họ và tên"] == "'" + '=HYPERLINK("http://x","Bấm")'
    assert sheet.cell(row=2, column=3).data_type != "f"
    assert first["Kết quả"] == "Đạt" and first["Tỉ lệ (%)"] == 100
    assert rows[bad.staff_code]["Kết quả"] == "Không đạt" and rows[bad.staff_code]["Điểm"] == 0
    assert (
        rows[exempt.staff_code]["Tình trạng"] == "Miễn"
        and rows[exempt.staff_code]["Lý do miễn"] == "Nghỉ ốm"
    )
    assert rows[absent[0].staff_code]["Tình trạng"] == "Chưa thi"  # the exam is still open
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r and r[0]}
    assert summary["Đã thi"] == 2 and summary["Đạt"] == 1 and summary["Tỉ lệ đạt (%)"] == 50


def _first_item(exam, person) -> AttemptItem:
    return db.session.scalar(
        sa.select(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.exam_id == exam.id, Attempt.person_id == person.id)
        .order_by(AttemptItem.position)
    )


def test_void_an_item_rescores_and_shows_before_after(login_as, sitting):
    exam, good, _bad, _exempt, _absent = sitting
    item = _first_item(exam, good)  # answered right: voiding it changes the score
    client = login_as("author")  # BANK_EDIT may fix items too
    assert exam.title in client.get("/exams/fixes").get_data(as_text=True)
    listing = client.get(f"/exams/manage/{exam.id}/fixes").get_data(as_text=True)
    assert item.version.question.external_id in listing
    url = f"/exams/manage/{exam.id}/fixes/{item.version_id}"
    page = post_form(client, url, {"kind": "void"}).get_data(as_text=True)
    assert "Vui lòng nhập" in page and db.session.scalar(sa.select(ItemFix.id)) is None
    response = post_form(client, url, {"kind": "void", "reason": "Dùng văn bản hết hiệu lực"})
    text = response.get_data(as_text=True)
    assert "Đã sửa câu hỏi và chấm lại" in text and good.full_name in text
    db.session.expire_all()
    attempt = db.session.get(Attempt, item.attempt_id)
    assert (attempt.score, attempt.max_score, attempt.percent) == (3, 3, 1.0)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exam.rescore"))
    assert event.reason == "Dùng văn bản hết hiệu lực"
    assert event.before["score"] == 4 and event.after["score"] == 3
    client = switch_user(client, login_as, "hr.xa")
    results_page = client.get(f"/exams/{exam.id}/results").get_data(as_text=True)
    section = results_page.split('id="h-rescore"')[1]
    assert good.full_name in section and "Dùng văn bản hết hiệu lực" in section


def test_rekey_a_choice_question(login_as, demo_bank):
    rows = [{"topic": topic(IT).id, "count": 1, "mix": None}]
    exam = make_exam(rows=rows, fixed=["MC-001"])  # MC-001: single choice, key first
    person = people_of("ST-LH")[0]
    attempt = sit(exam, person)
    assert attempt.score == 2
    version = question("MC-001").versions[-1]
    options = version.content["options"]
    wrong = next(i for i, o in enumerate(options) if o["credit"] == 0)
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}/fixes/{version.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="credits-0"' in page and 'value="100"' in page
    same = {f"credits-{i}": str(round(o["credit"] * 100)) for i, o in enumerate(options)}
    data = {"kind": "rekey", "reason": "Đáp án gốc sai", **same}
    assert "Đáp án mới giống đáp án cũ" in post_form(client, url, data).get_data(as_text=True)
    none_full = {k: "0" for k in same}
    data = {"kind": "rekey", "reason": "Đáp án gốc sai", **none_full}
    assert "100% điểm" in post_form(client, url, data).get_data(as_text=True)
    assert db.session.scalar(sa.select(ItemFix.id)) is None
    data = {"kind": "rekey", "reason": "Đáp án gốc sai", **none_full, f"credits-{wrong}": "100"}
    assert "Đã sửa câu hỏi và chấm lại" in post_form(client, url, data).get_data(as_text=True)
    fix = db.session.scalar(sa.select(ItemFix))
    assert fix.kind == "rekey" and fix.content["options"][wrong]["credit"] == 1.0
    db.session.expire_all()
    assert attempt.score == 1 and attempt.max_score == 2


def test_fixes_refused_to_staff_and_out_of_scope(login_as, sitting):
    exam = sitting[0]
    client = login_as("staff")
    assert client.get(f"/exams/manage/{exam.id}/fixes").status_code == 403
    assert client.get("/exams/fixes").status_code == 403
    other = make_exam("ST-AN", title="Bài xã An Ninh")
    client = switch_user(client, login_as, "hr.xa")
    assert client.get(f"/exams/manage/{other.id}/fixes").status_code == 404
    assert client.get(f"/exams/manage/{exam.id}/fixes/999999").status_code == 404


def test_exempt_people_are_counted_apart(sitting):
    exam = sitting[0]
    rows = results.result_rows(exam, None)
    listed = db.session.scalar(
        sa.select(sa.func.count(ExamCandidate.id)).where(ExamCandidate.exam_id == exam.id)
    )
    assert len(rows) == listed
    summary = results.summarise(rows)
    assert summary.required == listed - 1
