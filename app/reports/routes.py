"""``/reports/``: choose the period and unit, type the header fields, download the DOCX."""

from __future__ import annotations

import io

from flask import render_template, send_file

from app.access import Perm, get_in_scope_or_404, requires
from app.extensions import db
from app.models import Unit, utcnow
from app.org.queries import unit_choices
from app.reports import bp
from app.reports.collect import collect_report
from app.reports.docx import DOCX_MIME, render_docx
from app.reports.forms import ReportForm


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.ANALYTICS_VIEW)
def create_report():
    form = ReportForm()
    form.unit.choices = unit_choices(Perm.ANALYTICS_VIEW)
    if not form.is_submitted():
        form.year.data = utcnow().year
    if form.validate_on_submit():
        unit = get_in_scope_or_404(Unit, form.unit.data, Perm.ANALYTICS_VIEW, Unit.path)
        data = collect_report(
            form.kind.data, form.year.data, form.number.data, unit, **form.header()
        )
        db.session.commit()  # the satisfaction rollups the report brought up to date
        return send_file(
            io.BytesIO(render_docx(data)),
            mimetype=DOCX_MIME,
            as_attachment=True,
            download_name=f"bao-cao-{form.kind.data}-{form.year.data}-{form.number.data}.docx",
        )
    return render_template("reports/create_report.html", form=form)
