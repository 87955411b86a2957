"""Home page per role, the language switch, and the health check for the load balancer."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.access import ROLE_LABELS, public
from app.extensions import db
from app.main import bp
from app.main.navigation import nav_items


@bp.app_context_processor
def _inject():
    return {"nav_items": nav_items, "role_labels": ROLE_LABELS}


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    grants = sorted(current_user.grants, key=lambda g: (g.role.value, g.unit_path))
    return render_template(
        "main/home.html", items=nav_items(), grants=grants, unit_names=_unit_names(grants)
    )


def _unit_names(grants) -> dict[int, str]:
    from app.models import Unit

    ids = {g.unit_id for g in grants}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids)))
    return dict(rows.all())


@bp.route("/lang/<lang>")
@public
def set_language(lang: str):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if not target.startswith("/") or parts.netloc or parts.scheme:
        target = url_for("main.home")
    return redirect(target)


@bp.route("/healthz")
@public
def healthz():
    """200 when this instance answers and reaches its database, else 503 (for nginx or a
    load balancer; Redis is left out on purpose: its loss must not empty the whole pool)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: the database does not answer")
        response = jsonify(status="error", database=False)
        response.status_code = 503
    else:
        response = jsonify(status="ok", database=True)
    response.headers["Cache-Control"] = "no-store"
    return response
