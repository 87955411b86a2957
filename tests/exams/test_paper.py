"""Paper sittings: totals or per-question marks from CSV/XLSX, row-numbered errors, all or
nothing, scored like online attempts, audited; through the service and the screens."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.exams import paper
from app.extensions import db
from app.models import Attempt, AttemptState, AuditEvent, Question, Role
from tests.exams.admin_helpers import make_account, make_exam, people_of, question, sit, switch_user
from tests.helpers import csrf_from


def _csv(rows: list[list]) -> bytes:
    return "\n".join(";".join(str(c) for c in row) for row in rows).encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _attempts(exam) -> list[Attempt]:
    return list(db.session.scalars(sa.select(Attempt).where(Attempt.exam_id == exam.id)))


@pytest.fixture
def lh(demo_bank):
    """Long Hưng's exam (pass mark 50 %), its people, and an outsider."""
    return make_exam(), people_of("ST-LH"), people_of("ST-AN")[0]


def test_totals_import_scores_like_online(lh):
    exam, people, _outsider = lh
    table = paper.read_table(
        "kq.csv",
        _csv(
            [
                ["ma_can_bo", "diem", "diem_toi_da"],
                [people[0].staff_code, "7,5", "10"],
                [people[1].staff_code, "4", "10"],
            ]
        ),
    )
    plan = paper.plan_paper(exam, table)
    assert plan.ok and plan.mode == "totals" and len(plan.rows) == 2
    created = paper.apply_paper(exam, plan, source="kq.csv")
    db.session.commit()
    first, second = sorted(created, key=lambda a: a.person_id)
    assert (first.score, first.max_score, first.percent, first.passed) == (7.5, 10, 0.75, True)
    assert (second.percent, second.passed) == (0.4, False)
    assert all(
        a.paper and a.state is AttemptState.FINISHED and a.finished_by == "paper" for a in created
    )
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("exam.attempt_paper") == 2 and "exam.paper_import" in actions


def test_errors_are_numbered_by_row_and_nothing_is_written(lh):
    exam, people, outsider = lh
    sit(exam, people[2])
    rows = [
        ["ma_can_bo", "diem", "diem_toi_da"],
        [people[0].staff_code, "8", "10"],  # fine, but the file has errors
        ["CB9999", "5", "10"],  # unknown
        [outsider.staff_code, "5", "10"],  # not a candidate
        [people[2].staff_code, "5", "10"],  # already sat online
        [people[3].staff_code, "11", "10"],  # out of range
        [people[0].staff_code, "8", "10"],  # repeated
        [people[4].staff_code, "abc", "10"],  # not a number
    ]
    plan = paper.plan_paper(exam, paper.read_table("kq.csv", _csv(rows)))
    assert not plan.ok
    assert [n for n, _m in plan.errors] == [3, 4, 5, 6, 7, 8]
    messages = dict(plan.errors)
    assert "CB9999" in messages[3] and "không có trong danh sách" in messages[4]
    assert "đã có bài làm" in messages[5] and "khoảng 0 đến 10" in messages[6]
    assert "lặp lại" in messages[7] and "phải là số" in messages[8]
    with pytest.raises(ValueError):
        paper.apply_paper(exam, plan)
    assert len(_attempts(exam)) == 1  # only the online one


def test_per_question_marks_pin_versions_and_topics(lh):
    exam, people, _outsider = lh
    header = ["ma_can_bo", "MC-001", "MC-002", "MC-003"]
    rows = [header, [people[0].staff_code, 1, 0.5, 0], [people[1].staff_code, 1, 1, 1]]
    plan = paper.plan_paper(exam, paper.read_table("kq.xlsx", _xlsx(rows)))
    assert plan.ok and plan.mode == "marks", plan.errors
    created = paper.apply_paper(exam, plan)
    db.session.commit()
    half = next(a for a in created if a.person_id == people[0].id)
    assert (half.score, half.max_score, half.passed) == (1.5, 3, True)
    mc1 = question("MC-001")
    item = half.items[0]
    assert item.version_id == mc1.versions[-1].id and item.topic_id == mc1.topic_id
    assert [i.credit for i in half.items] == [1, 0.5, 0]
    assert half.topic_scores == [
        {
            "topic_id": mc1.topic_id,
            "topic": mc1.topic.name,
            "score": 1.5,
            "max": 3.0,
            "percent": 0.5,
        }
    ]


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        (["ma_can_bo", "KHONG-CO"], ["{code}", "1"], "Không có câu hỏi đã duyệt mã KHONG-CO"),
        (["ma_can_bo", "MC-001"], ["{code}", "1.5"], "từ 0 đến 1"),
        (["ma_can_bo", "diem"], ["{code}", "5"], "diem_toi_da"),
        (["ho_ten", "diem", "diem_toi_da"], ["x", "5", "10"], "ma_can_bo"),
    ],
)
def test_bad_files(lh, header, row, message):
    exam, people, _outsider = lh
    cells = [c.format(code=people[0].staff_code) for c in row]
    plan = paper.plan_paper(exam, paper.read_table("kq.csv", _csv([header, cells])))
    assert not plan.ok and any(message in m for _n, m in plan.errors), plan.errors


def test_unreadable_files():
    with pytest.raises(paper.PaperError):
        paper.read_table("kq.csv", b"")
    with pytest.raises(paper.PaperError):
        paper.read_table("kq.xlsx", b"not a workbook")
    with pytest.raises(paper.PaperError):
        paper.read_table("kq.csv", "ma_can_bo;diem\n".encode("utf-16"))


def _upload(client, url: str, name: str, data: bytes):
    token = csrf_from(client, url)
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_screen_preview_then_confirm(login_as, lh):
    exam, people, _outsider = lh
    client = login_as("proctor")
    url = f"/exams/{exam.id}/paper"
    data = _csv([["ma_can_bo", "diem", "diem_toi_da"], [people[0].staff_code, "9", "10"]])
    page = _upload(client, url, "kq.csv", data).get_data(as_text=True)
    assert "Sẵn sàng nhập kết quả của 1 người" in page and not _attempts(exam)
    token = page.split('name="token" value="')[1].split('"')[0]
    response = client.post(
        f"{url}/confirm", data={"csrf_token": csrf_from(client, url), "token": token}
    )
    assert response.status_code == 302
    (attempt,) = _attempts(exam)
    assert attempt.paper and attempt.percent == 0.9
    replay = client.post(
        f"{url}/confirm", data={"csrf_token": csrf_from(client, url), "token": token}
    )
    assert replay.status_code == 404 and len(_attempts(exam)) == 1


def test_screen_shows_row_errors(login_as, lh):
    exam, people, _outsider = lh
    client = login_as("hr.xa")
    data = _csv([["ma_can_bo", "diem", "diem_toi_da"], [people[0].staff_code, "12", "10"]])
    page = _upload(client, f"/exams/{exam.id}/paper", "kq.csv", data).get_data(as_text=True)
    assert "Dòng 2" in page and 'name="token"' not in page


def test_scope_and_refusals(client, login_as, lh):
    exam, people, outsider = lh
    assert login_as("staff").get(f"/exams/{exam.id}/paper").status_code == 403
    make_account("giamthi.an", Role.PROCTOR, "ST-AN")
    client = switch_user(client, login_as, "giamthi.an")
    assert client.get(f"/exams/{exam.id}/paper").status_code == 404  # nobody of An Ninh listed
    province = make_exam("ST", title="Bài cấp tỉnh", targets=["ST"])
    data = _csv(
        [
            ["ma_can_bo", "diem", "diem_toi_da"],
            [people[0].staff_code, "9", "10"],
            [outsider.staff_code, "9", "10"],
        ]
    )
    page = _upload(client, f"/exams/{province.id}/paper", "kq.csv", data).get_data(as_text=True)
    assert "Dòng 2" in page and "ngoài phạm vi" in page and not _attempts(province)
    assert db.session.scalar(sa.select(sa.func.count(Question.id)))  # bank untouched
