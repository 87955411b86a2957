"""Taking a test through the API: start/resume, saves guarded by seq, finish, refusals."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, AnswerLog, Attempt, AttemptItem, AttemptState, Exam, Person
from tests.exams.conftest import best_response, put_answer, some_response, start
from tests.helpers import api_token


def test_my_exams_lists_the_open_demo_exam(client, exam, staff_api):
    listed = client.get("/api/v1/exams?status=open", headers=staff_api).json
    assert [e["exam_id"] for e in listed] == [exam.id]
    assert listed[0]["attempt_id"] is None
    assert client.get("/api/v1/exams?status=closed", headers=staff_api).json == []
    assert client.get("/api/v1/exams?status=bogus", headers=staff_api).status_code == 422


def test_start_then_resume_gives_one_attempt_without_keys(client, exam, staff_api):
    first = start(client, staff_api, exam.id)
    assert first.status_code == 201
    body = first.json
    assert body["deadline"].endswith("+07:00") and body["seq"] == 0
    assert 15 <= len(body["questions"]) <= 30
    for q in body["questions"]:
        assert {"item_id", "type", "stem"} <= set(q)
        for option in q.get("options", []):
            assert set(option) == {"id", "text"}
    text = json.dumps(body, ensure_ascii=False)
    for word in ("credit", "feedback", "correct", "general_feedback", "numeric_answers"):
        assert word not in text
    again = start(client, staff_api, exam.id)
    assert again.status_code == 200 and again.json["attempt_id"] == body["attempt_id"]
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_saves_are_guarded_by_seq(client, exam, staff_api):
    att = start(client, staff_api, exam.id).json
    q1, q2 = att["questions"][:2]
    ok = put_answer(client, staff_api, att["attempt_id"], q1["item_id"], some_response(q1), 0)
    assert ok.status_code == 200 and ok.json["seq"] == 1
    assert ok.json["saved_at"].endswith("+07:00")
    replay = put_answer(client, staff_api, att["attempt_id"], q2["item_id"], some_response(q2), 0)
    assert replay.status_code == 409
    assert replay.json["error"]["code"] == "stale_seq"
    assert replay.json["error"]["details"]["seq"] == 1
    assert db.session.scalar(sa.select(sa.func.count(AnswerLog.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 1
    fresh = client.get(f"/api/v1/attempts/{att['attempt_id']}", headers=staff_api).json
    saved = {q["item_id"]: q["response"] for q in fresh["questions"]}
    assert saved[q1["item_id"]] == some_response(q1) and saved[q2["item_id"]] is None
    assert fresh["seq"] == 1


def test_flag_only_change_keeps_the_response(client, exam, staff_api):
    att = start(client, staff_api, exam.id).json
    q = att["questions"][0]
    put_answer(client, staff_api, att["attempt_id"], q["item_id"], some_response(q), 0)
    r = client.put(
        f"/api/v1/attempts/{att['attempt_id']}/answers/{q['item_id']}",
        json={"seq": 1, "flagged": True},
        headers=staff_api,
    )
    assert r.status_code == 200
    fresh = client.get(f"/api/v1/attempts/{att['attempt_id']}", headers=staff_api).json
    assert fresh["questions"][0]["flagged"] is True
    assert fresh["questions"][0]["response"] == some_response(q)


@pytest.mark.parametrize(
    "bad, status, code",
    [
        ("unknown-option", 422, "invalid_response"),
        ("wrong-shape", 422, "invalid_response"),
        ("huge", 413, "payload_too_large"),
        ("foreign-item", 404, "item_not_in_attempt"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(client, exam, staff_api, bad, status, code):
    att = start(client, staff_api, exam.id).json
    choice = next(q for q in att["questions"] if q.get("options") and not q["multiple"])
    item, response = choice["item_id"], None
    if bad == "unknown-option":
        response = "zz"
    elif bad == "wrong-shape":
        response = {"nested": ["junk"]}
    elif bad == "huge":
        response = "x" * 100_000
    elif bad == "foreign-item":
        item, response = 10**9, "a"
    r = put_answer(client, staff_api, att["attempt_id"], item, response, 0)
    assert r.status_code == status, r.json
    assert r.json["error"]["code"] == code
    assert db.session.scalar(sa.select(Attempt.seq)) == 0
    assert db.session.scalar(sa.select(sa.func.count(AnswerLog.id))) == 0


def test_someone_elses_attempt_is_not_found(client, exam, staff_api, staff_person):
    from app.admin import services as accounts
    from app.models import Role

    att = start(client, staff_api, exam.id).json
    other = db.session.scalar(sa.select(Person).where(Person.id != staff_person.id).limit(1))
    intruder = accounts.create_account(
        "intruder", display_name="X", password="demo1234", person=other, must_change=False
    )
    accounts.grant_role(intruder, Role.STAFF, other.unit)
    db.session.commit()
    headers = api_token(client, "intruder")
    assert client.get(f"/api/v1/attempts/{att['attempt_id']}", headers=headers).status_code == 404
    q = att["questions"][0]
    r = put_answer(client, headers, att["attempt_id"], q["item_id"], some_response(q), 0)
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    finish = client.post(
        f"/api/v1/attempts/{att['attempt_id']}/finish", json={"seq": 0}, headers=headers
    )
    assert finish.status_code == 404
    assert db.session.scalar(sa.select(Attempt.state)) is AttemptState.IN_PROGRESS


def test_full_marks_finish_once_and_no_write_after(client, exam, staff_api):
    att = start(client, staff_api, exam.id).json
    seq = 0
    items = {i.id: i for i in db.session.scalars(sa.select(AttemptItem))}
    for q in att["questions"]:
        r = put_answer(
            client,
            staff_api,
            att["attempt_id"],
            q["item_id"],
            best_response(items[q["item_id"]]),
            seq,
        )
        assert r.status_code == 200, r.json
        seq = r.json["seq"]
    done = client.post(
        f"/api/v1/attempts/{att['attempt_id']}/finish", json={"seq": seq}, headers=staff_api
    )
    assert done.status_code == 200, done.json
    assert done.json["state"] == "finished"
    assert done.json["percent"] == pytest.approx(1.0) and done.json["passed"] is True
    assert {t["percent"] for t in done.json["topics"]} == {1.0}
    again = client.post(
        f"/api/v1/attempts/{att['attempt_id']}/finish", json={"seq": seq + 1}, headers=staff_api
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "attempt_over"
    q = att["questions"][0]
    late = put_answer(client, staff_api, att["attempt_id"], q["item_id"], some_response(q), seq + 1)
    assert late.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(AnswerLog.id))) == len(att["questions"])


def test_unanswered_attempt_scores_zero_and_fails(client, exam, staff_api):
    att = start(client, staff_api, exam.id).json
    done = client.post(
        f"/api/v1/attempts/{att['attempt_id']}/finish", json={"seq": 0}, headers=staff_api
    )
    assert done.json["percent"] == 0 and done.json["passed"] is False


def test_review_policy_after_close_hides_the_score(client, exam, staff_api):
    from app.models import ReviewWhen

    exam.review_when = ReviewWhen.AFTER_CLOSE
    db.session.commit()
    att = start(client, staff_api, exam.id).json
    done = client.post(
        f"/api/v1/attempts/{att['attempt_id']}/finish", json={"seq": 0}, headers=staff_api
    )
    assert done.status_code == 200
    assert done.json["state"] == "finished" and done.json["review_available"] is False
    assert "score" not in done.json and "questions" not in done.json


def test_not_a_candidate_cannot_start(client, exam, staff_person, staff_api):
    from app.models import ExamCandidate

    db.session.execute(sa.delete(ExamCandidate).where(ExamCandidate.person_id == staff_person.id))
    db.session.commit()
    r = start(client, staff_api, exam.id)
    assert r.status_code == 403 and r.json["error"]["code"] == "not_a_candidate"
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


def test_room_pin_is_checked(client, exam, staff_api):
    exam.room_pin = "4821"
    db.session.commit()
    assert start(client, staff_api, exam.id, pin="0000").json["error"]["code"] == "wrong_pin"
    assert start(client, staff_api, exam.id, pin="4821").status_code == 201


def test_draft_exam_is_invisible(client, exam, staff_api):
    from app.models import ExamState

    exam.state = ExamState.DRAFT
    db.session.commit()
    assert start(client, staff_api, exam.id).status_code == 404
    assert client.get("/api/v1/exams?status=all", headers=staff_api).json == []


def test_draw_is_reproducible_from_the_stored_seed(client, exam, staff_api):
    from app.exams.attempts import replay_draw

    att = start(client, staff_api, exam.id).json
    attempt = db.session.get(Attempt, att["attempt_id"])
    drawn = sorted(i.version_id for i in attempt.items)
    assert sorted(replay_draw(attempt)) == drawn
    assert db.session.get(Exam, exam.id).blueprint["rows"]
