"""``flask reports docx``: the periodic report as a DOCX file, for a unit and its sub-tree."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from app.extensions import db
from app.models import Unit
from app.reports import bp
from app.reports.collect import collect_report
from app.reports.docx import render_docx
from app.reports.periods import KINDS

bp.cli.short_help = "Báo cáo định kỳ (DOCX)."


@bp.cli.command("docx")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--year", type=int, required=True)
@click.option("--number", type=int, default=1, show_default=True)
@click.option("--unit", "unit_code", default="", help="Mã đơn vị (mặc định: cấp tỉnh).")
@click.option("--issuer", default="", help="Cơ quan ban hành.")
@click.option("--parent", default="", help="Cơ quan chủ quản.")
@click.option("--report-number", default="", help="Số, ký hiệu, ví dụ 15/BC-SNV.")
@click.option("--place", default="", help="Địa danh.")
@click.option("--signer-title", default="")
@click.option("--signer-name", default="")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def docx_command(
    kind,
    year,
    number,
    unit_code,
    issuer,
    parent,
    report_number,
    place,
    signer_title,
    signer_name,
    output: Path,
):
    """Write the report of a quarter, half year, nine months or year to OUTPUT."""
    stmt = (
        sa.select(Unit).where(Unit.code == unit_code)
        if unit_code
        else (sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    )
    unit = db.session.scalars(stmt).first()
    if unit is None:
        raise click.ClickException(f"Không có đơn vị {unit_code or '(gốc)'}.")
    try:
        data = collect_report(
            kind,
            year,
            number,
            unit,
            issuing_body=issuer,
            issuing_parent=parent,
            doc_number=report_number,
            place=place,
            signer_title=signer_title,
            signer_name=signer_name,
        )
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()  # the satisfaction rollups the report brought up to date
    output.write_bytes(render_docx(data))
    click.echo(f"Đã ghi {output} ({data.subject}).")
