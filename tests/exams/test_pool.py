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


def _stats(version_ids, facility_of, n=50):
    from app.models import QuestionVersion
    from app.models.analytics import VersionStats

    questions = dict(
        db.session.execute(
            sa.select(QuestionVersion.id, QuestionVersion.question_id).where(
                QuestionVersion.id.in_(version_ids)
            )
        ).all()
    )
    for vid in version_ids:
        db.session.add(
            VersionStats(version_id=vid, question_id=questions[vid], n=n, facility=facility_of(vid))
        )
    db.session.flush()


def test_measured_facility_steers_the_draw_and_is_stored_for_replay(exam, demo_bank):
    people = db.session.scalars(
        sa.select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id).limit(6)
    ).all()
    unsteered, _ = attempts.start_attempt(exam, people[0])
    assert "facility" not in unsteered.draw_inputs  # no statistics yet: author difficulty only
    versions = [
        c.version_id
        for c in pool.candidates_for(
            pool.rows_for_position(*_blueprint(exam, people[1].position)), people[1].position
        )
    ]
    # Half the bank measured very easy, half very hard: every steered form should mix them
    # so that its mean facility sits near the bank's mean (about 0.5), not at either end.
    facility = {vid: 0.95 if vid % 2 else 0.05 for vid in versions}
    _stats(versions, facility.get)
    target = round(sum(facility.values()) / len(facility), 4)
    means = []
    for person in people[1:]:
        attempt, _ = attempts.start_attempt(exam, person)
        inputs = attempt.draw_inputs
        assert inputs["target"] == target and len(inputs["facility"]) == len(versions)
        values = [inputs["facility"][str(i.version_id)] for i in attempt.items]
        means.append(sum(values) / len(values))
        drawn = sorted(i.version_id for i in attempt.items)
        assert sorted(attempts.replay_draw(attempt)) == drawn  # replay uses the stored values
    assert all(abs(m - target) < 0.03 for m in means), means  # random: SD of a mean ≈ 0.09


def test_few_attempts_do_not_steer(exam, demo_bank):
    person = db.session.scalars(
        sa.select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id).limit(1)
    ).one()
    versions = [
        c.version_id
        for c in pool.candidates_for(
            pool.rows_for_position(*_blueprint(exam, person.position)), person.position
        )
    ]
    _stats(versions, lambda vid: 0.9, n=5)  # below ITEM_STATS_MIN_N (20)
    attempt, _ = attempts.start_attempt(exam, person)
    assert "facility" not in attempt.draw_inputs


def _blueprint(exam, position):
    from app.exams import draw

    parsed = draw.parse_blueprint(exam.blueprint)
    return parsed, pool.row_topics(parsed), position
