"""``flask surveys``: housekeeping of the citizen survey tables, meant for cron.

``flask surveys purge-keys`` deletes the kiosks' idempotency keys older than ``--days``
(default 30). A kiosk retries a queued response within minutes or hours, so a month-old
key protects nothing; the keys carry only a date, but the table would grow forever.
Example crontab line (every night at 02:30):

    30 2 * * *  cd /srv/onestop-assess && FLASK_APP=wsgi.py .venv/bin/flask surveys purge-keys
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
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
