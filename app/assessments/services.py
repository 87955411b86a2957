"""Assessment operations: open a round, assign assessors, declare conflicts, score sheets.

Every function adds/flushes and writes the audit trail; none commits (the request or CLI
command does, once). Domain refusals raise :class:`AssessError` with a stable ``code``.

Who may assess whom (``refusal_reason``):
- never oneself (the account's linked person);
- never a person with a declared conflict in the round;
- never a person one *manages*: the assessor's linked person works in a unit that
  contains the assessed person's unit (same unit or an ancestor) **and** the account holds
  an HR or administrator grant on a unit containing the assessed person's unit;
- only people in a unit the assessor covers in that round (the unit or its sub-tree).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.assessments.reliability import round_reliability
from app.assessments.results import officer_result
from app.assessments.rounds import (
    AssessError,
    assign_assessor,
    close_round,
    declare_conflict,
    open_round,
    reopen_round,
    require_open,
)
from app.assessments.scoring import check_scores, weighted_percent
from app.audit import record_audit
from app.extensions import db
from app.models import (
    Account,
    Conflict,
    Method,
    Person,
    Role,
    Round,
    RoundAssessor,
    Sheet,
    SheetState,
    Unit,
    utcnow,
)
from app.text import fold

# Re-exported so that every assessment operation is found here.
__all__ = [
    "AssessError",
    "assign_assessor",
    "close_round",
    "correct_sheet",
    "declare_conflict",
    "officer_result",
    "open_round",
    "reopen_round",
    "round_reliability",
    "save_draft",
    "start_sheet",
    "submit_sheet",
    "update_draft",
    "weighted_percent",
]


# --- who may assess whom ------------------------------------------------------------------


def manages(account: Account, person: Person) -> bool:
    """True if ``account`` manages ``person`` under the rule in the module docstring."""
    own = account.person
    if own is None or not person.unit.path.startswith(own.unit.path):
        return False
    return any(
        g.role in (Role.HR, Role.ADMIN) and person.unit.path.startswith(g.unit.path)
        for g in account.grants
    )


def covers(rnd: Round, account: Account, person: Person) -> bool:
    """True if ``account`` is assigned to a unit of ``rnd`` containing ``person``'s unit."""
    stmt = (
        sa.select(Unit.path)
        .join(RoundAssessor, RoundAssessor.unit_id == Unit.id)
        .where(RoundAssessor.round_id == rnd.id, RoundAssessor.account_id == account.id)
    )
    return any(person.unit.path.startswith(p) for p in db.session.scalars(stmt))


def refusal_reason(rnd: Round, account: Account, person: Person) -> AssessError | None:
    """Why ``account`` may not assess ``person`` in ``rnd``, or None when allowed."""
    if account.person_id == person.id:
        return AssessError("self", _l("Không được tự đánh giá chính mình."))
    conflict = db.session.scalar(
        sa.select(Conflict.id).filter_by(
            round_id=rnd.id, account_id=account.id, person_id=person.id
        )
    )
    if conflict is not None:
        return AssessError("conflict", _l("Đã khai báo xung đột lợi ích với người này."))
    if manages(account, person):
        return AssessError("manages", _l("Không được đánh giá người do mình quản lý."))
    if not covers(rnd, account, person):
        return AssessError(
            "not_covered", _l("Người này không thuộc đơn vị anh/chị được phân công.")
        )
    return None


# --- sheets -------------------------------------------------------------------------------


def _live_key(rnd: Round, person: Person, account: Account, method: str, scenario: str) -> str:
    return f"{rnd.id}:{person.id}:{account.id}:{method}:{fold(scenario)}"[:400]


def find_live_sheet(
    rnd: Round, account: Account, person: Person, method: str, scenario: str = ""
) -> Sheet | None:
    """The live sheet (draft or submitted) for this combination, if any."""
    key = _live_key(rnd, person, account, method, scenario)
    return db.session.scalar(sa.select(Sheet).where(Sheet.live_key == key))


def start_sheet(
    rnd: Round,
    account: Account,
    person: Person,
    method: str,
    scenario: str = "",
    client_key: str | None = None,
) -> Sheet:
    """The live sheet for this combination (a new draft when none); raises AssessError."""
    require_open(rnd)
    if method not in rnd.methods:
        raise AssessError("bad_method", _l("Hình thức này không được phép trong đợt đánh giá."))
    refusal = refusal_reason(rnd, account, person)
    if refusal is not None:
        raise refusal
    key = _live_key(rnd, person, account, method, scenario)
    sheet = db.session.scalar(sa.select(Sheet).where(Sheet.live_key == key))
    if sheet is not None:
        return sheet
    sheet = Sheet(
        round_id=rnd.id,
        person_id=person.id,
        assessor_id=account.id,
        method=Method(method),
        scenario=scenario.strip(),
        client_key=client_key or None,
        live_key=key,
    )
    db.session.add(sheet)
    db.session.flush()
    record_audit("assess.start_sheet", sheet, after={"person": person.id, "method": method})
    return sheet


def fill_sheet(
    sheet: Sheet, scores: dict[str, Any], notes: dict[str, str], camera: dict | None = None
) -> Sheet:
    """Replace a draft's scores and notes (and camera reference); raises AssessError."""
    if sheet.state is not SheetState.DRAFT:
        raise AssessError("already_submitted", _l("Phiếu đã nộp, không sửa được."))
    require_open(sheet.round)
    sheet.scores = check_scores(sheet.round.rubric_version, scores)
    sheet.notes = {k: v.strip() for k, v in notes.items() if isinstance(v, str) and v.strip()}
    if camera:
        sheet.camera_ref = (camera.get("ref") or "").strip()
        sheet.camera_at = camera.get("at") if isinstance(camera.get("at"), datetime) else None
        sheet.camera_notes = (camera.get("notes") or "").strip()
    db.session.flush()
    return sheet


def save_draft(
    rnd: Round,
    account: Account,
    person: Person,
    method: str,
    scenario: str,
    *,
    client_key: str | None,
    scores: dict[str, Any],
    notes: dict[str, str] | None = None,
    camera: dict | None = None,
) -> Sheet:
    """Create or update a draft; a repeated ``client_key`` never makes a second sheet.

    A replay of a key whose sheet is already submitted returns that sheet unchanged; a
    draft whose method or scenario the assessor changed moves to the new combination.
    """
    if client_key:
        sheet = db.session.scalar(sa.select(Sheet).where(Sheet.client_key == client_key))
        if sheet is not None:
            if sheet.assessor_id != account.id or sheet.person_id != person.id:
                raise AssessError("duplicate", _l("Mã phiếu đã được dùng cho phiếu khác."))
            if sheet.state is SheetState.SUBMITTED:
                return sheet
            _move_draft(sheet, _live_key(rnd, person, account, method, scenario), method, scenario)
            return fill_sheet(sheet, scores, notes or {}, camera)
    sheet = start_sheet(rnd, account, person, method, scenario, client_key)
    if sheet.client_key is None and client_key:
        sheet.client_key = client_key
    return fill_sheet(sheet, scores, notes or {}, camera)


def _move_draft(sheet: Sheet, key: str, method: str, scenario: str) -> None:
    if sheet.live_key == key:
        return
    if method not in sheet.round.methods:
        raise AssessError("bad_method", _l("Hình thức này không được phép trong đợt đánh giá."))
    if db.session.scalar(sa.select(Sheet.id).where(Sheet.live_key == key)) is not None:
        raise AssessError(
            "duplicate", _l("Đã có phiếu cho người này với hình thức và tình huống này.")
        )
    sheet.method, sheet.scenario, sheet.live_key = Method(method), scenario.strip(), key


def update_draft(
    sheet: Sheet, method: str, scenario: str, scores: dict[str, Any], notes: dict[str, str]
) -> Sheet:
    """Change a draft (method, scenario, scores, notes) by its id; raises AssessError."""
    if sheet.state is not SheetState.DRAFT:
        raise AssessError("already_submitted", _l("Phiếu đã nộp, không sửa được."))
    require_open(sheet.round)
    key = _live_key(sheet.round, sheet.person, sheet.assessor, method, scenario)
    _move_draft(sheet, key, method, scenario)
    return fill_sheet(sheet, scores, notes)


def submit_sheet(sheet: Sheet) -> Sheet:
    """Lock a complete draft and compute its percentage; raises AssessError."""
    if sheet.state is SheetState.SUBMITTED:
        raise AssessError("already_submitted", _l("Phiếu đã được nộp trước đó."))
    require_open(sheet.round)
    criteria = sheet.round.rubric_version.criteria
    missing = [c["key"] for c in criteria if c["key"] not in sheet.scores]
    if missing:
        raise AssessError("incomplete", _l("Chưa chấm đủ các tiêu chí."), {"missing": missing})
    sheet.percent = weighted_percent(criteria, sheet.scores)
    sheet.state = SheetState.SUBMITTED
    sheet.submitted_at = utcnow()
    db.session.flush()
    record_audit("assess.submit", sheet, after={"scores": sheet.scores, "percent": sheet.percent})
    return sheet


def correct_sheet(
    sheet: Sheet, scores: dict[str, Any], notes: dict[str, str] | None, reason: str
) -> Sheet:
    """A new submitted revision replacing ``sheet`` (kept, no longer live); audited."""
    if sheet.state is not SheetState.SUBMITTED or not sheet.is_live:
        raise AssessError("not_correctable", _l("Chỉ sửa được phiếu đã nộp, đang có hiệu lực."))
    if not reason.strip():
        raise AssessError("reason_required", _l("Vui lòng nêu lý do sửa phiếu."))
    require_open(sheet.round)
    clean = check_scores(sheet.round.rubric_version, scores)
    live_key, sheet.live_key = sheet.live_key, None
    db.session.flush()  # free the live key before the new revision takes it
    new = Sheet(
        round_id=sheet.round_id,
        person_id=sheet.person_id,
        assessor_id=sheet.assessor_id,
        method=sheet.method,
        scenario=sheet.scenario,
        camera_ref=sheet.camera_ref,
        camera_at=sheet.camera_at,
        camera_notes=sheet.camera_notes,
        revision=sheet.revision + 1,
        supersedes_id=sheet.id,
        correction_reason=reason.strip(),
        live_key=live_key,
        scores=clean,
        notes=notes if notes is not None else dict(sheet.notes),
    )
    db.session.add(new)
    db.session.flush()
    submit_sheet(new)
    record_audit(
        "assess.correct",
        new,
        before={"sheet": sheet.id, "scores": sheet.scores, "percent": sheet.percent},
        after={"sheet": new.id, "scores": new.scores, "percent": new.percent},
        reason=new.correction_reason,
    )
    return new
