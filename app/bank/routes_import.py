"""The import wizard: upload → preview (a dry run: counts, errors with file and row, warnings)
→ confirm (re-planned from the stored upload, all or nothing)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.bank import bp, importer, pending
from app.bank.forms import TYPE_LABELS, ImportForm, NoteForm
from app.extensions import db
from app.models import Account


def _me() -> Account | None:
    return db.session.get(Account, current_user.account_id)


def _upload_or_404(token: str) -> pending.PendingImport:
    upload = pending.load_pending(token, current_user.account_id)
    if upload is None:
        abort(404)
    return upload


def dry_run(report: importer.ImportReport, author: Account | None) -> importer.ImportReport:
    """Fill the created / updated / unchanged counts and warnings without writing anything.

    After the rollback the session is emptied: rows inserted by the dry run may have been
    re-read into it, and SQLite hands their ids out again to the next real insert.
    """
    if report.ok:
        importer.apply_plan(report, author=author)
        db.session.rollback()
        db.session.expunge_all()
    return report


@bp.route("/import", methods=["GET", "POST"])
@requires(Perm.BANK_EDIT)
def import_questions():
    pending.purge_old()
    form = ImportForm()
    if form.validate_on_submit():
        files = [(f.filename, f.read()) for f in form.files.data if f and f.filename]
        token = pending.save_pending(
            files, form.fmt.data, form.topic.data or "", current_user.account_id
        )
        return redirect(url_for("bank.preview_import", token=token), 303)
    return render_template("bank/import_questions.html", form=form)


@bp.route("/import/<token>")
@requires(Perm.BANK_EDIT)
def preview_import(token: str):
    upload = _upload_or_404(token)
    report = importer.plan_files(upload.files, fmt=upload.fmt, topic=upload.topic)
    dry_run(report, _me())
    return render_template(
        "bank/preview_import.html",
        upload=upload,
        report=report,
        summary=report.as_json(),
        types=TYPE_LABELS,
        form=NoteForm(),
    )


@bp.route("/import/<token>/confirm", methods=["POST"])
@requires(Perm.BANK_EDIT)
def confirm_import(token: str):
    upload = _upload_or_404(token)
    NoteForm().validate_on_submit()
    report = importer.plan_files(upload.files, fmt=upload.fmt, topic=upload.topic)
    if not report.ok:
        flash(_("Tệp có lỗi; không ghi dữ liệu nào."), "danger")
        return redirect(url_for("bank.preview_import", token=token))
    importer.apply_plan(report, author=_me())
    db.session.commit()
    pending.delete_pending(token)
    flash(
        _(
            "Đã nhập: %(created)d câu mới, %(updated)d câu có phiên bản mới, "
            "%(unchanged)d câu không đổi.",
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        ),
        "success",
    )
    return redirect(url_for("bank.list_questions"))
