"""Rounds: open, close and reopen one, assign assessors to units, declare conflicts.

A closed round takes no new sheet, no draft change, no submission and no correction;
its submitted sheets stay and count. Reopening needs a reason; both moves are audited.

Re-exported by :mod:`app.assessments.services`, where callers should look for them.
Every function adds/flushes and audits; none commits.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.extensions import db
from app.models import (
    Account,
    Conflict,
    Method,
    Period,
    Person,
    Round,
    RoundAssessor,
    RoundState,
    RubricVersion,
    Unit,
    VersionState,
)


class AssessError(ValueError):
    """A refused assessment operation; ``code`` is stable, the message (maybe lazy) is shown
    in the user's language."""

    STATUS: ClassVar[dict[str, int]] = {
        "not_found": 404,
        "already_submitted": 409,
        "duplicate": 409,
        "round_closed": 409,
        "round_state": 409,
        "not_correctable": 409,
    }

    def __init__(self, code: str, message: Any, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.details = details or {}

    @property
    def message(self) -> str:
        """The message in the current language (it may be created as a lazy string)."""
        return str(self.args[0])

    @property
    def status(self) -> int:
        return self.STATUS.get(self.code, 422)


# --- rounds -------------------------------------------------------------------------------


def open_round(
    period: Period,
    version: RubricVersion,
    owner: Unit,
    title: str,
    units: list[Unit],
    methods: list[str],
    actor: Account | None = None,
    *,
    calibration: bool = False,
) -> Round:
    """Open a round on an approved rubric version (which becomes frozen); return it.

    ``calibration``: a calibration exercise (assessors score the same scenarios; its
    sheets measure agreement and never count towards a period verdict).
    """
    if version.state is not VersionState.APPROVED:
        raise AssessError("rubric_not_approved", _l("Chỉ dùng được phiếu đánh giá đã phê duyệt."))
    bad = [m for m in methods if m not in {x.value for x in Method}]
    if not methods or bad:
        raise AssessError("bad_methods", _l("Hình thức đánh giá không hợp lệ."), {"methods": bad})
    if not units or any(not u.path.startswith(owner.path) for u in units):
        raise AssessError("bad_units", _l("Đơn vị được đánh giá phải thuộc đơn vị tổ chức đợt."))
    version.used = True
    rnd = Round(
        period_id=period.id,
        rubric_version_id=version.id,
        unit_id=owner.id,
        title=title.strip(),
        unit_ids=[u.id for u in units],
        methods=list(dict.fromkeys(methods)),
        calibration=calibration,
        created_by=actor.id if actor else None,
    )
    db.session.add(rnd)
    db.session.flush()
    record_audit(
        "assess.open_round",
        rnd,
        after={"title": rnd.title, "units": rnd.unit_ids, "calibration": calibration},
    )
    return rnd


def require_open(rnd: Round) -> None:
    """Raise AssessError ``round_closed`` unless ``rnd`` is open."""
    if rnd.state is not RoundState.OPEN:
        raise AssessError("round_closed", _l("Đợt đánh giá đã kết thúc, không nhận thêm phiếu."))


def close_round(rnd: Round, reason: str = "") -> Round:
    """Close an open round: no new sheets or draft changes; submitted sheets stay."""
    if rnd.state is not RoundState.OPEN:
        raise AssessError("round_state", _l("Đợt đánh giá đã kết thúc trước đó."))
    rnd.state = RoundState.CLOSED
    db.session.flush()
    record_audit(
        "assess.close_round", rnd, before={"state": "open"}, after={"state": "closed"},
        reason=reason.strip(),
    )  # fmt: skip
    return rnd


def reopen_round(rnd: Round, reason: str) -> Round:
    """Reopen a closed round (e.g. a sheet to correct); the reason is required."""
    if rnd.state is not RoundState.CLOSED:
        raise AssessError("round_state", _l("Đợt đánh giá đang mở."))
    if not reason.strip():
        raise AssessError("reason_required", _l("Vui lòng nêu lý do mở lại đợt đánh giá."))
    rnd.state = RoundState.OPEN
    db.session.flush()
    record_audit(
        "assess.reopen_round", rnd, before={"state": "closed"}, after={"state": "open"},
        reason=reason.strip(),
    )  # fmt: skip
    return rnd


def _round_units(rnd: Round) -> list[Unit]:
    return list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(rnd.unit_ids))))


def assign_assessor(rnd: Round, account: Account, unit: Unit) -> RoundAssessor:
    """Let ``account`` assess people of ``unit`` (and below) in ``rnd``; idempotent."""
    if not any(unit.path.startswith(u.path) for u in _round_units(rnd)):
        raise AssessError("bad_units", _l("Đơn vị này không thuộc đợt đánh giá."))
    found = db.session.scalar(
        sa.select(RoundAssessor).filter_by(round_id=rnd.id, account_id=account.id, unit_id=unit.id)
    )
    if found is not None:
        return found
    row = RoundAssessor(round_id=rnd.id, account_id=account.id, unit_id=unit.id)
    db.session.add(row)
    db.session.flush()
    record_audit("assess.assign", row, after={"account": account.username, "unit": unit.code})
    return row


def declare_conflict(
    rnd: Round, account: Account, person: Person, reason: str, declared_by: Account | None = None
) -> Conflict:
    """Record that ``account`` may not assess ``person`` in ``rnd``; idempotent."""
    found = db.session.scalar(
        sa.select(Conflict).filter_by(round_id=rnd.id, account_id=account.id, person_id=person.id)
    )
    if found is not None:
        return found
    row = Conflict(
        round_id=rnd.id,
        account_id=account.id,
        person_id=person.id,
        reason=reason.strip(),
        declared_by=declared_by.id if declared_by else None,
    )
    db.session.add(row)
    db.session.flush()
    record_audit("assess.conflict", row, reason=row.reason)
    return row
