"""HR case services: idempotent opening, decisions never edited, reassignment history, audit."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.hr import cases
from app.hr.lists import Policy, entry_for
from app.models import (
    Account,
    Assignment,
    AuditEvent,
    CaseKind,
    CaseState,
    DecisionKind,
    HrCase,
    HrDecision,
    Unit,
)

POLICY = Policy(min_periods=2, window=10, threshold=0.8, min_ratings=30)


def _account(name: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.username == name))


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _review_case(h) -> HrCase:
    entry = entry_for(CaseKind.REASSIGNMENT_REVIEW, h.p3, h.b)
    assert entry is not None
    case = cases.open_case(
        h.b, h.p3, CaseKind.REASSIGNMENT_REVIEW, entry.evidence(POLICY), actor=_account("hr")
    )
    db.session.commit()
    return case


def test_open_case_is_idempotent_and_keeps_the_evidence(history):
    first = _review_case(history)
    again = _review_case(history)
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(HrCase.id))) == 1
    assert first.state is CaseState.OPEN and first.unit_id == history.b.unit_id
    assert first.evidence["reasons"] == ["knowledge_failed"]
    assert first.evidence["period"]["name"] == "Kỳ thử 3"
    assert len(_audit("hr.case_open")) == 1  # the second call added nothing


def test_decisions_are_never_edited_only_superseded_with_a_reason(history):
    case = _review_case(history)
    hr = _account("hr")
    first = cases.record_decision(
        case, cases.DecisionInput(DecisionKind.RETRAIN_RETEST, "Bồi dưỡng, thi lại."), decider=hr
    )
    db.session.commit()
    assert case.state is CaseState.DECIDED
    with pytest.raises(cases.HrError) as again:
        cases.record_decision(case, cases.DecisionInput(DecisionKind.KEEP, "x"), decider=hr)
    assert again.value.status == 409
    db.session.rollback()
    with pytest.raises(cases.HrError) as blank:
        cases.supersede_decision(first, cases.DecisionInput(DecisionKind.KEEP, "  "), decider=hr)
    assert blank.value.status == 422 and blank.value.field == "reason"
    second = cases.supersede_decision(
        first, cases.DecisionInput(DecisionKind.KEEP, "Đã thi lại đạt."), decider=hr
    )
    db.session.commit()
    rows = db.session.scalars(sa.select(HrDecision).order_by(HrDecision.id)).all()
    assert [(d.decision, d.reason) for d in rows] == [
        (DecisionKind.RETRAIN_RETEST, "Bồi dưỡng, thi lại."),
        (DecisionKind.KEEP, "Đã thi lại đạt."),
    ]
    assert second.supersedes_id == first.id and case.current_decision.id == second.id
    with pytest.raises(cases.HrError) as twice:  # the old one is no longer current
        cases.supersede_decision(first, cases.DecisionInput(DecisionKind.KEEP, "y"), decider=hr)
    assert twice.value.status == 409
    db.session.rollback()
    supersede = _audit("hr.decision_supersede")
    assert len(_audit("hr.decision_record")) == 1 and len(supersede) == 1
    assert supersede[0].before["decision"] == "retrain_retest"
    assert supersede[0].reason == "Đã thi lại đạt." and supersede[0].actor_name == "hr"


def test_database_refuses_a_decision_without_reason_or_a_fork(history):
    case = _review_case(history)
    hr = _account("hr")
    first = cases.record_decision(case, cases.DecisionInput(DecisionKind.KEEP, "Lý do"), decider=hr)
    db.session.commit()
    for row in (
        HrDecision(case_id=case.id, decision=DecisionKind.KEEP, reason=" ", decider_id=hr.id),
        HrDecision(case_id=case.id, decision=DecisionKind.KEEP, reason="a", decider_id=hr.id,
                   supersedes_id=first.id),
        HrDecision(case_id=case.id, decision=DecisionKind.KEEP, reason="b", decider_id=hr.id,
                   supersedes_id=first.id),
    ):  # fmt: skip
        db.session.add(row)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
    # the blank reason and the second successor of the same decision were refused
    assert db.session.scalar(sa.select(sa.func.count(HrDecision.id))) == 2


def test_decision_must_fit_the_kind_of_case(history):
    case = _review_case(history)
    with pytest.raises(cases.HrError) as wrong:
        cases.record_decision(
            case, cases.DecisionInput(DecisionKind.COMMEND, "Khen"), decider=_account("hr")
        )
    assert wrong.value.field == "decision"
    with pytest.raises(cases.HrError) as no_unit:
        cases.record_decision(
            case, cases.DecisionInput(DecisionKind.REASSIGN, "Chuyển"), decider=_account("hr")
        )
    assert no_unit.value.field == "new_unit_id"


def test_reassignment_closes_the_assignment_and_opens_the_new_one(history):
    h = history
    case = _review_case(h)
    old_unit = h.b.unit_id
    target = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-TTHCC"))
    data = cases.DecisionInput(
        DecisionKind.REASSIGN, "Không đạt kiến thức; chuyển bộ phận hỗ trợ.",
        decision_ref="45/QĐ-SNV", new_unit=target, new_position="Nhân viên hỗ trợ",
        effective_on=date(2025, 8, 1),
    )  # fmt: skip
    decision = cases.record_decision(case, data, decider=_account("hr"))
    db.session.commit()
    history_rows = db.session.scalars(
        sa.select(Assignment).where(Assignment.person_id == h.b.id).order_by(Assignment.id)
    ).all()
    old, new = history_rows[-2], history_rows[-1]
    assert old.unit_id == old_unit and old.end_date == date(2025, 8, 1)
    assert new.unit_id == target.id and new.end_date is None
    assert new.position == "Nhân viên hỗ trợ" and new.decision_ref == "45/QĐ-SNV"
    assert "chuyển bộ phận hỗ trợ" in new.reason
    assert decision.assignment_id == new.id
    db.session.refresh(h.b)
    assert h.b.unit_id == target.id and h.b.position == "Nhân viên hỗ trợ"
    moved = _audit("person.reassign")
    assert moved and moved[-1].after["unit_id"] == target.id
    assert _audit("hr.decision_record")[0].after["assignment_id"] == new.id
