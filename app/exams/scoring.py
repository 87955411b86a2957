"""Scoring attempts, and re-scoring them when a faulty question is voided or re-keyed.

Per item: credit (a fraction, by type, from ``items.score_response``) × mark. A voided
item counts neither in the score nor in the maximum; a re-keyed one is scored with the
corrected content. Totals, percentage, pass/fail and per-topic sub-scores live on the
attempt so result lists are plain queries.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.exams import items
from app.extensions import db
from app.models import Attempt, AttemptItem, AttemptState, Exam, ItemFix, QuestionVersion, Topic


def fixes_for(exam_id: int) -> dict[int, ItemFix]:
    return {
        f.version_id: f
        for f in db.session.scalars(sa.select(ItemFix).where(ItemFix.exam_id == exam_id))
    }


def score_attempt(attempt: Attempt, fixes: dict[int, ItemFix] | None = None) -> None:
    """Compute and store every item's credit and the attempt's totals (flushes)."""
    fixes = fixes_for(attempt.exam_id) if fixes is None else fixes
    total = maximum = 0.0
    topics: dict[int, list[float]] = {}
    for item in attempt.items:
        fix = fixes.get(item.version_id)
        if fix is not None and fix.kind == "void":
            item.credit = None
            continue
        content = fix.content if fix is not None and fix.content else item.version.content
        response = item.answer.response if item.answer is not None else None
        item.credit = items.score_response(content, item.layout, response)
        earned = item.credit * item.mark
        total, maximum = total + earned, maximum + item.mark
        cell = topics.setdefault(item.topic_id, [0.0, 0.0])
        cell[0] += earned
        cell[1] += item.mark
    attempt.score = round(total, 4)
    attempt.max_score = round(maximum, 4)
    attempt.percent = round(total / maximum, 6) if maximum else 0.0
    attempt.passed = attempt.percent >= attempt.exam.pass_mark - 1e-9
    attempt.topic_scores = _topic_rows(topics)
    db.session.flush()


def _topic_rows(topics: dict[int, list[float]]) -> list[dict]:
    rows = db.session.execute(sa.select(Topic.id, Topic.name).where(Topic.id.in_(list(topics))))
    names = {tid: name for tid, name in rows}
    return [
        {
            "topic_id": tid,
            "topic": names.get(tid, ""),
            "score": round(score, 4),
            "max": round(mx, 4),
            "percent": round(score / mx, 6) if mx else 0.0,
        }
        for tid, (score, mx) in sorted(topics.items(), key=lambda kv: names.get(kv[0], ""))
    ]


class FixError(ValueError):
    """A correction that cannot be applied; the message is shown to the user."""


def fix_item(
    exam: Exam, version: QuestionVersion, *, kind: str, reason: str, content: dict | None = None
) -> list[dict]:
    """Void or re-key ``version`` for ``exam`` and re-score every finished attempt it is in.

    Returns one {attempt, person, before, after} row per attempt whose score changed; each
    change is also in the audit trail. Raises FixError for a bad request.
    """
    if kind not in ("void", "rekey"):
        raise FixError(_l("Cách sửa phải là 'void' (hủy câu) hoặc 'rekey' (sửa đáp án)."))
    if not reason.strip():
        raise FixError(_l("Vui lòng ghi lý do sửa câu hỏi."))
    if kind == "rekey" and not _same_but_credits(version.content, content):
        raise FixError(
            _l(
                "Khi sửa đáp án chỉ được đổi điểm (đúng/sai) của các phương án; "
                "nội dung và số phương án phải giữ nguyên."
            )
        )
    if db.session.scalar(
        sa.select(ItemFix.id).where(ItemFix.exam_id == exam.id, ItemFix.version_id == version.id)
    ):
        raise FixError(_l("Câu hỏi này đã được sửa cho bài kiểm tra này."))
    fix = ItemFix(
        exam_id=exam.id, version_id=version.id, kind=kind, content=content, reason=reason.strip()
    )
    db.session.add(fix)
    db.session.flush()
    record_audit(
        "exam.item_fix",
        fix,
        after={"exam": exam.id, "version": version.id, "kind": kind},
        reason=reason,
    )
    return rescore_exam(exam, version_id=version.id, reason=reason)


def _same_but_credits(old: dict, new: dict | None) -> bool:
    """True when ``new`` differs from ``old`` only in option / numeric-answer credits, so
    every stored attempt layout and response still fits it."""
    if not isinstance(new, dict):
        return False

    def shape(content: dict) -> dict:
        body = {k: v for k, v in content.items() if k not in ("options", "numeric_answers")}
        body["options"] = [
            {k: v for k, v in o.items() if k != "credit"} for o in content.get("options", [])
        ]
        body["numeric_answers"] = [
            {k: v for k, v in a.items() if k != "credit"}
            for a in content.get("numeric_answers", [])
        ]
        return body

    try:
        credits_ok = all(
            isinstance(x.get("credit"), int | float)
            for x in [*new.get("options", []), *new.get("numeric_answers", [])]
        )
        return credits_ok and shape(old) == shape(new)
    except (AttributeError, TypeError):
        return False


def _totals(attempt: Attempt) -> dict:
    return {
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "passed": attempt.passed,
    }


def rescore_exam(exam: Exam, *, version_id: int | None = None, reason: str = "") -> list[dict]:
    """Re-score finished attempts of ``exam`` (only those holding ``version_id`` if given)."""
    stmt = sa.select(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.state == AttemptState.FINISHED, Attempt.paper.is_(False)
    )
    if version_id is not None:
        holding = sa.select(AttemptItem.attempt_id).where(AttemptItem.version_id == version_id)
        stmt = stmt.where(Attempt.id.in_(holding))
    fixes = fixes_for(exam.id)
    changes = []
    for attempt in db.session.scalars(stmt.order_by(Attempt.id)).all():
        before = _totals(attempt)
        score_attempt(attempt, fixes)
        after = _totals(attempt)
        if before != after:
            record_audit("exam.rescore", attempt, before=before, after=after, reason=reason)
            changes.append(
                {
                    "attempt": attempt.id,
                    "person": attempt.person_id,
                    "before": before,
                    "after": after,
                }
            )
    return changes
