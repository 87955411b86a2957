"""Six-monthly knowledge tests: periods, exams, per-person forms, attempts, scoring."""

from flask import Blueprint

bp = Blueprint("exams", __name__, template_folder="templates")

# Route modules register themselves on ``bp``; keep these imports last.
from app.exams import routes_take  # noqa: E402,F401

# isort: split
from app.exams import (  # noqa: E402,F401
    routes_manage,
    routes_manage_edit,
    routes_manage_fixes,
    routes_manage_paper,
    routes_manage_people,
    routes_proctor,
    routes_results,
)
