"""``flask users create`` and ``flask staff import``."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.admin import services
from app.extensions import db
from app.models import Role, Unit
from app.org import importer

users_cli = AppGroup("users", help="Tài khoản đăng nhập.")
staff_cli = AppGroup("staff", help="Hồ sơ cán bộ, công chức.")


@users_cli.command("create")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    help="Vai trò (lặp lại để cấp nhiều vai trò).",
)
@click.option("--unit", "unit_code", help="Mã đơn vị phạm vi (mặc định: đơn vị gốc).")
@click.option("--name", "display_name", default="", help="Tên hiển thị.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username, roles, unit_code, display_name, password):
    """Create an account that must change its password at first login."""
    unit = _unit(unit_code)
    try:
        account = services.create_account(username, display_name=display_name, password=password)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    for role in roles:
        services.grant_role(account, Role(role), unit)
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {account.username} ({', '.join(roles) or 'chưa có vai trò'}).")


def _unit(code: str | None) -> Unit:
    stmt = (
        sa.select(Unit).where(Unit.code == code.upper())
        if code
        else (sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    )
    unit = db.session.scalars(stmt).first()
    if unit is None:
        raise click.ClickException(f"Không tìm thấy đơn vị {code or '(gốc)'}.")
    return unit


@staff_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
def import_staff(path: Path, dry_run: bool):
    """Import a staff list (.xlsx or .csv); all rows or none."""
    try:
        plan = importer.plan_import(importer.read_table(path.name, path.read_bytes()))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for row, message in plan.errors + plan.duplicates:
        click.echo(f"Dòng {row}: {message}", err=True)
    if not plan.ok:
        raise click.ClickException("Tệp có lỗi; không ghi dữ liệu nào.")
    if dry_run:
        click.echo(f"Kiểm tra xong: {len(plan.rows)} cán bộ sẽ được nhập (chưa ghi).")
        return
    people = importer.apply_import(plan)
    db.session.commit()
    click.echo(f"Đã nhập {len(people)} cán bộ.")
