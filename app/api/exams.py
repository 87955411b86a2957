"""Taking a test over the API: my exams, start or resume, save each answer, finish.

Every write carries the attempt's ``seq``; a stale or repeated one gets 409 and writes
nothing. Questions never carry keys, credits or feedback; the finish answers with what
the exam's review policy allows.
"""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from flask_smorest import Blueprint

from app.access import Perm, requires
from app.api.exam_schemas import (
    AnswerBody,
    AttemptOut,
    ExamItem,
    ExamsQuery,
    FinishBody,
    ResultOut,
    SavedOut,
    StartBody,
    attempt_json,
    json_body_doc,
    load_json_body,
)
from app.api.schemas import ERRORS
from app.errors import ApiError
from app.exams import answer_store, attempts, review, taking
from app.extensions import db
from app.models import utcnow

PREFIX = ""
blp = Blueprint("api_exams", __name__, description="Làm bài kiểm tra định kỳ")
MAX_ANSWER_BYTES = 64 * 1024
_START_BODY, _ANSWER_BODY = StartBody(), AnswerBody()  # built once: loading keeps no state


def _fail(exc: attempts.AttemptError) -> ApiError:
    db.session.commit()  # keeps an automatic finish done while refusing the write
    return ApiError(exc.status, exc.code, exc.message, exc.details)


@blp.route("/exams", methods=["GET"])
@blp.arguments(ExamsQuery, location="query")
@blp.response(200, ExamItem(many=True))
@requires(Perm.EXAMS_TAKE)
def list_my_exams(args):
    """Exams the caller must sit, filtered by status (open, upcoming, closed, all)."""
    person = taking.current_person()
    now = utcnow()
    rows = []
    for mine in taking.my_exams(person.id, now):
        status = mine.status(now)
        if args["status"] in ("all", status):
            rows.append(
                {
                    "exam_id": mine.exam.id,
                    "title": mine.exam.title,
                    "status": status,
                    "opens_at": taking.local_iso(mine.exam.opens_at),
                    "closes_at": taking.local_iso(mine.exam.closes_at),
                    "time_limit_minutes": mine.exam.time_limit_minutes,
                    "attempt_id": mine.attempt.id if mine.attempt else None,
                    "attempt_state": mine.attempt.state.value if mine.attempt else None,
                }
            )
    return rows


@blp.route("/exams/<int:exam_id>/attempts", methods=["POST"])
@blp.doc(requestBody=json_body_doc(StartBody))
@blp.alt_response(201, schema=AttemptOut, description="Started a new attempt")
@blp.alt_response(200, schema=AttemptOut, description="Resumed the attempt in progress")
@blp.alt_response(403, schema=ERRORS["403"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.EXAMS_TAKE)
def start_attempt(exam_id: int):
    """Start the caller's attempt, or resume the one in progress."""
    body = load_json_body(_START_BODY)
    exam = taking.exam_for_taker_or_404(exam_id)
    person = taking.current_person()
    try:
        attempt, created = attempts.start_attempt(exam, person, pin=body.get("pin"))
    except attempts.AttemptError as exc:
        raise _fail(exc) from exc
    db.session.commit()
    return jsonify(attempt_json(taking.attempt_view(attempt))), 201 if created else 200


@blp.route("/attempts/<int:attempt_id>", methods=["GET"])
@blp.response(200, AttemptOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.EXAMS_TAKE)
def get_attempt(attempt_id: int):
    """The caller's attempt with its saved answers (finished automatically when overdue)."""
    attempt = taking.own_attempt_or_404(attempt_id)
    if attempts.touch_attempt(attempt):
        db.session.commit()
    return taking.attempt_view(attempt)


@blp.route("/attempts/<int:attempt_id>/answers/<int:item_id>", methods=["PUT"])
@blp.doc(requestBody=json_body_doc(AnswerBody))
@blp.alt_response(200, schema=SavedOut, description="Saved")
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(413, schema=ERRORS["413"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.EXAMS_TAKE)
def save_answer(attempt_id: int, item_id: int):
    """Save one answer; ``seq`` must be the attempt's current value. Returns the new one."""
    if (request.content_length or 0) > MAX_ANSWER_BYTES:
        raise ApiError(413, "payload_too_large", "Câu trả lời quá dài.")
    body = load_json_body(_ANSWER_BODY)
    options = {"keep_response": "response" not in body, "flagged": body.get("flagged")}
    fast = answer_store.save_answer_fast(
        attempt_id, current_user.person_id, item_id, body.get("response"), body["seq"], **options
    )
    if fast is None:  # anything unusual: the full path decides and explains
        attempt = taking.own_attempt_or_404(attempt_id)
        try:
            saved_at = attempts.save_answer(
                attempt, item_id, body.get("response"), body["seq"], **options
            )
        except attempts.AttemptError as exc:
            raise _fail(exc) from exc
        fast = attempt.seq, saved_at
    db.session.commit()
    return jsonify({"seq": fast[0], "saved_at": taking.local_iso(fast[1])})


@blp.route("/attempts/<int:attempt_id>/finish", methods=["POST"])
@blp.arguments(FinishBody)
@blp.response(200, ResultOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.EXAMS_TAKE)
def finish_attempt(body, attempt_id: int):
    """Finish and score; the body says what the review policy lets the caller see now."""
    attempt = taking.own_attempt_or_404(attempt_id)
    try:
        attempts.finish_attempt(attempt, body["seq"])
    except attempts.AttemptError as exc:
        raise _fail(exc) from exc
    db.session.commit()
    return review.result_payload(attempt)


@blp.route("/attempts/<int:attempt_id>/result", methods=["GET"])
@blp.response(200, ResultOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.EXAMS_TAKE)
def get_result(attempt_id: int):
    """What the review policy lets the caller see of a finished attempt."""
    attempt = taking.own_attempt_or_404(attempt_id)
    if attempts.touch_attempt(attempt):
        db.session.commit()
    if attempt.state.value == "in_progress":
        raise ApiError(409, "attempt_in_progress", "Bài làm chưa nộp.")
    return review.result_payload(attempt)
