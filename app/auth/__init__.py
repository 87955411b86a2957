"""Sign-in, sign-out, password change and one-time setup codes."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.auth import routes  # noqa: E402,F401
