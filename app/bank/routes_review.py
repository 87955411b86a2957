"""Four-eyes review: the queue of versions written by others, approve, return, retire."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.bank import bp, queries, services
from app.bank.forms import STATE_LABELS, TYPE_LABELS, NoteForm
from app.bank.queries import version_or_404
from app.extensions import db
from app.models import QuestionVersion


@bp.route("/review")
@requires(Perm.BANK_REVIEW)
def review_queue():
    page = queries.paginate(
        queries.review_queue(current_user.account_id),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "bank/review_queue.html",
        page=page,
        names=queries.account_names({v.author_id for v in page.items}),
        types=TYPE_LABELS,
        states=STATE_LABELS,
    )


def _act(version: QuestionVersion, action: Callable[[str], None], done: str):
    """Run a review action with the posted note; flash the outcome; commit once."""
    form = NoteForm()
    note = (form.note.data or "").strip() if form.validate_on_submit() else ""
    try:
        action(note)
    except services.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(done, "success")
    target = request.form.get("next", "")
    if target == "queue" and current_user.can(Perm.BANK_REVIEW):
        return redirect(url_for("bank.review_queue"))
    return redirect(url_for("bank.view_question", question_id=version.question_id))


@bp.route("/versions/<int:version_id>/approve", methods=["POST"])
@requires(Perm.BANK_REVIEW)
def approve_version(version_id: int):
    version = version_or_404(version_id)
    return _act(
        version,
        lambda note: services.approve(version, reviewer_id=current_user.account_id, note=note),
        _("Đã duyệt phiên bản %(n)d.", n=version.number),
    )


@bp.route("/versions/<int:version_id>/return", methods=["POST"])
@requires(Perm.BANK_REVIEW)
def return_version(version_id: int):
    version = version_or_404(version_id)
    return _act(
        version,
        lambda note: services.return_to_author(
            version, reviewer_id=current_user.account_id, note=note
        ),
        _("Đã trả phiên bản %(n)d cho người biên soạn.", n=version.number),
    )


def _retire(version: QuestionVersion, note: str) -> None:
    if not note:
        raise services.ReviewError(_("Vui lòng ghi lý do ngừng sử dụng."))
    services.retire(version, note=note)


@bp.route("/versions/<int:version_id>/retire", methods=["POST"])
@requires(Perm.BANK_VIEW)
def retire_version(version_id: int):
    """Authors and reviewers may retire a version (with a reason); past attempts keep it."""
    if not (current_user.can(Perm.BANK_EDIT) or current_user.can(Perm.BANK_REVIEW)):
        abort(403)
    version = version_or_404(version_id)
    return _act(
        version,
        lambda note: _retire(version, note),
        _("Đã ngừng sử dụng phiên bản %(n)d.", n=version.number),
    )
