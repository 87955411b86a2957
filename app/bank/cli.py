"""``flask bank import`` and ``flask bank export``."""

from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.bank import importer
from app.bank.content import from_version
from app.bank.formats import FORMATS, write
from app.extensions import db
from app.models import Account, Question

bank_cli = AppGroup("bank", help="Ngân hàng câu hỏi.")


def _account(username: str | None) -> Account | None:
    if not username:
        return None
    account = db.session.scalar(sa.select(Account).where(Account.username == username))
    if account is None:
        raise click.ClickException(f"Không có tài khoản {username}.")
    return account


@bank_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", default="auto", type=click.Choice(["auto", *FORMATS]))
@click.option("--topic", default="", help="Đặt các câu hỏi dưới chủ đề này (đường dẫn A/B).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON.")
@click.option("--author", help="Tên đăng nhập của người biên soạn.")
@click.option("--approve-as", help="Người thẩm định: câu có status approved được duyệt.")
def import_command(path, fmt, topic, dry_run, as_json, author, approve_as):
    """Import questions from a file or a folder; all or nothing. Exit 1 on invalid input."""
    files = [(str(p), p.read_bytes()) for p in importer.collect_files(path)]
    report = importer.plan_files(files, fmt=fmt, topic=topic)
    if report.ok:
        importer.apply_plan(report, author=_account(author), approver=_account(approve_as))
        db.session.rollback() if dry_run else db.session.commit()
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_report(report, dry_run)
    if not report.ok:
        raise SystemExit(1)


def _print_report(report: importer.ImportReport, dry_run: bool) -> None:
    for item in report.errors + report.warnings:
        where = f"{item['file']}:" if item["file"] else ""
        click.echo(f"{where}{item['line']}: {item['message']}", err=True)
    if report.ok:
        verb = "Sẽ" if dry_run else "Đã"
        click.echo(
            f"{verb} nhập {len(report.questions)} câu hỏi: {report.created} mới, "
            f"{report.updated} cập nhật, {report.unchanged} không đổi."
        )
    else:
        click.echo("Tệp có lỗi; không ghi dữ liệu nào.", err=True)


@bank_cli.command("export")
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(fmt, out):
    """Export the latest version of every question to OUT."""
    questions = db.session.scalars(sa.select(Question).order_by(Question.id)).all()
    data = [from_version(q.latest, q.topic.full_path, q.external_id or "") for q in questions]
    out.write_bytes(write(data, fmt))
    click.echo(f"Đã xuất {len(data)} câu hỏi ra {out}.")
