"""The everyday save (``answer_store.save_answer_fast``): what it writes when all is plain,
and that it writes nothing and hands over (None) when anything is not — on both engines
(PostgreSQL stores through one guarded statement, SQLite through three)."""

from __future__ import annotations

import sqlalchemy as sa

from app.exams import answer_store, attempts
from app.extensions import db
from app.models import Answer, AnswerLog, Attempt, AttemptState
from tests.exams.conftest import some_response


def _first_choice(attempt: Attempt):
    from app.exams import taking

    view = taking.attempt_view(attempt)
    return next(q for q in view["questions"] if q.get("options") and not q["multiple"])


def _written() -> tuple[int, int]:
    answers = db.session.scalar(sa.select(sa.func.count(Answer.id)))
    return answers, db.session.scalar(sa.select(sa.func.count(AnswerLog.id)))


def test_a_plain_save_moves_seq_and_writes_answer_and_log(exam, staff_person):
    attempt, _ = attempts.start_attempt(exam, staff_person)
    q = _first_choice(attempt)
    fast = answer_store.save_answer_fast(attempt.id, staff_person.id, q["item_id"], "a", 0)
    assert fast is not None and fast[0] == 1
    again = answer_store.save_answer_fast(attempt.id, staff_person.id, q["item_id"], "b", 1)
    assert again is not None and again[0] == 2
    db.session.commit()
    assert db.session.scalar(sa.select(Attempt.seq)) == 2
    assert db.session.scalar(sa.select(Answer.response)) == "b"  # one row, the latest
    log = db.session.execute(sa.select(AnswerLog.seq, AnswerLog.response).order_by("seq")).all()
    assert [tuple(r) for r in log] == [(1, "a"), (2, "b")]


def test_anything_unusual_writes_nothing_and_hands_over(exam, staff_person, demo_bank):
    attempt, _ = attempts.start_attempt(exam, staff_person)
    q = _first_choice(attempt)
    item = q["item_id"]
    refused = [
        (attempt.id, staff_person.id, item, "a", 5),  # stale seq
        (attempt.id, staff_person.id + 1, item, "a", 0),  # someone else's attempt
        (attempt.id, staff_person.id, item, "zz", 0),  # an option that does not exist
        (attempt.id, staff_person.id, 10**9, "a", 0),  # an item of no such attempt
        (attempt.id + 1, staff_person.id, item, "a", 0),  # an attempt that does not exist
    ]
    for args in refused:
        assert answer_store.save_answer_fast(*args) is None, args
    db.session.execute(sa.update(Attempt).values(state=AttemptState.FINISHED))
    assert answer_store.save_answer_fast(attempt.id, staff_person.id, item, "a", 0) is None
    assert _written() == (0, 0)
    assert db.session.scalar(sa.select(Attempt.seq)) == 0


def test_a_flag_only_change_moves_seq_and_keeps_the_answer(exam, staff_person):
    attempt, _ = attempts.start_attempt(exam, staff_person)
    q = _first_choice(attempt)
    response = some_response(q)
    assert answer_store.save_answer_fast(attempt.id, staff_person.id, q["item_id"], response, 0)
    flag = answer_store.save_answer_fast(
        attempt.id, staff_person.id, q["item_id"], None, 1, keep_response=True, flagged=True
    )
    assert flag is not None and flag[0] == 2
    db.session.commit()
    assert _written() == (1, 1)
    assert db.session.scalar(sa.select(Answer.response)) == response
