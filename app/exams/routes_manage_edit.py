"""Creating and editing an exam: settings, window in Vietnam time, and the blueprint editor.

The editor works without JavaScript: "Thêm dòng" posts the form back with one more blank
row and saves nothing. Each row shows how many approved questions its topic can supply.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.exams import bp, draw, queries, queries_bank, setup
from app.exams.forms import ExamForm
from app.extensions import db
from app.i18n import TZ
from app.models import Exam, ExamState, Period, ReviewWhen, Unit, utcnow
from app.org.queries import unit_choices

SPLIT = re.compile(r"[\s,;]+")


def _period_choices() -> list[tuple[str, str]]:
    today = utcnow().astimezone(TZ).date()
    choices = [(str(p.id), p.name) for p in queries.periods()]
    if queries.period_containing(today) is None:
        name = setup.half_year(today)[0]
        choices.insert(0, ("auto", _("%(name)s (tạo mới)", name=name)))
    return [*choices, ("new", _("Kỳ khác (tự đặt tên và thời gian)"))]


def _prepare(form: ExamForm, supply: list[queries_bank.TopicSupply]) -> None:
    units = unit_choices(Perm.EXAMS_MANAGE)
    if form.unit_id is not None:
        form.unit_id.choices = units
        form.period.choices = _period_choices()
    form.target_unit_ids.choices = units
    topics = [(0, _("— chọn chủ đề —"))] + [
        (s.topic.id, "— " * s.topic.full_path.count("/") + s.topic.name) for s in supply
    ]
    for entry in form.rows:
        entry.form.topic.choices = topics


def _blueprint(form: ExamForm) -> dict[str, Any] | None:
    """The blueprint JSON typed in the form (None when nothing was typed); errors go to the
    fields."""
    rows = [
        {"topic": e.form.topic.data, "count": e.form.count.data, "mix": e.form.mix()}
        for e in form.rows
        if not e.form.is_blank()
    ]
    codes = [c for c in SPLIT.split(form.fixed.data or "") if c]
    found = queries_bank.question_ids_by_external(codes)
    missing = [c for c in codes if c not in found]
    if missing:
        form.fixed.errors.append(_("Không có câu hỏi mã: %(codes)s.", codes=", ".join(missing)))
        return None
    if not rows and not codes:
        return None
    data = {"rows": rows, "fixed": [found[c] for c in codes]}
    try:
        draw.parse_blueprint(data)
    except draw.BlueprintError as exc:
        form.fixed.errors.append(exc.message)
        return None
    return data


def _fields(form: ExamForm) -> dict[str, Any]:
    positions = [p for p in (line.strip() for line in form.target_positions.data.splitlines()) if p]
    return {
        "title": form.title.data,
        "opens_at": form.opens_at.data,
        "closes_at": form.closes_at.data,
        "time_limit_minutes": form.time_limit_minutes.data,
        "pass_mark": form.pass_percent.data / 100,
        "target_unit_ids": list(form.target_unit_ids.data or []),
        "target_positions": positions,
        "shuffle_questions": form.shuffle_questions.data,
        "shuffle_options": form.shuffle_options.data,
        "sequential": form.navigation.data == "sequential",
        "one_per_page": form.layout.data == "one",
        "review_when": ReviewWhen(form.review_when.data),
        "review_score": form.review_score.data,
        "review_topics": form.review_topics.data,
        "review_answers": form.review_answers.data,
        "room_pin": form.room_pin.data or None,
    }


def _initial(exam: Exam) -> dict[str, Any]:
    """What the edit form starts with (the stored exam, blueprint rows unfolded)."""
    bp_data = exam.blueprint or {}
    rows = [
        {"topic": r.get("topic"), "count": r.get("count"), **(r.get("mix") or {})}
        for r in bp_data.get("rows", [])
    ]
    fixed = queries_bank.external_ids(bp_data.get("fixed", []))
    return {
        "title": exam.title,
        "opens_at": exam.opens_at,
        "closes_at": exam.closes_at,
        "time_limit_minutes": exam.time_limit_minutes,
        "pass_percent": round(exam.pass_mark * 100),
        "target_unit_ids": exam.target_unit_ids,
        "target_positions": "\n".join(exam.target_positions or []),
        "navigation": "sequential" if exam.sequential else "free",
        "layout": "one" if exam.one_per_page else "all",
        "review_when": exam.review_when.value,
        "rows": [*rows, {}],
        "fixed": "\n".join(fixed[q] for q in bp_data.get("fixed", []) if q in fixed),
        **{k: getattr(exam, k) for k in ("shuffle_questions", "shuffle_options", "room_pin")},
        **{k: getattr(exam, k) for k in ("review_score", "review_topics", "review_answers")},
    }


def _parse_day(text: str):
    return datetime.strptime(text.strip(), "%d/%m/%Y").date()


def _period(form: ExamForm) -> Period:
    """The chosen period; ``auto`` = the half-year of today, ``new`` = a custom one."""
    if form.period.data == "auto":
        return setup.period_for(utcnow().astimezone(TZ).date())
    if form.period.data == "new":
        try:
            start, end = _parse_day(form.period_start.data), _parse_day(form.period_end.data)
        except ValueError as exc:
            raise setup.SetupError(_("Ngày của kỳ mới phải có dạng dd/mm/yyyy.")) from exc
        return setup.create_period(form.period_name.data, start, end)
    period = db.session.get(Period, int(form.period.data))
    if period is None:
        raise setup.SetupError(_("Kỳ đánh giá không tồn tại."))
    return period


def _render(form: ExamForm, exam: Exam | None, supply, errors=()):
    return render_template(
        "exams/manage_edit.html",
        form=form,
        exam=exam,
        supply=supply,
        errors=errors,
        positions=queries.positions_in_scope(Perm.EXAMS_MANAGE),
    )


def _add_row(form: ExamForm, supply) -> bool:
    if form.is_submitted() and form.add_row.data:
        form.rows.append_entry()
        _prepare(form, supply)
        return True
    return False


@bp.route("/manage/new", methods=["GET", "POST"])
@requires(Perm.EXAMS_MANAGE)
def create_exam():
    supply = queries_bank.topic_supply()
    form = ExamForm()
    if not form.is_submitted():
        current = queries.period_containing(utcnow().astimezone(TZ).date())
        form.period.data = str(current.id) if current else "auto"
    _prepare(form, supply)
    if _add_row(form, supply) or not form.validate_on_submit():
        return _render(form, None, supply)
    fields, blueprint = _fields(form), _blueprint(form)
    if form.fixed.errors:
        return _render(form, None, supply)
    if blueprint is not None:
        fields["blueprint"] = blueprint
    try:
        unit = db.session.get(Unit, form.unit_id.data)
        exam = setup.create_exam(
            unit, _period(form), created_by_id=current_user.account_id, **fields
        )
    except setup.SetupError as exc:
        db.session.rollback()
        return _render(form, None, supply, [str(exc)])
    db.session.commit()
    flash(_("Đã tạo bài kiểm tra (nháp)."), "success")
    return redirect(url_for("exams.view_exam", exam_id=exam.id))


@bp.route("/manage/<int:exam_id>/edit", methods=["GET", "POST"])
@requires(Perm.EXAMS_MANAGE)
def edit_exam(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    if exam.state is not ExamState.DRAFT:
        flash(
            _("Chỉ sửa được bài kiểm tra ở trạng thái nháp. Hãy chuyển về nháp trước."), "warning"
        )
        return redirect(url_for("exams.view_exam", exam_id=exam.id))
    supply = queries_bank.topic_supply()
    form = ExamForm(data=_initial(exam) if request.method == "GET" else None)
    for name in ("period", "period_name", "period_start", "period_end", "unit_id"):
        delattr(form, name)
    _prepare(form, supply)
    if _add_row(form, supply) or not form.validate_on_submit():
        return _render(form, exam, supply)
    fields, blueprint = _fields(form), _blueprint(form)
    if form.fixed.errors:
        return _render(form, exam, supply)
    fields["blueprint"] = blueprint if blueprint is not None else {}
    try:
        setup.update_exam(exam, **fields)
    except setup.SetupError as exc:
        db.session.rollback()
        return _render(form, exam, supply, [str(exc)])
    db.session.commit()
    flash(_("Đã lưu."), "success")
    return redirect(url_for("exams.view_exam", exam_id=exam.id))
