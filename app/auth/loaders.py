"""Flask-Login wiring: the cookie carries a session token, the API a bearer token."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from app.auth import services


def _load_from_cookie(token: str):
    # A bearer request is judged by its token alone, never by a cookie riding along.
    if _bearer(request):
        return None
    return services.load_session_principal(token)


def _bearer(req) -> bool:
    return req.headers.get("Authorization", "").lower().startswith("bearer ")


def _load_from_header(req):
    if not _bearer(req):
        return None
    return services.load_token_principal(req.headers["Authorization"][7:].strip())


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    # No "remember me" cookie: a session ends when its row is revoked or expires.
    login_manager.user_loader(_load_from_cookie)
    login_manager.request_loader(_load_from_header)
