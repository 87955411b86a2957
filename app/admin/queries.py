"""Scoped reads of accounts, shared by the admin screens and the API."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.access import Perm, scope_clause
from app.extensions import db
from app.models import Account, RoleGrant, Unit


def accounts_in_scope() -> sa.Select:
    """Accounts none of whose grants lie outside the caller's account-management scope."""
    outside = (
        sa.select(RoleGrant.account_id)
        .join(Unit)
        .where(~scope_clause(Perm.ACCOUNTS_MANAGE, Unit.path))
    )
    return sa.select(Account).where(Account.id.not_in(outside)).order_by(Account.username)


def account_in_scope_or_404(account_id: int) -> Account:
    """One account in the caller's scope; 404 when missing or outside it."""
    account = db.session.get(Account, account_id)
    if account is None or any(
        not current_user.can(Perm.ACCOUNTS_MANAGE, g.unit) for g in account.grants
    ):
        abort(404)
    return account
