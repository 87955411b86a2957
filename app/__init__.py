"""onestop-assess: competence tests, assessments and citizen surveys for one-stop desks."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from app.config import Config
from app.database import engine_options, init_database


def create_app(config: type[Config] = Config, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.load(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides or {})
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(url),
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    register_extensions(app)
    from app.web import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    register_blueprints(app)
    register_request_hooks(app)
    register_commands(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    return app


def register_extensions(app: Flask) -> None:
    from app import errors, i18n
    from app.auth import loaders
    from app.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    app.after_request(errors.keep_retry_after)  # before the limiter's: runs after it
    limiter.init_app(app)
    i18n.init_app(app)
    loaders.init_app(app, login_manager)


def register_blueprints(app: Flask) -> None:
    from app.access import public
    from app.admin import bp as admin_bp
    from app.analytics.views import bp as analytics_bp
    from app.api import init_api
    from app.assessments import bp as assessments_bp
    from app.auth import bp as auth_bp
    from app.bank import bp as bank_bp
    from app.exams import bp as exams_bp
    from app.hr import bp as hr_bp
    from app.main import bp as main_bp
    from app.org import bp as org_bp
    from app.reports import bp as reports_bp
    from app.surveys import bp as surveys_bp
    from app.surveys import public_bp as public_survey_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(org_bp, url_prefix="/org")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(bank_bp, url_prefix="/bank")
    app.register_blueprint(exams_bp, url_prefix="/exams")
    app.register_blueprint(hr_bp, url_prefix="/hr")
    app.register_blueprint(surveys_bp, url_prefix="/surveys")
    app.register_blueprint(public_survey_bp, url_prefix="/s")
    app.register_blueprint(assessments_bp, url_prefix="/assessments")
    app.register_blueprint(analytics_bp, url_prefix="/analytics")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    init_api(app)
    public(app.view_functions["static"])


def register_request_hooks(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from app import errors, web

    errors.init_app(app)
    web.init_app(app)
    if hops := int(app.config.get("TRUSTED_PROXIES") or 0):
        # Behind nginx every request comes from nginx: take the client from its headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
