"""Citizen satisfaction surveys: questionnaires, channels, responses, feedback.

Two blueprints: ``bp`` (staff pages under /surveys, every route scoped by unit) and
``public_bp`` (citizens' pages under /s: QR/mobile form, dossier code, kiosk; light,
no Bootstrap, no outside resources).
"""

from flask import Blueprint

bp = Blueprint("surveys", __name__, template_folder="templates")
public_bp = Blueprint("public_survey", __name__, template_folder="templates")

from app.surveys import public_routes, routes  # noqa: E402,F401
