"""The unit tree, staff profiles, assignment history and staff-list import."""

from flask import Blueprint

bp = Blueprint("org", __name__, template_folder="templates")

from app.org import routes  # noqa: E402,F401
