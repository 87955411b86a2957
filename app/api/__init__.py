"""The JSON API under /api/v1, documented by an OpenAPI 3 spec generated from this code.

flask-smorest keeps routes, schemas and the spec in one place. Its own app-wide error
handler is not installed: ``app.errors`` answers every error with one JSON shape.
Bearer-token calls need no CSRF token; calls riding on a browser session must send the
``X-CSRFToken`` header on unsafe methods.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_login import current_user
from flask_smorest import Api as _Api
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from app.access import public
from app.api.schemas import ErrorResponse
from app.extensions import csrf


class Api(_Api):
    ERROR_SCHEMA = ErrorResponse  # the spec documents our error shape, not smorest's

    def _register_error_handlers(self) -> None:  # app.errors handles errors for everyone
        return None


api = Api()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _csrf_for_session_calls() -> None:
    if request.method in SAFE_METHODS or not request.path.startswith("/api/"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(getattr(view, "_access", None), "kind", "") == "public":
        return  # public calls (token exchange, citizen responses) do not use the session
    if current_user.is_authenticated and not current_user.via_token:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError as exc:
            raise CSRFError(str(exc)) from exc


def _access_before_body() -> None:
    """Answer the declared access before the body is parsed: an anonymous caller gets 401 and
    one without the permission 403, never a 422 that describes what the call expects."""
    if not request.path.startswith("/api/"):
        return
    access = getattr(current_app.view_functions.get(request.endpoint or ""), "_access", None)
    if access is None or access.kind == "public":
        return
    if not current_user.is_authenticated:
        abort(401)
    if access.perm is not None and not current_user.can(access.perm):
        abort(403)


def init_api(app: Flask) -> None:
    from app.api import (
        accounts,
        analytics,
        analytics_satisfaction,
        assessments,
        auth,
        bank,
        citizen,
        exams,
        hr,
        staff,
        surveys,
        units,
    )

    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api.init_app(app, spec_kwargs={"servers": [{"url": "/"}]})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    for module in (auth, units, staff, accounts, exams, surveys, citizen, bank, assessments, hr,
                   analytics, analytics_satisfaction):  # fmt: skip
        api.register_blueprint(module.blp, url_prefix="/api/v1" + module.PREFIX)
        csrf.exempt(module.blp)
    csrf.exempt("flask_smorest.spec.openapi_json")
    app.before_request(_csrf_for_session_calls)
    app.before_request(_access_before_body)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api-docs."):
            app.view_functions[endpoint] = public(_as_function(view))


def _as_function(view):
    """Wrap a bound method (flask-smorest's spec view) so it can carry a declaration."""

    def spec_view(*args, **kwargs):
        return view(*args, **kwargs)

    return spec_view
