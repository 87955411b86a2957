"""Item fixes: an author or HR voids a faulty question, or corrects its key, for one exam.

Open to EXAMS_MANAGE or BANK_EDIT (declared ``@authenticated``, checked in the view, since
one declaration names one permission); the exam must be in the caller's scope for one of
them. Re-keying is offered for choice types and true/false only; every affected attempt is
re-scored by ``scoring.fix_item`` and the before/after list is shown.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _

from app.access import Perm, authenticated
from app.exams import bp, queries, queries_bank, scoring
from app.exams.forms import FixForm
from app.exams.items_layout import CHOICE_TYPES, option_text
from app.extensions import db
from app.models import Exam, Person, QuestionVersion

FIX_PERMS = (Perm.EXAMS_MANAGE, Perm.BANK_EDIT)
TOLERANCE = 1e-6


def _exam(exam_id: int) -> Exam:
    queries.require_any(*FIX_PERMS)
    return queries.exam_or_404(exam_id, *FIX_PERMS)


@bp.route("/fixes")
@authenticated
def list_fix_exams():
    queries.require_any(*FIX_PERMS)
    exams = queries_bank.exams_with_attempts(*FIX_PERMS)
    return render_template("exams/manage_fix_exams.html", exams=exams)


@bp.route("/manage/<int:exam_id>/fixes")
@authenticated
def list_fixes(exam_id: int):
    exam = _exam(exam_id)
    return render_template(
        "exams/manage_fixes.html",
        exam=exam,
        rows=queries_bank.used_versions(exam),
        can_manage=queries.exam_owned(exam.id, Perm.EXAMS_MANAGE) is not None,
    )


def new_content(version: QuestionVersion, percents: list[int | None]) -> dict:
    """The version's content with the typed credits (percent); ValueError with a message."""
    options = version.content.get("options") or []
    if len(percents) != len(options) or any(p is None for p in percents):
        raise ValueError(_("Nhập điểm (%) cho mọi phương án."))
    credits = [p / 100 for p in percents]  # type: ignore[operator]
    if version.qtype == "multiple_response":
        if abs(sum(c for c in credits if c > 0) - 1.0) > TOLERANCE:
            raise ValueError(_("Tổng điểm các phương án đúng phải bằng 100%."))
    elif abs(max(credits, default=0.0) - 1.0) > TOLERANCE:
        raise ValueError(_("Phải có ít nhất một phương án được 100% điểm."))
    if all(
        abs(c - float(o.get("credit", 0))) <= TOLERANCE
        for c, o in zip(credits, options, strict=True)
    ):
        raise ValueError(_("Đáp án mới giống đáp án cũ."))
    return {
        **version.content,
        "options": [{**o, "credit": c} for o, c in zip(options, credits, strict=True)],
    }


def _prefill(form: FixForm, version: QuestionVersion) -> None:
    if form.is_submitted() or version.qtype not in CHOICE_TYPES:
        return
    for option in version.content.get("options") or []:
        form.credits.append_entry(round(float(option.get("credit", 0)) * 100))


def _apply(form: FixForm, exam: Exam, version: QuestionVersion) -> list[dict] | None:
    """Run the fix; None (with the error on the form) when it is refused."""
    content = None
    if form.kind.data == "rekey":
        if version.qtype not in CHOICE_TYPES:
            form.kind.errors.append(_("Chỉ sửa đáp án được cho câu chọn phương án và đúng/sai."))
            return None
        try:
            content = new_content(version, [e.data for e in form.credits])
        except ValueError as exc:
            form.credits.errors.append(str(exc))
            return None
    try:
        return scoring.fix_item(
            exam, version, kind=form.kind.data, reason=form.reason.data, content=content
        )
    except scoring.FixError as exc:
        db.session.rollback()
        form.reason.errors.append(str(exc))
        return None


@bp.route("/manage/<int:exam_id>/fixes/<int:version_id>", methods=["GET", "POST"])
@authenticated
def fix_item(exam_id: int, version_id: int):
    exam = _exam(exam_id)
    version = queries_bank.version_in_exam_or_404(exam, version_id)
    form = FixForm()
    _prefill(form, version)
    if form.validate_on_submit():
        changes = _apply(form, exam, version)
        if changes is not None:
            db.session.commit()
            ids = [c["person"] for c in changes]
            people = {
                p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))
            }
            return render_template(
                "exams/manage_fix_done.html",
                exam=exam,
                version=version,
                changes=changes,
                people=people,
            )
    options = [
        option_text(version.content, i) for i in range(len(version.content.get("options") or []))
    ]
    return render_template(
        "exams/manage_fix_item.html",
        exam=exam,
        version=version,
        form=form,
        options=options if version.qtype in CHOICE_TYPES else [],
        fix=scoring.fixes_for(exam.id).get(version.id),
    )
