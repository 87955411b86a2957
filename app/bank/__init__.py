"""The question bank: topics, versioned questions, four-eyes review, import and export.

Pages live in ``routes_*`` modules split by concern; services in ``editing``, ``services``
(review), ``importer`` and ``images``; reads in ``queries``.
"""

from flask import Blueprint

bp = Blueprint("bank", __name__, template_folder="templates")

from app.bank import routes  # noqa: E402,F401
