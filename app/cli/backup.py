"""``flask backup PATH`` and ``flask restore PATH``: consistent copies of the database.

SQLite: the online backup API copies a consistent snapshot while the app keeps
writing. PostgreSQL: use ``pg_dump -Fc`` / ``pg_restore`` (printed as advice).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app

from app.extensions import db

PG_ADVICE = (
    "PostgreSQL: dùng pg_dump, ví dụ\n"
    '  pg_dump -Fc "$DATABASE_URL" -f backup.dump\n'
    "và khôi phục bằng\n"
    '  pg_restore --clean --if-exists -d "$DATABASE_URL" backup.dump\n'
)


def _sqlite_path() -> Path:
    return Path(db.engine.url.database or "")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Write a consistent copy of the SQLite database to PATH while the app runs."""
    if db.engine.dialect.name != "sqlite":
        click.echo(PG_ADVICE)
        raise SystemExit(2)
    if path.exists():
        raise click.ClickException(f"{path} đã tồn tại; chọn tên khác.")
    source = sqlite3.connect(_sqlite_path(), timeout=30)
    target = sqlite3.connect(path)
    with target:
        source.backup(target, pages=256)
    ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    source.close()
    target.close()
    if ok != "ok":
        raise click.ClickException(f"Bản sao lưu không toàn vẹn: {ok}")
    click.echo(f"Đã sao lưu vào {path} (integrity_check: ok).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi lại.")
def restore_command(path: Path, yes: bool):
    """Replace the SQLite database with the backup at PATH (stop the app first)."""
    if db.engine.dialect.name != "sqlite":
        click.echo(PG_ADVICE)
        raise SystemExit(2)
    source = sqlite3.connect(path)
    if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise click.ClickException("Tệp sao lưu không toàn vẹn; không khôi phục.")
    if not yes:
        click.confirm(f"Ghi đè {current_app.config['SQLALCHEMY_DATABASE_URI']}?", abort=True)
    db.engine.dispose()
    target = sqlite3.connect(_sqlite_path(), timeout=30)
    with target:
        source.backup(target)
    source.close()
    target.close()
    click.echo("Đã khôi phục.")
