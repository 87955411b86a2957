"""Settling a paper form whose two entries disagree: both side by side, pick or correct.

``pending_checks`` lists the unsettled mismatches in the caller's scope (their forms are
flagged, so statistics leave them out); ``compare_entries`` puts the two entries' answers
side by side; ``resolve_check`` writes the chosen values into the form's response,
un-flags it — it counts again — and records who chose what. Callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.access import Perm, scope_clause
from app.audit import record_audit
from app.extensions import db
from app.models import (
    Account,
    PaperBatch,
    PaperCheck,
    QuestionType,
    SurveyQuestion,
    SurveyResponse,
    Unit,
    utcnow,
)
from app.surveys.answers import AnswerError, check_answers
from app.surveys.masking import mask_personal_data
from app.surveys.paper import PaperError, answers_from_codes, form_response
from app.surveys.present import SCALE_VI

PICKS = ("first", "second", "code")
BLANK = "(để trống)"


@dataclass
class Difference:
    """One question on which the two entries disagree, both values readable."""

    question: SurveyQuestion
    first: str
    second: str


def pending_checks() -> list[PaperCheck]:
    """Unsettled mismatches in the caller's SURVEYS_MANAGE scope, oldest first."""
    stmt = (
        sa.select(PaperCheck)
        .join(PaperBatch, PaperBatch.id == PaperCheck.batch_id)
        .join(Unit, Unit.id == PaperBatch.unit_id)
        .where(
            PaperCheck.matched.is_(False),
            PaperCheck.resolved_at.is_(None),
            scope_clause(Perm.SURVEYS_MANAGE, Unit.path),
        )
        .order_by(PaperCheck.id)
    )
    return list(db.session.scalars(stmt))


def answers_of(response: SurveyResponse, questions: list[SurveyQuestion]) -> dict[str, Any]:
    """A stored response's answers in the API's shape (``{key: value}``)."""
    by_id = {q.id: q for q in questions}
    out: dict[str, Any] = {}
    for a in response.answers:
        q = by_id[a.question_id]
        if q.qtype is QuestionType.MULTI:
            out.setdefault(q.key, []).append(a.choice)
        elif q.qtype is QuestionType.SINGLE:
            out[q.key] = a.choice
        elif q.qtype is QuestionType.TEXT:
            out[q.key] = a.text
        elif q.qtype is QuestionType.YES_NO:
            out[q.key] = bool(a.number)
        else:
            out[q.key] = a.number
    return out


def describe(q: SurveyQuestion, value: Any) -> str:
    """An answer as staff read it: scale label, Có/Không, option labels; text masked."""
    if value is None or value == "" or value == []:
        return BLANK
    if q.qtype is QuestionType.SCALE5 and isinstance(value, int) and 1 <= value <= 5:
        return f"{value}. {SCALE_VI[value - 1]}"
    if q.qtype is QuestionType.YES_NO:
        return "Có" if value in (True, 1, "1", "yes") else "Không"
    if q.qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        labels = {o["value"]: o["label"] for o in q.options}
        values = value if isinstance(value, list) else [value]
        order = list(labels)
        ordered = sorted(values, key=lambda v: order.index(v) if v in order else len(order))
        return "; ".join(labels.get(v, str(v)) for v in ordered)
    if q.qtype is QuestionType.TEXT:
        return mask_personal_data(str(value))
    return str(value)


def compare_entries(check: PaperCheck) -> list[Difference]:
    """The differing questions of ``check``, in questionnaire order."""
    batch = check.batch
    questions = list(batch.version.questions)
    response = form_response(batch, check.form_no)
    first = answers_of(response, questions) if response is not None else {}
    return [
        Difference(q, describe(q, first.get(q.key)), describe(q, check.second_answers.get(q.key)))
        for q in questions
        if q.key in check.differences
    ]


def _chosen(check: PaperCheck, key: str, pick: str, code: str) -> tuple[bool, Any]:
    """(keep the first entry?, otherwise the value to use; None clears the answer)."""
    if pick == "first":
        return True, None
    if pick == "second":
        return False, check.second_answers.get(key)
    return False, answers_from_codes(check.batch.version, {key: code}).get(key)


def resolve_check(
    check: PaperCheck, picks: dict[str, str], codes: dict[str, str], by: Account
) -> SurveyResponse:
    """Write the chosen value of every differing question; the form counts again.

    ``picks[key]`` is "first", "second" or "code" (then ``codes[key]`` is typed like on the
    entry screen; empty clears the answer). Raises PaperError, AnswerError (per question).
    """
    batch = check.batch
    response = form_response(batch, check.form_no)
    if not check.is_pending or response is None:
        raise PaperError(_l("Phiếu này không có sai lệch cần xử lý."))
    final = answers_of(response, list(batch.version.questions))
    details: dict[str, str] = {}
    for key in check.differences:
        pick = picks.get(key, "")
        if pick not in PICKS:
            details[key] = _("Hãy chọn giá trị đúng.")
            continue
        try:
            keep, value = _chosen(check, key, pick, codes.get(key, ""))
        except AnswerError as exc:
            details.update(exc.details)
            continue
        if not keep:
            final.pop(key, None)
            if value is not None:
                final[key] = value
    if details:
        raise AnswerError(details)
    _replace_answers(response, check_answers(batch.version, final, drop_hidden=True))
    response.flagged = False
    # Answers edited in place: the month's rollup is stale. (Imported here: the analytics
    # package imports the surveys package.)
    from app.analytics.satisfaction_rollup import invalidate_months

    invalidate_months([response.day])
    check.resolved_at, check.resolved_by_id = utcnow(), by.id
    record_audit(
        "survey.paper_resolve",
        batch,
        actor=by,
        after={"form": check.form_no, "picks": {k: picks[k] for k in check.differences}},
    )
    return response


def _replace_answers(response: SurveyResponse, rows: list) -> None:
    response.answers.clear()
    db.session.flush()  # the old rows go first: the new ones reuse their primary keys
    response.answers.extend(rows)
    db.session.flush()
