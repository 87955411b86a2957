"""Test-taking pages: my exams, the attempt (one question or all per page), summary, result.

Everything works with plain form posts; ``static/js/exam-take.js`` adds saving on every
change through the attempts API, a countdown and a warning about unsaved answers.
A stale page (answers saved elsewhere since) is shown again with what the person typed,
so nothing typed is lost.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.exams import attempts, bp, review, taking
from app.extensions import db
from app.models import AttemptState, utcnow


@bp.route("/my")
@requires(Perm.EXAMS_TAKE)
def my_exams():
    now = utcnow()
    person_id = current_user.person_id  # accounts without a staff profile sit no tests
    rows = taking.my_exams(person_id, now) if person_id else []
    return render_template("exams/my_exams.html", rows=rows, now=now, has_person=bool(person_id))


@bp.route("/<int:exam_id>/start", methods=["POST"])
@requires(Perm.EXAMS_TAKE)
def start(exam_id: int):
    exam = taking.exam_for_taker_or_404(exam_id)
    try:
        attempt, _created = attempts.start_attempt(
            exam, taking.current_person(), pin=request.form.get("pin")
        )
    except attempts.AttemptError as exc:
        db.session.commit()
        flash(exc.message, "danger")
        return redirect(url_for("exams.my_exams"))
    db.session.commit()
    return redirect(url_for("exams.take", attempt_id=attempt.id))


def _open_attempt(attempt_id: int, notice: str = ""):
    """The caller's attempt in progress and its view.

    Aborts with 404 for anybody else's attempt, and with a redirect to the result page when
    the attempt is over (finishing it first if it is overdue), flashing ``notice`` if given."""
    attempt = taking.own_attempt_or_404(attempt_id)
    if attempts.touch_attempt(attempt):
        db.session.commit()
    if attempt.state is not AttemptState.IN_PROGRESS:
        if notice:
            flash(notice, "warning")
        abort(redirect(url_for("exams.result", attempt_id=attempt.id)))
    return attempt, taking.attempt_view(attempt)


@bp.route("/attempts/<int:attempt_id>")
@requires(Perm.EXAMS_TAKE)
def take(attempt_id: int):
    _attempt, view = _open_attempt(attempt_id)
    return _render_take(view, request.args.get("q", type=int), typed=None)


def _render_take(view: dict, number: int | None, typed, notice: str = "", status: int = 200):
    questions = view["questions"]
    if view["sequential"]:
        answered = [q["position"] for q in questions if q["response"] is not None]
        number = min(max(answered, default=0) + 1, len(questions))
    number = min(max(number or 1, 1), len(questions))
    shown = questions if not view["one_per_page"] else [questions[number - 1]]
    values = {q["item_id"]: q["response"] for q in questions}
    flags = {q["item_id"]: q["flagged"] for q in questions}
    if typed is not None:  # a refused post: show what the person typed, not the stored one
        for q in shown:
            if str(q["item_id"]) in typed.getlist("items"):
                values[q["item_id"]] = taking.form_response(q, typed)
                flags[q["item_id"]] = typed.get(f"f-{q['item_id']}") == "1"
    return (
        render_template(
            "exams/take.html",
            view=view,
            shown=shown,
            number=number,
            values=values,
            flags=flags,
            notice=notice,
        ),
        status,
    )


@bp.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@requires(Perm.EXAMS_TAKE)
def save(attempt_id: int):
    attempt, view = _open_attempt(attempt_id)
    seq = request.form.get("seq", type=int)
    try:
        for question, response, flag in taking.changed_items(view, request.form):
            attempts.save_answer(attempt, question["item_id"], response, seq, flagged=flag)
            seq = attempt.seq
    except attempts.AttemptError as exc:
        db.session.rollback()
        return _refused(attempt_id, exc)
    db.session.commit()
    return redirect(_target(attempt_id, request.form.get("go", "")))


def _refused(attempt_id: int, exc: attempts.AttemptError):
    """Show the page again with what was typed; the answers stay on screen to save again."""
    _attempt, view = _open_attempt(attempt_id, notice=exc.message)
    number = request.form.get("number", type=int)
    return _render_take(view, number, typed=request.form, notice=exc.message, status=409)


def _target(attempt_id: int, go: str) -> str:
    if go == "summary":
        return url_for("exams.summary", attempt_id=attempt_id)
    number = int(go) if go.isdigit() else 1
    return url_for("exams.take", attempt_id=attempt_id, q=number)


@bp.route("/attempts/<int:attempt_id>/summary")
@requires(Perm.EXAMS_TAKE)
def summary(attempt_id: int):
    _attempt, view = _open_attempt(attempt_id)
    return render_template("exams/summary.html", view=view)


@bp.route("/attempts/<int:attempt_id>/finish", methods=["POST"])
@requires(Perm.EXAMS_TAKE)
def finish(attempt_id: int):
    attempt = taking.own_attempt_or_404(attempt_id)
    try:
        attempts.finish_attempt(attempt, request.form.get("seq", type=int, default=-1))
    except attempts.AttemptError as exc:
        db.session.commit()
        flash(exc.message, "warning")
        if exc.code == "stale_seq":
            return redirect(url_for("exams.summary", attempt_id=attempt_id))
    else:
        db.session.commit()
        flash(_("Đã nộp bài."), "success")
    return redirect(url_for("exams.result", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/result")
@requires(Perm.EXAMS_TAKE)
def result(attempt_id: int):
    attempt = taking.own_attempt_or_404(attempt_id)
    if attempts.touch_attempt(attempt):
        db.session.commit()
    if attempt.state is AttemptState.IN_PROGRESS:
        return redirect(url_for("exams.take", attempt_id=attempt_id))
    return render_template(
        "exams/result.html", attempt=attempt, body=review.result_payload(attempt)
    )
