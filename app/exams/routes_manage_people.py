"""Who must sit an exam: build the list from the targets, add, remove, exempt, extra time;
and the retest for the people who failed."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import Perm, requires
from app.exams import bp, queries, setup
from app.exams.forms import (
    ConfirmForm,
    ExemptForm,
    ExtraTimeForm,
    PersonForm,
    PersonReasonForm,
    RetestForm,
)
from app.extensions import db
from app.models import Exam, Person


def _back(exam: Exam) -> Response:
    return redirect(url_for("exams.view_exam", exam_id=exam.id))


def _person(form: PersonForm) -> Person:
    try:
        person_id = int(form.person_id.data or "")
    except ValueError:
        person_id = 0
    return queries.person_or_404(person_id, Perm.EXAMS_MANAGE)


def _run(exam: Exam, action, success: str) -> Response:
    """Call ``action``; commit and flash ``success``, or roll back and flash the error."""
    try:
        action()
    except setup.SetupError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return _back(exam)


@bp.route("/manage/<int:exam_id>/candidates/build", methods=["POST"])
@requires(Perm.EXAMS_MANAGE)
def build_candidates(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    if not ConfirmForm().validate_on_submit():
        flash(_("Yêu cầu không hợp lệ."), "danger")
        return _back(exam)
    try:
        added = setup.build_candidates(exam)
    except setup.SetupError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _back(exam)
    db.session.commit()
    flash(_("Đã thêm %(n)d người theo đơn vị và chức danh.", n=added), "success")
    return _back(exam)


@bp.route("/manage/<int:exam_id>/candidates/add", methods=["POST"])
@requires(Perm.EXAMS_MANAGE)
def add_candidate(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    form = PersonForm()
    if not form.validate_on_submit():
        return _back(exam)
    person = _person(form)
    return _run(
        exam,
        lambda: setup.add_candidate(exam, person, reason=_("Thêm thủ công")),
        _("Đã thêm %(name)s.", name=person.full_name),
    )


@bp.route("/manage/<int:exam_id>/candidates/remove", methods=["POST"])
@requires(Perm.EXAMS_MANAGE)
def remove_candidate(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    form = PersonReasonForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng ghi lý do."), "danger")
        return _back(exam)
    person = _person(form)
    return _run(
        exam,
        lambda: setup.remove_candidate(exam, person, reason=form.reason.data),
        _("Đã xóa %(name)s khỏi danh sách.", name=person.full_name),
    )


@bp.route("/manage/<int:exam_id>/candidates/exempt", methods=["POST"])
@requires(Perm.EXAMS_MANAGE)
def exempt_candidate(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    form = ExemptForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng ghi lý do."), "danger")
        return _back(exam)
    person, exempt = _person(form), form.exempt.data == "1"
    return _run(
        exam,
        lambda: setup.set_exemption(exam, person, exempt=exempt, reason=form.reason.data),
        _("Đã miễn kiểm tra cho %(name)s.", name=person.full_name)
        if exempt
        else _("%(name)s phải dự kiểm tra trở lại.", name=person.full_name),
    )


@bp.route("/manage/<int:exam_id>/candidates/extra-time", methods=["POST"])
@requires(Perm.EXAMS_MANAGE)
def extra_time(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    form = ExtraTimeForm()
    if not form.validate_on_submit():
        flash(_("Nhập số phút (0–240) và lý do."), "danger")
        return _back(exam)
    person = _person(form)
    return _run(
        exam,
        lambda: setup.set_extra_time(
            exam, person, minutes=form.minutes.data, reason=form.reason.data
        ),
        _("Đã ghi thời gian cộng thêm cho %(name)s.", name=person.full_name),
    )


@bp.route("/manage/<int:exam_id>/retest", methods=["GET", "POST"])
@requires(Perm.EXAMS_MANAGE)
def create_retest(exam_id: int):
    exam = queries.exam_or_404(exam_id, Perm.EXAMS_MANAGE)
    form = RetestForm()
    if not form.is_submitted():
        form.title.data = _("Kiểm tra lại: %(title)s", title=exam.title)
        form.opens_at.data = exam.closes_at + timedelta(days=7)
        form.closes_at.data = exam.closes_at + timedelta(days=7, hours=2)
    if form.validate_on_submit():
        try:
            retest = setup.create_retest(
                exam,
                title=form.title.data,
                opens_at=form.opens_at.data,
                closes_at=form.closes_at.data,
                created_by_id=current_user.account_id,
            )
        except setup.SetupError as exc:
            db.session.rollback()
            form.title.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã tạo bài kiểm tra lại (nháp)."), "success")
            return redirect(url_for("exams.view_exam", exam_id=retest.id))
    return render_template(
        "exams/manage_retest.html", form=form, exam=exam, failed=queries.failed_people(exam)
    )
