"""Accounts and role grants for administrators (scoped like the admin screens)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import Perm, requires, scope_clause
from app.admin import services
from app.api.schemas import ERRORS, BaseSchema
from app.auth.services import deactivate_account
from app.errors import ApiError
from app.extensions import db
from app.models import Account, Role, RoleGrant, Unit

PREFIX = "/accounts"
blp = Blueprint("api_accounts", __name__, description="Tài khoản và phân quyền theo đơn vị")


class GrantSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    role = fields.Enum(Role, by_value=True, required=True)
    unit_id = fields.Integer(required=True)


class AccountSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(2, 80))
    display_name = fields.String(load_default="", validate=validate.Length(0, 200))
    person_id = fields.Integer(allow_none=True, dump_only=True)
    active = fields.Boolean(dump_only=True)
    must_change_password = fields.Boolean(dump_only=True)
    grants = fields.List(fields.Nested(GrantSchema), dump_only=True)


def _account(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None or any(
        not current_user.can(Perm.ACCOUNTS_MANAGE, g.unit) for g in account.grants
    ):
        abort(404)
    return account


@blp.route("", methods=["GET"])
@blp.response(200, AccountSchema(many=True))
@requires(Perm.ACCOUNTS_MANAGE)
def list_accounts():
    outside = (
        sa.select(RoleGrant.account_id)
        .join(Unit)
        .where(~scope_clause(Perm.ACCOUNTS_MANAGE, Unit.path))
    )
    stmt = sa.select(Account).where(Account.id.not_in(outside)).order_by(Account.username)
    return list(db.session.scalars(stmt))


@blp.route("", methods=["POST"])
@blp.arguments(AccountSchema)
@blp.response(201, AccountSchema)
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.ACCOUNTS_MANAGE)
def create_account(body):
    """Create an account without a password; activate it with a setup code."""
    try:
        account = services.create_account(body["username"], display_name=body["display_name"])
    except services.AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    db.session.commit()
    return account


@blp.route("/<int:account_id>/grants", methods=["POST"])
@blp.arguments(GrantSchema)
@blp.response(201, AccountSchema)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.ACCOUNTS_MANAGE)
def add_grant(body, account_id: int):
    """Grant a role over a unit sub-tree inside the caller's own scope."""
    account = _account(account_id)
    unit = db.session.get(Unit, body["unit_id"])
    if unit is None or not current_user.can(Perm.ACCOUNTS_MANAGE, unit):
        abort(404)
    services.grant_role(account, body["role"], unit)
    db.session.commit()
    return account


@blp.route("/<int:account_id>/deactivate", methods=["POST"])
@blp.response(200, AccountSchema)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.ACCOUNTS_MANAGE)
def deactivate(account_id: int):
    """Deactivate the account and end its sessions and tokens at once."""
    account = _account(account_id)
    if account.id == current_user.account_id:
        raise ApiError(409, "self_deactivation", "Không thể tự vô hiệu hóa tài khoản của mình.")
    deactivate_account(account, by=db.session.get(Account, current_user.account_id))
    db.session.commit()
    return account
