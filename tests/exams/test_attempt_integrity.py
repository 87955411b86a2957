"""The server's clock and the database's constraints: deadline, grace, sweep, extra time,
proctor actions, and concurrency (parallel starts, parallel finishes, save racing finish)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.exams import attempts, proctor, setup
from app.extensions import db
from app.models import AnswerLog, Attempt, AttemptState, AuditEvent, utcnow
from tests.exams.conftest import put_answer, some_response, start


def _first_choice(attempt: Attempt):
    item = attempt.items[0]
    from app.exams import items

    view = items.public_view(item.version.content, item.layout)
    return item, some_response({**view, "item_id": item.id})


def test_deadline_is_start_plus_limit_capped_by_close(exam, staff_person):
    now = utcnow()
    attempt, created = attempts.start_attempt(exam, staff_person, now=now)
    assert created and attempt.deadline == now + timedelta(minutes=exam.time_limit_minutes)
    assert (
        attempts.compute_deadline(exam, exam.closes_at - timedelta(minutes=5), 0, 0)
        == exam.closes_at
    )


def test_extra_time_for_a_named_person(exam, staff_person):
    setup.set_extra_time(exam, staff_person, minutes=15, reason="Khuyết tật thị giác")
    now = utcnow()
    attempt, _ = attempts.start_attempt(exam, staff_person, now=now)
    assert attempt.deadline == now + timedelta(minutes=exam.time_limit_minutes + 15)


def test_grace_then_refusal_and_automatic_finish(app, exam, staff_person):
    now = utcnow()
    attempt, _ = attempts.start_attempt(exam, staff_person, now=now)
    item, response = _first_choice(attempt)
    grace = timedelta(seconds=app.config["EXAM_GRACE_SECONDS"])
    within = attempt.deadline + grace - timedelta(seconds=1)
    attempts.save_answer(attempt, item, response, 0, now=within)
    late = attempt.deadline + grace + timedelta(seconds=1)
    with pytest.raises(attempts.AttemptError) as refused:
        attempts.save_answer(attempt, item, None, 1, now=late)
    assert refused.value.code == "deadline_passed"
    db.session.commit()
    assert attempt.state is AttemptState.FINISHED and attempt.finished_by == "sweep"
    assert attempt.score is not None  # the saved answer was scored
    assert db.session.scalar(sa.select(sa.func.count(AnswerLog.id))) == 1


def test_sweep_finishes_only_overdue_attempts(app, exam, staff_person, demo_bank):
    from app.models import ExamCandidate, Person

    other = db.session.scalar(
        sa.select(Person)
        .join(ExamCandidate, ExamCandidate.person_id == Person.id)
        .where(Person.id != staff_person.id)
        .limit(1)
    )
    now = utcnow()
    old, _ = attempts.start_attempt(exam, staff_person, now=now - timedelta(minutes=50))
    fresh, _ = attempts.start_attempt(exam, other, now=now)
    assert attempts.sweep(now) == 1
    db.session.commit()
    assert old.state is AttemptState.FINISHED and fresh.state is AttemptState.IN_PROGRESS
    assert attempts.sweep(now) == 0


def test_cli_sweep(app, exam, staff_person):
    attempts.start_attempt(exam, staff_person, now=utcnow() - timedelta(minutes=50))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["exams", "sweep"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(Attempt.state)) is AttemptState.FINISHED


def test_overdue_attempt_is_finished_when_touched_through_the_api(client, exam, staff_api):
    att = start(client, staff_api, exam.id).json
    attempt = db.session.get(Attempt, att["attempt_id"])
    attempt.deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    q = att["questions"][0]
    r = put_answer(client, staff_api, att["attempt_id"], q["item_id"], some_response(q), 0)
    assert r.status_code == 409 and r.json["error"]["code"] == "deadline_passed"
    db.session.expire_all()
    assert db.session.get(Attempt, att["attempt_id"]).state is AttemptState.FINISHED
    finish = client.post(
        f"/api/v1/attempts/{att['attempt_id']}/finish", json={"seq": 0}, headers=staff_api
    )
    assert finish.status_code == 409


def test_proctor_extends_and_closes_with_reasons(exam, staff_person):
    attempt, _ = attempts.start_attempt(exam, staff_person)
    before = attempt.deadline
    with pytest.raises(attempts.AttemptError):
        proctor.extend_time(attempt, minutes=10, reason=" ")
    proctor.extend_time(attempt, minutes=10, reason="Mất điện 10 phút")
    assert attempt.deadline == before + timedelta(minutes=10)
    proctor.close_attempt(attempt, reason="Thí sinh xin nộp sớm")
    db.session.commit()
    assert attempt.state is AttemptState.FINISHED and attempt.finished_by == "proctor"
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"exam.extend_time", "exam.attempt_close"} <= actions


def _in_threads(n: int, work) -> list:
    """Run ``work(i)`` in ``n`` threads released at once; returns their results."""
    db.session.commit()  # the test's own session must not hold SQLite's write lock
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_parallel_starts_make_one_attempt(app, exam, staff_api):
    exam_id = exam.id

    def work(_i):
        with app.test_client() as c:
            r = start(c, staff_api, exam_id)
            return r.status_code, r.json.get("attempt_id")

    results = _in_threads(6, work)
    assert sorted(s for s, _ in results) == [200] * 5 + [201], results
    assert len({a for _, a in results}) == 1
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_parallel_finishes_score_once(app, client, exam, staff_api):
    att = start(client, staff_api, exam.id).json

    def work(_i):
        with app.test_client() as c:
            return c.post(
                f"/api/v1/attempts/{att['attempt_id']}/finish", json={"seq": 0}, headers=staff_api
            ).status_code

    results = _in_threads(5, work)
    assert sorted(results) == [200] + [409] * 4, results
    db.session.expire_all()
    finishes = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "exam.attempt_finish")
    ).all()
    assert len(finishes) == 1


def test_save_racing_finish_never_loses_an_acknowledged_answer(app, client, exam, staff_api):
    att = start(client, staff_api, exam.id).json
    q = att["questions"][0]

    def work(i):
        with app.test_client() as c:
            if i == 0:
                r = put_answer(c, staff_api, att["attempt_id"], q["item_id"], some_response(q), 0)
            else:
                r = c.post(
                    f"/api/v1/attempts/{att['attempt_id']}/finish",
                    json={"seq": 0},
                    headers=staff_api,
                )
            return r.status_code

    saved, finished = _in_threads(2, work)
    assert sorted([saved, finished]) == [200, 409]
    db.session.expire_all()
    log = db.session.scalars(sa.select(AnswerLog)).all()
    assert len(log) == (1 if saved == 200 else 0)  # acknowledged ⇔ stored
    attempt = db.session.get(Attempt, att["attempt_id"])
    if saved == 200:
        assert attempt.state is AttemptState.IN_PROGRESS
    else:
        assert attempt.state is AttemptState.FINISHED
