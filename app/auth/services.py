"""Authentication operations: passwords, server-side sessions, API tokens, setup codes.

These functions add and flush; the caller (a route or CLI command) commits.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app.access import Grant, Principal
from app.audit import record_audit
from app.auth import token_cache
from app.extensions import db
from app.models import Account, ApiToken, LoginSession, RoleGrant, SetupCode, Unit, utcnow
from app.text import nfc

MIN_PASSWORD_LENGTH = 8
# Verified against when the username does not exist, so timing reveals nothing.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class PasswordPolicyError(ValueError):
    """The new password breaks a rule; the message is shown to the user."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_new_password(password: str, username: str) -> None:
    """Raise PasswordPolicyError unless the password is acceptable for ``username``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            _l("Mật khẩu phải có ít nhất %(length)s ký tự.", length=MIN_PASSWORD_LENGTH)
        )
    if password.lower() == username.lower() or password.lower() in {"12345678", "password"}:
        raise PasswordPolicyError(_l("Mật khẩu quá dễ đoán, vui lòng chọn mật khẩu khác."))


def authenticate(username: str, password: str) -> Account | None:
    """Return the active account whose password matches, else None (constant-ish time)."""
    name = nfc(username).lower()
    account = db.session.scalar(sa.select(Account).where(Account.username == name))
    if account is None or not account.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(account.password_hash, password) or not account.active:
        return None
    return account


def set_password(account: Account, password: str, *, must_change: bool = False) -> None:
    """Set a new password (policy-checked) and end every other session of the account."""
    check_new_password(password, account.username)
    account.password_hash = hash_password(password)
    account.must_change_password = must_change
    revoke_sessions(account.id)


def start_session(account: Account) -> str:
    """Create a LoginSession row and return its id (what the cookie will carry)."""
    token = secrets.token_urlsafe(32)
    lifetime: timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    row = LoginSession(id=_digest(token), account_id=account.id, expires_at=utcnow() + lifetime)
    db.session.add(row)
    account.last_login_at = utcnow()
    db.session.flush()
    return token


def revoke_sessions(account_id: int, *, only: str | None = None) -> None:
    """Revoke one session (``only`` = its token) or all of an account's sessions."""
    stmt = sa.update(LoginSession).where(
        LoginSession.account_id == account_id, LoginSession.revoked_at.is_(None)
    )
    if only is not None:
        stmt = stmt.where(LoginSession.id == _digest(only))
    db.session.execute(stmt.values(revoked_at=utcnow()))


def _principal(account: Account, **extra) -> Principal:
    rows = db.session.execute(
        sa.select(RoleGrant.role, RoleGrant.unit_id, Unit.path)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.account_id == account.id)
    ).all()
    return Principal(
        account_id=account.id,
        username=account.username,
        display_name=account.display_name or account.username,
        person_id=account.person_id,
        must_change_password=account.must_change_password,
        grants=tuple(Grant(r.role, r.unit_id, r.path) for r in rows),
        **extra,
    )


def load_session_principal(token: str) -> Principal | None:
    """Resolve a session cookie's token to a Principal, or None if revoked/expired/idle."""
    row = db.session.get(LoginSession, _digest(token))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if now - row.last_seen_at > current_app.config["SESSION_IDLE_TIMEOUT"]:
        return None
    account = db.session.get(Account, row.account_id)
    if account is None or not account.active:
        return None
    if now - row.last_seen_at > timedelta(minutes=5):  # avoid a write on every request
        row.last_seen_at = now
        db.session.commit()
    return _principal(account, session_id=token)


def issue_token(account: Account, *, name: str = "", scopes: str = "*") -> tuple[str, ApiToken]:
    """Create an API token; return the clear token (shown once) and its row."""
    clear = "osa_" + secrets.token_urlsafe(32)
    row = ApiToken(
        account_id=account.id,
        name=nfc(name)[:100],
        token_hash=_digest(clear),
        scopes=scopes or "*",
        expires_at=utcnow() + current_app.config["API_TOKEN_LIFETIME"],
    )
    db.session.add(row)
    db.session.flush()
    return clear, row


def load_token_principal(clear: str) -> Principal | None:
    """Resolve a bearer token to a Principal restricted to the token's scopes.

    Served from a short per-process cache (``token_cache``, ``API_TOKEN_CACHE_SECONDS``):
    exam day sends a token a hundred times an hour. Deactivating an account forgets its
    tokens in this process at once; other worker processes notice within that many seconds.
    Otherwise one query reads the token, its account and the account's grants together.
    """
    digest = _digest(clear)
    cached = token_cache.lookup(digest)
    if cached is not None:
        return cached
    rows = db.session.execute(_token_statement(), {"digest": digest}).all()
    if not rows:
        return None
    first = rows[0]
    if first.revoked_at is not None or first.expires_at <= utcnow() or not first.active:
        return None
    principal = Principal(
        account_id=first.account_id,
        username=first.username,
        display_name=first.display_name or first.username,
        person_id=first.person_id,
        must_change_password=False,  # scripts cannot answer the change-password page
        grants=tuple(Grant(r.role, r.unit_id, r.path) for r in rows if r.role is not None),
        token_scopes=frozenset(s.strip() for s in first.scopes.split(",") if s.strip()),
    )
    token_cache.remember(digest, principal, first.expires_at)
    return principal


@functools.cache
def _token_statement() -> sa.Select:
    """The token, its account and every grant of the account (one row per grant)."""
    t, a = ApiToken.__table__, Account.__table__
    g, u = RoleGrant.__table__, Unit.__table__
    return (
        sa.select(t.c.revoked_at, t.c.expires_at, t.c.scopes, t.c.account_id)
        .add_columns(a.c.username, a.c.display_name, a.c.person_id, a.c.active)
        .add_columns(g.c.role, g.c.unit_id, u.c.path)
        .select_from(t.join(a, a.c.id == t.c.account_id))
        .outerjoin(g, g.c.account_id == a.c.id)
        .outerjoin(u, u.c.id == g.c.unit_id)
        .where(t.c.token_hash == sa.bindparam("digest"))
    )


def issue_setup_code(account: Account, *, by: Account | None, hours: int = 72) -> str:
    """Create a one-time setup code for ``account`` and return it in clear (shown once)."""
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    db.session.add(
        SetupCode(
            account_id=account.id,
            code_hash=_digest(code),
            created_by_id=by.id if by else None,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    record_audit("account.setup_code", account, actor=by)
    db.session.flush()
    return code


def redeem_setup_code(username: str, code: str, password: str) -> Account | None:
    """Set the password of ``username`` if ``code`` is valid and unused; None otherwise."""
    account = db.session.scalar(sa.select(Account).where(Account.username == nfc(username).lower()))
    if account is None or not account.active:
        return None
    row = db.session.scalar(
        sa.select(SetupCode).where(
            SetupCode.account_id == account.id,
            SetupCode.code_hash == _digest(nfc(code).upper()),
            SetupCode.used_at.is_(None),
        )
    )
    if row is None or row.expires_at <= utcnow():
        return None
    set_password(account, password)
    row.used_at = utcnow()
    record_audit("account.setup_code_used", account, actor=account)
    return account


def deactivate_account(account: Account, *, by: Account | None) -> None:
    """Deactivate and end every session and token of the account, server-side."""
    account.active = False
    revoke_sessions(account.id)
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    token_cache.forget_account(account.id)
    record_audit(
        "account.deactivate", account, actor=by, before={"active": True}, after={"active": False}
    )
