"""The proctor's room: today's exams in scope, live progress as JSON, extend time and close
an attempt with a reason (audited), refusals and scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.exams import attempts
from app.extensions import db
from app.models import Attempt, AttemptState, AuditEvent, Role
from tests.exams.admin_helpers import make_account, make_exam, people_of, sit
from tests.helpers import post_form


@pytest.fixture
def room(demo_bank):
    """An exam owned by Long Hưng with one finished, one running and one absent person."""
    exam = make_exam(room_pin="4711")
    done, running, absent, *_ = people_of("ST-LH")
    sit(exam, done)
    sit(exam, running, right=2, finish=False)
    return exam, done, running, absent


def _attempt(exam, person) -> Attempt:
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.exam_id == exam.id, Attempt.person_id == person.id)
    )


def test_rooms_today_and_room_page(login_as, room):
    exam, done, running, absent = room
    client = login_as("proctor")
    rooms = client.get("/exams/rooms").get_data(as_text=True)
    assert exam.title in rooms
    page = client.get(f"/exams/rooms/{exam.id}").get_data(as_text=True)
    assert "4711" in page and "exams-proctor.js" in page and "<script>" not in page
    for person in (done, running, absent):
        assert person.full_name in page
    assert "Đã nộp" in page and "Đang làm" in page and "Chưa bắt đầu" in page


def test_status_json_has_progress_and_no_scores(login_as, room):
    exam, done, running, absent = room
    client = login_as("proctor")
    body = client.get(f"/exams/rooms/{exam.id}/status.json").json
    rows = {r["person_id"]: r for r in body["rows"]}
    assert rows[done.id]["state"] == "finished" and rows[absent.id]["state"] == "not_started"
    assert rows[running.id]["state"] == "in_progress"
    assert rows[running.id]["answered"] == 2 and rows[running.id]["total"] == 4
    assert rows[running.id]["last_save"] and rows[running.id]["deadline"]
    text = str(body)
    assert "score" not in text and "credit" not in text and "percent" not in text


@pytest.mark.parametrize("username", ["staff", "hr", "author"])
def test_only_proctors_enter(login_as, room, username):
    exam = room[0]
    client = login_as(username)
    assert client.get("/exams/rooms").status_code == 403
    assert client.get(f"/exams/rooms/{exam.id}/status.json").status_code == 403


def test_extend_time_needs_a_reason_and_is_audited(login_as, room):
    exam, _done, running, _absent = room
    attempt = _attempt(exam, running)
    before = attempt.deadline
    client = login_as("proctor")
    url = f"/exams/rooms/{exam.id}"
    action = f"{url}/attempts/{attempt.id}/extend"
    post_form(client, action, {"minutes": "10"}, token_from=url)
    db.session.expire_all()
    assert attempt.deadline == before and attempt.extended_minutes == 0
    post_form(client, action, {"minutes": "10", "reason": "Mất điện 10 phút"}, token_from=url)
    db.session.expire_all()
    assert attempt.deadline == before + timedelta(minutes=10) and attempt.extended_minutes == 10
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exam.extend_time"))
    assert event.reason == "Mất điện 10 phút" and event.actor_name == "proctor"
    assert event.target_id == str(attempt.id)


def test_close_finishes_or_annuls_with_reason(login_as, demo_bank):
    exam = make_exam()
    first, second = people_of("ST-LH")[:2]
    a = sit(exam, first, right=1, finish=False)
    b = sit(exam, second, finish=False)
    client = login_as("proctor")
    url = f"/exams/rooms/{exam.id}"
    data = {"mode": "finish", "reason": "Hết giờ phòng thi"}
    post_form(client, f"{url}/attempts/{a.id}/close", data, token_from=url)
    data = {"mode": "annul", "reason": "Sử dụng tài liệu"}
    post_form(client, f"{url}/attempts/{b.id}/close", data, token_from=url)
    db.session.expire_all()
    assert a.state is AttemptState.FINISHED and a.finished_by == "proctor" and a.score == 1
    assert b.state is AttemptState.ABANDONED and b.score is None
    reasons = dict(
        db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.reason).where(
                AuditEvent.action.in_(["exam.attempt_close", "exam.attempt_annul"])
            )
        ).all()
    )
    assert reasons == {
        "exam.attempt_close": "Hết giờ phòng thi",
        "exam.attempt_annul": "Sử dụng tài liệu",
    }


def test_refused_action_is_a_flash_message(login_as, room):
    exam, done, _running, _absent = room
    attempt = _attempt(exam, done)
    client = login_as("proctor")
    url = f"/exams/rooms/{exam.id}"
    data = {"mode": "finish", "reason": "Thử"}
    response = post_form(client, f"{url}/attempts/{attempt.id}/close", data, token_from=url)
    assert response.status_code == 302
    assert "Bài làm đã kết thúc" in client.get(url).get_data(as_text=True)


def test_out_of_scope_attempts_are_404(client, login_as, demo_bank):
    make_account("giamthi.lh", Role.PROCTOR, "ST-LH")
    exam = make_exam("ST", title="Bài cấp tỉnh", targets=["ST"])
    inside = sit(exam, people_of("ST-LH")[0], finish=False)
    outside = sit(exam, people_of("ST-AN")[0], finish=False)
    other_exam = make_exam(title="Bài khác")
    client = login_as("giamthi.lh")
    body = client.get(f"/exams/rooms/{exam.id}/status.json").json
    assert {r["person_id"] for r in body["rows"]} == {p.id for p in people_of("ST-LH")}
    url = f"/exams/rooms/{exam.id}"
    data = {"minutes": "5", "reason": "Thử"}
    assert (
        post_form(client, f"{url}/attempts/{outside.id}/extend", data, token_from=url).status_code
        == 404
    )
    wrong_exam = f"/exams/rooms/{other_exam.id}/attempts/{inside.id}/extend"
    assert post_form(client, wrong_exam, data, token_from=url).status_code == 404
    assert (
        post_form(client, f"{url}/attempts/{inside.id}/extend", data, token_from=url).status_code
        == 302
    )
    db.session.expire_all()
    assert outside.extended_minutes == 0 and inside.extended_minutes == 5
    an_exam = make_exam("ST-AN", title="Bài xã An Ninh")
    assert client.get(f"/exams/rooms/{an_exam.id}").status_code == 404


def test_without_csrf_nothing_changes(login_as, room):
    exam, _done, running, _absent = room
    attempt = _attempt(exam, running)
    client = login_as("proctor")
    response = client.post(
        f"/exams/rooms/{exam.id}/attempts/{attempt.id}/close", data={"mode": "annul", "reason": "x"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert attempt.state is AttemptState.IN_PROGRESS
    assert attempts.find_attempt(exam, running.id).state is AttemptState.IN_PROGRESS
