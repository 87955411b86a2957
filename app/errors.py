"""Error responses: JSON with one stable shape under /api/, calm Vietnamese pages elsewhere.

API shape: ``{"error": {"code": "not_found", "message": "…", "details": {...}}}``.
Unexpected errors are logged with the request id and never show a stack trace.
"""

from __future__ import annotations

import contextlib
import logging

import sqlalchemy as sa
from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

from app.extensions import db

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def messages() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Vui lòng đăng nhập."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy trang hoặc dữ liệu yêu cầu."),
        405: _("Thao tác này không được hỗ trợ."),
        409: _("Dữ liệu đã thay đổi hoặc thao tác đã được thực hiện trước đó."),
        413: _("Tệp hoặc dữ liệu gửi lên quá lớn."),
        415: _("Định dạng dữ liệu không được hỗ trợ."),
        422: _("Dữ liệu không hợp lệ."),
        429: _("Bạn thao tác quá nhiều lần. Vui lòng thử lại sau ít phút."),
        500: _("Đã có lỗi xảy ra. Chúng tôi xin lỗi vì sự bất tiện này."),
        503: _("Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau."),
    }


class ApiError(HTTPException):
    """Raise from API code for a domain error with a specific code and details."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.details = details or {}


def error_response(
    status: int, code: str | None = None, message: str | None = None, details: dict | None = None
):
    """The JSON error body and status for the API."""
    body = {
        "error": {
            "code": code or CODES.get(status, "error"),
            "message": message or messages().get(status, _("Đã có lỗi xảy ra.")),
            "details": details or {},
        }
    }
    return jsonify(body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


CSRF_MESSAGE = "Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ biểu mẫu. Vui lòng tải lại trang."


def handle_http(exc: HTTPException):
    status = exc.code or 500
    if isinstance(exc, CSRFError):
        return _csrf_failed()
    if status >= 500:
        db.session.rollback()
    if _wants_json():
        if isinstance(exc, ApiError):
            return error_response(status, exc.error_code, exc.description, exc.details)
        data = getattr(exc, "data", None) or {}
        details = data.get("messages") or data.get("details") or {}
        message = None if exc.description == type(exc).description else exc.description
        return error_response(status, details=details, message=message)
    message = messages().get(status, exc.description)
    headers = exc.get_response().headers if status in (405, 429) else None
    body = render_template(
        "errors/error.html", status=status, message=message, detail=getattr(exc, "user_detail", "")
    )
    return body, status, dict(headers or {})


def _csrf_failed():
    message = _(CSRF_MESSAGE)
    if _wants_json():
        return error_response(400, "csrf_failed", message)
    return render_template("errors/error.html", status=400, message=message, detail=""), 400


def _number_too_large(exc: Exception) -> bool:
    """A number from the request that the database cannot hold (SQLite cannot bind it,
    PostgreSQL says "out of range"): the caller's mistake, not a bug."""
    if isinstance(exc, OverflowError):
        return True
    return isinstance(exc, sa.exc.DataError) and "out of range" in str(exc.orig)


def handle_unexpected(exc: Exception):
    db.session.rollback()
    if _number_too_large(exc):
        log.info("number out of range in request %s: %s", g.get("request_id", "-"), exc)
        return handle_http(BadRequest())
    log.exception("unhandled error, request id %s", g.get("request_id", "-"))
    return handle_http(InternalServerError())


def handle_limits_down(exc: Exception):
    """The rate-limit store (Redis) does not answer: refuse the limited action with a clear
    503 (sign-in stays closed rather than unthrottled); unlimited paths such as exam saves
    never reach here and keep working."""
    db.session.rollback()
    log.error("rate-limit store unavailable (%s), request id %s", exc, g.get("request_id", "-"))
    error = ServiceUnavailable()
    error.user_detail = _(
        "Bộ đếm giới hạn truy cập tạm thời không hoạt động; vui lòng thử lại sau ít phút."
    )
    return handle_http(error)


RETRY_AFTER_S = 5


def handle_database_down(exc: sa.exc.DBAPIError):
    """The database cannot be reached or written (server restarting, disk full, file
    read-only, lock held too long): a clear 503 saying nothing was saved, with Retry-After,
    instead of the apology for a bug. Other database errors are bugs: 500 as usual."""
    if not (isinstance(exc, sa.exc.OperationalError) or exc.connection_invalidated):
        return handle_unexpected(exc)
    with contextlib.suppress(Exception):  # the connection may be gone: nothing to undo
        db.session.rollback()
    log.error("database unavailable (%s), request id %s", exc.orig, g.get("request_id", "-"))
    detail = _(
        "Cơ sở dữ liệu tạm thời không ghi được hoặc không kết nối được; thao tác vừa rồi "
        "chưa được lưu. Vui lòng thử lại sau ít phút."
    )
    if _wants_json():
        response = make_response(error_response(503, "database_unavailable", detail))
    else:
        response = make_response(_database_down_page(detail), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    g.retry_after = RETRY_AFTER_S
    return response


def keep_retry_after(response: Response) -> Response:
    """Registered before the rate limiter, so it runs after it: on a limited route
    Flask-Limiter sets Retry-After to the later of ours and its window's reset (up to
    minutes away), which would tell a client to wait that long for a database that is back
    in seconds."""
    seconds = g.get("retry_after")
    if seconds is not None and response.status_code == 503:
        response.headers["Retry-After"] = str(seconds)
    return response


def _database_down_page(detail: str) -> str:
    try:
        return render_template(
            "errors/error.html", status=503, message=messages()[503], detail=detail
        )
    except Exception:  # the layout needed the database too (the signed-in user)
        log.exception("error page without layout, request id %s", g.get("request_id", "-"))
        return f"<!doctype html><html><body><h1>{escape(messages()[503])}</h1><p>{escape(detail)}"


def init_app(app: Flask) -> None:
    from redis.exceptions import RedisError

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(RedisError, handle_limits_down)
    app.register_error_handler(sa.exc.DBAPIError, handle_database_down)
    app.register_error_handler(Exception, handle_unexpected)
