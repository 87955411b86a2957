"""HR screens for exams: the scoped list, the exam page (settings, blueprint, problems,
candidates) and its state changes. Create/edit, candidates, item fixes and paper sittings
live in the ``routes_manage_*`` modules."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.exams import bp, draw, queries, queries_bank, setup
from app.exams.forms import (
    ATTEMPT_STATE_LABELS,
    EXAM_STATE_LABELS,
    REVIEW_WHEN_LABELS,
    StateForm,
)
from app.extensions import db
from app.models import Exam, ExamState
from app.org.queries import people_query

TOPIC_REF = re.compile(r"Chủ đề #(\d+)")


def name_topics(text: str, exam: Exam) -> str:
    """Put topic names where a core message says "Chủ đề #12"."""
    ids = [row.get("topic") for row in (exam.blueprint or {}).get("rows", [])]
    names = queries_bank.topic_names([i for i in ids if isinstance(i, int)])
    return TOPIC_REF.sub(lambda m: names.get(int(m[1]), m[0]), text)


def blueprint_summary(exam: Exam) -> str:
    """The blueprint in one line ("20 câu: …"), or why it is not usable."""
    try:
        parsed = draw.parse_blueprint(exam.blueprint)
    except draw.BlueprintError as exc:
        return exc.message
    names = queries_bank.topic_names([r.topic_key for r in parsed.rows])
    text = draw.describe(parsed, names)
    if parsed.fixed:
        fixed = queries_bank.external_ids(parsed.fixed)
        text += " (" + ", ".join(fixed[q] for q in parsed.fixed if q in fixed) + ")"
    return text


@bp.route("/manage")
@requires(Perm.EXAMS_MANAGE)
def list_exams():
    period_id = request.args.get("period", type=int)
    return render_template(
        "exams/manage_list.html",
        rows=queries.exams_in_scope(Perm.EXAMS_MANAGE, period_id),
        periods=queries.periods(),
        period_id=period_id,
        state_labels=EXAM_STATE_LABELS,
    )


@bp.route("/manage/<int:exam_id>")
@requires(Perm.EXAMS_MANAGE)
def view_exam(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    q = request.args.get("q", "").strip()[:100]
    found = db.session.scalars(people_query(Perm.EXAMS_MANAGE, q=q).limit(20)).all() if q else []
    problems = setup.check_exam(exam) if exam.state is ExamState.DRAFT else []
    return render_template(
        "exams/manage_view.html",
        exam=exam,
        summary=blueprint_summary(exam),
        problems=[name_topics(p, exam) for p in problems],
        rows=queries.candidate_rows(exam),
        q=q,
        found=found,
        target_units=queries.unit_names(exam.target_unit_ids or []),
        state_labels=EXAM_STATE_LABELS,
        attempt_labels=ATTEMPT_STATE_LABELS,
        review_labels=REVIEW_WHEN_LABELS,
        can_results=current_user.can(Perm.RESULTS_VIEW),
    )


@bp.route("/manage/<int:exam_id>/state", methods=["POST"])
@requires(Perm.EXAMS_MANAGE)
def move_exam(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    form = StateForm()
    target = {s.value: s for s in ExamState}.get(form.target.data or "")
    if not form.validate_on_submit() or target is None:
        flash(_("Yêu cầu không hợp lệ."), "danger")
    elif target is ExamState.CANCELLED and not form.reason.data:
        flash(_("Vui lòng ghi lý do hủy bài kiểm tra."), "danger")
    else:
        try:
            setup.move_exam(exam, target, reason=form.reason.data or "")
        except setup.SetupError as exc:
            db.session.rollback()
            flash(name_topics(str(exc), exam), "danger")
        else:
            db.session.commit()
            flash(_("Đã chuyển sang trạng thái: %(s)s.", s=EXAM_STATE_LABELS[target]), "success")
    return redirect(url_for("exams.view_exam", exam_id=exam_id))
