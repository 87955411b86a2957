"""Periodic knowledge tests: periods, exams, who must sit them, attempts and their answers.

Invariants kept by the database, not only by the services:
- one attempt per person per exam (unique constraint);
- an attempt item points at an immutable question *version*, never at the question;
- one current answer per attempt item (unique), plus an append-only save log;
- one correction (void / new key) per exam and question version.
The attempt's ``seq`` guards every write: a save or finish must carry the current value and
the service increments it with a conditional UPDATE, so stale or repeated requests write
nothing, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, str_enum, utcnow


class ExamState(StrEnum):
    DRAFT = "draft"  # being prepared; nobody can start it
    PUBLISHED = "published"  # blueprint checked; open between opens_at and closes_at
    CANCELLED = "cancelled"


EXAM_TRANSITIONS: dict[ExamState, frozenset[ExamState]] = {
    ExamState.DRAFT: frozenset({ExamState.PUBLISHED, ExamState.CANCELLED}),
    ExamState.PUBLISHED: frozenset({ExamState.DRAFT, ExamState.CANCELLED}),
    ExamState.CANCELLED: frozenset(),
}


class AttemptState(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    ABANDONED = "abandoned"  # annulled by a proctor (incident); not scored


ATTEMPT_TRANSITIONS: dict[AttemptState, frozenset[AttemptState]] = {
    AttemptState.IN_PROGRESS: frozenset({AttemptState.FINISHED, AttemptState.ABANDONED}),
    AttemptState.FINISHED: frozenset(),
    AttemptState.ABANDONED: frozenset(),
}


class CandidateStatus(StrEnum):
    REQUIRED = "required"
    EXEMPT = "exempt"  # with a reason: leave, illness, ...


class ReviewWhen(StrEnum):
    IMMEDIATELY = "immediately"
    AFTER_CLOSE = "after_close"
    NEVER = "never"


class Period(Base):
    """An assessment period, half a year by default ("6 tháng đầu năm 2027")."""

    __tablename__ = "periods"
    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    starts_on: Mapped[date] = mapped_column(sa.Date, index=True)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Exam(Base):
    __tablename__ = "exams"
    __table_args__ = (
        sa.CheckConstraint("opens_at < closes_at", name="exam_window"),
        sa.CheckConstraint("time_limit_minutes > 0", name="exam_time_limit"),
        sa.CheckConstraint("pass_mark > 0 AND pass_mark <= 1", name="exam_pass_mark"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("periods.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)  # owner, scope
    retest_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    state: Mapped[ExamState] = mapped_column(str_enum(ExamState), default=ExamState.DRAFT)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_limit_minutes: Mapped[int] = mapped_column(default=45)
    pass_mark: Mapped[float] = mapped_column(default=0.5)
    blueprint: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    target_unit_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    target_positions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    sequential: Mapped[bool] = mapped_column(default=False)  # no going back
    one_per_page: Mapped[bool] = mapped_column(default=True)
    review_when: Mapped[ReviewWhen] = mapped_column(
        str_enum(ReviewWhen), default=ReviewWhen.AFTER_CLOSE
    )
    review_score: Mapped[bool] = mapped_column(default=True)
    review_topics: Mapped[bool] = mapped_column(default=True)
    review_answers: Mapped[bool] = mapped_column(default=False)
    room_pin: Mapped[str | None] = mapped_column(sa.String(12))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    period: Mapped[Period] = relationship()
    retest_of: Mapped[Exam | None] = relationship(remote_side=[id])


class ExamCandidate(Base):
    """A person who must (or, when exempt, need not) sit an exam, with personal extra time."""

    __tablename__ = "exam_candidates"
    __table_args__ = (
        sa.UniqueConstraint("exam_id", "person_id"),
        sa.CheckConstraint("extra_minutes >= 0", name="extra_minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    status: Mapped[CandidateStatus] = mapped_column(
        str_enum(CandidateStatus), default=CandidateStatus.REQUIRED
    )
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    extra_minutes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exam: Mapped[Exam] = relationship()
    person: Mapped[Any] = relationship("Person")


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        sa.UniqueConstraint("exam_id", "person_id"),
        sa.CheckConstraint("seq >= 0", name="seq_positive"),
        sa.Index("ix_attempts_state_deadline", "state", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    state: Mapped[AttemptState] = mapped_column(
        str_enum(AttemptState), default=AttemptState.IN_PROGRESS
    )
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    # What else the draw depended on (position, questions to avoid, exposure at the time),
    # so ``attempts.replay_draw`` reproduces the form exactly for an audit.
    draw_inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    seq: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    extended_minutes: Mapped[int] = mapped_column(default=0)  # granted by a proctor
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_by: Mapped[str] = mapped_column(sa.String(20), default="")  # person/sweep/proctor
    paper: Mapped[bool] = mapped_column(default=False)  # results imported from a paper sitting
    score: Mapped[float | None] = mapped_column()
    max_score: Mapped[float | None] = mapped_column()
    percent: Mapped[float | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()
    topic_scores: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    exam: Mapped[Exam] = relationship()
    person: Mapped[Any] = relationship("Person")
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position"
    )


class AttemptItem(Base):
    """One question of an attempt: the exact version shown, its place and its option order."""

    __tablename__ = "attempt_items"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id"), index=True)
    position: Mapped[int] = mapped_column()
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id"))
    layout: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # option order
    mark: Mapped[float] = mapped_column(default=1.0)
    credit: Mapped[float | None] = mapped_column()  # fraction of ``mark``, set on scoring
    flagged: Mapped[bool] = mapped_column(default=False)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[Any] = relationship("QuestionVersion")
    answer: Mapped[Answer | None] = relationship(back_populates="item", uselist=False)


class Answer(Base):
    """The latest saved response to an attempt item."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt_items.id"), unique=True)
    response: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    seq: Mapped[int] = mapped_column()  # the attempt seq this save was accepted with
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AttemptItem] = relationship(back_populates="answer")


class AnswerLog(Base):
    """Append-only record of every accepted save: proof that nothing acknowledged was lost."""

    __tablename__ = "answer_log"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt_items.id"))
    seq: Mapped[int] = mapped_column()
    response: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExamExposure(Base):
    """How many online attempts of an exam drew each question, counted at each start: the
    draw spreads the bank evenly on these counts (read per start in one small query)."""

    __tablename__ = "exam_exposure"

    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), primary_key=True)
    drawn: Mapped[int] = mapped_column(default=0)


class ItemFix(Base):
    """A correction to a faulty question for one exam: void it or score with a corrected key."""

    __tablename__ = "exam_item_fixes"
    __table_args__ = (sa.UniqueConstraint("exam_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exams.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_versions.id"))
    kind: Mapped[str] = mapped_column(sa.String(10))  # "void" | "rekey"
    content: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # corrected content
    reason: Mapped[str] = mapped_column(sa.String(1000))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
