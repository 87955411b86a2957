"""HR exam screens: scoped list, create/edit with the blueprint editor, publish, candidates,
exemptions, retests — through the real forms (CSRF included)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Period,
    Person,
    PersonStatus,
    Unit,
)
from app.text import fold
from tests.exams.admin_helpers import (
    IT,
    ONE_STOP,
    candidates,
    make_exam,
    people_of,
    question,
    sit,
    topic,
    unit,
)
from tests.helpers import post_form

NEW = "/exams/manage/new"


def _form(**overrides) -> dict:
    """A complete, valid create form for hr.xa (owner and target: Xã Long Hưng)."""
    lh = unit("ST-LH").id
    current = db.session.scalar(sa.select(Period).order_by(Period.starts_on.desc()))
    data = {
        "period": str(current.id),
        "title": "Kiểm tra 6 tháng xã Long Hưng",
        "unit_id": lh,
        "target_unit_ids": [lh],
        "target_positions": "",
        "opens_at": "15/07/2031 08:00",
        "closes_at": "15/07/2031 10:30",
        "time_limit_minutes": "45",
        "pass_percent": "60",
        "shuffle_questions": "y",
        "navigation": "sequential",
        "layout": "all",
        "review_when": "immediately",
        "review_score": "y",
        "room_pin": "LH2031",
        "rows-0-topic": topic(ONE_STOP).id,
        "rows-0-count": "3",
        "rows-0-easy": "1",
        "rows-0-medium": "1",
        "rows-0-hard": "1",
        "rows-1-topic": topic(IT).id,
        "rows-1-count": "2",
        "fixed": "MC-001",
    }
    data.update(overrides)
    return data


def _exam_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Exam.id)))


def test_list_is_scoped_to_the_owner_unit(login_as, demo_bank):
    own = make_exam("ST-LH", title="Bài của xã Long Hưng")
    make_exam("ST-AN", title="Bài của xã An Ninh")
    client = login_as("hr.xa")
    page = client.get("/exams/manage").get_data(as_text=True)
    assert own.title in page
    assert "Bài của xã An Ninh" not in page
    assert "Kiểm tra kiến thức định kỳ (dữ liệu mẫu)" not in page  # owned by the province
    province = db.session.scalar(sa.select(Exam).where(Exam.unit_id == unit("ST").id))
    assert client.get(f"/exams/manage/{province.id}").status_code == 404
    assert client.get(f"/exams/manage/{own.id}").status_code == 200


@pytest.mark.parametrize("username", ["staff", "proctor", "author"])
def test_people_without_exams_manage_get_403(login_as, username):
    client = login_as(username)
    assert client.get("/exams/manage").status_code == 403
    assert client.get(NEW).status_code == 403


def test_create_exam_through_the_form(login_as, demo_bank):
    client = login_as("hr.xa")
    before = _exam_count()
    response = post_form(client, NEW, _form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    exam = db.session.scalar(sa.select(Exam).order_by(Exam.id.desc()))
    assert _exam_count() == before + 1 and exam.state is ExamState.DRAFT
    assert exam.unit_id == unit("ST-LH").id and exam.target_unit_ids == [unit("ST-LH").id]
    assert exam.opens_at == datetime(2031, 7, 15, 1, 0, tzinfo=UTC)  # 08:00 in Viet Nam
    assert exam.closes_at == datetime(2031, 7, 15, 3, 30, tzinfo=UTC)
    assert exam.pass_mark == pytest.approx(0.6) and exam.time_limit_minutes == 45
    assert exam.sequential and not exam.one_per_page and not exam.shuffle_options
    assert exam.review_when.value == "immediately" and exam.room_pin == "LH2031"
    assert exam.blueprint == {
        "rows": [
            {"topic": topic(ONE_STOP).id, "count": 3, "mix": {"easy": 1, "medium": 1, "hard": 1}},
            {"topic": topic(IT).id, "count": 2, "mix": None},
        ],
        "fixed": [question("MC-001").id],
    }
    page = client.get(f"/exams/manage/{exam.id}").get_data(as_text=True)
    assert "6 câu" in page and ONE_STOP in page and "MC-001" in page
    assert "15/07/2031 08:00" in page


def test_create_with_a_custom_period(login_as, demo_bank):
    client = login_as("hr.xa")
    data = _form(
        period="new", period_name="Quý III/2031", period_start="01/07/2031", period_end="30/09/2031"
    )
    assert post_form(client, NEW, data).status_code == 302
    exam = db.session.scalar(sa.select(Exam).order_by(Exam.id.desc()))
    assert exam.period.name == "Quý III/2031" and exam.period.ends_on.isoformat() == "2031-09-30"


def test_mix_not_summing_to_count_is_shown_next_to_the_row(login_as, demo_bank):
    client = login_as("hr.xa")
    before = _exam_count()
    response = post_form(client, NEW, _form(**{"rows-0-count": "5"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _exam_count() == before
    assert 'id="rows-0-count-err"' in page and "(3) phải bằng số câu (5)" in page
    assert re.search(r'<input[^>]*name="rows-0-count"[^>]*value="5"', page)  # typed value kept
    assert re.search(r'<input[^>]*name="rows-0-easy"[^>]*value="1"', page)
    assert 'value="Kiểm tra 6 tháng xã Long Hưng"' in page
    assert "rows-1-count-err" not in page


def test_unknown_fixed_question_and_add_row(login_as, demo_bank):
    client = login_as("hr.xa")
    before = _exam_count()
    page = post_form(client, NEW, _form(fixed="MC-001, KHONG-CO")).get_data(as_text=True)
    assert "Không có câu hỏi mã: KHONG-CO." in page and _exam_count() == before
    page = post_form(client, NEW, _form(add_row="Thêm dòng")).get_data(as_text=True)
    assert 'name="rows-2-topic"' in page and _exam_count() == before
    assert "Số câu hỏi đã duyệt" in page  # the supply table HR plans with


def test_create_refuses_units_outside_scope_and_missing_csrf(login_as, demo_bank):
    client = login_as("hr.xa")
    before = _exam_count()
    page = post_form(client, NEW, _form(unit_id=unit("ST").id)).get_data(as_text=True)
    assert "Lựa chọn không hợp lệ" in page or "Not a valid choice" in page
    response = client.post(NEW, data=_form())  # no CSRF token
    assert response.status_code == 400
    assert _exam_count() == before


def test_edit_keeps_local_times_and_saves(login_as, demo_bank):
    exam = make_exam(publish=False, build=False)
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert exam.title in page and 'name="period"' not in page
    data = _form(title="Tên mới")
    del data["period"], data["unit_id"]
    assert post_form(client, url, data).status_code == 302
    db.session.expire_all()
    assert exam.title == "Tên mới" and exam.pass_mark == pytest.approx(0.6)
    assert exam.opens_at == datetime(2031, 7, 15, 1, 0, tzinfo=UTC)


def test_publish_refused_with_the_shortfall(login_as, demo_bank):
    rows = [{"topic": topic(ONE_STOP).id, "count": 40, "mix": {"hard": 40}}]
    exam = make_exam(rows=rows, publish=False)
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}"
    response = post_form(client, f"{url}/state", {"target": "published"}, token_from=url)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Chưa thể mở bài kiểm tra" in page
    assert f"{ONE_STOP}, mức khó: cần 40 câu nhưng chỉ có" in page
    db.session.expire_all()
    assert exam.state is ExamState.DRAFT


def test_publish_back_to_draft_and_cancel_with_reason(login_as, demo_bank):
    exam = make_exam(publish=False)
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}"
    post_form(client, f"{url}/state", {"target": "published"}, token_from=url)
    db.session.expire_all()
    assert exam.state is ExamState.PUBLISHED
    post_form(client, f"{url}/state", {"target": "cancelled"}, token_from=url)
    db.session.expire_all()
    assert exam.state is ExamState.PUBLISHED  # no reason, no cancel
    post_form(
        client, f"{url}/state", {"target": "cancelled", "reason": "Trùng lịch"}, token_from=url
    )
    db.session.expire_all()
    assert exam.state is ExamState.CANCELLED
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exam.cancelled"))
    assert event.reason == "Trùng lịch"


def test_candidates_are_built_from_units_and_positions(login_as, demo_bank):
    position = "Công chức tiếp nhận và trả kết quả"
    exam = make_exam(
        "ST",
        title="Huyện Mỹ Xuyên",
        targets=["ST-MX"],
        target_positions=["cong chuc TIEP NHAN va tra ket qua"],
        publish=False,
        build=False,
    )
    client = login_as("hr")
    url = f"/exams/manage/{exam.id}"
    assert post_form(client, f"{url}/candidates/build", {}, token_from=url).status_code == 302
    expected = set(
        db.session.scalars(
            sa.select(Person.id)
            .join(Unit, Unit.id == Person.unit_id)
            .where(
                Unit.code.in_(["ST-MX-TT", "ST-MX-DH"]),
                Person.position == position,
                Person.status == PersonStatus.ACTIVE,
            )
        )
    )
    assert expected and candidates(exam) == expected
    page = client.get(url).get_data(as_text=True)
    assert f"Danh sách dự kiểm tra ({len(expected)})" in page


def test_exemption_needs_a_reason_and_can_be_undone(login_as, demo_bank):
    exam = make_exam()
    person = people_of("ST-LH")[0]
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}"
    post_form(
        client, f"{url}/candidates/exempt", {"person_id": person.id, "exempt": "1"}, token_from=url
    )
    row = db.session.scalar(
        sa.select(ExamCandidate).where(
            ExamCandidate.person_id == person.id, ExamCandidate.exam_id == exam.id
        )
    )
    assert row.status is CandidateStatus.REQUIRED
    data = {"person_id": person.id, "exempt": "1", "reason": "Nghỉ thai sản"}
    post_form(client, f"{url}/candidates/exempt", data, token_from=url)
    db.session.expire_all()
    assert row.status is CandidateStatus.EXEMPT and row.reason == "Nghỉ thai sản"
    assert "Nghỉ thai sản" in client.get(url).get_data(as_text=True)
    data = {"person_id": person.id, "exempt": "0", "reason": "Đã đi làm lại"}
    post_form(client, f"{url}/candidates/exempt", data, token_from=url)
    db.session.expire_all()
    assert row.status is CandidateStatus.REQUIRED
    reasons = db.session.scalars(
        sa.select(AuditEvent.reason).where(AuditEvent.action == "exam.candidate_status")
    ).all()
    assert sorted(reasons) == ["Nghỉ thai sản", "Đã đi làm lại"]


def test_extra_time_and_remove(login_as, demo_bank):
    exam = make_exam()
    first, second = people_of("ST-LH")[:2]
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}"
    data = {"person_id": first.id, "minutes": "20", "reason": "Khiếm thị"}
    post_form(client, f"{url}/candidates/extra-time", data, token_from=url)
    row = db.session.scalar(
        sa.select(ExamCandidate).where(
            ExamCandidate.person_id == first.id, ExamCandidate.exam_id == exam.id
        )
    )
    assert row.extra_minutes == 20
    data = {"person_id": second.id, "reason": "Chuyển công tác"}
    post_form(client, f"{url}/candidates/remove", data, token_from=url)
    assert second.id not in candidates(exam) and first.id in candidates(exam)


def test_add_person_by_search_without_diacritics(login_as, demo_bank):
    exam = make_exam(build=False, publish=False)
    person = people_of("ST-LH")[0]
    outsider = people_of("ST-AN")[0]
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}"
    page = client.get(url, query_string={"q": fold(person.full_name)}).get_data(as_text=True)
    assert person.full_name in page
    page = client.get(url, query_string={"q": fold(outsider.full_name)}).get_data(as_text=True)
    assert outsider.full_name not in page.split("Thêm người")[1]
    post_form(client, f"{url}/candidates/add", {"person_id": person.id}, token_from=url)
    assert candidates(exam) == {person.id}
    response = post_form(
        client, f"{url}/candidates/add", {"person_id": outsider.id}, token_from=url
    )
    assert response.status_code == 404 and candidates(exam) == {person.id}


def test_retest_lists_exactly_the_failed_people(login_as, demo_bank):
    exam = make_exam()
    passer, failer, absent, *_ = people_of("ST-LH")
    sit(exam, passer)
    sit(exam, failer, right=0)
    client = login_as("hr.xa")
    url = f"/exams/manage/{exam.id}/retest"
    page = client.get(url).get_data(as_text=True)
    assert failer.full_name in page and passer.full_name not in page
    data = {
        "title": "Kiểm tra lại xã Long Hưng",
        "opens_at": "01/08/2031 08:00",
        "closes_at": "01/08/2031 10:00",
    }
    assert post_form(client, url, data).status_code == 302
    retest = db.session.scalar(sa.select(Exam).where(Exam.retest_of_id == exam.id))
    assert retest.title == "Kiểm tra lại xã Long Hưng" and retest.state is ExamState.DRAFT
    assert candidates(retest) == {failer.id}
    assert absent.id not in candidates(retest)
