"""Command line: demo load (idempotent), users create, backup."""

import sqlite3

import sqlalchemy as sa

from app.extensions import db
from app.models import Account, Person, RoleGrant, Unit


def _counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Unit, Person, Account, RoleGrant)
    )


def test_demo_load_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = _counts()
    assert counts[0] >= 17 and counts[1] == 60 and counts[2] == 8
    depth = db.session.scalar(sa.select(sa.func.max(Unit.depth)))
    assert depth >= 2  # province → district → commune
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and _counts() == counts
    for name in ("admin", "hr", "hr.xa", "author", "reviewer", "assessor", "proctor", "staff"):
        assert f"  {name} " in first.output
    assert "demo1234" in first.output


def test_users_create_with_role(demo):
    runner = demo.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "giamsat",
            "--role",
            "proctor",
            "--unit",
            "ST-LH",
            "--password",
            "GiamSat#2026",
        ]
    )
    assert result.exit_code == 0, result.output
    account = db.session.scalar(sa.select(Account).where(Account.username == "giamsat"))
    assert account.must_change_password and account.grants[0].unit.code == "ST-LH"
    again = runner.invoke(args=["users", "create", "giamsat", "--password", "GiamSat#2026"])
    assert again.exit_code == 1 and "đã được dùng" in again.output


def test_backup_is_consistent(demo, tmp_path):
    if db.engine.dialect.name != "sqlite":
        result = demo.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.db")])
        assert result.exit_code == 2 and "pg_dump" in result.output
        return
    target = tmp_path / "backup.sqlite3"
    result = demo.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM people").fetchone()[0] == 60
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
