"""The home page of each role and site-wide helpers (language switch, navigation)."""

from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")

from app.main import routes  # noqa: E402,F401
