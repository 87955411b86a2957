"""Rubric pages: list, versions, the editor, and the four-eyes review actions.

Rubrics are province-wide like the question bank: authors (BANK_EDIT) write and submit,
reviewers (BANK_REVIEW) approve or return a version someone else wrote; HR managers
(ASSESS_MANAGE) may read them to choose one for a round.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, authenticated, requires
from app.assessments import bp, queries
from app.assessments import rubric_editing as editing
from app.assessments.forms_rubric import RubricEditForm, add_blank_rows, form_data, rubric_data
from app.bank.forms import STATE_LABELS, NoteForm
from app.extensions import db
from app.models import Account, Rubric, RubricVersion


def _me() -> Account:
    return db.session.get(Account, current_user.account_id)


def _may_read() -> None:
    if not any(current_user.can(p) for p in (Perm.BANK_VIEW, Perm.ASSESS_MANAGE)):
        abort(403)


@bp.route("/rubrics")
@authenticated
def list_rubrics():
    """Every rubric with its latest version's state (authors, reviewers, HR managers)."""
    _may_read()
    return render_template(
        "assessments/list_rubrics.html", rubrics=queries.rubrics(), states=STATE_LABELS
    )


@bp.route("/rubrics/<int:rubric_id>")
@authenticated
def view_rubric(rubric_id: int):
    """One version's criteria and level descriptors (``?v=`` number, default latest),
    the version history and the review actions the caller may take."""
    _may_read()
    rubric = queries.rubric_or_404(rubric_id)
    number = request.args.get("v", type=int)
    version = next((v for v in rubric.versions if v.number == number), rubric.versions[-1])
    ids = [i for v in rubric.versions for i in (v.author_id, v.reviewer_id) if i]
    return render_template(
        "assessments/view_rubric.html",
        rubric=rubric,
        version=version,
        names={i: a.display_name or a.username for i, a in queries.accounts_by_id(ids).items()},
        states=STATE_LABELS,
    )


def _save_rubric(form: RubricEditForm, rubric: Rubric | None):
    """Validate and save the editor's content; re-render with every problem listed."""
    errors: list[str] = []
    if request.form.get("action") != "more" and form.validate_on_submit():
        try:
            if rubric is None:
                version = editing.create_rubric(rubric_data(form), _me())
            else:
                version = editing.edit_rubric(rubric, rubric_data(form, rubric.code), _me())
        except editing.RubricError as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash(_("Đã lưu phiên bản %(n)d (bản nháp).", n=version.number), "success")
            return redirect(url_for("assessments.view_rubric", rubric_id=version.rubric_id))
    if request.method == "GET" or request.form.get("action") == "more":
        add_blank_rows(form)
    return render_template("assessments/edit_rubric.html", form=form, rubric=rubric, errors=errors)


@bp.route("/rubrics/new", methods=["GET", "POST"])
@requires(Perm.BANK_EDIT)
def create_rubric():
    """A new rubric: version 1 is a draft until a reviewer approves it."""
    return _save_rubric(RubricEditForm(), None)


@bp.route("/rubrics/<int:rubric_id>/edit", methods=["GET", "POST"])
@requires(Perm.BANK_EDIT)
def edit_rubric(rubric_id: int):
    """Edit the latest content: an approved or used version is never changed (n+1)."""
    rubric = queries.rubric_or_404(rubric_id)
    data = form_data(rubric.versions[-1]) if request.method == "GET" else None
    return _save_rubric(RubricEditForm(data=data), rubric)


def _act(version: RubricVersion, action: Callable[[str], None], done: str):
    """Run a review action with the posted note; flash the outcome; commit once."""
    form = NoteForm()
    note = (form.note.data or "").strip() if form.validate_on_submit() else ""
    try:
        action(note)
    except editing.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(
        url_for("assessments.view_rubric", rubric_id=version.rubric_id, v=version.number)
    )


@bp.route("/rubric-versions/<int:version_id>/submit", methods=["POST"])
@requires(Perm.BANK_EDIT)
def submit_rubric(version_id: int):
    version = queries.rubric_version_or_404(version_id)
    return _act(version, lambda _note: editing.submit_rubric(version), _("Đã gửi thẩm định."))


@bp.route("/rubric-versions/<int:version_id>/approve", methods=["POST"])
@requires(Perm.BANK_REVIEW)
def approve_rubric(version_id: int):
    version = queries.rubric_version_or_404(version_id)
    me = current_user.account_id
    return _act(
        version,
        lambda note: editing.approve_rubric(version, me, note),
        _("Đã duyệt phiên bản %(n)d.", n=version.number),
    )


@bp.route("/rubric-versions/<int:version_id>/return", methods=["POST"])
@requires(Perm.BANK_REVIEW)
def return_rubric(version_id: int):
    version = queries.rubric_version_or_404(version_id)
    me = current_user.account_id
    return _act(
        version,
        lambda note: editing.return_rubric(version, me, note),
        _("Đã trả phiên bản %(n)d cho người biên soạn.", n=version.number),
    )


@bp.route("/rubric-versions/<int:version_id>/retire", methods=["POST"])
@requires(Perm.BANK_VIEW)
def retire_rubric(version_id: int):
    """Authors and reviewers may retire a version (with a reason); rounds keep it."""
    if not (current_user.can(Perm.BANK_EDIT) or current_user.can(Perm.BANK_REVIEW)):
        abort(403)
    version = queries.rubric_version_or_404(version_id)
    return _act(
        version,
        lambda note: editing.retire_rubric(version, note),
        _("Đã ngừng sử dụng phiên bản %(n)d.", n=version.number),
    )
