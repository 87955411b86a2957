"""Communication-skill assessments: rubrics, rounds, the tablet scoring sheet, results."""

from flask import Blueprint

bp = Blueprint("assessments", __name__, template_folder="templates")

# Route modules register themselves on ``bp``; keep these imports last.
from app.assessments import (  # noqa: E402,F401
    routes,
    routes_reliability,
    routes_rubrics,
    routes_sheet,
)
