"""Unit tree screens: list, create, edit (rename / move), activate and deactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.extensions import db
from app.models import Unit
from app.org import bp, services
from app.org.forms import UnitEditForm, UnitForm
from app.org.queries import unit_choices, units_in_scope


def _unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not current_user.can(Perm.UNITS_MANAGE, unit):
        abort(404)
    return unit


@bp.route("/units")
@requires(Perm.UNITS_MANAGE)
def list_units():
    units = units_in_scope(Perm.UNITS_MANAGE)
    base = min((u.depth for u in units), default=0)
    return render_template("org/list_units.html", units=units, base=base)


@bp.route("/units/new", methods=["GET", "POST"])
@requires(Perm.UNITS_MANAGE)
def create_unit():
    form = UnitForm()
    form.parent_id.choices = unit_choices(Perm.UNITS_MANAGE)
    if form.validate_on_submit():
        parent = _unit_or_404(form.parent_id.data)
        try:
            unit = services.create_unit(form.code.data, form.name.data, form.kind.data, parent)
        except services.OrgError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã tạo đơn vị %(name)s.", name=unit.name), "success")
            return redirect(url_for("org.list_units"))
    return render_template("org/edit_unit.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@requires(Perm.UNITS_MANAGE)
def edit_unit(unit_id: int):
    unit = _unit_or_404(unit_id)
    form = UnitEditForm(obj=unit)
    choices = [(0, _("(Không có — đơn vị gốc)"))] if unit.parent_id is None else []
    form.parent_id.choices = choices + [
        c for c in unit_choices(Perm.UNITS_MANAGE) if c[0] != unit.id
    ]
    if form.validate_on_submit():
        try:
            services.rename_unit(unit, form.name.data, form.kind.data)
            if form.parent_id.data and form.parent_id.data != unit.parent_id:
                services.move_unit(unit, _unit_or_404(form.parent_id.data))
        except services.OrgError as exc:
            db.session.rollback()
            form.parent_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã lưu đơn vị."), "success")
            return redirect(url_for("org.list_units"))
    elif not form.is_submitted():
        form.parent_id.data = unit.parent_id or 0
    return render_template("org/edit_unit.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@requires(Perm.UNITS_MANAGE)
def toggle_unit(unit_id: int):
    unit = _unit_or_404(unit_id)
    try:
        services.set_unit_active(unit, not unit.active)
    except services.OrgError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Đã cập nhật trạng thái đơn vị."), "success")
    return redirect(url_for("org.list_units"))
