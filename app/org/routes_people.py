"""People screens: scoped list with diacritic-free search, profile, edit, reassign, import."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, get_in_scope_or_404, requires
from app.extensions import db
from app.models import Person, Unit
from app.org import bp, importer, services
from app.org.forms import STATUS_LABELS, ImportForm, PersonForm, ReassignForm
from app.org.queries import paginate, people_query, unit_choices


def _managed_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not current_user.can(Perm.PEOPLE_MANAGE, unit):
        abort(404)
    return unit


@bp.route("/people")
@requires(Perm.PEOPLE_VIEW)
def list_people():
    q = request.args.get("q", "").strip()[:100]
    unit_id = request.args.get("unit", type=int)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    page = paginate(
        people_query(Perm.PEOPLE_VIEW, q=q, unit=unit),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "org/list_people.html",
        page=page,
        q=q,
        unit=unit,
        units=unit_choices(Perm.PEOPLE_VIEW),
        labels=STATUS_LABELS,
        can_manage=current_user.can(Perm.PEOPLE_MANAGE),
    )


@bp.route("/people/<int:person_id>")
@requires(Perm.PEOPLE_VIEW)
def view_person(person_id: int):
    person = get_in_scope_or_404(Person, person_id, Perm.PEOPLE_VIEW, Unit.path)
    return render_template(
        "org/view_person.html",
        person=person,
        labels=STATUS_LABELS,
        can_manage=current_user.can(Perm.PEOPLE_MANAGE, person.unit),
    )


@bp.route("/people/new", methods=["GET", "POST"])
@requires(Perm.PEOPLE_MANAGE)
def create_person():
    form = PersonForm()
    form.unit_id.choices = unit_choices(Perm.PEOPLE_MANAGE)
    if form.validate_on_submit():
        data = services.PersonInput(
            full_name=form.full_name.data,
            unit=_managed_unit(form.unit_id.data),
            position=form.position.data,
            staff_code=form.staff_code.data or None,
            date_of_birth=form.date_of_birth.data,
            status=form.status.data,
        )
        try:
            person = services.create_person(data)
        except services.OrgError as exc:
            form.staff_code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã thêm %(name)s.", name=person.full_name), "success")
            return redirect(url_for("org.view_person", person_id=person.id))
    return render_template("org/edit_person.html", form=form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@requires(Perm.PEOPLE_MANAGE)
def edit_person(person_id: int):
    person = get_in_scope_or_404(Person, person_id, Perm.PEOPLE_MANAGE, Unit.path)
    form = PersonForm(obj=person)
    form.unit_id.choices = [(person.unit_id, person.unit.name)]
    if not form.is_submitted():
        form.status.data = person.status.value
    if form.validate_on_submit():
        try:
            services.update_person(
                person,
                full_name=form.full_name.data,
                date_of_birth=form.date_of_birth.data,
                status=form.status.data,
                staff_code=form.staff_code.data,
            )
        except services.OrgError as exc:
            form.staff_code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã lưu."), "success")
            return redirect(url_for("org.view_person", person_id=person.id))
    return render_template("org/edit_person.html", form=form, person=person)


@bp.route("/people/<int:person_id>/reassign", methods=["GET", "POST"])
@requires(Perm.PEOPLE_MANAGE)
def reassign_person(person_id: int):
    person = get_in_scope_or_404(Person, person_id, Perm.PEOPLE_MANAGE, Unit.path)
    form = ReassignForm()
    form.unit_id.choices = unit_choices(Perm.PEOPLE_MANAGE)
    if form.validate_on_submit():
        try:
            services.reassign_person(
                person,
                _managed_unit(form.unit_id.data),
                form.position.data,
                on=form.on.data,
                reason=form.reason.data,
                decision_ref=form.decision_ref.data,
            )
        except services.OrgError as exc:
            form.on.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã ghi nhận điều động."), "success")
            return redirect(url_for("org.view_person", person_id=person.id))
    return render_template("org/reassign_person.html", form=form, person=person)


def _import_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@bp.route("/people/import", methods=["GET", "POST"])
@requires(Perm.PEOPLE_MANAGE)
def import_people():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "upload.csv"
        data = upload.read()
        try:
            plan = importer.plan_import(importer.read_table(name, data))
        except ValueError as exc:
            form.file.errors.append(str(exc))
            return render_template("org/import_people.html", form=form, plan=None)
        _check_plan_scope(plan)
        token = secrets.token_hex(16)
        suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
        (_import_dir() / f"{token}{suffix}").write_bytes(data)
        return render_template("org/import_people.html", form=form, plan=plan, token=token + suffix)
    return render_template("org/import_people.html", form=form, plan=None)


def _check_plan_scope(plan: importer.ImportPlan) -> None:
    """A row for a unit outside the caller's scope is an error like any other."""
    for row in list(plan.rows):
        if not current_user.can(Perm.PEOPLE_MANAGE, row.data.unit):
            plan.errors.append(
                (
                    row.row,
                    _(
                        "Đơn vị %(code)s nằm ngoài phạm vi quản lý của bạn.",
                        code=row.data.unit.code,
                    ),
                )
            )
            plan.rows.remove(row)


@bp.route("/people/import/confirm", methods=["POST"])
@requires(Perm.PEOPLE_MANAGE)
def confirm_import():
    token = request.form.get("token", "")
    path = _import_dir() / Path(token).name
    if not token or not path.is_file():
        abort(404)
    plan = importer.plan_import(importer.read_table(path.name, path.read_bytes()))
    _check_plan_scope(plan)
    if not plan.ok:
        flash(_("Dữ liệu đã thay đổi từ lúc xem trước; vui lòng kiểm tra lại."), "danger")
        return redirect(url_for("org.import_people"))
    people = importer.apply_import(plan)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("Đã nhập %(n)d cán bộ.", n=len(people)), "success")
    return redirect(url_for("org.list_people"))
