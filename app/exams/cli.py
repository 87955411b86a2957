"""``flask exams``: the deadline sweep (run it periodically, e.g. every minute from cron or a
systemd timer) and the paper-sitting import."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.exams import attempts, paper
from app.extensions import db
from app.models import Exam

exams_cli = AppGroup("exams", help="Kỳ kiểm tra: tự động nộp bài quá hạn, nhập kết quả thi giấy.")


@exams_cli.command("sweep")
def sweep_command():
    """Finish every attempt past its deadline (plus grace) and print how many."""
    try:
        count = attempts.sweep()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Đã tự động nộp {count} bài quá hạn.")


@exams_cli.command("paper-import")
@click.argument("exam_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi gì.")
def paper_import_command(exam_id: int, file: Path, dry_run: bool):
    """Import the results of a paper sitting (CSV/XLSX of totals or per-question marks)."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise click.ClickException(f"Không có bài kiểm tra #{exam_id}.")
    try:
        plan = paper.plan_paper(exam, paper.read_table(file.name, file.read_bytes()))
    except paper.PaperError as exc:
        raise click.ClickException(str(exc)) from exc
    if not plan.ok:
        for row, message in plan.errors:
            click.echo(f"Dòng {row}: {message}" if row else message, err=True)
        raise click.ClickException("Tệp có lỗi; chưa ghi gì.")
    if dry_run:
        click.echo(f"Kiểm tra xong: {len(plan.rows)} người, không có lỗi (chưa ghi).")
        return
    created = paper.apply_paper(exam, plan, source=file.name)
    db.session.commit()
    click.echo(f"Đã nhập kết quả thi trên giấy của {len(created)} người.")
