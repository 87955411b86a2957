"""Assessor pages: my rounds, pick an officer (search ignoring diacritics), the sheet.

The sheet works without JavaScript (a plain form: save draft / submit). With JavaScript,
``assess-sheet.js`` keeps the draft in localStorage and sends it to the API when online;
the hidden ``client_key`` makes every resend land on the same sheet.
"""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.assessments import bp, queries, services
from app.assessments.forms import METHOD_LABELS, CorrectForm, SheetForm
from app.extensions import db
from app.models import Account, Sheet, SheetState


@bp.route("/my")
@requires(Perm.ASSESS)
def my_rounds():
    """The rounds the caller is assigned to as an assessor."""
    rounds = queries.assigned_rounds(current_user.account_id)
    return render_template("assessments/my_rounds.html", rounds=rounds)


@bp.route("/rounds/<int:round_id>/score")
@requires(Perm.ASSESS)
def pick_person(round_id: int):
    """People the assessor covers in the round; ``?q=`` ignores diacritics (đ → d)."""
    rnd = queries.assigned_round_or_404(round_id, current_user.account_id)
    q = request.args.get("q", "")
    people = queries.people_to_score(rnd.id, current_user.account_id, q)
    return render_template("assessments/pick_person.html", rnd=rnd, people=people, q=q)


def _sheet_form(rnd, sheet: Sheet | None) -> SheetForm:
    form = SheetForm(obj=sheet) if sheet is not None and request.method == "GET" else SheetForm()
    form.method.choices = [(m, METHOD_LABELS[m]) for m in rnd.methods]
    if request.method == "GET" and sheet is None:
        form.method.data = request.args.get("method") or rnd.methods[0]
        form.scenario.data = request.args.get("scenario", "")
    if not form.client_key.data:
        form.client_key.data = (sheet.client_key if sheet else None) or uuid.uuid4().hex
    return form


def _posted_scores(criteria: list[dict]) -> tuple[dict, dict]:
    scores = {c["key"]: request.form.get(f"score-{c['key']}", "") for c in criteria}
    notes = {c["key"]: request.form.get(f"note-{c['key']}", "") for c in criteria}
    return scores, notes


def _current_sheet(rnd, me: Account, person) -> Sheet | None:
    """``?sheet=`` (after a save), else on GET the live sheet for ``?method=&scenario=``."""
    sheet = queries.live_sheet(rnd.id, person.id, me.id, request.args.get("sheet", type=int))
    if sheet is None and request.method == "GET":
        method = request.args.get("method") or rnd.methods[0]
        sheet = services.find_live_sheet(rnd, me, person, method, request.args.get("scenario", ""))
    return sheet


@bp.route("/rounds/<int:round_id>/people/<int:person_id>/sheet", methods=["GET", "POST"])
@requires(Perm.ASSESS)
def edit_sheet(round_id: int, person_id: int):
    """The scoring sheet: one large radio per criterion level; save draft or submit."""
    me = db.session.get(Account, current_user.account_id)
    rnd = queries.assigned_round_or_404(round_id, me.id)
    person = queries.person_to_score_or_404(rnd.id, me.id, person_id)
    sheet = _current_sheet(rnd, me, person)
    form = _sheet_form(rnd, sheet)
    error = services.refusal_reason(rnd, me, person)
    if error is None and form.validate_on_submit():
        scores, notes = _posted_scores(rnd.rubric_version.criteria)
        camera = {
            "ref": form.camera_ref.data,
            "at": form.camera_at.data,
            "notes": form.camera_notes.data,
        }
        try:
            sheet = services.save_draft(
                rnd, me, person, form.method.data, form.scenario.data or "",
                client_key=form.client_key.data, scores=scores, notes=notes, camera=camera,
            )  # fmt: skip
            if request.form.get("action") == "submit":
                services.submit_sheet(sheet)
        except services.AssessError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            return _after_save(rnd, person, sheet)
    return render_template(
        "assessments/edit_sheet.html", rnd=rnd, person=person, sheet=sheet, form=form,
        error=error, posted=request.form if request.method == "POST" else None,
        correct=CorrectForm(),
    )  # fmt: skip


def _after_save(rnd, person, sheet: Sheet):
    if sheet.state is SheetState.SUBMITTED:
        flash(_("Đã nộp phiếu đánh giá (%(p)s).", p=f"{sheet.percent * 100:.0f} %"), "success")
        return redirect(url_for("assessments.pick_person", round_id=rnd.id))
    flash(_("Đã lưu nháp."), "success")
    return redirect(
        url_for("assessments.edit_sheet", round_id=rnd.id, person_id=person.id, sheet=sheet.id)
    )


@bp.route("/sheets/<int:sheet_id>/correct", methods=["POST"])
@requires(Perm.ASSESS)
def correct_sheet(sheet_id: int):
    """A correction of one's own submitted sheet: a new revision with a reason."""
    sheet = queries.own_sheet_or_404(sheet_id, current_user.account_id)
    form = CorrectForm()
    scores, notes = _posted_scores(sheet.round.rubric_version.criteria)
    try:
        if not form.validate_on_submit():
            raise services.AssessError("reason_required", _("Vui lòng nêu lý do sửa phiếu."))
        new = services.correct_sheet(sheet, scores, notes, form.reason.data)
    except services.AssessError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(
            url_for("assessments.edit_sheet", round_id=sheet.round_id, person_id=sheet.person_id,
                    sheet=sheet.id)
        )  # fmt: skip
    db.session.commit()
    flash(_("Đã lưu bản sửa (lần %(n)d).", n=new.revision), "success")
    return redirect(url_for("assessments.pick_person", round_id=new.round_id))
