"""Account operations for administrators and the CLI. They flush and audit; callers commit."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.auth.services import check_new_password, hash_password
from app.extensions import db
from app.models import Account, Person, Role, RoleGrant, Unit
from app.text import nfc, squash

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


class AccountError(ValueError):
    """An account rule was broken; the message is shown to the user."""


def create_account(
    username: str,
    *,
    display_name: str = "",
    password: str | None = None,
    person: Person | None = None,
    must_change: bool = True,
    is_service: bool = False,
) -> Account:
    """Create an account. Without a password it can only be activated by a setup code.

    Raises AccountError for a malformed or taken username or a weak password.
    """
    name = nfc(username).lower()
    if not USERNAME_RE.match(name):
        raise AccountError(
            _l("Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch (2–80 ký tự).")
        )
    if db.session.scalar(sa.select(Account.id).where(Account.username == name)):
        raise AccountError(_l("Tên đăng nhập %(name)s đã được dùng.", name=name))
    account = Account(
        username=name,
        display_name=squash(display_name) or name,
        person=person,
        must_change_password=must_change,
        is_service=is_service,
    )
    if password:
        try:
            check_new_password(password, name)
        except ValueError as exc:
            raise AccountError(str(exc)) from exc
        account.password_hash = hash_password(password)
    db.session.add(account)
    db.session.flush()
    record_audit("account.create", account, after={"username": name})
    return account


def grant_role(account: Account, role: Role, unit: Unit) -> RoleGrant:
    """Give ``role`` over ``unit``'s sub-tree (idempotent); returns the grant."""
    existing = db.session.scalar(
        sa.select(RoleGrant).where(
            RoleGrant.account_id == account.id, RoleGrant.role == role, RoleGrant.unit_id == unit.id
        )
    )
    if existing:
        return existing
    grant = RoleGrant(account=account, role=role, unit=unit)
    db.session.add(grant)
    db.session.flush()
    record_audit(
        "account.grant", account, after={"role": role.value, "unit_id": unit.id}, unit_id=unit.id
    )
    return grant


def revoke_grant(grant: RoleGrant) -> None:
    record_audit(
        "account.revoke",
        grant.account,
        before={"role": grant.role.value, "unit_id": grant.unit_id},
        unit_id=grant.unit_id,
    )
    db.session.delete(grant)
