"""Accounts and role grants for administrators (scoped like the admin screens)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import Perm, requires
from app.admin import services
from app.admin.queries import account_in_scope_or_404, accounts_in_scope
from app.api.schemas import ERRORS, BaseSchema
from app.auth.services import deactivate_account
from app.errors import ApiError
from app.extensions import db
from app.models import Account, Role, Unit

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


@blp.route("", methods=["GET"])
@blp.response(200, AccountSchema(many=True))
@requires(Perm.ACCOUNTS_MANAGE)
def list_accounts():
    return list(db.session.scalars(accounts_in_scope()))


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
    account = account_in_scope_or_404(account_id)
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
    account = account_in_scope_or_404(account_id)
    if account.id == current_user.account_id:
        raise ApiError(409, "self_deactivation", "Không thể tự vô hiệu hóa tài khoản của mình.")
    deactivate_account(account, by=db.session.get(Account, current_user.account_id))
    db.session.commit()
    return account
