"""``flask surveys``: housekeeping of the citizen survey tables, meant for cron, and the
export of every response (``flask surveys export FILE.csv|FILE.xlsx``).

``flask surveys purge-keys`` deletes the kiosks' idempotency keys older than ``--days``
(default 30). A kiosk retries a queued response within minutes or hours, so a month-old
key protects nothing; the keys carry only a date, but the table would grow forever.
Example crontab line (every night at 02:30):

    30 2 * * *  cd /srv/onestop-assess && FLASK_APP=wsgi.py .venv/bin/flask surveys purge-keys
"""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db
from app.models import Unit
from app.surveys.responses import purge_submission_keys

surveys_cli = AppGroup("surveys", help="Khảo sát người dân: việc định kỳ.")


@surveys_cli.command("purge-keys")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Xóa khóa chống gửi trùng cũ hơn số ngày này.",
)
def purge_keys_command(days: int) -> None:
    """Delete kiosk idempotency keys older than DAYS days and print how many."""
    try:
        count = purge_submission_keys(days)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Đã xóa {count} khóa chống gửi trùng cũ hơn {days} ngày.")


@surveys_cli.command("export")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--unit", "unit_code", help="Mã đơn vị: chỉ đơn vị này và các đơn vị trực thuộc.")
@click.option("--verified", is_flag=True, help="Chỉ phiếu đã xác thực (mã hồ sơ).")
@click.option("--since", type=click.DateTime(["%d/%m/%Y", "%Y-%m-%d"]), help="Từ ngày.")
def export_command(out: Path, unit_code: str | None, verified: bool, since) -> None:
    """Write every anonymous response (no cap) to OUT, a .csv or .xlsx file."""
    from app.surveys.export_file import ExportError, export_responses

    unit = None
    if unit_code:
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
    try:
        count = export_responses(
            out, unit=unit, verified_only=verified, since=since.date() if since else None
        )
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Đã xuất {count} phiếu vào {out}.")
