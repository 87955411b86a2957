"""The question bank: a topic tree, questions with a stable identity, immutable versions.

A version's content (stem, options, key, credits, feedback) never changes once it has
been approved or drawn into an attempt; an edit then makes a new version. Attempts will
point at versions, never at the mutable ``Question``. The reviewer of a version is never
its author (a database CHECK, not only an ``if``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, str_enum, utcnow


class VersionState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETIRED = "retired"


# Allowed moves of the review workflow; anything else is refused by the service.
TRANSITIONS: dict[VersionState, frozenset[VersionState]] = {
    VersionState.DRAFT: frozenset({VersionState.IN_REVIEW, VersionState.RETIRED}),
    VersionState.IN_REVIEW: frozenset(
        {VersionState.APPROVED, VersionState.DRAFT, VersionState.RETIRED}
    ),
    VersionState.APPROVED: frozenset({VersionState.RETIRED}),
    VersionState.RETIRED: frozenset(),
}


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    full_path: Mapped[str] = mapped_column(sa.String(1000), unique=True)  # "A/B/C"
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"), index=True)
    # Job positions this topic is restricted to (empty: every position draws from it).
    positions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Topic | None] = relationship(remote_side=[id])


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topic: Mapped[Topic] = relationship()
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number"
    )

    @property
    def latest(self) -> QuestionVersion:
        return self.versions[-1]


class QuestionVersion(Base):
    __tablename__ = "question_versions"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "number"),
        sa.CheckConstraint(
            "reviewer_id IS NULL OR author_id IS NULL OR reviewer_id <> author_id",
            name="reviewer_not_author",
        ),
        sa.Index("ix_question_versions_state_type", "state", "qtype"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    qtype: Mapped[str] = mapped_column(sa.String(30))
    stem: Mapped[str] = mapped_column(sa.Text)
    stem_fold: Mapped[str] = mapped_column(sa.Text, default="")  # search & near-duplicates
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # options, key, credits, feedback
    content_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    difficulty: Mapped[str | None] = mapped_column(sa.String(10))
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    positions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[VersionState] = mapped_column(str_enum(VersionState), default=VersionState.DRAFT)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(sa.Text, default="")
    used: Mapped[bool] = mapped_column(default=False)  # drawn into an attempt: frozen
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship(back_populates="versions")

    @property
    def is_frozen(self) -> bool:
        """True once the content may no longer change in place."""
        return self.used or self.state in (VersionState.APPROVED, VersionState.RETIRED)
