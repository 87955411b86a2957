"""The paper channel: printable A4 form, batch data entry, blind second entry of a sample."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires, scope_clause
from app.extensions import db
from app.models import Account, ChannelKind, PaperBatch, PaperCheck, Unit
from app.surveys import bp, paper, paper_review, queries, responses
from app.surveys.answers import AnswerError, form_questions
from app.surveys.present import SCALE, pick, sections_with_questions


@bp.route("/channels/<int:channel_id>/paper")
@requires(Perm.SURVEYS_VIEW)
def print_paper(channel_id: int):
    """The full questionnaire as an A4 page to print (boxes to tick, lines to write)."""
    channel = queries.channel_in_scope_or_none(channel_id, Perm.SURVEYS_VIEW)
    if channel is None or channel.kind is not ChannelKind.PAPER:
        abort(404)
    try:
        target = responses.channel_target(channel)
    except responses.ChannelClosed:
        abort(404)
    return render_template(
        "surveys/print_paper.html",
        channel=channel,
        version=target.version,
        sections=sections_with_questions(target.version, short=False),
        scale=SCALE,
        pick=pick,
    )


def _batch_or_404(batch_id: int) -> PaperBatch:
    stmt = (
        sa.select(PaperBatch)
        .join(Unit, PaperBatch.unit_id == Unit.id)
        .where(PaperBatch.id == batch_id, scope_clause(Perm.SURVEYS_MANAGE, Unit.path))
    )
    return db.session.scalar(stmt) or abort(404)


def _me() -> Account:
    return db.session.get(Account, current_user.account_id)


@bp.route("/paper", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def list_batches():
    """Open a batch for a paper channel; the batches in scope with their checks."""
    paper_channels = [
        c for c in queries.channels_in_scope(Perm.SURVEYS_MANAGE) if c.kind is ChannelKind.PAPER
    ]
    if request.method == "POST":
        channel = queries.channel_in_scope_or_none(
            request.form.get("channel_id", 0, type=int), Perm.SURVEYS_MANAGE
        )
        try:
            day = datetime.strptime(request.form.get("collected_on", ""), "%d/%m/%Y").date()
            batch = paper.start_batch(channel or abort(404), day, _me())
        except ValueError as exc:
            flash(
                str(exc)
                if isinstance(exc, paper.PaperError)
                else _("Ngày không hợp lệ (dd/mm/yyyy)."),
                "danger",
            )
        else:
            db.session.commit()
            return redirect(url_for("surveys.enter_paper", batch_id=batch.id))
    batches = db.session.scalars(
        sa.select(PaperBatch)
        .join(Unit, PaperBatch.unit_id == Unit.id)
        .where(scope_clause(Perm.SURVEYS_MANAGE, Unit.path))
        .order_by(PaperBatch.id.desc())
        .limit(100)
    )
    return render_template(
        "surveys/list_batches.html",
        channels=paper_channels,
        batches=list(batches),
        pending=paper_review.pending_checks(),
    )


def _codes(batch: PaperBatch) -> dict[str, str]:
    return {q.key: request.form.get(f"c_{q.key}", "") for q in form_questions(batch.version, False)}


@bp.route("/paper/<int:batch_id>", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def enter_paper(batch_id: int):
    """Keyboard-only entry: one short code per question, Enter saves and opens the next form."""
    batch = _batch_or_404(batch_id)
    errors: dict[str, str] = {}
    entered = paper.entered_forms(batch)
    form_no = request.form.get("form_no", type=int) or (max(entered, default=0) + 1)
    if request.method == "POST" and not batch.closed:
        try:
            paper.enter_form(batch, form_no, _codes(batch))
        except AnswerError as exc:
            db.session.rollback()
            errors = exc.details
        except paper.PaperError as exc:
            db.session.rollback()
            errors = {"form_no": str(exc)}
        else:
            db.session.commit()
            flash(_("Đã lưu phiếu số %(n)s.", n=form_no), "success")
            return redirect(url_for("surveys.enter_paper", batch_id=batch.id))
    checks = db.session.scalars(sa.select(PaperCheck).where(PaperCheck.batch_id == batch.id))
    return render_template(
        "surveys/enter_paper.html",
        batch=batch,
        questions=form_questions(batch.version, False),
        errors=errors,
        values=request.form if errors else {},
        form_no=form_no,
        entered=entered,
        checks={c.form_no: c for c in checks},
    ), (422 if errors else 200)


@bp.route("/paper/<int:batch_id>/close", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def close_paper(batch_id: int):
    batch = _batch_or_404(batch_id)
    try:
        paper.close_batch(batch)
    except paper.PaperError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
    return redirect(url_for("surveys.enter_paper", batch_id=batch.id))


@bp.route("/paper/<int:batch_id>/check/<int:form_no>", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def check_paper(batch_id: int, form_no: int):
    """Second entry of a sampled form, blind: the first entry is never shown here."""
    batch = _batch_or_404(batch_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            check = paper.check_form(batch, form_no, _codes(batch), _me())
        except AnswerError as exc:
            db.session.rollback()
            errors = exc.details
        except paper.PaperError as exc:
            db.session.rollback()
            errors = {"form_no": str(exc)}
        else:
            db.session.commit()
            if check.matched:
                flash(_("Phiếu số %(n)s khớp với lần nhập đầu.", n=form_no), "success")
            else:
                flash(
                    _(
                        "Phiếu số %(n)s lệch ở: %(keys)s",
                        n=form_no,
                        keys=", ".join(check.differences),
                    ),
                    "warning",
                )
            return redirect(url_for("surveys.enter_paper", batch_id=batch.id))
    return render_template(
        "surveys/enter_paper.html",
        batch=batch,
        questions=form_questions(batch.version, False),
        errors=errors,
        values=request.form if errors else {},
        form_no=form_no,
        entered=[],
        checks={},
        checking=True,
    ), (422 if errors else 200)


@bp.route("/paper/<int:batch_id>/resolve/<int:form_no>", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def resolve_paper(batch_id: int, form_no: int):
    """Both entries of a mismatched form side by side; pick or type the right value."""
    batch = _batch_or_404(batch_id)
    check = db.session.scalar(
        sa.select(PaperCheck).where(PaperCheck.batch_id == batch.id, PaperCheck.form_no == form_no)
    )
    if check is None or not check.is_pending:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        picks = {k: request.form.get(f"pick_{k}", "") for k in check.differences}
        codes = {k: request.form.get(f"code_{k}", "") for k in check.differences}
        try:
            paper_review.resolve_check(check, picks, codes, _me())
        except (AnswerError, paper.PaperError) as exc:
            db.session.rollback()
            errors = getattr(exc, "details", None) or {"form_no": str(exc)}
        else:
            db.session.commit()
            flash(_("Đã sửa phiếu số %(n)s; phiếu được tính vào thống kê.", n=form_no), "success")
            return redirect(url_for("surveys.enter_paper", batch_id=batch.id))
    page = render_template(
        "surveys/resolve_paper.html",
        batch=batch,
        check=check,
        rows=paper_review.compare_entries(check),
        errors=errors,
        values=request.form,
    )
    return page, (422 if errors else 200)
