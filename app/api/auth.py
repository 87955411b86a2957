"""POST /api/v1/auth/token: exchange a username and password for a bearer token."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import public
from app.api.schemas import BaseSchema, ErrorResponse
from app.audit import record_audit
from app.auth import services
from app.errors import ApiError
from app.extensions import db, limiter

PREFIX = "/auth"
blp = Blueprint("api_auth", __name__, description="Xác thực: cấp mã truy cập (bearer token)")


class TokenRequest(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(1, 80))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    name = fields.String(load_default="", validate=validate.Length(0, 100))
    scopes = fields.String(load_default="*", validate=validate.Length(1, 1000))


class TokenResponse(BaseSchema):
    token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    scopes = fields.String(required=True)


@blp.route("/token", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@blp.arguments(TokenRequest)
@blp.response(201, TokenResponse)
@blp.alt_response(401, schema=ErrorResponse)
@blp.alt_response(422, schema=ErrorResponse)
@blp.alt_response(429, schema=ErrorResponse)
@public
def issue_token(body):
    """Issue a token for scripts and service accounts. Only its hash is stored."""
    account = services.authenticate(body["username"], body["password"])
    if account is None:
        record_audit("auth.token_failed", after={"username": body["username"][:80]})
        db.session.commit()
        raise ApiError(401, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.")
    clear, row = services.issue_token(account, name=body["name"], scopes=body["scopes"])
    record_audit("auth.token_issued", account, actor=account, after={"scopes": row.scopes})
    db.session.commit()
    return {
        "token": clear,
        "token_type": "Bearer",
        "expires_at": row.expires_at,
        "scopes": row.scopes,
    }
