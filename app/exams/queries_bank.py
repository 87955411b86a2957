"""Reads about questions for the exam screens: what the bank can supply per topic and
difficulty (blueprint editor), external ids, and the versions an exam used with their
facility and fixes (item-fix screen), plus the re-scoring trail."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort

from app.access import Perm, scope_clause
from app.extensions import db
from app.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    AuditEvent,
    Exam,
    ItemFix,
    Person,
    Question,
    QuestionVersion,
    Topic,
    Unit,
    VersionState,
)

# --- the bank, for the blueprint editor ---------------------------------------------------


@dataclass
class TopicSupply:
    """Approved questions (newest version, never essay) under a topic, sub-topics included."""

    topic: Topic
    easy: int = 0
    medium: int = 0
    hard: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.easy + self.medium + self.hard + self.other


def topic_supply() -> list[TopicSupply]:
    """Every topic in tree order with how many approved questions it can supply."""
    newest = (
        sa.select(sa.func.max(QuestionVersion.id))
        .where(QuestionVersion.state == VersionState.APPROVED, QuestionVersion.qtype != "essay")
        .group_by(QuestionVersion.question_id)
    )
    stmt = (
        sa.select(Question.topic_id, QuestionVersion.difficulty, sa.func.count())
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(newest))
        .group_by(Question.topic_id, QuestionVersion.difficulty)
    )
    own = list(db.session.execute(stmt))
    topics = list(db.session.scalars(sa.select(Topic).order_by(Topic.full_path)))
    supply = {t.id: TopicSupply(t) for t in topics}
    paths = {t.id: t.full_path for t in topics}
    for topic_id, difficulty, n in own:
        path = paths.get(topic_id, "")
        for row in supply.values():
            if path == row.topic.full_path or path.startswith(row.topic.full_path + "/"):
                field = difficulty if difficulty in ("easy", "medium", "hard") else "other"
                setattr(row, field, getattr(row, field) + n)
    return list(supply.values())


def question_ids_by_external(external_ids: list[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    stmt = sa.select(Question.external_id, Question.id).where(
        Question.external_id.in_(external_ids)
    )
    return dict(db.session.execute(stmt).all())


def external_ids(question_ids: list[int]) -> dict[int, str]:
    if not question_ids:
        return {}
    stmt = sa.select(Question.id, Question.external_id).where(Question.id.in_(question_ids))
    return {qid: ext or f"#{qid}" for qid, ext in db.session.execute(stmt)}


def topic_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Topic.id, Topic.name).where(Topic.id.in_(ids))).all())


# --- item fixes --------------------------------------------------------------------------------


@dataclass
class UsedVersion:
    version: QuestionVersion
    external_id: str
    topic: str
    attempts: int
    facility: float | None  # share of the available credit earned (finished attempts)
    fix: ItemFix | None


def used_versions(exam: Exam) -> list[UsedVersion]:
    """Question versions drawn into ``exam`` with their facility, hardest first."""
    finished = Attempt.state == AttemptState.FINISHED
    stmt = (
        sa.select(
            QuestionVersion,
            Question.external_id,
            Topic.name,
            sa.func.count(sa.distinct(AttemptItem.attempt_id)),
            sa.func.avg(sa.case((finished, AttemptItem.credit), else_=None)),
        )
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(Topic, Topic.id == Question.topic_id)
        .where(Attempt.exam_id == exam.id)
        .group_by(QuestionVersion.id, Question.external_id, Topic.name)
    )
    fixes = {
        f.version_id: f
        for f in db.session.scalars(sa.select(ItemFix).where(ItemFix.exam_id == exam.id))
    }
    rows = [
        UsedVersion(
            v,
            ext or f"#{v.question_id}",
            topic,
            n,
            None if fac is None else float(fac),
            fixes.get(v.id),
        )
        for v, ext, topic, n, fac in db.session.execute(stmt)
    ]
    return sorted(rows, key=lambda r: (r.facility if r.facility is not None else 2.0, r.version.id))


def exams_with_attempts(*perms: Perm) -> list[Exam]:
    """Exams owned in the caller's scope for one of ``perms`` that someone has sat."""
    sat = sa.select(Attempt.exam_id)
    stmt = (
        sa.select(Exam)
        .join(Unit, Unit.id == Exam.unit_id)
        .where(sa.or_(*(scope_clause(p, Unit.path) for p in perms)), Exam.id.in_(sat))
        .order_by(Exam.opens_at.desc(), Exam.id.desc())
    )
    return list(db.session.scalars(stmt))


def version_in_exam_or_404(exam: Exam, version_id: int) -> QuestionVersion:
    used = db.session.scalar(
        sa.select(AttemptItem.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.exam_id == exam.id, AttemptItem.version_id == version_id)
        .limit(1)
    )
    version = db.session.get(QuestionVersion, version_id) if used else None
    if version is None:
        abort(404)
    return version


def rescore_events(exam: Exam, perm: Perm) -> list[tuple[AuditEvent, Person]]:
    """``exam.rescore`` audit events of the exam's attempts whose person is in scope."""
    attempts = (
        sa.select(Attempt.id, Person)
        .join(Person, Person.id == Attempt.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Attempt.exam_id == exam.id, scope_clause(perm, Unit.path))
    )
    people = {str(aid): person for aid, person in db.session.execute(attempts)}
    if not people:
        return []
    stmt = (
        sa.select(AuditEvent)
        .where(
            AuditEvent.action == "exam.rescore",
            AuditEvent.target_type == "Attempt",
            AuditEvent.target_id.in_(list(people)),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [(event, people[event.target_id]) for event in db.session.scalars(stmt)]
