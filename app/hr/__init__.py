"""HR: the period verdict per person, and (next) commendation and reassignment lists."""

from flask import Blueprint

bp = Blueprint("hr", __name__, template_folder="templates")

from app.hr import routes  # noqa: E402,F401
