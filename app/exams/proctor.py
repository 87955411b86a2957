"""Proctor actions on a room: watch progress, extend one person's time, close an attempt.

A proctor's room is the part of an exam's candidate list inside the proctor's unit
scope. Every action needs a reason and is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.exams.attempts import AttemptError, advance_seq, close_now, stale_error, touch_attempt
from app.extensions import db
from app.models import Attempt, AttemptState, utcnow


def extend_time(
    attempt: Attempt, *, minutes: int, reason: str, now: datetime | None = None
) -> None:
    """Give one in-progress attempt ``minutes`` more (1–120), beyond the exam's close if needed."""
    now = now or utcnow()
    if not reason.strip():
        raise AttemptError(422, "reason_required", _l("Vui lòng ghi lý do."))
    if not 1 <= minutes <= 120:
        raise AttemptError(422, "invalid_minutes", _l("Số phút gia hạn phải từ 1 đến 120."))
    if attempt.state is not AttemptState.IN_PROGRESS:
        raise stale_error(attempt)
    before = attempt.deadline
    attempt.extended_minutes += minutes
    attempt.deadline = max(attempt.deadline, now) + timedelta(minutes=minutes)
    db.session.flush()
    record_audit(
        "exam.extend_time",
        attempt,
        before={"deadline": before.isoformat()},
        after={"deadline": attempt.deadline.isoformat(), "minutes": minutes},
        reason=reason,
        unit_id=_unit(attempt),
    )


def close_attempt(attempt: Attempt, *, reason: str, annul: bool = False) -> None:
    """Finish (and score) an attempt now, or annul it (incident; not scored, retest later)."""
    if not reason.strip():
        raise AttemptError(422, "reason_required", _l("Vui lòng ghi lý do."))
    now = utcnow()
    touch_attempt(attempt, now)  # already overdue: the sweep's finish, not the proctor's
    if attempt.state is not AttemptState.IN_PROGRESS:
        raise stale_error(attempt)
    if annul:
        ok = advance_seq(
            attempt,
            attempt.seq,
            now,
            state=AttemptState.ABANDONED,
            finished_at=now,
            finished_by="proctor",
        )
        if not ok:
            raise stale_error(attempt)
        record_audit("exam.attempt_annul", attempt, reason=reason, unit_id=_unit(attempt))
        return
    if not close_now(attempt, attempt.seq, now, by="proctor"):
        raise stale_error(attempt)
    record_audit("exam.attempt_close", attempt, reason=reason, unit_id=_unit(attempt))


def _unit(attempt: Attempt) -> int | None:
    """Audit events about an attempt belong to the examinee's unit (unit-scoped audit views)."""
    return attempt.person.unit_id if attempt.person else None
