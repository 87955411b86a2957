"""Per-request plumbing: request id, forced password change, security headers, bounded ids."""

from __future__ import annotations

import secrets

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from app.extensions import db

# A strict policy: no inline scripts anywhere, no outside origin (closed networks).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
_ALLOWED_WHILE_FORCED = {"auth.change_password", "auth.logout", "static", "main.set_language"}


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` up to the largest id the database holds: a longer number is a 404, not a
    500 from the driver (SQLite cannot bind it)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def _before() -> object | None:
    g.request_id = request.headers.get("X-Request-ID", "")[:40] or secrets.token_hex(8)
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and not current_user.via_token
        and request.endpoint not in _ALLOWED_WHILE_FORCED
        and not request.path.startswith("/api/")
    ):
        return redirect(url_for("auth.change_password"))
    return None


def _personal(response) -> bool:
    """A signed-in user's answer whose view chose no caching of its own ("private", or
    "public" for content-addressed images, are kept)."""
    if not (current_user and current_user.is_authenticated) or request.endpoint == "static":
        return False
    cache = response.headers.get("Cache-Control", "")
    return not any(word in cache for word in ("no-store", "private", "public"))


def _after(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers["X-Request-ID"] = g.get("request_id", "")
    if response.status_code >= 500:
        # Never cached; and no sign-in look-up: the database may be what failed.
        headers.setdefault("Cache-Control", "no-store")
    elif _personal(response):
        # Pages and downloads of a signed-in user (scores, people) must not stay in shared
        # caches: send_file's "no-cache" lets a proxy keep the file, so it becomes no-store.
        headers["Cache-Control"] = "no-store"
    return response


def _teardown(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()


def init_app(app: Flask) -> None:
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
