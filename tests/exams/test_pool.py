"""What the draw is fed from the database: exposure counts per exam, measured facility."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from app.exams import attempts, pool
from app.extensions import db
from app.models import ExamCandidate, Person


def test_exposure_counts_every_question_each_start_drew(exam, demo_bank):
    people = db.session.scalars(
        sa.select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id).limit(2)
    ).all()
    first, _ = attempts.start_attempt(exam, people[0])
    after_first = pool.exposure(exam.id)
    assert after_first == {i.version.question_id: 1 for i in first.items}
    second, _ = attempts.start_attempt(exam, people[1])
    db.session.commit()
    # The second draw was balanced on the counts the first start left.
    assert second.draw_inputs["exposure"] == {str(k): v for k, v in after_first.items()}
    expected = Counter(i.version.question_id for a in (first, second) for i in a.items)
    assert pool.exposure(exam.id) == dict(expected)
    resumed, created = attempts.start_attempt(exam, people[0])
    assert resumed.id == first.id and not created
    assert pool.exposure(exam.id) == dict(expected)  # a resume draws nothing


def test_start_writes_every_item_of_the_form(exam, demo_bank):
    person = db.session.scalars(
        sa.select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id).limit(1)
    ).one()
    attempt, _ = attempts.start_attempt(exam, person)
    db.session.commit()
    positions = [i.position for i in attempt.items]
    assert positions == list(range(1, len(positions) + 1)) and positions
    assert all(i.mark == 1.0 and i.credit is None and i.flagged is False for i in attempt.items)
    assert sorted(i.version_id for i in attempt.items) == sorted(attempts.replay_draw(attempt))


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
