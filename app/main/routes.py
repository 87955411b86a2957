"""Home page per role, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.access import ROLE_LABELS, public
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
    import sqlalchemy as sa

    from app.extensions import db
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
