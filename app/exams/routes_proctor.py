"""The proctor's room: today's exams with people in my scope, their live progress (a JSON
endpoint polled every 10 s, or a plain reload), extend time and close an attempt."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import Perm, requires
from app.exams import bp, proctor, queries, queries_rooms
from app.exams.attempts import AttemptError
from app.exams.forms import ATTEMPT_STATE_LABELS, CloseForm, ExtendForm
from app.extensions import db
from app.i18n import format_datetime
from app.models import Exam, utcnow


def _room(exam_id: int) -> Exam:
    return queries.exam_with_people_or_404(exam_id, Perm.EXAMS_PROCTOR)


def _state_key(row: queries_rooms.RoomRow) -> str:
    return row.attempt.state.value if row.attempt else "not_started"


def room_payload(exam: Exam) -> dict:
    """The room as JSON: one entry per person in scope (no answers, keys or scores)."""
    rows = queries_rooms.room_rows(exam)
    totals = queries_rooms.item_counts([r.attempt.id for r in rows if r.attempt])
    out = []
    for row in rows:
        attempt = row.attempt
        out.append(
            {
                "person_id": row.person.id,
                "attempt_id": attempt.id if attempt else None,
                "name": row.person.full_name,
                "state": _state_key(row),
                "state_label": str(ATTEMPT_STATE_LABELS[attempt.state if attempt else None]),
                "started": format_datetime(attempt.started_at) if attempt else "",
                "last_save": format_datetime(attempt.last_saved_at) if attempt else "",
                "deadline": format_datetime(attempt.deadline) if attempt else "",
                "answered": row.answered,
                "total": totals.get(attempt.id, 0) if attempt else 0,
            }
        )
    return {"exam_id": exam.id, "updated": format_datetime(utcnow()), "rows": out}


@bp.route("/rooms")
@requires(Perm.EXAMS_PROCTOR)
def list_rooms():
    return render_template("exams/proctor_rooms.html", exams=queries_rooms.rooms_today(utcnow()))


@bp.route("/rooms/<int:exam_id>")
@requires(Perm.EXAMS_PROCTOR)
def view_room(exam_id: int):
    exam = _room(exam_id)
    return render_template("exams/proctor_room.html", exam=exam, room=room_payload(exam))


@bp.route("/rooms/<int:exam_id>/status.json")
@requires(Perm.EXAMS_PROCTOR)
def room_status(exam_id: int):
    return jsonify(room_payload(_room(exam_id)))


def _act(exam: Exam, action, success: str) -> Response:
    try:
        action()
    except AttemptError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("exams.view_room", exam_id=exam.id))


@bp.route("/rooms/<int:exam_id>/attempts/<int:attempt_id>/extend", methods=["POST"])
@requires(Perm.EXAMS_PROCTOR)
def extend_attempt(exam_id: int, attempt_id: int):
    exam = _room(exam_id)
    attempt = queries_rooms.attempt_in_room_or_404(exam, attempt_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        flash(_("Nhập số phút (1–120) và lý do."), "danger")
        return redirect(url_for("exams.view_room", exam_id=exam.id))
    return _act(
        exam,
        lambda: proctor.extend_time(attempt, minutes=form.minutes.data, reason=form.reason.data),
        _(
            "Đã gia hạn %(n)d phút cho %(name)s.",
            n=form.minutes.data,
            name=attempt.person.full_name,
        ),
    )


@bp.route("/rooms/<int:exam_id>/attempts/<int:attempt_id>/close", methods=["POST"])
@requires(Perm.EXAMS_PROCTOR)
def close_attempt(exam_id: int, attempt_id: int):
    exam = _room(exam_id)
    attempt = queries_rooms.attempt_in_room_or_404(exam, attempt_id)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("Chọn cách đóng và ghi lý do."), "danger")
        return redirect(url_for("exams.view_room", exam_id=exam.id))
    annul = form.mode.data == "annul"
    return _act(
        exam,
        lambda: proctor.close_attempt(attempt, reason=form.reason.data, annul=annul),
        _("Đã hủy bài của %(name)s.", name=attempt.person.full_name)
        if annul
        else _("Đã thu bài của %(name)s.", name=attempt.person.full_name),
    )
