"""HR case operations: open a case, record a decision, supersede a decision.

Each function adds/flushes and writes the audit trail; the caller commits once. A
decision is never edited: ``supersede_decision`` adds a new one pointing at the old one
(unique, so two people superseding the same decision at once cannot fork the chain). A
reassignment decision moves the person through ``app.org.services.reassign_person``, which
closes the current assignment and opens the new one with the reason and decision number;
superseding it with a decision that is not a reassignment moves them back the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.audit import record_audit
from app.extensions import db
from app.models import (
    ALLOWED_DECISIONS,
    CASE_TRANSITIONS,
    Account,
    Assignment,
    CaseKind,
    CaseState,
    DecisionKind,
    HrCase,
    HrDecision,
    Period,
    Person,
    Unit,
)
from app.org import services as org
from app.text import nfc, squash

DECISION_LABELS = {
    DecisionKind.COMMEND: _l("Đề nghị khen thưởng"),
    DecisionKind.KEEP: _l("Giữ nguyên, không áp dụng biện pháp"),
    DecisionKind.RETRAIN_RETEST: _l("Giữ vị trí, bồi dưỡng và kiểm tra lại"),
    DecisionKind.REASSIGN: _l("Bố trí công việc khác phù hợp"),
    DecisionKind.DISCIPLINE: _l("Đề nghị xem xét kỷ luật"),
}
KIND_LABELS = {
    CaseKind.COMMENDATION: _l("Đề nghị khen thưởng"),
    CaseKind.REASSIGNMENT_REVIEW: _l("Xem xét bố trí lại"),
}
STATE_LABELS = {CaseState.OPEN: _l("Đang xem xét"), CaseState.DECIDED: _l("Đã quyết định")}
REASON_MAX = 2000
# stored in the assignment history, so in the record's language, not the viewer's
ASSIGNMENT_REASON = "Bố trí công việc khác phù hợp theo xem xét nhân sự"
MOVE_BACK_REASON = "Trở lại vị trí trước đó do thay thế quyết định bố trí lại"


class HrError(ValueError):
    """A decision that cannot be recorded; ``status`` 422 (bad input) or 409 (conflict)."""

    def __init__(self, message: Any, *, status: int = 422, field: str | None = None):
        # ``message`` may be a lazy string: it is translated when shown, in a request
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


@dataclass
class DecisionInput:
    decision: DecisionKind
    reason: str
    decision_ref: str = ""
    new_unit: Unit | None = None
    new_position: str = ""
    effective_on: date | None = None


def open_case(
    person: Person, period: Period, kind: CaseKind, evidence: dict[str, Any], *, actor: Account
) -> HrCase:
    """The case of ``person`` × ``period`` × ``kind``: the existing one, or a new one with
    ``evidence`` as its snapshot (idempotent, also under concurrent requests)."""
    found = _find_case(person.id, period.id, kind)
    if found is not None:
        return found
    case = HrCase(
        person_id=person.id, period_id=period.id, kind=kind, unit_id=person.unit_id,
        evidence=evidence, created_by_id=actor.id,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(case)
    except IntegrityError:
        return _find_case(person.id, period.id, kind)  # type: ignore[return-value]
    record_audit(
        "hr.case_open", case, actor=actor, unit_id=case.unit_id,
        after={"person_id": person.id, "period_id": period.id, "kind": kind.value},
    )  # fmt: skip
    return case


def _find_case(person_id: int, period_id: int, kind: CaseKind) -> HrCase | None:
    return db.session.scalar(
        sa.select(HrCase).where(
            HrCase.person_id == person_id, HrCase.period_id == period_id, HrCase.kind == kind
        )
    )


def _check(case: HrCase, data: DecisionInput) -> None:
    if data.decision not in ALLOWED_DECISIONS[case.kind]:
        raise HrError(_l("Quyết định này không áp dụng cho loại hồ sơ này."), field="decision")
    if not nfc(data.reason).strip():
        raise HrError(_l("Vui lòng ghi lý do của quyết định."), field="reason")
    if len(data.reason) > REASON_MAX:
        raise HrError(_l("Lý do dài quá %(n)d ký tự.", n=REASON_MAX), field="reason")
    if data.decision is DecisionKind.REASSIGN:
        if data.new_unit is None:
            raise HrError(_l("Chọn đơn vị mới."), field="new_unit_id")
        if not squash(data.new_position):
            raise HrError(_l("Ghi vị trí việc làm mới."), field="new_position")


def _add(case: HrCase, data: DecisionInput, decider: Account, old: HrDecision | None):
    reassign = data.decision is DecisionKind.REASSIGN
    decision = HrDecision(
        case_id=case.id, decision=data.decision, reason=nfc(data.reason).strip(),
        decision_ref=squash(data.decision_ref), decider_id=decider.id,
        new_unit_id=data.new_unit.id if reassign and data.new_unit else None,
        new_position=squash(data.new_position) if reassign else "",
        effective_on=(data.effective_on or date.today()) if reassign else None,
        supersedes_id=old.id if old is not None else None,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(decision)
    except IntegrityError as exc:
        raise HrError(_l("Quyết định này vừa được người khác thay thế."), status=409) from exc
    decision.case = case  # only now: the savepoint must not flush a half-built decision
    if reassign:
        _move_person(case, decision, data.new_unit)  # type: ignore[arg-type]
    return decision


def _move_person(case: HrCase, decision: HrDecision, unit: Unit) -> None:
    person = case.person
    ref = decision.decision_ref or f"Hồ sơ nhân sự #{case.id}, quyết định #{decision.id}"
    try:
        assignment = org.reassign_person(
            person, unit, decision.new_position, on=decision.effective_on,
            reason=f"{ASSIGNMENT_REASON}: {decision.reason}"[:500], decision_ref=ref,
        )  # fmt: skip
    except org.OrgError as exc:
        raise HrError(str(exc), field="effective_on") from exc
    decision.assignment_id = assignment.id


def _opened_and_before(old: HrDecision) -> tuple[Assignment | None, Assignment | None]:
    """The assignment ``old`` opened and the one it closed (None when unknown)."""
    opened = db.session.get(Assignment, old.assignment_id) if old.assignment_id else None
    if opened is None:
        return None, None
    before = db.session.scalar(
        sa.select(Assignment)
        .where(
            Assignment.person_id == opened.person_id,
            Assignment.id < opened.id,
            Assignment.end_date == opened.start_date,
        )
        .order_by(Assignment.id.desc())
        .limit(1)
    )
    return opened, before


def _check_can_move_back(old: HrDecision) -> None:
    """Superseding a reassignment undoes the move, which is possible only while the person
    still holds the assignment it opened (any later move belongs to another decision)."""
    opened, before = _opened_and_before(old)
    if opened is None or before is None:
        return  # nothing recorded to undo (a decision from before assignments were linked)
    if opened.end_date is not None:
        raise HrError(
            _l(
                "Người này đã được điều động lần khác sau quyết định này, nên không thể tự "
                "động trở lại vị trí cũ. Hãy điều chỉnh quá trình công tác ở hồ sơ cán bộ "
                "trước, rồi ghi quyết định thay thế."
            ),
            status=409,
        )


def _move_back(case: HrCase, old: HrDecision, decision: HrDecision) -> None:
    """The superseded reassignment no longer stands: the person returns to the unit and
    position it moved them from, from today (or, for a move that has not taken effect yet,
    from its own date, so it never takes effect), recorded in the assignment history."""
    opened, before = _opened_and_before(old)
    if opened is None or before is None:
        return
    on = max(date.today(), opened.start_date)
    ref = decision.decision_ref or f"Hồ sơ nhân sự #{case.id}, quyết định #{decision.id}"
    reason = f"{MOVE_BACK_REASON} #{old.id}: {decision.reason}"[:500]
    assignment = org.reassign_person(
        case.person, before.unit, before.position, on=on, reason=reason, decision_ref=ref
    )
    decision.assignment_id = assignment.id


def _summary(d: HrDecision) -> dict[str, Any]:
    return {
        "decision_id": d.id, "case_id": d.case_id, "decision": d.decision.value,
        "decision_ref": d.decision_ref, "new_unit_id": d.new_unit_id,
        "new_position": d.new_position, "assignment_id": d.assignment_id,
    }  # fmt: skip


def record_decision(case: HrCase, data: DecisionInput, *, decider: Account) -> HrDecision:
    """The first decision on an open case; the case becomes decided. Raises HrError (409
    when the case already has a decision: supersede that one instead)."""
    _check(case, data)
    if CaseState.DECIDED not in CASE_TRANSITIONS[case.state]:
        raise HrError(_l("Hồ sơ đã có quyết định; hãy thay thế quyết định đó."), status=409)
    moved = db.session.execute(
        sa.update(HrCase)
        .where(HrCase.id == case.id, HrCase.state == CaseState.OPEN)
        .values(state=CaseState.DECIDED)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise HrError(_l("Hồ sơ vừa có quyết định của người khác."), status=409)
    case.state = CaseState.DECIDED
    decision = _add(case, data, decider, None)
    record_audit(
        "hr.decision_record", decision, actor=decider, unit_id=case.unit_id,
        before={"state": CaseState.OPEN.value}, after=_summary(decision), reason=decision.reason,
    )  # fmt: skip
    return decision


def supersede_decision(old: HrDecision, data: DecisionInput, *, decider: Account) -> HrDecision:
    """A new decision replacing ``old`` (which stays, marked as superseded). Raises
    HrError: 409 when ``old`` is already superseded, 422 on bad input."""
    case = old.case
    _check(case, data)
    taken = db.session.scalar(sa.select(HrDecision.id).where(HrDecision.supersedes_id == old.id))
    if taken is not None:
        raise HrError(_l("Quyết định này đã được thay thế trước đó."), status=409)
    if old.decision is DecisionKind.REASSIGN and data.decision is not DecisionKind.REASSIGN:
        _check_can_move_back(old)
    decision = _add(case, data, decider, old)
    if old.decision is DecisionKind.REASSIGN and data.decision is not DecisionKind.REASSIGN:
        _move_back(case, old, decision)
    record_audit(
        "hr.decision_supersede", decision, actor=decider, unit_id=case.unit_id,
        before=_summary(old), after=_summary(decision), reason=decision.reason,
    )  # fmt: skip
    return decision


def decide(
    case: HrCase, data: DecisionInput, *, decider: Account, supersedes_id: int | None
) -> HrDecision:
    """Record the first decision or supersede the current one. ``supersedes_id`` is the
    decision the caller saw as current (None: none); a mismatch is a 409 conflict."""
    current = case.current_decision
    if (current.id if current else None) != supersedes_id:
        raise HrError(
            _l("Hồ sơ đã thay đổi từ khi bạn mở trang; hãy xem lại rồi quyết định."),
            status=409,
        )
    if current is None:
        return record_decision(case, data, decider=decider)
    return supersede_decision(current, data, decider=decider)
