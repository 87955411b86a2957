"""HR cases and decisions: who was put on a list, with what evidence, and what HR decided.

A case is person × period × kind (commendation or reassignment review), unique, with a
snapshot of the evidence that put the person on the list when the case was opened (the
lists themselves are recomputed, so later data never rewrites why a case exists).
Decisions are never edited: a new decision *supersedes* the current one, with its own
reason, and ``supersedes_id`` is unique so the chain of decisions cannot fork.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, str_enum, utcnow
from app.models.exams import Period
from app.models.org import Person, Unit


class CaseKind(StrEnum):
    COMMENDATION = "commendation"
    REASSIGNMENT_REVIEW = "reassignment_review"


class CaseState(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


CASE_TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.OPEN: frozenset({CaseState.DECIDED}),
    CaseState.DECIDED: frozenset(),  # a later decision supersedes; the case stays decided
}


class DecisionKind(StrEnum):
    COMMEND = "commend"  # khen thưởng
    KEEP = "keep"  # giữ nguyên, không áp dụng biện pháp
    RETRAIN_RETEST = "retrain_retest"  # giữ vị trí, bồi dưỡng và kiểm tra lại
    REASSIGN = "reassign"  # bố trí công việc khác phù hợp
    DISCIPLINE = "discipline"  # đề nghị xem xét kỷ luật


ALLOWED_DECISIONS: dict[CaseKind, tuple[DecisionKind, ...]] = {
    CaseKind.COMMENDATION: (DecisionKind.COMMEND, DecisionKind.KEEP),
    CaseKind.REASSIGNMENT_REVIEW: (
        DecisionKind.KEEP,
        DecisionKind.RETRAIN_RETEST,
        DecisionKind.REASSIGN,
        DecisionKind.DISCIPLINE,
    ),
}


class HrCase(Base):
    __tablename__ = "hr_cases"
    __table_args__ = (sa.UniqueConstraint("person_id", "period_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("periods.id"), index=True)
    kind: Mapped[CaseKind] = mapped_column(str_enum(CaseKind, 30))
    # the person's unit when the case was opened: the case's scope
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState), default=CaseState.OPEN)
    evidence: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()
    period: Mapped[Period] = relationship()
    unit: Mapped[Unit] = relationship()
    decisions: Mapped[list[HrDecision]] = relationship(
        back_populates="case", order_by="HrDecision.id"
    )

    @property
    def current_decision(self) -> HrDecision | None:
        """The decision no other decision supersedes (None while the case is open)."""
        superseded = {d.supersedes_id for d in self.decisions}
        live = [d for d in self.decisions if d.id not in superseded]
        return live[-1] if live else None


class HrDecision(Base):
    __tablename__ = "hr_decisions"
    __table_args__ = (
        sa.UniqueConstraint("supersedes_id"),
        sa.CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        sa.CheckConstraint(
            "decision <> 'reassign' OR new_unit_id IS NOT NULL", name="reassign_has_unit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("hr_cases.id"), index=True)
    decision: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind))
    reason: Mapped[str] = mapped_column(sa.Text)
    decision_ref: Mapped[str] = mapped_column(sa.String(200), default="")  # số quyết định
    decider_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    new_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    new_position: Mapped[str] = mapped_column(sa.String(200), default="")
    effective_on: Mapped[date | None] = mapped_column(sa.Date)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"))
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hr_decisions.id"))

    case: Mapped[HrCase] = relationship(back_populates="decisions")
    decider: Mapped[Any] = relationship("Account")
    new_unit: Mapped[Unit | None] = relationship()
    supersedes: Mapped[HrDecision | None] = relationship(remote_side=[id])
