"""Paper forms: fast keyboard entry in batches, and a blind second entry of a sample.

Each answer is typed as a short code (scale 1–5; yes 1 / no 0; the number of the option
ticked, several digits for a multiple choice; the number; the text). A closed batch
draws a random sample (10 %, at least one form) that another account enters again; any
difference is listed per question, and the form stays out of statistics until a
supervisor settles it (``app.surveys.paper_review``). Callers commit.
"""

from __future__ import annotations

import math
import random
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.extensions import db
from app.models import (
    Account,
    ChannelKind,
    PaperBatch,
    PaperCheck,
    QuestionnaireVersion,
    QuestionType,
    SurveyAnswer,
    SurveyChannel,
    SurveyQuestion,
    SurveyResponse,
)
from app.surveys.answers import AnswerError, check_answers, form_questions
from app.surveys.responses import Target, channel_target, submit_response

SAMPLE_RATE = 0.1


class PaperError(ValueError):
    """A paper-entry rule was broken; the message is shown to the user."""


def _decode(q: SurveyQuestion, code: str) -> Any:
    code = code.strip()
    if q.qtype is QuestionType.YES_NO:
        return {"1": True, "0": False}.get(code, code)
    if q.qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        digits = [c for c in code if not c.isspace() and c != ","]
        try:
            values = [q.options[int(d) - 1]["value"] for d in digits]
        except (ValueError, IndexError):
            raise AnswerError({q.key: _("Số thứ tự lựa chọn không có trên phiếu.")}) from None
        return values if q.qtype is QuestionType.MULTI else (values[0] if values else "")
    return code


def answers_from_codes(version: QuestionnaireVersion, codes: dict[str, str]) -> dict[str, Any]:
    """The answers typed as codes (``{key: code}``), in the API's shape; AnswerError."""
    answers: dict[str, Any] = {}
    details: dict[str, str] = {}
    for q in form_questions(version, short=False):
        code = (codes.get(q.key) or "").strip()
        if not code:
            continue
        try:
            answers[q.key] = _decode(q, code)
        except AnswerError as exc:
            details.update(exc.details)
    if details:
        raise AnswerError(details)
    return answers


def start_batch(channel: SurveyChannel, collected_on: date, by: Account) -> PaperBatch:
    if channel.kind is not ChannelKind.PAPER or not channel.active:
        raise PaperError(_l("Chỉ nhập phiếu giấy cho một kênh phiếu giấy đang dùng."))
    target = channel_target(channel)
    batch = PaperBatch(
        unit_id=channel.unit_id,
        version_id=target.version.id,
        officer_id=channel.officer_id,
        collected_on=collected_on,
        entered_by_id=by.id,
    )
    db.session.add(batch)
    db.session.flush()
    record_audit("survey.paper_batch_start", batch, after={"channel": channel.code})
    return batch


def entered_forms(batch: PaperBatch) -> list[int]:
    stmt = sa.select(SurveyResponse.paper_form_no).where(SurveyResponse.paper_batch_id == batch.id)
    return sorted(db.session.scalars(stmt))


def enter_form(batch: PaperBatch, form_no: int, codes: dict[str, str]) -> SurveyResponse:
    """Store one paper form of an open batch (AnswerError, PaperError)."""
    if batch.closed:
        raise PaperError(_l("Đợt nhập đã khóa."))
    if form_no in entered_forms(batch):
        raise PaperError(_l("Phiếu số %(form_no)s đã được nhập.", form_no=form_no))
    target = Target(
        version=batch.version,
        kind=ChannelKind.PAPER,
        unit_id=batch.unit_id,
        officer_id=batch.officer_id,
        paper_batch_id=batch.id,
        paper_form_no=form_no,
    )
    answers = answers_from_codes(batch.version, codes)
    # staff type the forms: identical forms in a row are normal, not a citizen's burst
    return submit_response(target, answers, drop_hidden=True, burst=False)


def close_batch(batch: PaperBatch, rng: random.Random | None = None) -> list[int]:
    """Lock the batch and draw the sample to be entered a second time."""
    forms = entered_forms(batch)
    if not forms:
        raise PaperError(_l("Đợt nhập chưa có phiếu nào."))
    size = max(1, math.ceil(len(forms) * SAMPLE_RATE))
    batch.sample = sorted((rng or random.SystemRandom()).sample(forms, size))
    batch.closed = True
    record_audit("survey.paper_batch_close", batch, after={"forms": len(forms), "sample": size})
    return batch.sample


def _canonical(rows: list[SurveyAnswer]) -> dict[int, list]:
    out: dict[int, list] = {}
    for r in rows:
        out.setdefault(r.question_id, []).append((r.choice, r.number, r.text))
    return {k: sorted(v, key=str) for k, v in out.items()}


def form_response(batch: PaperBatch, form_no: int) -> SurveyResponse | None:
    """The stored response of paper form ``form_no`` of ``batch``."""
    return db.session.scalar(
        sa.select(SurveyResponse).where(
            SurveyResponse.paper_batch_id == batch.id, SurveyResponse.paper_form_no == form_no
        )
    )


def check_form(batch: PaperBatch, form_no: int, codes: dict[str, str], by: Account) -> PaperCheck:
    """The blind second entry of a sampled form by another account; records the differences.

    On a mismatch the second entry's differing answers are kept and the form's response is
    flagged (left out of statistics) until a supervisor settles it (``resolve_check``).
    """
    if form_no not in batch.sample:
        raise PaperError(_l("Phiếu này không nằm trong mẫu kiểm tra."))
    if by.id == batch.entered_by_id:
        raise PaperError(_l("Người nhập lần hai phải khác người nhập lần đầu."))
    answers = answers_from_codes(batch.version, codes)
    second = check_answers(batch.version, answers, drop_hidden=True)
    response = form_response(batch, form_no)
    first = list(response.answers) if response is not None else []
    a, b = _canonical(first), _canonical(second)
    keys = {q.id: q.key for q in batch.version.questions}
    differences = sorted(keys[qid] for qid in set(a) | set(b) if a.get(qid) != b.get(qid))
    shown = {keys[r.question_id] for r in second}  # hidden follow-ups were dropped
    check = PaperCheck(
        batch_id=batch.id,
        form_no=form_no,
        checked_by_id=by.id,
        matched=not differences,
        differences=differences,
        second_answers={k: answers.get(k) if k in shown else None for k in differences},
    )
    db.session.add(check)
    if differences and response is not None:
        response.flagged = True
        # a past day's response changed: its month's rollups must not count it (imported
        # here: the analytics package imports the surveys package)
        from app.analytics.satisfaction_rollup import invalidate_months

        invalidate_months([response.day])
    db.session.flush()
    record_audit("survey.paper_check", batch, after={"form": form_no, "matched": check.matched})
    return check
