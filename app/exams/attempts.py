"""The attempt lifecycle: start (or resume), save an answer, finish, and the deadline sweep.

The server owns the clock: ``deadline`` is fixed at start as the earlier of start + time
limit + personal extra time and the exam's close time (plus any proctor extension).
Writes after the deadline and a short grace are refused, and an attempt touched after it
is finished on the spot. Every save and the finish carry the attempt's ``seq``; a
conditional UPDATE moves it forward, so a stale or repeated request writes nothing and two
finishes at once yield one score. Functions flush and audit; the caller commits — also
when an ``AttemptError`` follows an automatic finish (``touch_attempt`` returned True).
"""

from __future__ import annotations

import dataclasses
import random
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import attributes

from app.audit import record_audit
from app.exams import draw, items, pool
from app.exams.answer_store import version_content, write_answer
from app.exams.scoring import score_attempt
from app.extensions import db
from app.models import (
    Answer,
    Attempt,
    AttemptItem,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    QuestionVersion,
    utcnow,
)


class AttemptError(Exception):
    """A refused attempt operation: HTTP-like status, stable code, message (maybe lazy)."""

    def __init__(self, status: int, code: str, message: object, details: dict | None = None):
        super().__init__(message)  # ``message`` may be lazy: translated when shown
        self.status, self.code, self.details = status, code, details or {}

    @property
    def message(self) -> str:
        """The message in the current language."""
        return str(self.args[0])


def grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("EXAM_GRACE_SECONDS", 30))


def is_open(exam: Exam, now: datetime) -> bool:
    return exam.state is ExamState.PUBLISHED and exam.opens_at <= now < exam.closes_at


def candidate_for(exam: Exam, person_id: int) -> ExamCandidate | None:
    return db.session.scalar(
        sa.select(ExamCandidate).where(
            ExamCandidate.exam_id == exam.id, ExamCandidate.person_id == person_id
        )
    )


def compute_deadline(exam: Exam, started: datetime, extra_minutes: int, extended: int) -> datetime:
    """min(start + limit + personal extra time, close) + proctor extension."""
    personal = started + timedelta(minutes=exam.time_limit_minutes + extra_minutes)
    return min(personal, exam.closes_at) + timedelta(minutes=extended)


def find_attempt(exam: Exam, person_id: int) -> Attempt | None:
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.exam_id == exam.id, Attempt.person_id == person_id)
    )


# --- start ------------------------------------------------------------------------------


def start_attempt(
    exam: Exam, person: Person, *, now: datetime | None = None, pin: str | None = None
) -> tuple[Attempt, bool]:
    """Start the person's attempt, or resume the one in progress; returns (attempt, created).

    Raises AttemptError when the exam is not open, the person is not a candidate (or is
    exempt), the room PIN is wrong, the attempt is already over, or no form can be drawn.
    Concurrent starts yield one attempt: the loser of the unique constraint resumes.
    """
    now = now or utcnow()
    existing = find_attempt(exam, person.id)
    if existing is not None:
        return _resume(existing, now), False
    if not is_open(exam, now):
        raise AttemptError(409, "exam_not_open", _l("Bài kiểm tra chưa mở hoặc đã đóng."))
    candidate = candidate_for(exam, person.id)
    if candidate is None or candidate.status is not CandidateStatus.REQUIRED:
        raise AttemptError(
            403, "not_a_candidate", _l("Bạn không có tên trong danh sách dự kiểm tra.")
        )
    if exam.room_pin and not secrets.compare_digest(exam.room_pin, (pin or "").strip()):
        raise AttemptError(403, "wrong_pin", _l("Mã phòng thi không đúng. Hỏi giám thị mã phòng."))
    attempt, form, rows = _new_attempt(exam, person, candidate, now)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except sa.exc.IntegrityError:
        existing = find_attempt(exam, person.id)
        if existing is None:
            raise
        return _resume(existing, now), False
    _insert_items(attempt, rows)
    _mark_used([cand.version_id for cand in form])
    pool.count_exposure(exam.id, [cand.question_id for cand in form])
    record_audit(
        "exam.attempt_start",
        attempt,
        after={"exam": exam.id, "person": person.id, "seed": attempt.seed},
        unit_id=person.unit_id,
    )
    return attempt, True


def _resume(attempt: Attempt, now: datetime) -> Attempt:
    if touch_attempt(attempt, now) or attempt.state is not AttemptState.IN_PROGRESS:
        raise AttemptError(
            409, "attempt_over", _l("Bài làm đã kết thúc."), {"attempt_id": attempt.id}
        )
    return attempt


def _new_attempt(
    exam: Exam, person: Person, candidate: ExamCandidate, now: datetime
) -> tuple[Attempt, list[draw.Candidate], list[dict]]:
    """The new attempt (not added yet), its drawn form, and its item rows to insert."""
    seed = secrets.randbits(62)
    inputs = {
        "position": person.position,
        "avoid": sorted(pool.seen_last_period(exam, person.id)),
        "exposure": {str(k): v for k, v in sorted(pool.exposure(exam.id).items())},
    }
    inputs.update(_facility_inputs(exam, person.position))
    form = draw_for(exam, inputs, seed)
    if not form:
        raise AttemptError(
            409, "empty_form", _l("Đề của bài này không có câu hỏi nào dành cho chức danh của bạn.")
        )
    attempt = Attempt(
        exam=exam,
        person_id=person.id,
        seed=seed,
        draw_inputs=inputs,
        seq=0,
        started_at=now,
        deadline=compute_deadline(exam, now, candidate.extra_minutes, 0),
    )
    rng = random.Random(seed + 1)  # noqa: S311 - display order, replayable from the seed
    if exam.shuffle_questions:
        rng.shuffle(form)
    hashes = dict(
        db.session.execute(
            sa.select(QuestionVersion.id, QuestionVersion.content_hash).where(
                QuestionVersion.id.in_([c.version_id for c in form])
            )
        ).all()
    )
    rows = []
    for position, cand in enumerate(form, start=1):
        content = version_content(cand.version_id, hashes[cand.version_id])
        layout = items.build_order(content, rng, exam.shuffle_options)
        rows.append(
            {
                "position": position,
                "version_id": cand.version_id,
                "topic_id": cand.topic_key,
                "layout": layout,
            }
        )
    return attempt, form, rows


def _insert_items(attempt: Attempt, rows: list[dict]) -> None:
    """All items in one multi-row statement (the ORM sent one INSERT … RETURNING each)."""
    db.session.execute(
        AttemptItem.__table__.insert(), [{**r, "attempt_id": attempt.id} for r in rows]
    )
    db.session.expire(attempt, ["items"])  # loaded from the rows just written when asked


def _facility_inputs(exam: Exam, position: str) -> dict:
    """Measured facilities of the exam's candidates, and the target every form aims at (their
    mean), once statistics exist; empty before. Stored with the draw inputs, so a replay
    does not depend on statistics computed later."""
    measured = pool.measured_facility(current_app.config["ITEM_STATS_MIN_N"])
    if not measured:
        return {}
    parsed = draw.parse_blueprint(exam.blueprint)
    blueprint = pool.rows_for_position(parsed, pool.row_topics(parsed), position)
    versions = {c.version_id for c in pool.candidates_for(blueprint, position)}
    measured = {vid: f for vid, f in measured.items() if vid in versions}
    if not measured:
        return {}
    target = round(sum(measured.values()) / len(measured), 4)
    return {"facility": {str(k): v for k, v in sorted(measured.items())}, "target": target}


def draw_for(exam: Exam, inputs: dict, seed: int) -> list[draw.Candidate]:
    """The form for ``exam`` given the draw inputs and ``seed`` (AttemptError if the bank
    cannot fill it). Deterministic: the same inputs and seed give the same form."""
    parsed = draw.parse_blueprint(exam.blueprint)
    topics = pool.row_topics(parsed)
    blueprint = pool.rows_for_position(parsed, topics, inputs["position"])
    kept = {r.topic_key for r in blueprint.rows}  # the rows this position sits
    candidates = pool.candidates_for(
        blueprint, inputs["position"], topics={k: t for k, t in topics.items() if k in kept}
    )
    facility = {int(k): v for k, v in inputs.get("facility", {}).items()}
    if facility:
        candidates = [
            dataclasses.replace(c, facility=facility.get(c.version_id)) for c in candidates
        ]
    try:
        return draw.draw_form(
            blueprint,
            candidates,
            seed=seed,
            avoid=frozenset(inputs["avoid"]),
            exposure={int(k): v for k, v in inputs["exposure"].items()},
            target_facility=inputs.get("target"),
        )
    except draw.DrawError as exc:
        raise AttemptError(
            409,
            "blueprint_unfillable",
            _l("Ngân hàng câu hỏi không đủ để tạo đề."),
            {"detail": str(exc)},
        ) from exc


def replay_draw(attempt: Attempt) -> list[int]:
    """The version ids the stored seed and inputs draw today, in canonical order (an audit
    compares them with the attempt's items; the bank must not have changed since)."""
    return [c.version_id for c in draw_for(attempt.exam, attempt.draw_inputs, attempt.seed)]


def _mark_used(version_ids: list[int]) -> None:
    """Freeze drawn versions. One row at a time in id order: concurrent starts never deadlock."""
    fresh = db.session.scalars(
        sa.select(QuestionVersion.id).where(
            QuestionVersion.id.in_(version_ids), QuestionVersion.used.is_(False)
        )
    ).all()
    for vid in sorted(fresh):
        db.session.execute(
            sa.update(QuestionVersion)
            .where(QuestionVersion.id == vid, QuestionVersion.used.is_(False))
            .values(used=True)
            .execution_options(synchronize_session=False)
        )


# --- deadline ---------------------------------------------------------------------------


def touch_attempt(attempt: Attempt, now: datetime | None = None) -> bool:
    """Finish an in-progress attempt whose deadline (plus grace) has passed; True if it did."""
    now = now or utcnow()
    if attempt.state is not AttemptState.IN_PROGRESS or now <= attempt.deadline + grace():
        return False
    return close_now(attempt, attempt.seq, now, by="sweep")


def sweep(now: datetime | None = None) -> int:
    """Finish every attempt past its deadline and grace; returns how many were finished."""
    now = now or utcnow()
    stmt = sa.select(Attempt).where(
        Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline < now - grace()
    )
    return sum(touch_attempt(attempt, now) for attempt in db.session.scalars(stmt).all())


def advance_seq(attempt: Attempt, seq: int, now: datetime, **values) -> bool:
    """Move ``seq`` forward if it still equals ``seq`` and the attempt is in progress."""
    table = Attempt.__table__
    result = db.session.execute(
        table.update()
        .where(
            table.c.id == attempt.id,
            table.c.seq == seq,
            table.c.state == AttemptState.IN_PROGRESS.value,
        )
        .values(seq=table.c.seq + 1, last_saved_at=now, **values)
    )
    if result.rowcount != 1:
        db.session.refresh(attempt)
        return False
    attributes.set_committed_value(attempt, "seq", seq + 1)
    attributes.set_committed_value(attempt, "last_saved_at", now)
    for key, value in values.items():
        attributes.set_committed_value(attempt, key, value)
    return True


def close_now(attempt: Attempt, seq: int, now: datetime, *, by: str) -> bool:
    ok = advance_seq(
        attempt, seq, now, state=AttemptState.FINISHED, finished_at=now, finished_by=by
    )
    if ok:
        score_attempt(attempt)
        record_audit(
            "exam.attempt_finish",
            attempt,
            after={"by": by, "score": attempt.score, "percent": attempt.percent},
        )
    return ok


# --- save and finish ----------------------------------------------------------------------


def stale_error(attempt: Attempt) -> AttemptError:
    if attempt.state is not AttemptState.IN_PROGRESS:
        return AttemptError(409, "attempt_over", _l("Bài làm đã kết thúc; không thể ghi thêm."))
    return AttemptError(
        409,
        "stale_seq",
        _l("Trang đã cũ so với bài làm trên máy chủ (có thể bạn mở ở nơi khác). Đã tải lại."),
        {"seq": attempt.seq},
    )


def _check_writable(attempt: Attempt, now: datetime) -> None:
    if touch_attempt(attempt, now):
        raise AttemptError(
            409, "deadline_passed", _l("Đã hết giờ làm bài; bài đã được nộp tự động.")
        )
    if attempt.state is not AttemptState.IN_PROGRESS:
        raise stale_error(attempt)


def item_of(attempt: Attempt, item_id: int) -> AttemptItem:
    """The attempt's item ``item_id`` (AttemptError 404 when it belongs to no such attempt)."""
    item = db.session.get(AttemptItem, item_id)
    if item is None or item.attempt_id != attempt.id:
        raise AttemptError(404, "item_not_in_attempt", _l("Câu hỏi không thuộc bài làm này."))
    return item


def _item_and_content(attempt: Attempt, item_id: int) -> tuple[AttemptItem, dict]:
    row = db.session.execute(
        sa.select(AttemptItem, QuestionVersion.content_hash)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(AttemptItem.id == item_id, AttemptItem.attempt_id == attempt.id)
    ).first()
    if row is None:
        raise AttemptError(404, "item_not_in_attempt", _l("Câu hỏi không thuộc bài làm này."))
    item, digest = row
    return item, version_content(item.version_id, digest)


def save_answer(
    attempt: Attempt,
    item_id: int | AttemptItem,
    raw: object,
    seq: int,
    *,
    keep_response: bool = False,
    flagged: bool | None = None,
    now: datetime | None = None,
) -> datetime:
    """Store the response to item ``item_id`` (and its flag) if ``seq`` is current; returns
    the time it was saved. ``keep_response`` leaves the stored response alone (a flag-only
    change). Raises AttemptError: 404 not this attempt's item, 409 stale or over, 422 wrong
    shape, 409 going back in sequential mode.
    """
    now = now or utcnow()
    _check_writable(attempt, now)
    if isinstance(item_id, AttemptItem):
        item_id = item_id.id
    item, content = _item_and_content(attempt, item_id)
    response = None
    if not keep_response:
        try:
            response = items.validate_response(content, item.layout, raw)
        except items.ResponseError as exc:
            raise AttemptError(422, "invalid_response", str(exc), {"item_id": item.id}) from exc
    if attempt.exam.sequential and item.position < _furthest(attempt):
        raise AttemptError(409, "sequential", _l("Bài này làm tuần tự; không quay lại câu trước."))
    if not advance_seq(attempt, seq, now):
        raise stale_error(attempt)
    if flagged is not None and item.flagged != bool(flagged):
        item.flagged = bool(flagged)
    if not keep_response:
        _store(attempt, item, response, seq + 1, now)
    db.session.flush()
    return now


def _furthest(attempt: Attempt) -> int:
    stmt = (
        sa.select(sa.func.max(AttemptItem.position))
        .join(Answer, Answer.item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == attempt.id)
    )
    return db.session.scalar(stmt) or 0


def _store(attempt: Attempt, item: AttemptItem, response, seq: int, now: datetime) -> None:
    write_answer(attempt.id, item.id, response, seq, now)
    db.session.expire(item, ["answer"])


def finish_attempt(
    attempt: Attempt, seq: int, *, now: datetime | None = None, by: str = "person"
) -> Attempt:
    """Finish and score the attempt if ``seq`` is current (AttemptError 409 otherwise)."""
    now = now or utcnow()
    _check_writable(attempt, now)
    if not close_now(attempt, seq, now, by=by):
        raise stale_error(attempt)
    return attempt
