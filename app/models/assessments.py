"""Communication-skill assessments: rubrics, rounds, assessors, conflicts and scoring sheets.

Invariants kept by the database, not only by the services:
- a rubric version's reviewer is never its author (CHECK, as for question versions);
- an assessor covers a unit of a round at most once; a conflict is declared once;
- ``client_key`` is unique: a draft sent twice (offline replay) is stored once;
- one *live* sheet per (round, person, assessor, method, scenario): ``live_key`` holds
  that combination while the sheet is live and becomes NULL when a correction supersedes
  it (NULLs never collide, on SQLite and PostgreSQL alike). A second observation of the
  same officer by the same assessor with the same method needs another scenario label;
- a sheet is superseded at most once (``supersedes_id`` unique), so revisions form a chain.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.bank import VersionState
from app.models.base import Base, UTCDateTime, str_enum, utcnow


class Method(StrEnum):
    LIVE = "live"  # live observation at the counter
    ROLE_PLAY = "role_play"  # role play on a prepared scenario
    MYSTERY_SHOPPER = "mystery_shopper"
    CAMERA = "camera"  # review of camera footage (reference only, never the video)


class RoundState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SheetState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # locked; changes only through a correction (new revision)


class Rubric(Base):
    """A rubric's stable identity; its content lives in immutable versions."""

    __tablename__ = "rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(100), unique=True)  # "giao-tiep-mot-cua"
    name: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[RubricVersion]] = relationship(
        back_populates="rubric", order_by="RubricVersion.number"
    )


class RubricVersion(Base):
    """Criteria ``[{key, title, weight, levels: [{score, descriptor}]}]`` plus the policy."""

    __tablename__ = "rubric_versions"
    __table_args__ = (
        sa.UniqueConstraint("rubric_id", "number"),
        sa.CheckConstraint(
            "reviewer_id IS NULL OR author_id IS NULL OR reviewer_id <> author_id",
            name="rubric_reviewer_not_author",
        ),
        sa.CheckConstraint(
            "pass_threshold > 0 AND pass_threshold <= 1", name="rubric_pass_threshold"
        ),
        sa.CheckConstraint("disagreement_levels >= 1", name="rubric_disagreement_levels"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubrics.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    pass_threshold: Mapped[float] = mapped_column(default=0.5)
    disagreement_levels: Mapped[int] = mapped_column(default=2)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    state: Mapped[VersionState] = mapped_column(str_enum(VersionState), default=VersionState.DRAFT)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(sa.Text, default="")  # approval note or reason
    used: Mapped[bool] = mapped_column(default=False)  # a round uses it: frozen
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rubric: Mapped[Rubric] = relationship(back_populates="versions")

    @property
    def is_frozen(self) -> bool:
        """True once the criteria may no longer change in place."""
        return self.used or self.state in (VersionState.APPROVED, VersionState.RETIRED)

    def criterion(self, key: str) -> dict[str, Any] | None:
        return next((c for c in self.criteria if c["key"] == key), None)


class Round(Base):
    """An assessment round of a period: rubric version, units, methods and assessors."""

    __tablename__ = "assessment_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("periods.id"), index=True)
    rubric_version_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_versions.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)  # owner/scope
    title: Mapped[str] = mapped_column(sa.String(300))
    unit_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)  # units assessed
    methods: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # subset of Method
    state: Mapped[RoundState] = mapped_column(str_enum(RoundState), default=RoundState.OPEN)
    # A calibration exercise: assessors score the same staged or recorded scenarios to
    # measure their agreement; its sheets never count towards anyone's period verdict.
    calibration: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    period = relationship("Period")
    rubric_version: Mapped[RubricVersion] = relationship()
    unit = relationship("Unit", foreign_keys=[unit_id])
    assessors: Mapped[list[RoundAssessor]] = relationship(back_populates="round")


class RoundAssessor(Base):
    """Which assessor (account) covers which unit (and its sub-tree) in a round."""

    __tablename__ = "round_assessors"
    __table_args__ = (sa.UniqueConstraint("round_id", "account_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_rounds.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="assessors")
    account = relationship("Account")
    unit = relationship("Unit")


class Conflict(Base):
    """A declared conflict of interest: this assessor may not assess this person."""

    __tablename__ = "assessment_conflicts"
    __table_args__ = (sa.UniqueConstraint("round_id", "account_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_rounds.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    declared_by: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account = relationship("Account", foreign_keys=[account_id])
    person = relationship("Person")


class Sheet(Base):
    """One assessor's scores for one officer, one method and scenario, in one round."""

    __tablename__ = "assessment_sheets"
    __table_args__ = (sa.Index("ix_assessment_sheets_round_person", "round_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_rounds.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    method: Mapped[Method] = mapped_column(str_enum(Method))
    scenario: Mapped[str] = mapped_column(sa.String(300), default="")
    camera_ref: Mapped[str] = mapped_column(sa.String(300), default="")  # camera id / place
    camera_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # footage date and time
    camera_notes: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[SheetState] = mapped_column(str_enum(SheetState), default=SheetState.DRAFT)
    revision: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment_sheets.id"), unique=True
    )
    correction_reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    client_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    live_key: Mapped[str | None] = mapped_column(sa.String(400), unique=True)
    scores: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    notes: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    percent: Mapped[float | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    person = relationship("Person")
    assessor = relationship("Account", foreign_keys=[assessor_id])

    @property
    def is_live(self) -> bool:
        """False once a correction has replaced this sheet."""
        return self.live_key is not None
