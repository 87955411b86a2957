"""Languages: Vietnamese by default, English on request (``?lang=en`` remembered in the session).

Source strings are written in Vietnamese; ``app/translations/en`` translates them.
Dates are shown dd/mm/yyyy in Asia/Ho_Chi_Minh whatever the language.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale

from app.extensions import babel

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args.get("lang")
    if wanted in current_app.config["LANGUAGES"]:
        session["lang"] = wanted
        return wanted
    return session.get("lang", current_app.config["BABEL_DEFAULT_LOCALE"])


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (local date for timestamps); '' for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TZ).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time; '' for None."""
    if value is None:
        return ""
    return value.astimezone(TZ).strftime("%d/%m/%Y %H:%M")


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories="translations",
    )
    app.jinja_env.filters["vn_date"] = format_date
    app.jinja_env.filters["vn_datetime"] = format_datetime
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
