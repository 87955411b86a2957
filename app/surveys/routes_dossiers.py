"""Dossier codes uploaded as a file: template, dry-run preview with line errors, confirm.

The same rules as ``POST /api/v1/dossiers`` (``register_dossiers``): units must lie in the
caller's ``dossiers.register`` scope, and one bad row means nothing is written. The file
waits under ``UPLOAD_DIR/dossier-uploads`` between preview and confirmation and is read
and checked again when confirmed.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import Perm, requires, scope_clause
from app.exports.tables import Table, table_download
from app.extensions import db
from app.models import Unit
from app.org.importer import read_table
from app.org.queries import unit_choices
from app.surveys import bp
from app.surveys.dossier_upload import apply_upload, plan_upload, template_columns
from app.surveys.forms import DossierUploadForm

TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def _units() -> dict[str, Unit]:
    """The units the caller may register dossiers in, by code."""
    stmt = sa.select(Unit).where(scope_clause(Perm.DOSSIERS_REGISTER, Unit.path))
    return {u.code: u for u in db.session.scalars(stmt)}


def _folder() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "dossier-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _unit_of(unit_id: int | None, units: dict[str, Unit]) -> Unit | None:
    return next((u for u in units.values() if u.id == unit_id), None)


@bp.route("/dossiers/template.<any(csv, xlsx):fmt>")
@requires(Perm.DOSSIERS_REGISTER)
def dossier_template(fmt: str):
    """An empty table with the expected headers (the CSV has a BOM for Excel)."""
    return table_download([Table("Mã hồ sơ", template_columns(), [])], fmt, "mau-ma-ho-so")


@bp.route("/dossiers/upload", methods=["GET", "POST"])
@requires(Perm.DOSSIERS_REGISTER)
def upload_dossiers():
    """Upload a file and see, without writing anything, what would be registered."""
    form = DossierUploadForm()
    form.unit_id.choices = unit_choices(Perm.DOSSIERS_REGISTER)
    plan, token = None, ""
    if form.validate_on_submit():
        name = form.file.data.filename or "upload.csv"
        data = form.file.data.read()
        units = _units()
        try:
            plan = plan_upload(read_table(name, data), units, _unit_of(form.unit_id.data, units))
        except ValueError as exc:
            form.file.errors.append(str(exc))
        else:
            db.session.rollback()  # a dry run: make sure nothing lingers
            if plan.ok:
                token = secrets.token_hex(16) + (
                    ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
                )
                (_folder() / token).write_bytes(data)
    status = 422 if form.errors or (plan and not plan.ok) else 200
    return render_template(
        "surveys/upload_dossiers.html", form=form, plan=plan, token=token
    ), status


@bp.route("/dossiers/upload/confirm", methods=["POST"])
@requires(Perm.DOSSIERS_REGISTER)
def confirm_dossiers():
    token = request.form.get("token", "")
    path = _folder() / token
    if not TOKEN_RE.match(token) or not path.is_file():
        abort(404)
    units = _units()
    unit = _unit_of(request.form.get("unit_id", type=int), units)
    plan = plan_upload(read_table(path.name, path.read_bytes()), units, unit)
    try:
        report = apply_upload(plan, units)
    except ValueError:
        db.session.rollback()
        flash(_("Dữ liệu đã thay đổi từ lúc xem trước; vui lòng kiểm tra lại."), "danger")
        return redirect(url_for("surveys.upload_dossiers"))
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        _(
            "Đã đăng ký %(n)d mã hồ sơ; %(m)d mã đã có từ trước.",
            n=report.created,
            m=len(report.existing),
        ),
        "success",
    )
    return redirect(url_for("surveys.upload_dossiers"))
