"""Paper sittings: upload a CSV/XLSX of totals or per-question marks, preview it with the
row-numbered errors, then confirm (all or nothing).

Open to EXAMS_MANAGE (exam owned in scope) or EXAMS_PROCTOR (exam with people in scope);
every imported person must be in the caller's scope for one of the two.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, authenticated
from app.exams import bp, paper, queries
from app.exams.forms import PaperForm, TokenForm
from app.extensions import db
from app.models import Exam, Person

PAPER_PERMS = (Perm.EXAMS_MANAGE, Perm.EXAMS_PROCTOR)
TOKEN_RE = re.compile(r"^(\d+)-[0-9a-f]{32}\.(csv|xlsx)$")


def _exam(exam_id: int) -> Exam:
    queries.require_any(*PAPER_PERMS)
    exam = queries.exam_owned(exam_id, Perm.EXAMS_MANAGE)
    if exam is not None:
        return exam
    return queries.exam_with_people_or_404(exam_id, Perm.EXAMS_PROCTOR)


def _in_scope(person: Person) -> bool:
    return any(current_user.can(p, person.unit) for p in PAPER_PERMS)


def _folder() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "paper"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _render(exam: Exam, form: PaperForm, plan=None, token: str = ""):
    return render_template(
        "exams/manage_paper.html", exam=exam, form=form, plan=plan, token=token, confirm=TokenForm()
    )


@bp.route("/<int:exam_id>/paper", methods=["GET", "POST"])
@authenticated
def import_paper(exam_id: int):
    exam = _exam(exam_id)
    form = PaperForm()
    if not form.validate_on_submit():
        return _render(exam, form)
    name = form.file.data.filename or "upload.csv"
    data = form.file.data.read()
    try:
        plan = paper.plan_paper(exam, paper.read_table(name, data), in_scope=_in_scope)
    except paper.PaperError as exc:
        form.file.errors.append(str(exc))
        return _render(exam, form)
    token = ""
    if plan.ok:
        suffix = "xlsx" if name.lower().endswith(".xlsx") else "csv"
        token = f"{exam.id}-{secrets.token_hex(16)}.{suffix}"
        (_folder() / token).write_bytes(data)
    return _render(exam, form, plan, token)


@bp.route("/<int:exam_id>/paper/confirm", methods=["POST"])
@authenticated
def confirm_paper(exam_id: int):
    exam = _exam(exam_id)
    form = TokenForm()
    match = TOKEN_RE.match(form.token.data or "")
    path = _folder() / (form.token.data or "x")
    if not form.validate_on_submit() or not match or int(match[1]) != exam.id or not path.is_file():
        abort(404)
    plan = paper.plan_paper(
        exam, paper.read_table(path.name, path.read_bytes()), in_scope=_in_scope
    )
    if not plan.ok:
        flash(_("Dữ liệu đã thay đổi từ lúc xem trước; vui lòng kiểm tra lại."), "danger")
        return redirect(url_for("exams.import_paper", exam_id=exam.id))
    created = paper.apply_paper(exam, plan, source=path.name)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("Đã nhập kết quả thi trên giấy của %(n)d người.", n=len(created)), "success")
    if current_user.can(Perm.RESULTS_VIEW):
        return redirect(url_for("exams.view_results", exam_id=exam.id))
    return redirect(url_for("exams.import_paper", exam_id=exam.id))
