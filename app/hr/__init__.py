"""HR: the period verdict per person, commendation and reassignment lists, cases and
decisions."""

from flask import Blueprint

bp = Blueprint("hr", __name__, template_folder="templates")

from app.hr import routes, routes_cases, routes_lists  # noqa: E402,F401
