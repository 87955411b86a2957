"""Attempts point at the exact version they showed: editing a used question makes a new
version and the attempt still shows (and is scored on) the old text."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from app.bank import content, editing
from app.exams import attempts, taking
from app.extensions import db
from app.models import Account, Question, VersionState


def test_editing_a_used_question_keeps_the_attempt_on_its_version(exam, staff_person):
    attempt, _ = attempts.start_attempt(exam, staff_person)
    db.session.commit()
    item = attempt.items[0]
    old_version = item.version
    old_stem = old_version.stem
    assert old_version.used and old_version.state is VersionState.APPROVED
    question = db.session.get(Question, old_version.question_id)
    author = db.session.scalar(sa.select(Account).where(Account.username == "author"))
    data = content.from_version(old_version, question.topic.full_path, question.external_id or "")
    changed = dataclasses.replace(data, stem=old_stem + " (đã sửa theo văn bản mới)")
    new_version = editing.edit_question(question, changed, author)
    db.session.commit()
    assert new_version.id != old_version.id and new_version.number == old_version.number + 1
    db.session.expire_all()
    assert db.session.get(type(old_version), old_version.id).stem == old_stem
    with db.session.no_autoflush:
        view = taking.attempt_view(db.session.get(type(attempt), attempt.id))
    shown = next(q for q in view["questions"] if q["item_id"] == item.id)
    assert shown["stem"] == old_stem


def test_topics_restricted_to_a_position_reach_only_that_position(exam, demo_bank):
    """The demo restricts the civil-status topic to civil-status officers."""
    from app.models import ExamCandidate, Person, Topic

    restricted = next(t for t in db.session.scalars(sa.select(Topic)) if t.positions)
    wanted = restricted.positions[0]
    listed = db.session.scalars(
        sa.select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id)
    ).all()
    registrar = next(p for p in listed if p.position == wanted)
    other = next(p for p in listed if p.position != wanted)
    forms = {}
    for person in (registrar, other):
        attempt, _ = attempts.start_attempt(exam, person)
        forms[person.id] = {item.topic_id for item in attempt.items}
    assert restricted.id in forms[registrar.id]
    assert restricted.id not in forms[other.id]
