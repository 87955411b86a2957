"""What the draw is fed from the database: exposure over a recent window of attempts."""

from __future__ import annotations

import sqlalchemy as sa

from app.exams import attempts, pool
from app.extensions import db
from app.models import ExamCandidate, Person


def test_exposure_counts_the_recent_window_only(exam, demo_bank):
    people = db.session.scalars(
        sa.select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id).limit(2)
    ).all()
    first, _ = attempts.start_attempt(exam, people[0])
    second, _ = attempts.start_attempt(exam, people[1])
    db.session.commit()
    everything = pool.exposure(exam.id)
    assert sum(everything.values()) == len(first.items) + len(second.items)
    latest = pool.exposure(exam.id, window=1)
    assert sum(latest.values()) == len(second.items)
    assert set(latest) == {i.version.question_id for i in second.items}
